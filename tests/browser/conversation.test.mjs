// A conversation in a real browser: the demo site's widget (visitor) and the agent
// console (agent) in two separate Chromium contexts, against the real relay binary
// serving the built web root, with a fresh data dir.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/
//
// Screenshots of both pages land in tests/browser/artifacts/ (also on failure) and
// their paths are printed. Every wait is bounded; the whole file stays under 120 s.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_EMAIL, DEMO_PASSWORD, artifacts, launchChromium, relayFromEnv, tearDown, watchPage } from "./support.mjs";

const here = dirname(fileURLToPath(import.meta.url));

// ---- the relay as a child process ----------------------------------------------------


// ---- fixture -----------------------------------------------------------------------------

let relay, dataDir, browser, visitorPage, agentPage;
const pageErrors = [];

before(async () => {
  ({ relay, dataDir } = await relayFromEnv({ name: "browser" }));

  browser = await launchChromium();
  // Two contexts: two unrelated people, no shared storage or cookies.
  const visitorContext = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  visitorPage = await visitorContext.newPage();
  agentPage = await agentContext.newPage();
  for (const [who, page] of [["visitor", visitorPage], ["agent", agentPage]]) watchPage(who, page, pageErrors);
});

after(() => tearDown({ pages: { visitor: visitorPage, agent: agentPage }, errors: pageErrors, browser, relay, dataDir }));

// ---- the conversation -------------------------------------------------------------------

test("a visitor and an agent talk through the widget and the console", { timeout: 100_000 }, async (t) => {
  const widget = () => visitorPage.frameLocator("[data-testid=parley-frame]");
  const firstText = "Hello from the browser widget";
  const replyText = "Hi! An agent here, how can I help?";

  await t.test("the visitor opens the widget and sends a message", async () => {
    await visitorPage.goto(relay.url + "/");
    // The launcher lives in an open shadow root; Playwright's CSS engine pierces it.
    await visitorPage.locator("[data-testid=parley-launcher]").click();
    const composer = widget().locator("[data-testid=composer]");
    await composer.waitFor({ state: "visible" });
    await composer.fill(firstText);
    await widget().locator("[data-testid=send]").click();
    await widget().locator("[data-testid=message]", { hasText: firstText }).waitFor({ state: "visible" });
    // Nobody has read it yet: the receipt checked at the end must not be there already.
    assert.equal(await widget().locator("[data-testid=read-receipt]").isVisible(), false,
                 "read receipt shown before any agent read the message");
  });

  await t.test("the agent logs in and finds the conversation in the inbox", async () => {
    await agentPage.goto(relay.url + "/console/");
    await agentPage.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
    await agentPage.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
    await agentPage.locator("[data-testid=login-submit]").click();
    const item = agentPage.locator("[data-testid=inbox-item]").first();
    await item.waitFor({ state: "visible" });
    assert.equal(await agentPage.locator("[data-testid=inbox-item]").count(), 1,
                 "a fresh relay has exactly the one visitor's conversation");
    await item.click();
    await agentPage.locator("[data-testid=message]", { hasText: firstText }).waitFor({ state: "visible" });
  });

  await t.test("the visitor typing shows a typing indicator in the console", async () => {
    assert.equal(await agentPage.locator("[data-testid=typing]").isVisible(), false,
                 "typing indicator shown before the visitor typed");
    const composer = widget().locator("[data-testid=composer]");
    await composer.click();
    await composer.pressSequentially("Also, one more thing", { delay: 30 });
    await agentPage.locator("[data-testid=typing]").waitFor({ state: "visible" });
  });

  await t.test("the agent replies and the visitor sees the reply", async () => {
    const composer = agentPage.locator("[data-testid=composer]");
    await composer.fill(replyText);
    await agentPage.locator("[data-testid=send]").click();
    await agentPage.locator("[data-testid=message]", { hasText: replyText }).waitFor({ state: "visible" });
    await widget().locator("[data-testid=message]", { hasText: replyText }).waitFor({ state: "visible" });
  });

  await t.test("the widget shows that the agent has read the visitor's message", async () => {
    await widget().locator("[data-testid=read-receipt]").waitFor({ state: "visible" });
  });

  await t.test("the pages ran without script errors", () => {
    assert.deepEqual(pageErrors, []);
  });
});
