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
//           served as /triage/default-<hash>.ptm for the widget; without it the widget
//           sends messages without reading them first (the relay still does).
//
// Output (names before hashing; see "Caching" below):
//   index.html demo.css demo.js          the "Acme" demo site embedding the widget
//   loader.js                            the snippet's script (IIFE, tiny)
//   widget/frame.html app.js app.css     the chat app inside the iframe
//   console/index.html console.js console.css
//   console/dashboard.js .css             the supervisor dashboard (with uPlot), loaded when opened
//   parley_core.js parley_core.wasm      the client core (the console)
//   parley_core_visitor.js/.wasm         the same for visitors only (the widget: agents'
//                                        and bots' actions and the triage analysis left
//                                        out, masking kept; wasm/CMakeLists.txt)
//   parley_triage.js/.wasm               the triage analysis alone: the widget fetches it
//                                        with the model, to read messages locally
//   triage/default.ptm                   the intent model (with --model)
//   i18n/fr.json de.json es.json         the widget's other languages (English is in app.js)
//   asset-manifest.json                  { "logical/name": "served/name" } for tools and tests
//
// Caching (docs/operations.md "Caching and compression of the web root"): every file a page fetches gets the first 16
// hex digits of the SHA-256 of its bytes in its name (widget/app.js is served as
// widget/app-<hash>.js), so the relay can let browsers and CDNs keep it for a year: a
// new build is new names. The pages are rewritten to those names: each <script src>
// and <link href> of an HTML page, the Wasm name inside each Emscripten glue (the
// glue's locateFile resolves it beside the glue), and what the widget fetches by URL
// (the model, the analysis module, the language tables: web/shared/assets.ts, PARLEY_ASSETS defined at
// bundle time). Hashes are taken in dependency order (Wasm, then its glue; model,
// analysis and tables, then app.js; scripts and styles, then the pages), so a changed file
// changes the name of everything that names it. Entry points keep their names and are
// revalidated on each use: loader.js (sites paste its URL), index.html, widget/
// frame.html, console/index.html, and asset-manifest.json.
// Precompressed: beside every compressible file, name.gz (zlib level 9) and name.br
// (brotli quality 11), each only when smaller; the relay picks one per request by
// Accept-Encoding (relay/static/).

import { build, transform } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, posix, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants as zlibConstants, gzipSync } from "node:zlib";

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

// ---- writing files: hashed names and the manifest ------------------------------------
const HASH_DIGITS = 16; // relay/static/static_site.hpp checks the same count
const manifest = {}; // logical path → served path, both relative to the web root

const contentHash = (bytes) => createHash("sha256").update(bytes).digest("hex").slice(0, HASH_DIGITS);
function write(path, bytes) {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), bytes);
}
/** Writes `bytes` as the logical file `path`, under a hashed name unless `entry`;
 *  returns the served path. */
function emit(path, bytes, { entry = false } = {}) {
  const served = entry ? path : path.replace(/(\.[^./]+)$/, `-${contentHash(bytes)}$1`);
  write(served, bytes);
  manifest[path] = served;
  return served;
}

const common = {
  bundle: true,
  minify: true,
  target: "es2019",
  legalComments: "none",
  charset: "utf8",
  logLevel: "warning",
  write: false,
  // The console's newer views are Preact components (web/console/views/*.tsx): JSX
  // compiles to preact's jsx() calls, imported where used.
  jsx: "automatic",
  jsxImportSource: "preact",
};
/** Builds esbuild entry points {logical name without extension: source} and emits each
 *  output (as `entry` for the names in `entries`). */
async function bundle(options, entries = []) {
  const result = await build({ ...common, ...options, outdir: "/virtual" });
  for (const file of result.outputFiles) {
    const path = relative("/virtual", file.path).split("\\").join("/");
    emit(path, Buffer.from(file.contents), { entry: entries.includes(path) });
  }
}

// ---- the Wasm cores: the .wasm, then its glue naming it --------------------------------
const cores = ["parley_core", "parley_core_visitor", "parley_triage"];
if (wasm) {
  for (const core of cores) {
    for (const file of [`${core}.js`, `${core}.wasm`]) {
      const src = join(wasm, file);
      if (!existsSync(src)) throw new Error(`missing ${src}: build the wasm/ targets first`);
    }
    const wasmPath = emit(`${core}.wasm`, readFileSync(join(wasm, `${core}.wasm`)));
    // The Emscripten glue as emcc writes it keeps its local names and much of its white
    // space (Debian's emscripten has no closure compiler). esbuild minifies it like our
    // own bundles: about 1 KB less gzip for the widget (issue 6). Top-level names are
    // kept (a classic script: `createParleyCore`, `createParleyTriage` stay globals), and
    // the glue reaches the Wasm exports by string keys, so renaming its locals is safe.
    let { code } = await transform(readFileSync(join(wasm, `${core}.js`), "utf8"), {
      minify: true, target: common.target, legalComments: "none", charset: "utf8" });
    // The glue fetches locateFile("<core>.wasm"), i.e. beside itself: name the hashed
    // file instead. Exactly one literal, or this emcc writes glue we do not understand.
    const literal = JSON.stringify(`${core}.wasm`);
    if (code.split(literal).length !== 2) throw new Error(`${core}.js: expected one ${literal} in the glue`);
    code = code.replace(literal, JSON.stringify(basename(wasmPath)));
    emit(`${core}.js`, Buffer.from(code));
  }
} else {
  console.warn("build.mjs: no --wasm DIR given; the parley_core*.js/.wasm are not copied");
}

