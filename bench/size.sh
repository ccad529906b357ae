#!/usr/bin/env bash
# The widget's weight and load time, as the demo page loads it (issue 6), and the bytes
# a page view transfers, first and repeat (issue 17).
#
#   bench/size.sh [--runs N] [--smoke]
#
# Starts the real relay (--port 0, a temp data dir, the built web root), opens the demo
# page in headless Chromium, opens the widget (so the iframe, the Wasm core, then the
# triage model and the analysis module that reads it load), records every response and
# classifies it: loader, chat app JS, CSS, core JS glue, core Wasm, triage model,
# analysis module (parley_triage.js + .wasm). The chat app is what the frame needs
# before the first message can be sent (frame, app JS and CSS, core glue and Wasm);
# the model and the analysis module come after, in the background, outside the
# budget (ctest web_budget has the same definition). Sizes are of the files' plain bytes
# (decoded), gzip computed from them with zlib level 9 (the budget's definition, as
# web/build.mjs reports it); what actually crossed the wire is the transfer below.
#
# Transfer (issue 17): the bytes Chromium received for a page view, response headers
# included (CDP Network.loadingFinished encodedDataLength, summed over every request
# of the page and its frames; WebSocket frames not counted):
#   widget_first_bytes    a fresh context opens the demo page, opens the chat until the
#                         first message can be sent, and waits for the model and the
#                         analysis module (everything that page view loads);
#   widget_repeat_bytes   the same context reloads and does it again (its HTTP cache
#                         warm: hashed files are immutable, the pages revalidated);
#   console_first_bytes / console_repeat_bytes  the console: sign in until connected,
#                         then a reload until connected again.
# Bytes are deterministic for one build (no timing in them).
#
# Times, median of N runs (default 5), each in a fresh browser context (empty cache):
#   launcher_visible_ms  performance marks in the loader: "parley:loader-start" (first
#                        statement of loader.js) → "parley:launcher-visible" (the frame
#                        after the launcher is in the page);
#   first_sendable_ms    the launcher click → the frame's conn-state is "connected" and
#                        its composer is enabled (a MutationObserver in the frame);
#   reading_ready_ms     the launcher click → the frame's "parley:triage-ready" mark (the
#                        model and the analysis module loaded: messages sent from then on
#                        carry a local reading).
#
# Prints a table, then ONE JSON object on the last line. --smoke runs once and only
# checks that it completed and found every kind of file (never a size or a time).
#
# Inputs (environment, else the first that exists):
#   PARLEY_RELAY_BIN  build/relay/parley-relay
#   PARLEY_WEB_ROOT   a built web root holding loader.js, parley_core_visitor.wasm,
#                     parley_triage.wasm and triage/default.ptm; else one is built into
#                     a temp dir from
#   PARLEY_WASM_DIR   build-wasm/wasm   (parley_core*.js/.wasm, parley_triage.js/.wasm)
#   PARLEY_MODEL      build/triage/default.ptm
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

runs=5
smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --smoke) smoke=1; runs=1; shift ;;
    *) echo "usage: bench/size.sh [--runs N] [--smoke]" >&2; exit 2 ;;
  esac
done

first() { for f in "$@"; do [ -e "$f" ] && { echo "$f"; return; }; done; echo ""; }

relay=${PARLEY_RELAY_BIN:-$(first build/relay/parley-relay)}
if [ -z "$relay" ] || [ ! -x "$relay" ]; then
  echo "size.sh: no relay binary; build it: ./toolchain/build (or set PARLEY_RELAY_BIN)" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/parley-size.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

web=${PARLEY_WEB_ROOT:-}
if [ -z "$web" ]; then
  wasm=${PARLEY_WASM_DIR:-$(first build-wasm/wasm)}
  model=${PARLEY_MODEL:-$(first build/triage/default.ptm)}
  if [ -z "$wasm" ] || [ ! -e "$wasm/parley_core_visitor.wasm" ] || [ -z "$model" ]; then
    echo "size.sh: no Wasm core or triage model; build them: ./toolchain/build" >&2
    echo "         (or set PARLEY_WEB_ROOT, or PARLEY_WASM_DIR and PARLEY_MODEL)" >&2
    exit 2
  fi
  web="$tmp/web"
  node web/build.mjs --wasm "$wasm" --model "$model" --out "$web" >/dev/null
