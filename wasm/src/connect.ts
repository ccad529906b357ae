// The npm package's way in (@parley/sdk; built by wasm/npm/build.mjs): the client core
// with its Emscripten glue bundled in, its .wasm found beside this module, and the
// client's WebSocket transport (client.ts), so an app needs no script tag and no setup:
//
//   const chat = await connect("wss://chat.example.com/ws", { name: "Ada" });
//
// Where the .wasm comes from, first match wins:
//   options.wasmBinary  the bytes (an app that embeds or fetches them itself);
//   options.wasmUrl     a URL the glue fetches;
//   else new URL("./parley_core.wasm", import.meta.url): the file in the package.
//     webpack 5 and Vite recognise the expression and emit the file as an asset of the
//     app; esbuild leaves it as it is, so an ESM bundle looks beside itself (the app
//     copies the file there: docs/sdk.md "JavaScript"). An http(s) URL is fetched and
//     compiled with WebAssembly.instantiateStreaming by the glue; a file: URL (Node,
//     where fetch cannot read files) is read with node:fs, reached through
//     process.getBuiltinModule rather than an import, so browser bundlers never see a
//     Node module (Node >= 20.16).
//
// One core (one Wasm instance, one heap) serves every client of the page: connect() and
// loadCore() without load options share it, and each client is a handle in it.

import createParleyCore from "parley-core-glue";
import { ParleyClient } from "./client.js";
import { ParleyCore } from "./core.js";
import type { ClientOptions, CoreLoadOptions, SocketConstructor } from "./types.js";

/** Options of connect(): those of ParleyClient without the URL; `role` defaults to
 *  "visitor". */
export type ConnectOptions = Omit<ClientOptions, "url" | "role"> & { role?: ClientOptions["role"] };

let shared: Promise<ParleyCore> | null = null;

/** Loads the client core (parley_core.wasm). Without options, once: later calls get the
 *  same core. Rejects when the .wasm cannot be found or compiled (the message says why). */
export function loadCore(options: CoreLoadOptions = {}): Promise<ParleyCore> {
  if (options.factory || options.wasmBinary || options.wasmUrl) return load(options);
  if (!shared) {
    const loading = load({});
    shared = loading;
    loading.catch(() => {
      if (shared === loading) shared = null; // a later call tries again
    });
  }
  return shared;
}

/** Loads the core (see loadCore), makes a client for the relay at `url` (its WebSocket
 *  endpoint, e.g. `wss://chat.example.com/ws`) and starts connecting; resolves with the
 *  client. Nothing arrives before the caller's next line runs (the socket's events come
 *  in later turns of the event loop), so listeners added right after `await` see the
 *  `welcome`. The client reconnects by itself; `disconnect()` or `destroy()` ends it.
 *  Rejects when there is no WebSocket to use (Node < 22 without a flag: pass one in
 *  `options.WebSocket`) or the core cannot load. */
export async function connect(url: string, options: ConnectOptions = {}): Promise<ParleyClient> {
  const Socket = options.WebSocket ?? (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
  if (!Socket)
    throw new Error(
      "parley: no WebSocket in this runtime: Node 22 and later have one (Node 20 and 21 with " +
        "--experimental-websocket), or pass options.WebSocket (the `ws` package's fits)",
    );
  const core = await loadCore(options);
  const client = new ParleyClient(core, { ...options, WebSocket: Socket, role: options.role ?? "visitor", url });
  client.connect();
  return client;
}

async function load(options: CoreLoadOptions): Promise<ParleyCore> {
  const factory = options.factory ?? createParleyCore;
  if (options.wasmBinary) return start({ ...options, factory }, "the given wasmBinary");
  if (options.wasmUrl) return start({ ...options, factory }, options.wasmUrl);
  const url = packagedWasm();
  if (url.protocol === "file:") {
    const bytes = await readWithNodeFs(url);
    if (bytes) return start({ factory, wasmBinary: bytes }, url.href);
    // No node:fs (Deno, Bun without it): their fetch reads file: URLs.
  }
  return start({ factory, wasmUrl: url.href }, url.href);
}

/** The glue's own failures say little ("fetch failed", "Aborted(…)"): name the file. */
async function start(options: CoreLoadOptions, from: string): Promise<ParleyCore> {
  try {
    return await ParleyCore.load(options);
  } catch (err) {
    throw new Error(`parley: cannot load the client core from ${from}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The .wasm of the package. The expression must stay literal: bundlers look for it. */
function packagedWasm(): URL {
  try {
    return new URL("./parley_core.wasm", import.meta.url);
  } catch {
    // An IIFE or CommonJS bundle has no import.meta.url.
    throw new Error(
      "parley: cannot locate parley_core.wasm (this bundle has no import.meta.url): " +
        "bundle as ES modules, or pass wasmUrl or wasmBinary",
    );
  }
}

interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule?(id: string): unknown;
}
interface NodeFsPromises {
  readFile(path: URL): Promise<Uint8Array>;
}

async function readWithNodeFs(url: URL): Promise<Uint8Array | null> {
  const proc = (globalThis as { process?: NodeProcess }).process;
  const fs = proc?.getBuiltinModule?.("node:fs/promises") as NodeFsPromises | undefined;
  if (fs) {
    try {
      return await fs.readFile(url);
    } catch (err) {
      throw new Error(`parley: cannot read ${url.href}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (proc?.versions?.node)
    throw new Error(
      `parley: cannot read ${url.href}: Node ${proc.versions.node} has no process.getBuiltinModule ` +
        "(Node >= 20.16 has it), or pass wasmBinary",
    );
  return null;
}
