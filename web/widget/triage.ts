// The widget's triage (P5, P7): before a message leaves the browser it is masked per
// the site's policy (the visitor's welcome names the kinds), and read by the intent
// model so the page can react at once. The relay recomputes both on its side and never
// trusts ours; masking here only means the data never travels.
//
// Masking is in the chat core (parley_core_visitor) and needs no model: it works from
// the first keystroke. The reading needs the model file (/triage/default.ptm, 124 KB
// gzip) and the analysis module that reads it (/parley_triage.js + .wasm, which the
// chat core leaves out to keep the chat app within its weight budget: bench/README.md
// "Widget weight"). Both are fetched in the background once the core is up, side by
// side; until both have arrived, messages are sent without a local reading.

import type { ParleyCore } from "../../wasm/src/core";
import { ParleyTriage, type Analysis, type AnalysisModule } from "../../wasm/src/triage";

// Before the first welcome names the site's policy: what parley-relay masks by default.
const DEFAULT_KINDS = ["card", "iban"];

export class WidgetTriage {
  private readonly t: ParleyTriage;
  private kinds: string[] = DEFAULT_KINDS;

  /** modelUrl: the .ptm file; analysisUrl: parley_triage.js (its .wasm beside it). */
  constructor(core: ParleyCore, modelUrl: string, analysisUrl: string) {
    this.t = core.triage();
    void this.fetchReader(modelUrl, analysisUrl);
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

  private async fetchReader(modelUrl: string, analysisUrl: string): Promise<void> {
    try {
      const [analysis, model] = await Promise.all([
        this.t.canAnalyze ? null : loadAnalysis(analysisUrl),
        fetch(modelUrl).then((res) => {
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          return res.arrayBuffer();
        }),
      ]);
      if (analysis) this.t.useAnalysis(analysis);
      this.t.load(new Uint8Array(model));
      performance.mark("parley:triage-ready"); // bench/size.sh, tests/browser/triage.test.mjs
    } catch (err) {
      console.warn("parley: no triage model in the browser", modelUrl, err);
    }
  }
}

// parley_triage.js is a classic script (script-src 'self'): it defines the global
// createParleyTriage, which fetches parley_triage.wasm from beside it.
function loadAnalysis(url: string): Promise<AnalysisModule> {
  return new Promise<void>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error("cannot load " + url));
    document.head.appendChild(script);
  }).then(() => ParleyTriage.loadAnalysis());
}
