// The web root as the relay serves it (issue 17: "418 KB on every page view that opens
// the chat"): precompressed brotli and gzip by Accept-Encoding, byte for byte the files
// of the build once decoded; content-hashed files cached for a year, entry points
// revalidated by ETag; and so a repeat view of the demo page with the chat open
// transfers almost nothing. Bytes are deterministic for a build, so the bounds are in
// bytes, never in time.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/static.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { countBytes, launchChromium, relayFromEnv, tearDown, transferredSince, watchPage } from "./support.mjs";

// A repeat view revalidates the entry points (the page, loader.js, the frame: a 304 of
// a few hundred bytes each) and takes every hashed file from the cache. Measured: about
// 1.3 KB; the first view is ~170 KB, and was ~460 KB before issue 17.
const REPEAT_VIEW_MAX_BYTES = 4 * 1024;

let relay, dataDir, browser, page, manifest;
const pageErrors = [];
const root = process.env.PARLEY_WEB_ROOT;

before(async () => {
  ({ relay, dataDir } = await relayFromEnv({ name: "static", webFile: "asset-manifest.json" }));
  manifest = JSON.parse(readFileSync(join(root, "asset-manifest.json"), "utf8"));
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
  watchPage("page", page, pageErrors);
});

after(() => tearDown({ pages: { static: page }, errors: pageErrors, browser, relay, dataDir }));

/** GET (or `method`) `path` on the relay with `headers`; the raw body, not decoded. */
function fetchRaw(path, headers = {}, method = "GET") {
  return new Promise((resolve, reject) => {
    const req = request(relay.url + path, { method, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

const decode = { br: brotliDecompressSync, gzip: gunzipSync };

test("each file decodes from brotli and from gzip to exactly the file of the build", async () => {
  const paths = ["loader.js", "widget/frame.html", "index.html", "widget/app.js", "widget/app.css",
    "parley_core_visitor.js", "parley_core_visitor.wasm", "parley_triage.wasm", "triage/default.ptm"].map((p) => manifest[p]);
  for (const path of paths) {
    const file = readFileSync(join(root, path));
    const plain = await fetchRaw("/" + path);
    assert.equal(plain.status, 200, path);
    assert.equal(plain.headers["content-encoding"], undefined, path);
    assert.ok(plain.body.equals(file), `${path}: identity`);
    for (const encoding of ["br", "gzip"]) {
      const res = await fetchRaw("/" + path, { "accept-encoding": encoding });
      assert.equal(res.headers["content-encoding"], encoding, `${path}: ${encoding}`);
      assert.equal(res.headers.vary, "Accept-Encoding", path);
      assert.ok(res.body.length < file.length, `${path}: ${encoding} is smaller`);
      assert.ok(decode[encoding](res.body).equals(file), `${path}: ${encoding} decodes to the file`);
    }
  }
});

test("hashed files are immutable, entry points revalidated, and an ETag held gets 304", async () => {
  const app = await fetchRaw("/" + manifest["widget/app.js"], { "accept-encoding": "gzip, deflate, br" });
  assert.match(manifest["widget/app.js"], /^widget\/app-[0-9a-f]{16}\.js$/);
  assert.equal(app.headers["cache-control"], "public, max-age=31536000, immutable");
  assert.equal(app.headers["x-content-type-options"], "nosniff");
  for (const entry of ["/loader.js", "/widget/frame.html", "/", "/console/"]) {
    const res = await fetchRaw(entry, { "accept-encoding": "br" });
    assert.equal(res.status, 200, entry);
    assert.equal(res.headers["cache-control"], "no-cache", entry);
    const again = await fetchRaw(entry, { "accept-encoding": "br", "if-none-match": res.headers.etag });
    assert.equal(again.status, 304, entry);
    assert.equal(again.body.length, 0, entry);
  }
  const head = await fetchRaw("/loader.js", { "accept-encoding": "gzip" }, "HEAD");
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(Number(head.headers["content-length"]),
               (await fetchRaw("/loader.js", { "accept-encoding": "gzip" })).body.length);
  assert.equal((await fetchRaw("/loader.js", {}, "POST")).status, 405);
  assert.equal((await fetchRaw("/widget/..%2f..%2fetc/passwd")).status, 404);
});

test("a repeat view of the demo page with the chat open transfers almost nothing", { timeout: 60_000 }, async () => {
  const read = await countBytes(page);
  const openChat = async () => {
    const launcher = page.locator("[data-testid=parley-launcher]");
    await launcher.waitFor({ state: "visible" });
    if (!(await page.locator("[data-testid=parley-frame]").isVisible())) await launcher.click();
    const frame = page.frameLocator("[data-testid=parley-frame]");
    await frame.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "attached" });
    await frame.locator("[data-testid=composer]:enabled").waitFor();
    const handle = page.frames().find((f) => f.url().includes("/widget/frame.html"));
    await handle.waitForFunction(() => performance.getEntriesByName("parley:triage-ready").length > 0);
  };
  let mark = read();
  await page.goto(relay.url + "/");
  await openChat();
  const first = await transferredSince(read, mark);
  mark = read();
  await page.reload();
  await openChat();
  const repeat = await transferredSince(read, mark);
  console.log(`first view ${first.bytes} B (${first.requests} requests), repeat ${repeat.bytes} B (${repeat.requests})`);
  assert.ok(first.bytes > 50_000, "the first view loads the chat and the model");
  assert.ok(repeat.bytes <= REPEAT_VIEW_MAX_BYTES, `repeat view ${repeat.bytes} B > ${REPEAT_VIEW_MAX_BYTES} B`);
});
