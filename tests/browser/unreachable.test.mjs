// The widget says so when the relay cannot be reached (issue 17): with the relay gone
// (kill -9, so every reconnect fails), the visitor sees "Can't reach the chat.
// Retrying…" instead of "Reconnecting…" forever; when the relay is back on the same port the
// widget reconnects by itself and the message written meanwhile is delivered.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/unreachable.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { artifacts, launchChromium, relayFromEnv, startRelay, tearDown, watchPage, WAIT } from "./support.mjs";

let relay, dataDir, browser, page;
const errors = [];

before(async () => {
  ({ relay, dataDir } = await relayFromEnv({ name: "unreachable" }));
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
  watchPage("visitor", page, errors);
  // The relay's absence is expected here: the browser logs each refused WebSocket.
  page.removeAllListeners("console");
});

after(() => tearDown({ pages: { "unreachable-visitor": page }, errors, browser, relay, dataDir }));

test("the widget tells the visitor the chat is unreachable, then recovers by itself", { timeout: 90_000 }, async (t) => {
  const widget = page.frameLocator("[data-testid=parley-frame]");
  const conn = widget.locator("[data-testid=conn-state]");
  const port = new URL(relay.url).port;

  await t.test("connected first", async () => {
    await page.goto(relay.url + "/");
    await page.locator("[data-testid=parley-launcher]").click();
    await widget.locator("[data-testid=composer]").waitFor({ state: "visible" });
    await widget.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "attached", timeout: WAIT });
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

  await t.test("the relay is back on the same port: the widget reconnects and delivers", async () => {
    relay = await startRelay({ bin: process.env.PARLEY_RELAY_BIN, webRoot: process.env.PARLEY_WEB_ROOT,
                               dataDir: join(dataDir, "data"), extra: ["--port", port] });
    await widget.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "attached", timeout: 40_000 });
    assert.doesNotMatch(await conn.innerText(), /Can't reach/);
    await widget.locator("[data-testid=message][data-status=sent]", { hasText: "Written while the chat was unreachable" })
      .waitFor({ state: "visible", timeout: WAIT });
  });

  await t.test("no script errors", () => assert.deepEqual(errors, []));
});
