// The Wasm client core behind a typed wrapper.
//
// parley_core.js (Emscripten, MODULARIZE) exposes the plain extern "C" functions of
// sdk/include/parley/c_api.h, no embind: strings cross the boundary as UTF-8 in the
// module's heap. We copy every argument in with malloc/stringToUTF8 and free it right
// after the call, and copy every result out with UTF8ToString at once, because the
// core's result strings are only valid until the next call on the same handle.
//
// This file knows nothing of sockets or timers (client.ts owns those), so it works the
// same in a browser, a web view or Node.

import { instantiate } from "./instantiate.js";
import { ParleyTriage, type MaskModule } from "./triage.js";
import type { Action, CoreConfig, CoreEvent, CoreLoadOptions } from "./types.js";

/** The Emscripten module object, as far as we use it. */
interface EmModule {
  _parley_client_new(config: number): number;
  _parley_client_free(client: number): void;
  _parley_client_opened(client: number, now: number): number;
  _parley_client_closed(client: number, code: number, now: number): number;
  _parley_client_receive(client: number, frame: number, now: number): number;
  _parley_client_tick(client: number, now: number): number;
  _parley_client_act(client: number, action: number, now: number): number;
  _parley_client_take_outgoing(client: number): number;
  _parley_client_take_events(client: number): number;
  _parley_client_next_deadline(client: number): number;
  _malloc(size: number): number;
  _free(ptr: number): void;
  UTF8ToString(ptr: number): string;
  stringToUTF8(text: string, ptr: number, maxBytes: number): void;
  lengthBytesUTF8(text: string): number;
}

/** A loaded core module: makes client handles. */
export class ParleyCore {
  private constructor(private readonly m: EmModule) {}

  /** Instantiates parley_core.wasm. In a page, load parley_core.js with a script tag
   *  first (it defines the global `createParleyCore`); in Node pass `factory` and
   *  `wasmBinary`. The npm package's loadCore() (connect.ts) does all that itself. */
  static async load(options: CoreLoadOptions = {}): Promise<ParleyCore> {
    return new ParleyCore((await instantiate("createParleyCore", "parley_core.js", options)) as EmModule);
  }

  /** A new client core; throws when the configuration is refused (bad JSON, no role). */
  create(config: CoreConfig): CoreHandle {
    const ptr = this.withString(JSON.stringify(config), (s) => this.m._parley_client_new(s));
    if (!ptr) throw new Error("parley: the core refused the configuration");
    return new CoreHandle(this.m, ptr, this);
  }

  /** Triage (P5) over the same module: masking always; loading a model and analysing
   *  too in the full parley_core, while the widget's parley_core_visitor leaves the
   *  analysis to parley_triage.wasm (ParleyTriage.useAnalysis; triage.ts). */
  triage(): ParleyTriage {
    return new ParleyTriage(this.m as unknown as MaskModule);
  }

  /** Calls fn with a heap copy of text, freed afterwards. */
  withString<T>(text: string, fn: (ptr: number) => T): T {
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

/** One client core instance (an opaque parley_client*). Every method returns the
 *  core's status: 0, or a protocol error code (docs/protocol.md §6). */
export class CoreHandle {
  private ptr: number;

  constructor(private readonly m: EmModule, ptr: number, private readonly core: ParleyCore) {
    this.ptr = ptr;
  }

  get alive(): boolean {
    return this.ptr !== 0;
  }

  opened(now: number): number {
    return this.ptr ? this.m._parley_client_opened(this.ptr, now) : 0;
  }

  closed(code: number, now: number): number {
    return this.ptr ? this.m._parley_client_closed(this.ptr, code, now) : 0;
  }

  receive(frame: string, now: number): number {
    if (!this.ptr) return 0;
    return this.core.withString(frame, (s) => this.m._parley_client_receive(this.ptr, s, now));
  }

  tick(now: number): number {
    return this.ptr ? this.m._parley_client_tick(this.ptr, now) : 0;
  }

  act(action: Action, now: number): number {
    if (!this.ptr) return 0;
    return this.core.withString(JSON.stringify(action), (s) => this.m._parley_client_act(this.ptr, s, now));
  }

  /** Frames to write to the transport, in order. */
  takeOutgoing(): string[] {
    return this.ptr ? parseArray<string>(this.m.UTF8ToString(this.m._parley_client_take_outgoing(this.ptr))) : [];
  }

  /** Events for the UI, in order. */
  takeEvents(): CoreEvent[] {
    return this.ptr ? parseArray<CoreEvent>(this.m.UTF8ToString(this.m._parley_client_take_events(this.ptr))) : [];
  }

  /** When tick() is due (same clock as the `now` arguments), or -1 for never. */
  nextDeadline(): number {
    return this.ptr ? this.m._parley_client_next_deadline(this.ptr) : -1;
  }

  free(): void {
    if (this.ptr) this.m._parley_client_free(this.ptr);
    this.ptr = 0;
  }
}

function parseArray<T>(text: string): T[] {
  if (!text) return [];
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? (value as T[]) : [];
}