if (model) {
  if (!existsSync(model)) throw new Error(`missing ${model}: build the parley_triage_model target first`);
  emit("triage/default.ptm", readFileSync(model));
} else {
  console.warn("build.mjs: no --model FILE given; the widget will not triage in the browser");
}

// The widget's languages other than English (web/shared/i18n.ts): one table each, fetched
// for the visitor's language only. Minified JSON.
const langs = readdirSync(join(web, "shared/i18n")).filter((f) => f.endsWith(".json")).sort();
for (const file of langs)
  emit(`i18n/${file}`, Buffer.from(JSON.stringify(JSON.parse(readFileSync(join(web, "shared/i18n", file), "utf8")))));

// ---- scripts and styles ---------------------------------------------------------------
// What the widget loads only when needed (widget/extras.ts: past conversations, uploads);
// bundled first, so the widget knows its hashed name.
await bundle({ format: "iife", entryPoints: { "widget/extras": join(web, "widget/extras.ts") } });

// What the console loads only when a supervisor opens the dashboard (console/
// dashboard/dashboard.tsx: the view and uPlot, from npm), script and stylesheet.
await bundle({ format: "iife", entryPoints: { "console/dashboard": join(web, "console/dashboard/dashboard.tsx") } });
await bundle({ entryPoints: { "console/dashboard": join(web, "console/dashboard/dashboard.css") } });

// What the widget and the console fetch by URL (web/shared/assets.ts): the model, the
// analysis module, the language tables, the widget's extras and the console's
// dashboard, under their hashed names.
const fetched = Object.fromEntries(["triage/default.ptm", "parley_triage.js", ...langs.map((f) => `i18n/${f}`),
  "widget/extras.js", "console/dashboard.js", "console/dashboard.css"].filter((p) => manifest[p])
  .map((p) => [p, manifest[p]]));

// Scripts: classic IIFE bundles, loaded by <script src> under script-src 'self'. The
// loader is an entry point: sites paste its URL.
await bundle({
  format: "iife",
  entryPoints: {
    loader: join(web, "widget/loader.ts"),
    "widget/app": join(web, "widget/app.ts"),
    "console/console": join(web, "console/console.ts"),
  },
  define: { PARLEY_ASSETS: JSON.stringify(fetched) },
}, ["loader.js"]);

// Stylesheets: @import of web/shared/*.css is inlined.
await bundle({
  entryPoints: {
    "widget/app": join(web, "widget/app.css"),
    "console/console": join(web, "console/console.css"),
  },
});

emit("demo.css", readFileSync(join(web, "demo/demo.css")));
emit("demo.js", readFileSync(join(web, "demo/demo.js")));

// ---- the pages: every src/href naming a file of the manifest, to its served name ------
const pages = [
  ["widget/frame.html", "widget/frame.html"],
  ["console/index.html", "console/index.html"],
  ["demo/index.html", "index.html"],
];
for (const [from, to] of pages) {
  const dir = posix.dirname(to);
  const html = readFileSync(join(web, from), "utf8").replace(/\b(src|href)="([^"#?:]+)"/g, (all, attr, ref) => {
    const logical = ref.startsWith("/") ? ref.slice(1) : posix.normalize(posix.join(dir, ref));
    const served = manifest[logical];
    if (!served || served === logical) return all;
    const rewritten = ref.startsWith("/") ? "/" + served : posix.relative(dir, served);
    return `${attr}="${rewritten}"`;
  });
  emit(to, Buffer.from(html), { entry: true });
}
write("asset-manifest.json", Buffer.from(JSON.stringify(manifest, null, 1) + "\n"));

// ---- precompressed siblings ------------------------------------------------------------
const COMPRESSIBLE = /\.(html|js|mjs|css|wasm|json|svg|txt|map|ptm)$/;
function* files(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}
const sizes = new Map(); // served path → { raw, gzip, br } as the relay can send it
for (const path of [...files(out)]) {
  if (!COMPRESSIBLE.test(path)) continue;
  const bytes = readFileSync(path);
  const gz = gzipSync(bytes, { level: 9 });
  const br = brotliCompressSync(bytes, { params: {
    [zlibConstants.BROTLI_PARAM_QUALITY]: 11,
    [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    [zlibConstants.BROTLI_PARAM_MODE]: /\.(wasm|ptm)$/.test(path) ? zlibConstants.BROTLI_MODE_GENERIC
                                                                  : zlibConstants.BROTLI_MODE_TEXT,
  } });
  if (gz.length < bytes.length) writeFileSync(path + ".gz", gz);
  if (br.length < bytes.length) writeFileSync(path + ".br", br);
  sizes.set(relative(out, path).split("\\").join("/"),
            { raw: bytes.length, gzip: Math.min(gz.length, bytes.length), br: Math.min(br.length, bytes.length) });
}

// Sizes, as a visitor's browser downloads them.
const report = ["loader.js", "widget/frame.html", "widget/app.js", "widget/app.css", "console/console.js",
  "console/dashboard.js", "console/dashboard.css",
  "parley_core.js", "parley_core.wasm", "parley_core_visitor.js", "parley_core_visitor.wasm", "parley_triage.js",
  "parley_triage.wasm", "triage/default.ptm"];
const kb = (n) => (n / 1024).toFixed(1).padStart(6) + " KB";
for (const file of report) {
  const size = sizes.get(manifest[file]);
  if (size) console.log(`${file.padEnd(26)} ${kb(size.raw)}  gzip ${kb(size.gzip)}  br ${kb(size.br)}`);
}
console.log(`web root: ${relative(process.cwd(), out) || "."}`);
