// Triage (P5) in the browser: the intent model, signals and personal-data masking of
// sdk/include/parley/triage_c_api.h, over one or two Wasm modules:
//   - masking (parley_triage_mask) is in every client core, needs no model, and works
//     from the first keystroke;
//   - the analysis (parley_triage_load/_load_error/_free/_analyze: the model's reader)
//     is in the full parley_core (the console, the JS SDK) and in parley_triage.wasm,
//     which the widget fetches with the model: its parley_core_visitor leaves the
//     analysis out, since nothing can be read before the model arrives anyway
//     (wasm/CMakeLists.txt; bench/README.md "Widget weight").
// ParleyTriage is the one API over either: made over a core, it analyses with that
// core when the core has the analysis, else once useAnalysis() gives it the module.
// Each module has its own heap, so every string and the model bytes are copied into
// the module that reads them.
//
// Strings cross the boundary as in core.ts: copied in, result copied out at once.

import { instantiate } from "./instantiate.js";
import type { CoreLoadOptions } from "./types.js";

/** What both kinds of module have: their heap and the string helpers. */
interface HeapModule {
  _malloc(size: number): number;
  _free(ptr: number): void;
  HEAPU8: Uint8Array;
  UTF8ToString(ptr: number): string;
  stringToUTF8(text: string, ptr: number, maxBytes: number): void;
  lengthBytesUTF8(text: string): number;
}

/** Masking: every client core (parley_core, parley_core_visitor). */
export interface MaskModule extends HeapModule {
  _parley_triage_mask(text: number, kinds: number): number;
}

/** The analysis: parley_core and parley_triage (createParleyTriage). */
export interface AnalysisModule extends HeapModule {
  _parley_triage_load(bytes: number, size: number): number;
  _parley_triage_load_error(): number;
  _parley_triage_free(handle: number): void;
  _parley_triage_analyze(handle: number, text: number, topK: number): number;
}

/** The whole triage C API in one module (parley_core.wasm). */
export type TriageModule = MaskModule & AnalysisModule;

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
  private a: AnalysisModule | null;

  /** Masks with `m`; analyses with `analysis`, else with `m` when it has the analysis. */
  constructor(private readonly m: MaskModule, analysis?: AnalysisModule) {
    this.a = analysis ?? ("_parley_triage_analyze" in m ? (m as TriageModule) : null);
  }

  /** Starts parley_triage.wasm, the analysis alone. In a page, load parley_triage.js
   *  with a script tag first (it defines the global `createParleyTriage`); in Node pass
   *  `factory` and `wasmBinary`. */
  static async loadAnalysis(options: CoreLoadOptions = {}): Promise<AnalysisModule> {
    return (await instantiate("createParleyTriage", "parley_triage.js", options)) as AnalysisModule;
  }

  /** Whether a model can be loaded (a module with the analysis is there). */
  get canAnalyze(): boolean {
    return this.a !== null;
  }

  /** Analyses with `analysis` from now on; a model loaded before must be loaded again. */
  useAnalysis(analysis: AnalysisModule): void {
    this.free();
    this.a = analysis;
  }

  /** Loads a model from the bytes of a .ptm file; throws with the core's reason. */
  load(model: Uint8Array): void {
    const a = this.a;
    if (!a) throw new Error("parley: this core has no triage analysis (load parley_triage.js, then useAnalysis)");
    const ptr = a._malloc(model.length || 1);
    if (!ptr) throw new Error("parley: out of memory");
    try {
      a.HEAPU8.set(model, ptr);
      const h = a._parley_triage_load(ptr, model.length);
      if (!h) throw new Error("parley: triage model refused: " + a.UTF8ToString(a._parley_triage_load_error()));
      if (this.handle) a._parley_triage_free(this.handle);
      this.handle = h;
    } finally {
      a._free(ptr);
    }
  }

  get loaded(): boolean {
    return this.handle !== 0;
  }

  /** Intent, confidence, signals; null until a model is loaded. */
  analyze(text: string, topK = 3): Analysis | null {
    const a = this.a;
    if (!this.handle || !a) return null;
    const out = withString(a, text, (t) => a.UTF8ToString(a._parley_triage_analyze(this.handle, t, topK)));
    return JSON.parse(out) as Analysis;
  }

  /** `text` with the given kinds ("email", "phone", "card", "iban") masked. */
  mask(text: string, kinds: readonly string[]): string {
    if (!kinds.length) return text;
    const m = this.m;
    return withString(m, text, (t) =>
      withString(m, kinds.join(","), (k) => {
        const r = m._parley_triage_mask(t, k);
        if (!r) throw new Error("parley: unknown personal data kind in " + kinds.join(","));
        return m.UTF8ToString(r);
      }),
    );
  }

  free(): void {
    if (this.handle && this.a) this.a._parley_triage_free(this.handle);
    this.handle = 0;
  }
}

/** Calls fn with a copy of text in m's heap, freed afterwards. */
function withString<T>(m: HeapModule, text: string, fn: (ptr: number) => T): T {
  const size = m.lengthBytesUTF8(text) + 1;
  const ptr = m._malloc(size);
  if (!ptr) throw new Error("parley: out of memory");
  try {
    m.stringToUTF8(text, ptr, size);
    return fn(ptr);
  } finally {
    m._free(ptr);
  }
}
