// Triage (P5) in the browser: the intent model, signals and personal-data masking of
// sdk/include/parley/triage_c_api.h, over the same Wasm module as the client core.
//
// Masking needs no model, so a page can mask before the model file has arrived.
// Strings cross the boundary as in core.ts: copied in, result copied out at once.

/** The triage exports of parley_core.wasm, as far as we use them. */
export interface TriageModule {
  _parley_triage_load(bytes: number, size: number): number;
  _parley_triage_load_error(): number;
  _parley_triage_free(handle: number): void;
  _parley_triage_analyze(handle: number, text: number, topK: number): number;
  _parley_triage_mask(text: number, kinds: number): number;
  _malloc(size: number): number;
  _free(ptr: number): void;
  HEAPU8: Uint8Array;
  UTF8ToString(ptr: number): string;
  stringToUTF8(text: string, ptr: number, maxBytes: number): void;
  lengthBytesUTF8(text: string): number;
}

/** One message read by the model (parley_triage_analyze). */
export interface Analysis {
  intent: string;
  confidence: number;
  top: { label: string; confidence: number }[];
  /** "human" | "frustrated" | "urgent" | "closing" | "pii" */
  signals: string[];
  /** Kinds of personal data found: "email" | "phone" | "card" | "iban". */
  pii: string[];
}

export class ParleyTriage {
  private handle = 0;

  constructor(private readonly m: TriageModule) {}

  /** Loads a model from the bytes of a .ptm file; throws with the core's reason. */
  load(model: Uint8Array): void {
    const ptr = this.m._malloc(model.length || 1);
    if (!ptr) throw new Error("parley: out of memory");
    try {
      this.m.HEAPU8.set(model, ptr);
      const h = this.m._parley_triage_load(ptr, model.length);
      if (!h) throw new Error("parley: triage model refused: " + this.m.UTF8ToString(this.m._parley_triage_load_error()));
      if (this.handle) this.m._parley_triage_free(this.handle);
      this.handle = h;
    } finally {
      this.m._free(ptr);
    }
  }

  get loaded(): boolean {
    return this.handle !== 0;
  }

  /** Intent, confidence, signals; null until a model is loaded. */
  analyze(text: string, topK = 3): Analysis | null {
    if (!this.handle) return null;
    const out = this.withString(text, (t) => this.m.UTF8ToString(this.m._parley_triage_analyze(this.handle, t, topK)));
    return JSON.parse(out) as Analysis;
  }

  /** `text` with the given kinds ("email", "phone", "card", "iban") masked. */
  mask(text: string, kinds: readonly string[]): string {
    if (!kinds.length) return text;
    return this.withString(text, (t) =>
      this.withString(kinds.join(","), (k) => {
        const r = this.m._parley_triage_mask(t, k);
        if (!r) throw new Error("parley: unknown personal data kind in " + kinds.join(","));
        return this.m.UTF8ToString(r);
      }),
    );
  }

  free(): void {
    if (this.handle) this.m._parley_triage_free(this.handle);
    this.handle = 0;
  }

  private withString<T>(text: string, fn: (ptr: number) => T): T {
    const size = this.m.lengthBytesUTF8(text) + 1;
    const ptr = this.m._malloc(size);
    if (!ptr) throw new Error("parley: out of memory");
    try {
      this.m.stringToUTF8(text, ptr, size);
      return fn(ptr);
    } finally {
      this.m._free(ptr);
    }
  }
}
