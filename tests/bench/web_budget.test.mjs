// The widget's weight budgets (issue 6; bench/README.md "Widget weight"), checked on the
// built web root: sizes are deterministic, so a change that breaks a budget fails here
// at once, not at the next bench/size.sh run.
//   - the chat app ≤ 60 KiB gzip: widget/frame.html plus every script and stylesheet it
//     loads (app.js, app.css, the core's glue) plus the glue's Wasm (the core the frame
//     names, so pointing the widget at another core is counted too);
//   - the loader ≤ 5 KiB gzip.
// gzip is zlib level 9 over the bytes as served, as web/build.mjs and bench/size.sh
// compute it. Prints every figure.
//
// Env: PARLEY_WEB_ROOT (a web root built with --wasm, e.g. build/web).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { gzipSync } from "node:zlib";

const root = process.env.PARLEY_WEB_ROOT;
const APP_BUDGET = 60 * 1024;
const LOADER_BUDGET = 5 * 1024;

function weigh(path) {
  const bytes = readFileSync(join(root, path));
  return { path, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

// The files the chat frame loads, as web-root paths: itself, its scripts and
// stylesheets, and for an Emscripten glue (a script whose name has a .wasm beside it)
// that Wasm.
function chatApp() {
  const frame = "widget/frame.html";
  const html = readFileSync(join(root, frame), "utf8");
  const refs = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g), ...html.matchAll(/<link\b[^>]*\bhref="([^"]+\.css)"/g)]
    .map((m) => posix.normalize(posix.join("widget", m[1])));
  const files = [frame, ...refs];
  for (const ref of refs) {
    const wasm = ref.replace(/\.js$/, ".wasm");
    if (ref.endsWith(".js") && existsSync(join(root, wasm))) files.push(wasm);
  }
  return files.map(weigh);
}

const row = (f) => `${f.path.padEnd(32)} ${String(f.raw).padStart(7)} B  ${String(f.gzip).padStart(6)} B gzip`;

test("the widget's chat app is within 60 KiB gzip and its loader within 5 KiB", { skip: !root }, () => {
  const app = chatApp();
  assert.ok(app.some((f) => f.path.endsWith(".wasm")), "the frame loads a Wasm core (web root built with --wasm)");
  const loader = weigh("loader.js");
  const total = app.reduce((s, f) => ({ raw: s.raw + f.raw, gzip: s.gzip + f.gzip }), { raw: 0, gzip: 0 });
  for (const f of app) console.log(row(f));
  console.log(row({ path: "chat app", ...total }) + `  budget ${APP_BUDGET} B: ${APP_BUDGET - total.gzip} B left`);
  console.log(row(loader) + `  budget ${LOADER_BUDGET} B: ${LOADER_BUDGET - loader.gzip} B left`);
  assert.ok(total.gzip <= APP_BUDGET, `chat app ${total.gzip} B gzip > ${APP_BUDGET} B (bench/README.md "Widget weight")`);
  assert.ok(loader.gzip <= LOADER_BUDGET, `loader ${loader.gzip} B gzip > ${LOADER_BUDGET} B`);
});
