// @parley/sdk: the Parley client core (WebAssembly) with a WebSocket transport. ESM
// entry of the npm package (wasm/npm/build.mjs); parley_core.wasm ships beside it.
export { connect, loadCore, type ConnectOptions } from "./connect.js";
export { ParleyClient, SUBPROTOCOL } from "./client.js";
export { ParleyCore, CoreHandle } from "./core.js";
export { ParleyTriage, type Analysis, type AnalysisModule, type MaskModule } from "./triage.js";
export type * from "./types.js";
