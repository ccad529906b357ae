// Offline outbox across a reload, in a real browser (issue 3): the visitor's WebSocket
// is cut (every WebSocket of the visitor's context goes through Playwright's
// routeWebSocket, which can close it and refuse new ones), the visitor writes two
// messages, reloads the page, and comes back online: the agent receives both, once
// each, in order. The outbox survives the reload in localStorage (wasm/src/client.ts).
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/offline.test.mjs
//
// Screenshots land in tests/browser/artifacts/offline-*.png. Every wait is bounded.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEMO_EMAIL, DEMO_PASSWORD, artifacts, launchChromium, relayFromEnv, tearDown, watchPage } from "./support.mjs";


// ---- the relay as a child process ----------------------------------------------------


// ---- fixture -----------------------------------------------------------------------------

let relay, dataDir, browser, visitorPage, agentPage;
const pageErrors = [];
let online = true;
const routes = new Set(); // live [pageSide, serverSide] pairs of the visitor's WebSockets

before(async () => {
  ({ relay, dataDir } = await relayFromEnv({ name: "browser" }));

  browser = await launchChromium();
  // Two contexts: two unrelated people, no shared storage or cookies.
  const visitorContext = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // The visitor's network switch: online, a WebSocket is passed through to the relay;
  // offline, it is closed at once (a transient close code: the widget retries with
  // backoff), and cutting closes the live ones on both sides.
  await visitorContext.routeWebSocket(/\/ws$/, (ws) => {
    if (!online) {
      ws.close({ code: 4000, reason: "offline (test)" });
      return;
    }
    const server = ws.connectToServer();
    const pair = [ws, server];
    routes.add(pair);
    ws.onClose(() => routes.delete(pair));
  });
  visitorPage = await visitorContext.newPage();
  agentPage = await agentContext.newPage();
  for (const [who, page] of [["visitor", visitorPage], ["agent", agentPage]]) watchPage(who, page, pageErrors);
});

after(() => tearDown({ pages: { "offline-visitor": visitorPage, "offline-agent": agentPage }, errors: pageErrors, browser, relay, dataDir }));

// ---- offline, reload, online -------------------------------------------------------------

function cutVisitor() {
  online = false;
  for (const [page, server] of routes) {
    page.close({ code: 4000, reason: "cut (test)" }).catch(() => {});
    server.close().catch(() => {});
  }
  routes.clear();
}

test("messages written offline survive a reload and reach the agent once, in order", { timeout: 100_000 }, async (t) => {
  const widget = () => visitorPage.frameLocator("[data-testid=parley-frame]");
  const openWidget = async () => {
    const composer = widget().locator("[data-testid=composer]");
    if (!(await composer.isVisible().catch(() => false)))
      await visitorPage.locator("[data-testid=parley-launcher]").click();
    await composer.waitFor({ state: "visible" });
    return composer;
  };
  const send = async (text) => {
    const composer = await openWidget();
    await composer.fill(text);
    await widget().locator("[data-testid=send]").click();
    await widget().locator("[data-testid=message]", { hasText: text }).waitFor({ state: "visible" });
  };
  const opener = "Hello before going offline";
  const offline = ["Offline message one", "Offline message two"];

  await t.test("the visitor starts a conversation and the agent opens it", async () => {
    await visitorPage.goto(relay.url + "/");
    await send(opener);
    await agentPage.goto(relay.url + "/console/");
    await agentPage.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
    await agentPage.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
    await agentPage.locator("[data-testid=login-submit]").click();
    const item = agentPage.locator("[data-testid=inbox-item]").first();
    await item.waitFor({ state: "visible" });
    await item.click();
    await agentPage.locator("[data-testid=message]", { hasText: opener }).waitFor({ state: "visible" });
  });

  await t.test("offline, the visitor writes two messages, which do not reach the agent", async () => {
    cutVisitor();
    for (const text of offline) await send(text);
    await agentPage.waitForTimeout(1000);
    for (const text of offline)
      assert.equal(await agentPage.locator("[data-testid=message]", { hasText: text }).count(), 0,
                   `"${text}" reached the agent while the visitor was offline`);
  });

  await t.test("the visitor reloads the page while still offline", async () => {
    // What the browser keeps for the reload: the two unacknowledged messages in order,
    // and the last sequence seen (the opener's, 1) to resume from.
    const frame = visitorPage.frames().find((f) => f.url().includes("/widget/frame.html"));
    assert.ok(frame, "the widget frame is loaded");
    const kept = await frame.evaluate(() => {
      const out = {};
      for (let i = 0; i < localStorage.length; i++) out[localStorage.key(i)] = localStorage.getItem(localStorage.key(i));
      return out;
    });
    const value = (suffix) => JSON.parse(Object.entries(kept).find(([k]) => k.endsWith(suffix))?.[1] ?? "null");
    assert.deepEqual(value(".outbox")?.map((e) => e.text), offline);
    assert.deepEqual(Object.values(value(".known") ?? {}), [1]);
    await visitorPage.reload();
    await openWidget();
    await visitorPage.waitForTimeout(500);
    await visitorPage.screenshot({ path: join(artifacts, "offline-visitor-reloaded.png") });
  });

  await t.test("back online, the agent receives both messages once, in order", async () => {
    online = true;
    for (const text of offline)
      await agentPage.locator("[data-testid=message]", { hasText: text }).waitFor({ state: "visible", timeout: 40_000 });
    await agentPage.waitForTimeout(1500); // a duplicate would arrive now
    const texts = await agentPage.locator("[data-testid=message]").allInnerTexts();
    const at = offline.map((text) => texts.findIndex((x) => x.includes(text)));
    for (const text of offline)
      assert.equal(texts.filter((x) => x.includes(text)).length, 1, `"${text}" shown ${texts.filter((x) => x.includes(text)).length} times`);
    assert.ok(at[0] >= 0 && at[0] < at[1], `out of order: ${JSON.stringify(texts)}`);
    assert.equal(texts.filter((x) => x.includes(opener)).length, 1);
    // The visitor's own page shows each once too, after the reload and the resend.
    await widget().locator("[data-testid=message]", { hasText: offline[1] }).waitFor({ state: "visible" });
    const mine = await widget().locator("[data-testid=message]").allInnerTexts();
    for (const text of offline) assert.equal(mine.filter((x) => x.includes(text)).length, 1, JSON.stringify(mine));
  });

  await t.test("the pages ran without script errors", () => {
    // WebSocket failures while offline are expected console noise, nothing else is.
    assert.deepEqual(pageErrors.filter((e) => !/WebSocket|ERR_|4000/.test(e)), []);
  });
});
