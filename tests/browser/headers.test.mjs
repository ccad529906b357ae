// Security headers as a browser sees them (issue 15, P7): the console and the widget
// frame are served with nosniff, no-referrer and a CSP; the console cannot be framed by
// any site, the widget frame only by an allowed origin. Two made-up sites, each a tiny
// HTTP server on a loopback port of its own (so a distinct origin, and a local one:
// Chromium's local-network checks would block a public site framing 127.0.0.1): "shop",
// allowed with --allow-origin, and "evil", not.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/headers.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { launchChromium, relayFromEnv, tearDown, watchPage, WAIT } from "./support.mjs";

let relay, dataDir, browser, page, shop, evil, SHOP, EVIL;
const pageErrors = [];

/** A site whose every page is an iframe of the relay's path given in ?frame=; resolves
 *  with the server and its origin. */
function site() {
  const server = createServer((req, res) => {
    const frame = new URL(req.url, "http://x").searchParams.get("frame") ?? "/";
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><iframe id="f" src="${relay.url}${frame}"></iframe>`);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () =>
    resolve({ server, origin: `http://127.0.0.1:${server.address().port}` })));
}

before(async () => {
  ({ server: shop, origin: SHOP } = await site());
  ({ server: evil, origin: EVIL } = await site());
  ({ relay, dataDir } = await relayFromEnv({ name: "headers", webFile: "widget/frame.html",
                                             extra: ["--allow-origin", SHOP] }));
  browser = await launchChromium();
  page = await (await browser.newContext()).newPage();
  watchPage("page", page, pageErrors);
});

after(async () => {
  shop?.close();
  evil?.close();
  // Page errors are expected here (a refused frame, the console's WebSocket from an origin
  // not allowed): they are not this test's subject.
  await tearDown({ pages: { headers: page }, errors: [], browser, relay, dataDir });
});

/** The response to a top-level navigation to `path` on the relay. */
async function open(path) {
  const response = await page.goto(relay.url + path);
  assert.equal(response.status(), 200, `${path}: status`);
  return response;
}

/** Whether the relay's `path`, framed by a page of `site`, was displayed: a frame
 *  refused by frame-ancestors is replaced by Chromium's error page. */
async function framed(site, path) {
  const loaded = page.waitForEvent("response", { predicate: (r) => r.url() === relay.url + path, timeout: WAIT });
  await page.goto(`${site}/?frame=${encodeURIComponent(path)}`);
  await loaded;
  const frame = await (await page.waitForSelector("#f")).contentFrame();
  await frame.waitForLoadState("load");
  return frame.url() === relay.url + path;
}

test("the console is served with nosniff, no-referrer and a CSP that forbids framing", async () => {
  const response = await open("/console/");
  const headers = await response.allHeaders();
  assert.equal(headers["x-content-type-options"], "nosniff");
  assert.equal(headers["referrer-policy"], "no-referrer");
  const csp = await response.headerValues("content-security-policy");
  assert.ok(csp.some((p) => p.includes("frame-ancestors 'none'")), csp.join(" | "));
  assert.ok(csp.some((p) => p.includes("script-src 'self' 'wasm-unsafe-eval'")), csp.join(" | "));
});

test("the widget frame's CSP names the allowed origins as its only ancestors", async () => {
  const response = await open("/widget/frame.html");
  const headers = await response.allHeaders();
  assert.equal(headers["x-content-type-options"], "nosniff");
  assert.equal(headers["referrer-policy"], "no-referrer");
  const csp = await response.headerValues("content-security-policy");
  assert.ok(csp.some((p) => p.includes(`frame-ancestors ${SHOP}`)), csp.join(" | "));
  assert.ok(csp.every((p) => !p.includes(EVIL)), csp.join(" | "));
});

test("an allowed site may frame the widget; no site may frame the console; others not the widget", async () => {
  assert.equal(await framed(SHOP, "/widget/frame.html"), true, "the widget in an allowed site");
  assert.equal(await framed(EVIL, "/widget/frame.html"), false, "the widget in another site");
  assert.equal(await framed(SHOP, "/console/"), false, "the console in an allowed site");
});
