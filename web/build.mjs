#!/usr/bin/env node
// Builds the web root the relay serves (docs/web.md):
//
//   node web/build.mjs [--out DIR] [--wasm DIR]
//
//   --out   output folder (default: build/web under the repository)
//   --wasm  folder holding parley_core*.js/.wasm and parley_triage.js/.wasm from the
//           Emscripten build (the wasm/ folder of the build tree); without it the pages
//           build but cannot start the chat core.
//   --model the triage model file (build/triage/default.ptm of the native build),
//           served at /triage/default.ptm for the widget; without it the widget
//           sends messages without reading them first (the relay still does).
//
// Output:
//   index.html demo.css demo.js          the "Acme" demo site embedding the widget
//   loader.js                            the snippet's script (IIFE, tiny)
//   widget/frame.html app.js app.css     the chat app inside the iframe
//   console/index.html console.js console.css
//   parley_core.js parley_core.wasm      the client core (the console)
//   parley_core_visitor.js/.wasm         the same for visitors only (the widget: agents'
//                                        and bots' actions and the triage analysis left
//                                        out, masking kept; wasm/CMakeLists.txt)
//   parley_triage.js/.wasm               the triage analysis alone: the widget fetches it
//                                        with the model, to read messages locally
//   triage/default.ptm                   the intent model (with --model)

import { build, transform } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const web = dirname(fileURLToPath(import.meta.url));
const repo = resolve(web, "..");

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = process.argv[i + 1];
  if (!value || value.startsWith("--")) throw new Error(`${name} needs a value`);
  return resolve(process.cwd(), value);
}

const out = option("--out", join(repo, "build", "web"));
const wasm = option("--wasm", null);
const model = option("--model", null);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  target: "es2019",
  legalComments: "none",
  charset: "utf8",
  logLevel: "warning",
};

// Scripts: classic IIFE bundles, loaded by <script src> under script-src 'self'.
await build({
  ...common,
  format: "iife",
  entryPoints: {
    loader: join(web, "widget/loader.ts"),
    "widget/app": join(web, "widget/app.ts"),
    "console/console": join(web, "console/console.ts"),
  },
  outdir: out,
});

// Stylesheets: @import of web/shared/*.css is inlined.
await build({
  ...common,
  entryPoints: {
    "widget/app": join(web, "widget/app.css"),
    "console/console": join(web, "console/console.css"),
  },
  outdir: out,
});

const copies = [
  ["widget/frame.html", "widget/frame.html"],
  ["console/index.html", "console/index.html"],
  ["demo/index.html", "index.html"],
  ["demo/demo.css", "demo.css"],
  ["demo/demo.js", "demo.js"],
];
for (const [from, to] of copies) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  copyFileSync(join(web, from), join(out, to));
}

const cores = ["parley_core", "parley_core_visitor", "parley_triage"];
if (wasm) {
  for (const core of cores) {
    for (const file of [`${core}.js`, `${core}.wasm`]) {
      const src = join(wasm, file);
      if (!existsSync(src)) throw new Error(`missing ${src}: build the wasm/ targets first`);
      copyFileSync(src, join(out, file));
    }
  }
  // The Emscripten glue as emcc writes it keeps its local names and much of its white
  // space (Debian's emscripten has no closure compiler). esbuild minifies it like our
  // own bundles: about 1 KB less gzip for the widget (issue 6). Top-level names are
  // kept (a classic script: `createParleyCore`, `createParleyTriage` stay globals), and
  // the glue reaches the Wasm exports by string keys, so renaming its locals is safe.
  for (const core of cores) {
    const glue = join(out, `${core}.js`);
    const { code } = await transform(readFileSync(glue, "utf8"), {
      minify: true, target: common.target, legalComments: "none", charset: "utf8" });
    writeFileSync(glue, code);
  }
} else {
  console.warn("build.mjs: no --wasm DIR given; the parley_core*.js/.wasm are not copied");
}

if (model) {
  if (!existsSync(model)) throw new Error(`missing ${model}: build the parley_triage_model target first`);
  mkdirSync(join(out, "triage"), { recursive: true });
  copyFileSync(model, join(out, "triage/default.ptm"));
} else {
  console.warn("build.mjs: no --model FILE given; the widget will not triage in the browser");
}

// Sizes, as a visitor's browser downloads them.
const report = ["loader.js", "widget/app.js", "widget/app.css", "console/console.js", "parley_core.js", "parley_core.wasm",
  "parley_core_visitor.js", "parley_core_visitor.wasm", "parley_triage.js", "parley_triage.wasm", "triage/default.ptm"];
for (const file of report) {
  const path = join(out, file);
  if (!existsSync(path)) continue;
  const bytes = readFileSync(path);
  const kb = (n) => (n / 1024).toFixed(1).padStart(6) + " KB";
  console.log(`${file.padEnd(24)} ${kb(bytes.length)}  gzip ${kb(gzipSync(bytes, { level: 9 }).length)}`);
}
console.log(`web root: ${relative(process.cwd(), out) || "."}`);
