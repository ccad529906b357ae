#!/usr/bin/env node
// Builds the npm package @parley/sdk (issue 17, P2) and packs it with `npm pack`:
//
//   node wasm/npm/build.mjs --wasm build-wasm/wasm --out build/npm
//
//   --wasm  the wasm/ folder of the Emscripten build (parley_core.js + .wasm)
//   --out   where the package folder and the tarball go (default: build/npm)
//
// Output:
//   OUT/package/                   the package as npm installs it:
//     package.json                 type module, exports (types, default), files, version
//                                  from the CMake project, sideEffects false, no dependencies
//     index.js                     ESM: wasm/src (client, core, triage, connect) and the
//                                  Emscripten glue, bundled into one module by esbuild
//     *.d.ts                       declarations from tsc (wasm/tsconfig.json)
//     parley_core.wasm             the full client core, found by index.js beside itself
//     README.md                    wasm/npm/README.md
//   OUT/parley-sdk-VERSION.tgz     `npm pack` of it (what tests/package/npm_package.test.mjs installs)
//
// Which core: the full parley_core (every role, the triage analysis), not the widget's
// visitor-only one. App teams build visitors' chats *and* their own agent tools on it,
// and the SDK is where P2's local triage runs; the cost is 19 KB gzip over the visitor
// core, which the widget (served by the relay, not from npm) keeps avoiding.

import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = process.argv[i + 1];
  if (!value || value.startsWith("--")) throw new Error(`${name} needs a value`);
  return resolve(process.cwd(), value);
}

const wasm = option("--wasm", join(repo, "build-wasm", "wasm"));
const out = option("--out", join(repo, "build", "npm"));
const stage = join(out, "package");
for (const file of ["parley_core.js", "parley_core.wasm"])
  if (!existsSync(join(wasm, file))) throw new Error(`missing ${join(wasm, file)}: build the wasm/ targets first`);

// One version for everything the project ships: the CMake project's (the relay's
// --version, libparley's parley.pc).
const cmake = readFileSync(join(repo, "CMakeLists.txt"), "utf8");
const version = /^project\(parley VERSION (\d+\.\d+\.\d+)/m.exec(cmake)?.[1];
if (!version) throw new Error("no `project(parley VERSION x.y.z` in CMakeLists.txt");

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
for (const old of readdirSync(out)) if (/^parley-sdk-.*\.tgz$/.test(old)) rmSync(join(out, old));

// index.js: one ES module. The glue (a classic script / CommonJS module) is imported by
// connect.ts under the name "parley-core-glue" (wasm/src/glue.d.ts); esbuild wraps it
// as CommonJS inside the bundle. Not minified: apps minify their own bundles, and a
// readable library is easier to debug.
await build({
  entryPoints: [join(repo, "wasm/src/index.ts")],
  outfile: join(stage, "index.js"),
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2020",
  charset: "utf8",
  legalComments: "none",
  logLevel: "warning",
  banner: { js: `// @parley/sdk ${version}: the Parley client core (WebAssembly) and its WebSocket transport.` },
  plugins: [{
    name: "parley-core-glue",
    setup(b) {
      b.onResolve({ filter: /^parley-core-glue$/ }, () => ({ path: join(wasm, "parley_core.js") }));
    },
  }],
});

// Declarations only: the JavaScript is esbuild's.
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", join(repo, "wasm/tsconfig.json"), "--emitDeclarationOnly", "--outDir", stage],
             { stdio: "inherit" });

copyFileSync(join(wasm, "parley_core.wasm"), join(stage, "parley_core.wasm"));
copyFileSync(join(here, "README.md"), join(stage, "README.md"));

const manifest = {
  name: "@parley/sdk",
  version,
  description: "Parley's client SDK: the chat core in WebAssembly with a WebSocket transport, for browsers and Node",
  keywords: ["chat", "live-chat", "customer-messaging", "websocket", "webassembly"],
  // The project has not chosen a license yet: "UNLICENSED" (all rights reserved) until it
  // does; one line to change here.
  license: "UNLICENSED",
  type: "module",
  main: "./index.js",
  types: "./index.d.ts",
  exports: {
    ".": { types: "./index.d.ts", default: "./index.js" },
    // For build tools that need the file itself (Vite's `?url`, a copy step).
    "./parley_core.wasm": "./parley_core.wasm",
    "./package.json": "./package.json",
  },
  files: ["index.js", "*.d.ts", "parley_core.wasm"],
  sideEffects: false,
  engines: { node: ">=20.16" },
};
writeFileSync(join(stage, "package.json"), JSON.stringify(manifest, null, 2) + "\n");

// npm pack: the tarball app teams install. No scripts run, nothing fetched.
const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", out],
                                       { cwd: stage, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }))[0];
const kb = (n) => (n / 1024).toFixed(1) + " KB";
console.log(`${relative(process.cwd(), join(out, packed.filename))}: ${packed.entryCount} files, ` +
            `${kb(packed.size)} packed, ${kb(packed.unpackedSize)} unpacked`);
