// The customer context sidebar and canned responses in a real browser (issue 17). One
// relay (with an identity secret), one browser: a verified customer on an iPhone writes
// from the billing page of the site, is answered, closes with a 4/5 rating, comes back in
// a new conversation and moves around the single-page site; the agent's sidebar shows
// who they are (Verified), the page they are on (live, and after a reload of the
// console), their device, their past conversation (opened read-only) and its rating.
// Then the agent saves a canned response and inserts it with `/`, variables filled and
// an unknown one left visible; Escape closes the list. Screenshots of the console with
// the sidebar at desktop and phone width go to artifacts/screen-console-context-*.png.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/context.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_EMAIL, DEMO_PASSWORD, artifacts, launchChromium, relayFromEnv, tearDown, watchPage } from "./support.mjs";

const SECRET = "7a6b5c4d3e2f10011f2e3d4c5b6a79887a6b5c4d3e2f10011f2e3d4c5b6a7988";
const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 " +
               "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
let relay, dataDir, browser;
const pages = {};
const errors = [];

before(async () => {
  const secretFile = join(mkdtempSync(join(tmpdir(), "parley-context-secret-")), "identity.secret");
  writeFileSync(secretFile, SECRET + "\n", { mode: 0o600 });
  ({ relay, dataDir } = await relayFromEnv({ name: "context", extra: ["--no-triage", "--identity-secret-file", secretFile] }));
  browser = await launchChromium();
  const agentContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  pages.agent = await agentContext.newPage();
  const visitorContext = await browser.newContext({ viewport: { width: 420, height: 800 }, userAgent: IPHONE });
  pages.visitor = await visitorContext.newPage();
  for (const [who, page] of Object.entries(pages)) watchPage(who, page, errors);
});

after(() => tearDown({
  pages: { "context-agent": pages.agent, "context-visitor": pages.visitor },
  errors: errors.filter((e) => !e.includes("Failed to load resource")), browser, relay, dataDir,
}));

const hmac = (user) => createHmac("sha256", SECRET).update(user).digest("hex");

/** The site's single-page app at /billing, logged in as Ada (verified); widget open. */
async function openSite(page) {
  const who = { user_id: "u_2077", email: "ada@example.com", name: "Ada Lovelace", user_hash: hmac("u_2077"),
                attributes: { plan: "Pro", company: "Analytical Engines Ltd" } };
  await page.route(relay.url + "/billing*", (route) => route.fulfill({
    contentType: "text/html",
    body: "<!doctype html><meta charset=\"utf-8\"><title>Billing — Acme</title><h1>Billing</h1>" +
          `<script>window.Parley=[["identify",${JSON.stringify(who)}]];</script>` +
          '<script async src="/loader.js"></script>',
  }));
  await page.goto(relay.url + "/billing?session=SECRET-TOKEN");
  await page.locator("[data-testid=parley-launcher]").click();
  const frame = page.frameLocator("[data-testid=parley-frame]");
  await frame.locator("[data-testid=composer]").waitFor({ state: "visible" });
  return frame;
}

async function say(frame, text) {
  await frame.locator("[data-testid=composer]").fill(text);
  await frame.locator("[data-testid=send]").click();
  await frame.locator("[data-testid=message]", { hasText: text }).waitFor({ state: "visible" });
}

async function signIn(agent) {
  await agent.goto(relay.url + "/console/");
  if (await agent.locator("[data-testid=login-email]").isVisible()) {
    await agent.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
    await agent.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
    await agent.locator("[data-testid=login-submit]").click();
  }
  await agent.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "visible" });
}

