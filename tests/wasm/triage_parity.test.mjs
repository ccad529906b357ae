// Native and Wasm triage give identical answers on the same inputs (P5): the default
// model's held-out texts (data/triage/holdout.csv) plus messages with personal data
// are read by `parley-triage predict` / `signals` (native) and by the triage C API in
// Wasm, as each page loads it: the console's parley_core.wasm analyses and masks; the
// widget masks with its parley_core_visitor.wasm and analyses with parley_triage.wasm,
// the analysis module it fetches with the model (the visitor core has no analysis: a
// test below pins that). Labels, top-3 confidences (4 decimals), signals and masked
// texts must match line for line. Last, wasm/src/triage.ts's ParleyTriage must drive
// both arrangements alike (it needs esbuild from node_modules, as web/build.mjs does).
//
// Env: PARLEY_TRIAGE_BIN (parley-triage), PARLEY_TRIAGE_MODEL (default.ptm),
//      PARLEY_WASM_DIR (folder with parley_core{,_visitor}.js, parley_triage.js + .wasm).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = process.env.PARLEY_TRIAGE_BIN;
const modelPath = process.env.PARLEY_TRIAGE_MODEL;
const wasmDir = process.env.PARLEY_WASM_DIR;

// The web root serves content-hashed names (web/build.mjs): its manifest maps each
// logical name to the file as served.
function served(name) {
  let manifest = {};
  try { manifest = JSON.parse(readFileSync(join(wasmDir, "asset-manifest.json"), "utf8")); } catch { /* unhashed */ }
  return join(wasmDir, manifest[name] ?? name);
}

// RFC 4180 CSV (quoted fields may hold commas, "" and newlines) → rows of fields.
function parseCsv(text) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; ++i; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") ++i;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += c;
  }
  if (field !== "" || row.length) { row.push(field); rows.push(row); }
  return rows;
}

function texts() {
  const rows = parseCsv(readFileSync(join(repo, "data/triage/holdout.csv"), "utf8"));
  const col = rows[0].indexOf("text");
  const out = rows.slice(1).map((r) => r[col]).filter((t) => t && !t.includes("\n"));
  // Personal data and signals, so masking and signals are compared too.
  out.push(
    "my card is 4111 1111 1111 1111 and I want a refund",
    "IBAN DE89 3704 0044 0532 0130 00, mail ada@example.com, call +44 20 7946 0958",
    "I want to talk to a HUMAN right now, this is ridiculous!!",
    "production is down, urgent",
    "no thanks, that's all",
    "Ça ne marche pas, je veux un remboursement 😡",
    // Look-alikes (issue 15): the fold must give the same spans in both builds.
    "carte ４１１１ １１１１ １１１１ １１１１, mail ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    "card 4111.1111.1111.1111 or 5555\u00A05555\u00A05555\u00A04444, not 2024-03-01/2024-03-09",
    "zero\u200Bwidth 4111\u200B1111\u200B1111\u200B1111, ٤١١١ ١١١١ ١١١١ ١١١١, call ０６ １２ ３４ ５６ ７８",
  );
  return out;
}

async function loadWasm(core) {
  // The glue is a classic script / CommonJS module; the repository's package.json says
  // "type":"module", so require a .cjs copy.
  const dir = mkdtempSync(join(tmpdir(), "parley-parity-"));
  copyFileSync(served(`${core}.js`), join(dir, `${core}.cjs`));
  const factory = createRequire(import.meta.url)(join(dir, `${core}.cjs`));
  rmSync(dir, { recursive: true, force: true });
  return factory({ wasmBinary: readFileSync(served(`${core}.wasm`)) });
}

function cString(M, text) {
  const size = M.lengthBytesUTF8(text) + 1;
  const ptr = M._malloc(size);
  M.stringToUTF8(text, ptr, size);
  return ptr;
}

