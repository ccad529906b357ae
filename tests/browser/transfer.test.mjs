// Routing in a real browser (P4): two agents in two browser contexts and a visitor in
// a third. The visitor's conversation lands on the demo agent (team general); the demo
// agent transfers it to the billing agent with an internal note; the billing agent
// sees the conversation and the note; the visitor sees the transfer line and never the
// note text — neither on the page nor after a reload (sync and history skip notes).
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/transfer.test.mjs
//
// Screenshots of the three pages land in tests/browser/artifacts/transfer-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEMO_EMAIL, DEMO_PASSWORD, WAIT, artifacts, launchChromium, relayFromEnv, tearDown } from "./support.mjs";

const BILLING_EMAIL = "billing@parley.local";
const NOTE = "SECRET-NOTE-4821: refund approved by finance, do not mention the amount";

// ---- the relay as a child process ----------------------------------------------------


// ---- fixture -----------------------------------------------------------------------------

let relay, dataDir, browser;
const pages = {};
const pageErrors = [];

before(async () => {
  ({ relay, dataDir } = await relayFromEnv({ name: "transfer", extra: ["--no-triage"] }));
  browser = await launchChromium();
  for (const who of ["visitor", "sam", "billie"]) {
    const context = await browser.newContext({ viewport: { width: who === "visitor" ? 1100 : 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on("pageerror", (err) => pageErrors.push(`${who}: ${err.message}`));
    page.on("console", (msg) => {
      // Static assets (the triage model) are browser_triage's subject, not this test's.
      if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource"))
        pageErrors.push(`${who} console: ${msg.text()}`);
    });
    pages[who] = page;
  }
});

after(() => tearDown({ pages: Object.fromEntries(Object.entries(pages).map(([who, page]) => [`transfer-${who}`, page])), errors: pageErrors, browser, relay, dataDir }));

async function login(page, email) {
  await page.goto(relay.url + "/console/");
  await page.locator("[data-testid=login-email]").fill(email);
  await page.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
  await page.locator("[data-testid=login-submit]").click();
  await page.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "visible" });
}

// ---- the transfer ----------------------------------------------------------------------

test("an agent transfers a conversation to another agent with a note the visitor never sees", { timeout: 110_000 }, async (t) => {
  const { visitor, sam, billie } = pages;
  const widget = () => visitor.frameLocator("[data-testid=parley-frame]");
  const question = "Hello, I was charged twice this month";

  await t.test("both agents sign in, in their own browser contexts", async () => {
    await login(sam, DEMO_EMAIL);
    await login(billie, BILLING_EMAIL);
  });

  await t.test("the visitor writes and the conversation is routed to the general agent", async () => {
    await visitor.goto(relay.url + "/");
    await visitor.locator("[data-testid=parley-launcher]").click();
    const composer = widget().locator("[data-testid=composer]");
    await composer.waitFor({ state: "visible" });
    await composer.fill(question);
    await widget().locator("[data-testid=send]").click();
    const item = sam.locator("[data-testid=inbox-item]").first();
    await item.waitFor({ state: "visible" });
    await sam.locator("[data-testid=inbox-item] [data-testid=state-badge]", { hasText: "Your turn" }).waitFor();
    await item.click();
    await sam.locator("[data-testid=message]", { hasText: question }).waitFor({ state: "visible" });
    assert.equal(await billie.locator("[data-testid=inbox-item]:visible").count(), 0,
                 "the billing agent must not see a general conversation before the transfer");
  });

  await t.test("the general agent transfers it to the billing agent with a note", async () => {
    await sam.locator("[data-testid=transfer-open]").click();
    const dialog = sam.locator("[data-testid=transfer-dialog]");
    await dialog.waitFor({ state: "visible" });
    const option = sam.locator("[data-testid=transfer-target] option", { hasText: "Billie" });
    await sam.locator("[data-testid=transfer-target]").selectOption(await option.getAttribute("value"));
    await sam.locator("[data-testid=transfer-note]").fill(NOTE);
    await sam.screenshot({ path: join(artifacts, "transfer-dialog.png") });
    await sam.locator("[data-testid=transfer-submit]").click();
    await sam.locator("[data-testid=conv-route]", { hasText: "Billie" }).waitFor({ state: "visible" });
  });

  await t.test("the billing agent gets the conversation with its history and the note", async () => {
    const item = billie.locator("[data-testid=inbox-item]").first();
    await item.waitFor({ state: "visible" });
    await item.click();
    await billie.locator("[data-testid=message]", { hasText: question }).waitFor({ state: "visible" });
    await billie.locator("[data-testid=internal-note]", { hasText: "SECRET-NOTE-4821" }).first().waitFor({ state: "visible" });
    // Where it went and who sent it: an internal line, for agents only.
    await billie.locator("[data-testid=internal-note]", { hasText: "Transferred to" }).first().waitFor({ state: "visible" });
    // And adds a note of her own from the composer.
    await billie.locator("[data-testid=mode-note]").click();
    await billie.locator("[data-testid=composer]").fill("Checked the ledger: PRIVATE-CHECK-77");
    await billie.locator("[data-testid=send]").click();
    await billie.locator("[data-testid=internal-note]", { hasText: "PRIVATE-CHECK-77" }).waitFor({ state: "visible" });
    await billie.locator("[data-testid=composer]").fill("I can see the double charge and have refunded it.");
    await billie.locator("[data-testid=send]").click();
  });

  await t.test("the visitor sees the transfer and the reply, never the notes", async () => {
    // Who joined, in words for the visitor; the team's id and who sent it stay internal.
    await widget().locator("[data-testid=message]", { hasText: "joined the conversation" }).waitFor({ state: "visible" });
    await widget().locator("[data-testid=message]", { hasText: "refunded" }).waitFor({ state: "visible" });
    const text = await widget().locator("body").innerText();
    assert.ok(!text.includes("SECRET-NOTE"), "the transfer note reached the visitor's page");
    assert.ok(!text.includes("Transferred to"), "the internal transfer line reached the visitor's page");
    assert.ok(!text.includes("PRIVATE-CHECK"), "an internal note reached the visitor's page");
    // After a reload the widget resumes through sync/history: still no note.
    await visitor.reload();
    await visitor.locator("[data-testid=parley-launcher]").click();
    await widget().locator("[data-testid=message]", { hasText: "refunded" }).waitFor({ state: "visible" });
    const again = await widget().locator("body").innerText();
    assert.ok(!again.includes("SECRET-NOTE") && !again.includes("PRIVATE-CHECK"), "a note came back after reload");
  });

  await t.test("the supervisor board shows every agent's load", async () => {
    assert.equal(await billie.locator("[data-testid=tab-board]").isVisible(), false,
                 "an agent without the supervisor flag has no supervisor view");
    await sam.locator("[data-testid=tab-board]").waitFor({ state: "visible" });
    await sam.goto(relay.url + "/console/#supervisor");
    await sam.locator("[data-testid=board-agent]", { hasText: "Billie" }).waitFor({ state: "visible" });
    const row = await sam.locator("[data-testid=board-agent]", { hasText: "Billie" }).innerText();
    assert.match(row, /1 \/ 3 \/ 5/);
    await sam.screenshot({ path: join(artifacts, "transfer-supervisor.png") });
    await sam.locator("#tab-inbox").click();
    await sam.locator("[data-testid=inbox-item]").first().waitFor({ state: "visible" });
  });

  await t.test("a visitor on a billing page is routed to the billing team by the page rule", async () => {
    // The relay's default rules send pages whose path contains /billing to team billing.
    // The host page is served here (same origin as the relay, which the relay allows);
    // the loader passes origin + path, never the query, to the widget's hello.
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const host = await context.newPage();
    host.setDefaultTimeout(WAIT);
    host.on("pageerror", (err) => pageErrors.push(`billing host: ${err.message}`));
    await host.route(relay.url + "/billing/plans?ref=newsletter", (route) => route.fulfill({
      contentType: "text/html",
      body: '<!doctype html><title>Acme billing</title><h1>Plans and invoices</h1><script async src="/loader.js"></script>',
    }));
    await host.goto(relay.url + "/billing/plans?ref=newsletter");
    await host.locator("[data-testid=parley-launcher]").click();
    const frame = host.frameLocator("[data-testid=parley-frame]");
    const src = await host.locator("[data-testid=parley-frame]").getAttribute("src");
    assert.ok(src.includes("page=" + encodeURIComponent(relay.url + "/billing/plans")), "no page in " + src);
    assert.ok(!src.includes("newsletter"), "the page's query reached the widget: " + src);
    const composer = frame.locator("[data-testid=composer]");
    await composer.waitFor({ state: "visible" });
    await composer.fill("Where can I download my invoice PAGE-RULE-5150?");
    await frame.locator("[data-testid=send]").click();
    await billie.locator("[data-testid=inbox-item]", { hasText: "PAGE-RULE-5150" }).waitFor({ state: "visible" });
    await billie.screenshot({ path: join(artifacts, "transfer-page-rule.png") });
    await context.close();
  });

  await t.test("the pages ran without script errors", () => {
    assert.deepEqual(pageErrors, []);
  });
});
