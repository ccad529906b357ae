// @parley/client: the Parley client core (WebAssembly) with a WebSocket transport.
// ESM entry of the npm package layout; parley_core.js/.wasm ship beside it.
export { ParleyClient, SUBPROTOCOL } from "./client.js";
export { ParleyCore, CoreHandle } from "./core.js";
export { ParleyTriage, type Analysis, type AnalysisModule, type MaskModule } from "./triage.js";
export type * from "./types.js";
