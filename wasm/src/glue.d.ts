// The Emscripten glue of the full client core (build-wasm/wasm/parley_core.js, a
// MODULARIZE factory). Only the npm package imports it (connect.ts): wasm/npm/build.mjs
// resolves this name to the built file when it bundles the package. The widget and the
// console load the glue with a script tag instead (core.ts, instantiate.ts).
declare module "parley-core-glue" {
  const createParleyCore: (moduleArg?: Record<string, unknown>) => Promise<unknown>;
  export default createParleyCore;
}