test("the sidebar shows the customer, their page, device and past conversations; canned responses insert with /",
  { timeout: 150_000 }, async (t) => {
    const { agent, visitor } = pages;
    const panel = agent.locator("[data-testid=context-panel]");

    await t.test("a first conversation: answered, closed, rated 4/5", async () => {
      await signIn(agent);
      const frame = await openSite(visitor);
      await say(frame, "FIRST-1 I was charged twice for invoice 2041");
      await agent.locator("[data-testid=inbox-item]", { hasText: "FIRST-1" }).click();
      await agent.locator("[data-testid=composer]").fill("Sorry about that — the second charge is refunded.");
      await agent.locator("[data-testid=send]").click();
      await agent.locator("[data-testid=close-conv]").click();
      const rating = frame.locator("[data-testid=rating]");
      await rating.getByRole("button", { name: "4 out of 5" }).click();
      await rating.getByRole("button", { name: /send/i }).click();
      await frame.locator("[data-testid=rating-thanks]").waitFor({ state: "visible" });
    });

    await t.test("back in a new conversation, the sidebar shows identity, page, device, rating and the past one", async () => {
      const frame = await openSite(visitor); // a new hello: the closed one stays closed
      await say(frame, "SECOND-2 the refund has not arrived yet");
      await agent.locator("[data-testid=inbox-item]", { hasText: "SECOND-2" }).click();
      await panel.locator("[data-testid=ctx-verified]").waitFor({ state: "visible" });
      assert.equal(await panel.locator("[data-testid=ctx-name]").textContent(), "Ada Lovelace");
      assert.equal(await panel.locator("[data-testid=ctx-user-id]").textContent(), "u_2077");
      assert.match(await panel.locator("[data-testid=ctx-email]").textContent(), /ada@example\.com \(unverified\)/);
      assert.equal(await panel.locator("[data-testid=ctx-attribute][data-key=plan]").textContent(), "Pro");
      assert.equal(await panel.locator("[data-testid=ctx-page-title]").textContent(), "Billing — Acme");
      const url = panel.locator("[data-testid=ctx-page-url]");
      assert.equal(await url.textContent(), relay.url + "/billing");  // never the query
      assert.equal(await url.getAttribute("rel"), "noopener noreferrer");
      assert.equal(await panel.locator("[data-testid=ctx-browser]").textContent(), "Safari 17");
      assert.match(await panel.locator("[data-testid=ctx-os]").textContent(), /^iOS 17/);
      assert.match(await panel.locator("[data-testid=ctx-device]").textContent(), /Phone/);
      const past = panel.locator("[data-testid=ctx-past-item]");
      await past.first().waitFor({ state: "visible" });
      assert.equal(await past.count(), 1);
      assert.equal(await past.locator(".stars").getAttribute("data-score"), "4");
      assert.equal(await panel.locator("[data-testid=ctx-csat-item]").count(), 1);
    });

    await t.test("the page follows the visitor through the single-page site, live and after a reload", async () => {
      await visitor.evaluate(() => {
        history.pushState({}, "", "/billing/invoices/2041?tab=refunds");
        document.title = "Invoice 2041 — Acme";
      });
      await panel.locator("[data-testid=ctx-page-title]", { hasText: "Invoice 2041 — Acme" }).waitFor({ state: "visible" });
      assert.equal(await panel.locator("[data-testid=ctx-page-url]").textContent(), relay.url + "/billing/invoices/2041");
      await agent.reload();
      await agent.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "visible" });
      await agent.locator("[data-testid=inbox-item]", { hasText: "SECOND-2" }).click();
      await panel.locator("[data-testid=ctx-page-title]", { hasText: "Invoice 2041 — Acme" }).waitFor({ state: "visible" });
    });

    await t.test("the past conversation opens read-only", async () => {
      await panel.locator("[data-testid=ctx-past-item]").click();
      const dialog = agent.locator("[data-testid=past-dialog]");
      await dialog.locator("[data-testid=message]", { hasText: "FIRST-1" }).waitFor({ state: "visible" });
      await dialog.locator("[data-testid=message]", { hasText: "second charge is refunded" }).waitFor({ state: "visible" });
      assert.equal(await dialog.locator("textarea").count(), 0, "no composer: read only");
      await dialog.locator("[data-testid=past-close]").click();
      await dialog.waitFor({ state: "detached" });
    });

    await t.test("a canned response is saved, and inserted with / with its variables filled", async () => {
      await agent.locator("[data-testid=canned-open]").click();
      const manager = agent.locator("[data-testid=canned-dialog]");
      await manager.locator("[data-testid=canned-new]").click();
      await manager.locator("[data-testid=canned-shortcut]").fill("refund");
      await manager.locator("[data-testid=canned-text]").fill(
        "Hi {first_name}, {agent_name} here. Refunds reach your card in 5 days (ref {order_id}).");
      await manager.locator("[data-testid=canned-save]").click();
      await manager.locator("[data-testid=canned-row][data-shortcut=refund]").waitFor({ state: "visible" });
      await manager.locator("[data-testid=canned-new]").click();
      await manager.locator("[data-testid=canned-shortcut]").fill("hello");
      await manager.locator("[data-testid=canned-text]").fill("Hello {first_name}! How can I help?");
      await manager.locator("[data-testid=canned-save]").click();
      await manager.locator("[data-testid=canned-row][data-shortcut=hello]").waitFor({ state: "visible" });
      await manager.locator("[data-testid=canned-done]").click();
      await manager.waitFor({ state: "detached" });

      const composer = agent.locator("[data-testid=composer]");
      await composer.fill("");
      await composer.pressSequentially("/");
      const picker = agent.locator("[data-testid=canned-picker]");
      await picker.waitFor({ state: "visible" });
      assert.equal(await picker.locator("[data-testid=canned-option]").count(), 2);
      await agent.keyboard.press("Escape");
      await picker.waitFor({ state: "hidden" });
      assert.equal(await composer.inputValue(), "/", "Escape closes the list and keeps the text");

      await composer.pressSequentially("re");
      await picker.waitFor({ state: "visible" });
      assert.equal(await picker.locator("[data-testid=canned-option]").count(), 1);
      await agent.screenshot({ path: join(artifacts, "screen-console-context-canned.png") });
      await agent.keyboard.press("Enter");
      await picker.waitFor({ state: "hidden" });
      const name = (await agent.locator("#me-name").textContent()).trim();
      assert.equal(await composer.inputValue(),
        `Hi Ada, ${name} here. Refunds reach your card in 5 days (ref {order_id}).`);

      await composer.fill("");
      await composer.pressSequentially("/");
      await agent.keyboard.press("ArrowDown");  // /hello, /refund: the second
      await agent.keyboard.press("ArrowUp");
      await agent.keyboard.press("ArrowDown");
      await agent.keyboard.press("ArrowDown");  // wraps to the first
      await agent.keyboard.press("Enter");
      assert.equal(await composer.inputValue(), "Hello Ada! How can I help?");
      await agent.keyboard.press("Enter"); // now Enter sends
      await agent.locator("[data-testid=message]", { hasText: "Hello Ada! How can I help?" }).waitFor({ state: "visible" });
    });

    await t.test("screenshots: the console with the sidebar at desktop and phone width", async () => {
      await agent.screenshot({ path: join(artifacts, "screen-console-context-desktop.png") });
      await agent.setViewportSize({ width: 390, height: 844 });
      await agent.locator("[data-testid=context-toggle]").click();
      await panel.locator("[data-testid=ctx-verified]").waitFor({ state: "visible" });
      await agent.screenshot({ path: join(artifacts, "screen-console-context-phone.png") });
      await panel.getByRole("button", { name: "Close customer details" }).click();
      await panel.waitFor({ state: "hidden" });
    });
  });
