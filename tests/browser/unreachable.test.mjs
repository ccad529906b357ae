// The widget and the console say so when the relay cannot be reached (issue 17): with the relay gone
// (kill -9, so every reconnect fails), the visitor sees "Can't reach the chat.
// Retrying…" instead of "Reconnecting…" forever; when the relay is back on the same port the
// widget reconnects by itself and the message written meanwhile is delivered. The
// console's sign-in against the dead relay says it cannot reach it (instead of a button
// that stays disabled), and signs in once the relay is back.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/unreachable.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { artifacts, DEMO_EMAIL, DEMO_PASSWORD, launchChromium, relayFromEnv, startRelay, tearDown, watchPage, WAIT } from "./support.mjs";

let relay, dataDir, browser, page, consolePage;
const errors = [];

before(async () => {
  ({ relay, dataDir } = await relayFromEnv({ name: "unreachable" }));
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
  consolePage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  for (const [who, p] of [["visitor", page], ["agent", consolePage]]) {
    watchPage(who, p, errors);
    // The relay's absence is expected here: the browser logs each refused WebSocket.
    p.removeAllListeners("console");
  }
});

after(() => tearDown({ pages: { "unreachable-visitor": page, "unreachable-console": consolePage }, errors, browser, relay,
                       dataDir }));

test("the widget tells the visitor the chat is unreachable, then recovers by itself", { timeout: 90_000 }, async (t) => {
  const widget = page.frameLocator("[data-testid=parley-frame]");
  const conn = widget.locator("[data-testid=conn-state]");
  const port = new URL(relay.url).port;

  await t.test("connected first", async () => {
    await page.goto(relay.url + "/");
    await page.locator("[data-testid=parley-launcher]").click();
    await widget.locator("[data-testid=composer]").waitFor({ state: "visible" });
    await widget.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "attached", timeout: WAIT });
    await consolePage.goto(relay.url + "/console/");
    await consolePage.locator("[data-testid=login-email]").waitFor({ state: "visible" });
  });

  await t.test("the relay is gone: after a few seconds the visitor is told, in words", async () => {
    relay.child.kill("SIGKILL");
    await new Promise((resolve) => relay.child.once("exit", resolve));
    await widget.locator("[data-testid=conn-state][data-state=unreachable]").waitFor({ state: "attached", timeout: 20_000 });
    assert.match(await conn.innerText(), /Can't reach the chat/);
    await page.screenshot({ path: join(artifacts, "unreachable-widget.png") });
    // Written while unreachable: kept in the outbox, sent once the relay is back.
    await widget.locator("[data-testid=composer]").fill("Written while the chat was unreachable");
    await widget.locator("[data-testid=send]").click();
  });

  await t.test("signing in to the console while the relay is gone says it cannot reach it", async () => {
    await consolePage.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
    await consolePage.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
    await consolePage.locator("[data-testid=login-submit]").click();
    const error = consolePage.locator("#login-error");
    await error.waitFor({ state: "visible", timeout: 20_000 });
    assert.match(await error.innerText(), /Cannot reach the Parley relay/);
    assert.equal(await consolePage.locator("[data-testid=login-submit]").isDisabled(), false);
    await consolePage.screenshot({ path: join(artifacts, "unreachable-console.png") });
  });

  await t.test("the relay is back on the same port: the widget reconnects and delivers", async () => {
    relay = await startRelay({ bin: process.env.PARLEY_RELAY_BIN, webRoot: process.env.PARLEY_WEB_ROOT,
                               dataDir: join(dataDir, "data"), extra: ["--port", port] });
    await widget.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "attached", timeout: 40_000 });
    assert.doesNotMatch(await conn.innerText(), /Can't reach/);
    await widget.locator("[data-testid=message][data-status=sent]", { hasText: "Written while the chat was unreachable" })
      .waitFor({ state: "visible", timeout: WAIT });
    // And the console signs in now.
    await consolePage.locator("[data-testid=login-submit]").click();
    await consolePage.locator("[data-testid=inbox-item]").first().waitFor({ state: "visible", timeout: WAIT });
  });

  await t.test("no script errors", () => assert.deepEqual(errors, []));
});