fi
for f in loader.js widget/frame.html console/index.html; do
  [ -e "$web/$f" ] || { echo "size.sh: $web has no $f (build it with web/build.mjs --wasm and --model)" >&2; exit 2; }
done
ls "$web"/parley_core_visitor*.wasm "$web"/parley_triage*.wasm "$web"/triage/default*.ptm >/dev/null 2>&1 ||
  { echo "size.sh: $web has no Wasm cores or model (build with --wasm and --model)" >&2; exit 2; }

PARLEY_RELAY_BIN=$relay PARLEY_WEB_ROOT=$web SIZE_RUNS=$runs SIZE_SMOKE=$smoke SIZE_TMP=$tmp \
  node --input-type=module - <<'EOF'
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { startRelay, stopRelay, launchChromium, countBytes, transferredSince, DEMO_EMAIL, DEMO_PASSWORD }
  from "./tests/browser/support.mjs";

const runs = Number(process.env.SIZE_RUNS);
const smoke = process.env.SIZE_SMOKE === "1";
const WAIT = 20_000;

// What each served path is (with or without web/build.mjs's content hash in the name).
// Anything else is the host page's own (demo) files.
const H = "(-[0-9a-f]{16})?";
const KINDS = [
  ["loader", /\/loader\.js$/],
  ["app_js", new RegExp(`/widget/app${H}\\.js$`)],
  ["app_css", new RegExp(`/widget/app${H}\\.css$`)],
  ["frame_html", /\/widget\/frame\.html$/],
  ["core_js", new RegExp(`/parley_core(_visitor)?${H}\\.js$`)],  // the widget loads the visitor core
  ["wasm", new RegExp(`/parley_core(_visitor)?${H}\\.wasm$`)],
  ["model", new RegExp(`/triage/default${H}\\.ptm$`)],
  ["analysis_js", new RegExp(`/parley_triage${H}\\.js$`)],   // the triage analysis, fetched with the model
  ["analysis_wasm", new RegExp(`/parley_triage${H}\\.wasm$`)],
];
const kindOf = (url) => (KINDS.find(([, re]) => re.test(new URL(url).pathname)) || ["host_page"])[0];