// The console's core alone, and the widget's pair: the same triage code in each.
const PAIRS = [
  { analysis: "parley_core", mask: "parley_core" },
  { analysis: "parley_triage", mask: "parley_core_visitor" },
];
for (const { analysis, mask } of PAIRS)
test(`native and Wasm triage (analysis: ${analysis}, masking: ${mask}) give identical predictions, signals and masks`, { skip: !bin || !modelPath || !wasmDir }, async () => {
  const inputs = texts();
  assert.ok(inputs.length > 150, "held-out texts read");
  const stdin = inputs.join("\n") + "\n";

  // Native.
  const predicted = execFileSync(bin, ["predict", "--model", modelPath, "--top", "3", "--digits", "4"], { input: stdin })
    .toString().trimEnd().split("\n").map((l) => l.split("\t"));
  const signals = execFileSync(bin, ["signals"], { input: stdin })
    .toString().trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.equal(predicted.length, inputs.length);

  // Wasm: M analyses, K masks (each module has its own heap).
  const M = await loadWasm(analysis);
  const K = analysis === mask ? M : await loadWasm(mask);
  const bytes = readFileSync(modelPath);
  const mp = M._malloc(bytes.length);
  M.HEAPU8.set(bytes, mp);
  const handle = M._parley_triage_load(mp, bytes.length);
  M._free(mp);
  assert.notEqual(handle, 0, "model loads in Wasm: " + M.UTF8ToString(M._parley_triage_load_error()));
  const all = cString(K, "all");

  let same = 0;
  inputs.forEach((text, i) => {
    const tp = cString(M, text);
    const a = JSON.parse(M.UTF8ToString(M._parley_triage_analyze(handle, tp, 3)));
    M._free(tp);
    const kp = cString(K, text);
    const masked = K.UTF8ToString(K._parley_triage_mask(kp, all));
    K._free(kp);
    const native = predicted[i];
    const ctx = `line ${i + 1}: ${text}`;
    assert.equal(a.intent, native[0], ctx);
    assert.equal(a.confidence.toFixed(4), native[1], ctx);
    // --top 3 appends the next classes as label/confidence pairs.
    const nativeTop = [];
    for (let k = 2; k + 1 < native.length; k += 2) nativeTop.push([native[k], native[k + 1]]);
    assert.deepEqual(a.top.slice(1).map((t) => [t.label, t.confidence.toFixed(4)]), nativeTop, ctx);
    const s = signals[i];
    assert.equal(a.signals.includes("human"), s.human, ctx);
    assert.equal(a.signals.includes("frustrated"), s.negative, ctx);
    assert.equal(a.signals.includes("urgent"), s.urgent, ctx);
    assert.equal(a.signals.includes("closing"), s.reply === "closing", ctx);
    assert.equal(masked, s.masked, ctx);
    ++same;
  });
  K._free(all);
  M._parley_triage_free(handle);
  console.log(`identical on ${same} texts`);
});

// The split itself: the widget's core masks but cannot read (its analysis is in
// parley_triage only), and parley_triage reads but does not mask.
test("the widget's core has masking and no analysis; parley_triage has the analysis alone", { skip: !wasmDir }, async () => {
  const V = await loadWasm("parley_core_visitor");
  assert.equal(typeof V._parley_triage_mask, "function");
  for (const f of ["_parley_triage_load", "_parley_triage_load_error", "_parley_triage_free", "_parley_triage_analyze"])
    assert.equal(V[f], undefined, `parley_core_visitor exports ${f}`);
  const T = await loadWasm("parley_triage");
  for (const f of ["_parley_triage_load", "_parley_triage_load_error", "_parley_triage_free", "_parley_triage_analyze"])
    assert.equal(typeof T[f], "function", `parley_triage lacks ${f}`);
  assert.equal(T._parley_triage_mask, undefined);
  assert.equal(T._parley_client_new, undefined);
  // A bad model is refused with the core's reason, as in the full core.
  const bad = T._malloc(4);
  T.HEAPU8.set([1, 2, 3, 4], bad);
  assert.equal(T._parley_triage_load(bad, 4), 0);
  assert.notEqual(T.UTF8ToString(T._parley_triage_load_error()), "");
  T._free(bad);
});

// The TypeScript driver (wasm/src/triage.ts, bundled here with esbuild as web/build.mjs
// does): one ParleyTriage API over the full core, and over the widget's core plus
// parley_triage once useAnalysis() hands it the module; the same readings either way.
test("ParleyTriage reads and masks alike over the full core and over the widget's pair", { skip: !modelPath || !wasmDir }, async () => {
  const { build } = await import("esbuild");
  const bundle = await build({ entryPoints: [join(repo, "wasm/src/triage.ts")], bundle: true, write: false,
                               format: "esm", platform: "neutral", logLevel: "warning" });
  const { ParleyTriage } = await import("data:text/javascript;base64," +
    Buffer.from(bundle.outputFiles[0].text).toString("base64"));
  const model = new Uint8Array(readFileSync(modelPath));
  const full = new ParleyTriage(await loadWasm("parley_core"));
  const widget = new ParleyTriage(await loadWasm("parley_core_visitor"));
  assert.equal(full.canAnalyze, true);
  assert.equal(widget.canAnalyze, false);
  assert.throws(() => widget.load(model), /no triage analysis/);
  assert.equal(widget.analyze("I want a refund"), null, "no reading before the analysis and the model");
  assert.equal(widget.mask("card 4111 1111 1111 1111", ["card"]), "card [card]", "masking needs neither");
  full.load(model);
  widget.useAnalysis(await loadWasm("parley_triage"));
  widget.load(model);
  assert.equal(widget.loaded, true);
  for (const text of texts().slice(0, 40)) {
    assert.deepEqual(widget.analyze(text, 3), full.analyze(text, 3), text);
    assert.equal(widget.mask(text, ["email", "phone", "card", "iban"]), full.mask(text, ["email", "phone", "card", "iban"]), text);
  }
  full.free();
  widget.free();
  assert.equal(widget.analyze("refund"), null);
});
