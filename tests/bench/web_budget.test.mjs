// The widget's weight budgets (issue 6; bench/README.md "Widget weight"), checked on the
// built web root: sizes are deterministic, so a change that breaks a budget fails here
// at once, not at the next bench/size.sh run.
//   - the chat app ≤ 60 KiB gzip. The chat app is what the frame needs before the
//     visitor's first message can be sent: widget/frame.html plus every script and
//     stylesheet it names (app.js, app.css, the core's glue) plus the glue's Wasm (the
//     core the frame names, so pointing the widget at another core is counted too).
//     Not counted: what the widget fetches in the background once the chat is up and
//     never waits for, i.e. the triage model (/triage/default.ptm) and the analysis
//     module that reads it (/parley_triage.js + .wasm); until both have arrived,
//     messages are sent without a local reading. Both are printed.
//   - the loader ≤ 5 KiB gzip.
//   - that split is real: the core the frame loads masks (parley_triage_mask, needed
//     from the first keystroke) but does not export the analysis (parley_triage_load,
//     _load_error, _free, _analyze), which parley_triage.wasm does. Putting the
//     analysis back into the widget's core, outside the budget's count, fails here.
// gzip is zlib level 9 over the bytes as served, as web/build.mjs and bench/size.sh
// compute it. Prints every figure.
//
// Env: PARLEY_WEB_ROOT (a web root built with --wasm, e.g. build/web).
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { gzipSync } from "node:zlib";

const root = process.env.PARLEY_WEB_ROOT;
const APP_BUDGET = 60 * 1024;
const LOADER_BUDGET = 5 * 1024;

function weigh(path) {
  const bytes = readFileSync(join(root, path));
  return { path, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

// The Wasm an Emscripten glue (web-root path of the .js) fetches: the one .wasm name it
// holds (web/build.mjs writes the hashed name there), beside the glue; null for a script
// that is not a glue.
function wasmOf(glue) {
  const names = [...readFileSync(join(root, glue), "utf8").matchAll(/"([\w.-]+\.wasm)"/g)].map((m) => m[1]);
  const wasm = names.length === 1 ? posix.join(posix.dirname(glue), names[0]) : null;
  return wasm && existsSync(join(root, wasm)) ? wasm : null;
}

// A logical web-root path ("parley_triage.js") as served (hashed: asset-manifest.json).
function served(logical) {
  const manifest = join(root, "asset-manifest.json");
  return (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8"))[logical]) || logical;
}

// The files the chat frame loads, as web-root paths: itself, its scripts and
// stylesheets, and for an Emscripten glue the Wasm it fetches.
function chatApp() {
  const frame = "widget/frame.html";
  const html = readFileSync(join(root, frame), "utf8");
  const refs = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g), ...html.matchAll(/<link\b[^>]*\bhref="([^"]+\.css)"/g)]
    .map((m) => posix.normalize(posix.join("widget", m[1])));
  const files = [frame, ...refs];
  for (const ref of refs) {
    const wasm = ref.endsWith(".js") ? wasmOf(ref) : null;
    if (wasm) files.push(wasm);
  }
  return files.map(weigh);
}

// Instantiates a Wasm module of the web root from its glue (web-root path of the .js),
// as Node can: the glue is a classic script / CommonJS module, required as a .cjs copy.
async function instantiate(glue) {
  const dir = mkdtempSync(join(tmpdir(), "parley-budget-"));
  copyFileSync(join(root, glue), join(dir, "glue.cjs"));
  const factory = createRequire(import.meta.url)(join(dir, "glue.cjs"));
  rmSync(dir, { recursive: true, force: true });
  return factory({ wasmBinary: readFileSync(join(root, wasmOf(glue))) });
}

const ANALYSIS = ["_parley_triage_load", "_parley_triage_load_error", "_parley_triage_free", "_parley_triage_analyze"];
const row = (f) => `${f.path.padEnd(32)} ${String(f.raw).padStart(7)} B  ${String(f.gzip).padStart(6)} B gzip`;

test("the widget's chat app is within 60 KiB gzip and its loader within 5 KiB", { skip: !root }, () => {
  const app = chatApp();
  assert.ok(app.some((f) => f.path.endsWith(".wasm")), "the frame loads a Wasm core (web root built with --wasm)");
  const loader = weigh("loader.js");
  const total = app.reduce((s, f) => ({ raw: s.raw + f.raw, gzip: s.gzip + f.gzip }), { raw: 0, gzip: 0 });
  for (const f of app) console.log(row(f));
  console.log(row({ path: "chat app", ...total }) + `  budget ${APP_BUDGET} B: ${APP_BUDGET - total.gzip} B left`);
  console.log(row(loader) + `  budget ${LOADER_BUDGET} B: ${LOADER_BUDGET - loader.gzip} B left`);
  // Fetched in the background with the model, not waited for: outside the budget.
  for (const path of ["parley_triage.js", "parley_triage.wasm", "triage/default.ptm"].map(served))
    if (existsSync(join(root, path))) console.log(row(weigh(path)) + "  with the model, outside the budget");
  assert.ok(total.gzip <= APP_BUDGET, `chat app ${total.gzip} B gzip > ${APP_BUDGET} B (bench/README.md "Widget weight")`);
  assert.ok(loader.gzip <= LOADER_BUDGET, `loader ${loader.gzip} B gzip > ${LOADER_BUDGET} B`);
});

test("the widget's core masks but leaves the triage analysis to parley_triage.wasm", { skip: !root }, async () => {
  const glues = chatApp().map((f) => f.path).filter((p) => p.endsWith(".js") && wasmOf(p));
  assert.equal(glues.length, 1, `the frame loads one Wasm core: ${glues.join(", ")}`);
  const core = await instantiate(glues[0]);
  assert.equal(typeof core._parley_triage_mask, "function", `${glues[0]} masks (from the first keystroke)`);
  for (const f of ANALYSIS)
    assert.equal(core[f], undefined, `${glues[0]} exports ${f}: the analysis belongs in parley_triage.wasm, ` +
      "fetched with the model outside the chat app's budget (bench/README.md \"Widget weight\")");
  const analysis = await instantiate(served("parley_triage.js"));
  for (const f of ANALYSIS) assert.equal(typeof analysis[f], "function", `parley_triage.js lacks ${f}`);
});
