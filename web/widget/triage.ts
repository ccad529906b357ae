// The widget's triage (P5, P7): before a message leaves the browser it is masked per
// the site's policy (the visitor's welcome names the kinds), and read by the intent
// model so the page can react at once. The relay recomputes both on its side and never
// trusts ours; masking here only means the data never travels.
//
// Masking needs no model: it works from the first keystroke. The model file
// (/triage/default.ptm) is fetched in the background; until it arrives, messages are
// sent without a local reading.

import type { ParleyCore } from "../../wasm/src/core";
import type { Analysis, ParleyTriage } from "../../wasm/src/triage";

// Before the first welcome names the site's policy: what parley-relay masks by default.
const DEFAULT_KINDS = ["card", "iban"];

export class WidgetTriage {
  private readonly t: ParleyTriage;
  private kinds: string[] = DEFAULT_KINDS;

  constructor(core: ParleyCore, modelUrl: string) {
    this.t = core.triage();
    void this.fetchModel(modelUrl);
  }

  /** The kinds the welcome asked for (an empty list: mask nothing). */
  setPolicy(kinds: string[] | undefined): void {
    if (kinds) this.kinds = kinds.filter((k) => ["email", "phone", "card", "iban"].includes(k));
  }

  /** The text to send (masked) and the local reading of what the visitor wrote. */
  prepare(text: string): { text: string; reading: Analysis | null } {
    let masked = text;
    try {
      masked = this.t.mask(text, this.kinds);
    } catch (err) {
      console.warn("parley: masking failed", err);
    }
    return { text: masked, reading: this.t.analyze(text, 1) };
  }

  private async fetchModel(url: string): Promise<void> {
    try {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      this.t.load(new Uint8Array(await res.arrayBuffer()));
    } catch (err) {
      console.warn("parley: no triage model in the browser", url, err);
    }
  }
}
