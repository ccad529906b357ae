// Starting an Emscripten MODULARIZE module (parley_core.js, parley_triage.js): the
// factory comes from the options (Node, bundlers) or from the global the classic
// script defined (a page that loaded it with a script tag); the Wasm is the given
// bytes, the given URL, or the file beside the script (Emscripten's default).

import type { CoreFactory, CoreLoadOptions } from "./types.js";

export async function instantiate(global: string, script: string, options: CoreLoadOptions): Promise<unknown> {
  const factory: CoreFactory | undefined =
    options.factory ?? (globalThis as unknown as Record<string, CoreFactory | undefined>)[global];
  if (!factory) throw new Error(`parley: ${script} is not loaded (no ${global})`);
  const moduleArg: Record<string, unknown> = {};
  if (options.wasmBinary) moduleArg.wasmBinary = options.wasmBinary;
  if (options.wasmUrl) {
    const url = options.wasmUrl;
    moduleArg.locateFile = (file: string, dir: string) => (file.endsWith(".wasm") ? url : dir + file);
  }
  return factory(moduleArg);
}