// In the frame only: the moment it can send (connected, composer enabled).
const frameProbe = () => {
  if (!location.pathname.endsWith("/widget/frame.html")) return;
  const check = () => {
    const state = document.querySelector("[data-testid=conn-state]");
    const composer = document.querySelector("[data-testid=composer]");
    if (window.__parleySendableAt || !state || !composer) return;
    if (state.getAttribute("data-state") === "connected" && !composer.disabled) {
      window.__parleySendableAt = performance.timeOrigin + performance.now();
      try { performance.mark("parley:first-sendable"); } catch {}
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
};

async function once(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  await context.addInitScript(frameProbe);
  const responses = [];
  context.on("response", async (res) => {
    const entry = { url: res.url(), status: res.status(), kind: kindOf(res.url()) };
    responses.push(entry);
    try { entry.body = await res.body(); } catch { entry.body = Buffer.alloc(0); }
  });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  await page.goto(url + "/");
  const launcher = page.locator("[data-testid=parley-launcher]");
  await launcher.waitFor({ state: "visible" });
  await page.waitForFunction(() => performance.getEntriesByName("parley:launcher-visible").length > 0);
  const marks = await page.evaluate(() => {
    const at = (n) => performance.getEntriesByName(n)[0].startTime;
    return { start: at("parley:loader-start"), visible: at("parley:launcher-visible") };
  });
  // The open: timestamp the click inside the page, then wait for the frame's probe.
  await page.evaluate(() => {
    const b = document.querySelector("#parley-widget").shadowRoot.querySelector("[data-testid=parley-launcher]");
    b.addEventListener("click", () => { window.__parleyOpenAt = performance.timeOrigin + performance.now(); },
                       { capture: true, once: true });
  });
  await launcher.click();
  const frame = page.frameLocator("[data-testid=parley-frame]");
  await frame.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "attached" });
  const frameHandle = page.frames().find((f) => f.url().includes("/widget/frame.html"));
  const sendableAt = await frameHandle.waitForFunction(() => window.__parleySendableAt).then((h) => h.jsonValue());
  const openAt = await page.evaluate(() => window.__parleyOpenAt);
  // The model and the analysis module are fetched once the core is up; wait until
  // they have arrived too.
  const deadline = Date.now() + WAIT;
  const arrived = (kind) => responses.some((r) => r.kind === kind && r.body);
  while (!(arrived("model") && arrived("analysis_wasm")) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  const readyAt = await frameHandle.waitForFunction(() => {
    const m = performance.getEntriesByName("parley:triage-ready")[0];
    return m && performance.timeOrigin + m.startTime;
  }).then((h) => h.jsonValue());
  await new Promise((r) => setTimeout(r, 200));  // let the last bodies land
  await context.close();
  return { responses, launcherVisible: marks.visible - marks.start, loaderStart: marks.start,
           firstSendable: sendableAt - openAt, readingReady: readyAt - openAt };
}

// ---- transfer: bytes a page view received, first and repeat ---------------------------
/** The demo page with the chat open until a message can be sent, the model in. */
async function widgetView(page, url, reload) {
  if (reload) await page.reload(); else await page.goto(url + "/");
  const launcher = page.locator("[data-testid=parley-launcher]");
  await launcher.waitFor({ state: "visible" });
  const frame = page.frameLocator("[data-testid=parley-frame]");
  if (!(await page.locator("[data-testid=parley-frame]").isVisible())) await launcher.click();
  await frame.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "attached" });
  await frame.locator("[data-testid=composer]:enabled").waitFor();
  const handle = page.frames().find((f) => f.url().includes("/widget/frame.html"));
  await handle.waitForFunction(() => performance.getEntriesByName("parley:triage-ready").length > 0);
}

/** The console signed in and connected (signing in when the page asks). */
async function consoleView(page, url, reload) {
  if (reload) await page.reload(); else await page.goto(url + "/console/");
  const login = page.locator("[data-testid=login-view]");
  const connected = page.locator("#console-view [data-testid=conn-state][data-state=connected]");
  await Promise.race([login.waitFor({ state: "visible" }), connected.waitFor({ state: "attached" })]);
  if (await login.isVisible()) {
    await page.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
    await page.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
    await page.locator("[data-testid=login-submit]").click();
  }
  await connected.waitFor({ state: "attached" });
}

async function transfers(browser, url) {
  const out = {};
  for (const [name, view] of [["widget", widgetView], ["console", consoleView]]) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    const read = await countBytes(page);
    let before = read();
    await view(page, url, false);
    out[`${name}_first`] = await transferredSince(read, before);
    before = read();
    await view(page, url, true);
    out[`${name}_repeat`] = await transferredSince(read, before);
    await context.close();
  }
  return out;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const kb = (n) => (n / 1024).toFixed(1).padStart(7) + " KB";

const { child, url } = await startRelay({ bin: process.env.PARLEY_RELAY_BIN, webRoot: process.env.PARLEY_WEB_ROOT,
                                          dataDir: join(process.env.SIZE_TMP, "data") });
const browser = await launchChromium();
let results = [];
let transfer;
try {
  for (let i = 0; i < runs; i++) results.push(await once(browser, url));
  transfer = await transfers(browser, url);
} finally {
  await browser.close();
  await stopRelay(child);
}

// Sizes from the first run (the files do not change between runs).
const files = new Map();
for (const r of results[0].responses) {
  if (r.status !== 200 || !r.body) continue;
  const path = new URL(r.url).pathname;
  if (files.has(path)) continue;
  files.set(path, { kind: r.kind, raw: r.body.length, gzip: gzipSync(r.body, { level: 9 }).length });
}
const byKind = {};
for (const f of files.values()) {
  const k = (byKind[f.kind] ||= { raw: 0, gzip: 0 });
  k.raw += f.raw; k.gzip += f.gzip;
}
const zero = { raw: 0, gzip: 0 };
const get = (k) => byKind[k] || zero;
const app = ["app_js", "app_css", "frame_html", "core_js", "wasm"].reduce(
  (s, k) => ({ raw: s.raw + get(k).raw, gzip: s.gzip + get(k).gzip }), { raw: 0, gzip: 0 });

console.log("file                         kind         raw          gzip -9");
for (const [path, f] of [...files].sort((a, b) => a[1].kind.localeCompare(b[1].kind)))
  console.log(`${path.padEnd(28)} ${f.kind.padEnd(10)} ${kb(f.raw)}  ${kb(f.gzip)}`);
console.log(`${"chat app (JS+Wasm+CSS+HTML)".padEnd(39)} ${kb(app.raw)}  ${kb(app.gzip)}   budget 60 KB gzip`);
console.log(`${"loader".padEnd(39)} ${kb(get("loader").raw)}  ${kb(get("loader").gzip)}   budget 5 KB gzip`);
const analysis = ["analysis_js", "analysis_wasm"].reduce(
  (s, k) => ({ raw: s.raw + get(k).raw, gzip: s.gzip + get(k).gzip }), { raw: 0, gzip: 0 });
console.log(`${"analysis module (with the model)".padEnd(39)} ${kb(analysis.raw)}  ${kb(analysis.gzip)}   outside the budget`);
const lv = results.map((r) => r.launcherVisible), fs = results.map((r) => r.firstSendable);
console.log(`launcher visible  median ${median(lv).toFixed(1)} ms  (runs: ${lv.map((x) => x.toFixed(1)).join(", ")})`);
console.log(`first sendable    median ${median(fs).toFixed(1)} ms  (runs: ${fs.map((x) => x.toFixed(1)).join(", ")})`);
const rr = results.map((r) => r.readingReady);
console.log(`reading ready     median ${median(rr).toFixed(1)} ms  (runs: ${rr.map((x) => x.toFixed(1)).join(", ")})`);

console.log("transferred (bytes received, headers included)   first view    repeat view");
for (const name of ["widget", "console"]) {
  const f = transfer[`${name}_first`], r = transfer[`${name}_repeat`];
  console.log(`${(name === "widget" ? "demo page + chat until sendable + model" : "console sign-in until connected").padEnd(46)}` +
              `${kb(f.bytes)} (${f.requests} req)  ${kb(r.bytes)} (${r.requests} req)`);
}

const missing = ["loader", "app_js", "app_css", "frame_html", "core_js", "wasm", "model", "analysis_js", "analysis_wasm"]
  .filter((k) => !byKind[k]);
const summary = {
  loader_gzip_bytes: get("loader").gzip, loader_raw_bytes: get("loader").raw,
  app_gzip_bytes: app.gzip, app_raw_bytes: app.raw,
  app_js_gzip_bytes: get("app_js").gzip, app_js_raw_bytes: get("app_js").raw,
  css_gzip_bytes: get("app_css").gzip, css_raw_bytes: get("app_css").raw,
  frame_html_gzip_bytes: get("frame_html").gzip, frame_html_raw_bytes: get("frame_html").raw,
  core_js_gzip_bytes: get("core_js").gzip, core_js_raw_bytes: get("core_js").raw,
  wasm_gzip_bytes: get("wasm").gzip, wasm_raw_bytes: get("wasm").raw,
  model_gzip_bytes: get("model").gzip, model_raw_bytes: get("model").raw,
  analysis_gzip_bytes: analysis.gzip, analysis_raw_bytes: analysis.raw,
  launcher_visible_ms: Number(median(lv).toFixed(1)), first_sendable_ms: Number(median(fs).toFixed(1)),
  reading_ready_ms: Number(median(rr).toFixed(1)),
  widget_first_bytes: transfer.widget_first.bytes, widget_repeat_bytes: transfer.widget_repeat.bytes,
  console_first_bytes: transfer.console_first.bytes, console_repeat_bytes: transfer.console_repeat.bytes,
  runs, gzip_level: 9, missing,
};
console.log(JSON.stringify(summary));
if (smoke && missing.length) {
  console.error(`size.sh --smoke: the demo page never loaded: ${missing.join(", ")}`);
  process.exit(1);
}
EOF
