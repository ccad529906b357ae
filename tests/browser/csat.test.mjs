// CSAT in a real browser (issue 17): an agent closes the conversation; the widget asks
// "How was this conversation?"; the visitor rates it by keyboard alone with a comment;
// the widget thanks them; the agent's console shows the internal line "Rated 4/5: …"
// and the visitor's page never does. axe finds nothing serious on the rating form.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/csat.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DEMO_EMAIL, DEMO_PASSWORD, WAIT, axeFindings, launchChromium, relayFromEnv, tearDown } from "./support.mjs";

let relay, dataDir, browser;
const pages = {};
const pageErrors = [];

before(async () => {
  ({ relay, dataDir } = await relayFromEnv({ name: "csat", extra: ["--no-triage"] }));
  browser = await launchChromium();
  for (const who of ["visitor", "sam"]) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on("pageerror", (err) => pageErrors.push(`${who}: ${err.message}`));
    page.on("console", (msg) => {
      // Static assets (the triage model, off here) are browser_triage's subject.
      if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource"))
        pageErrors.push(`${who} console: ${msg.text()}`);
    });
    pages[who] = page;
  }
});

after(() => tearDown({ pages: Object.fromEntries(Object.entries(pages).map(([who, page]) => [`csat-${who}`, page])), errors: pageErrors, browser, relay, dataDir }));

test("a visitor rates a closed conversation by keyboard and the agent sees the rating", { timeout: 90_000 }, async (t) => {
  const { visitor, sam } = pages;
  const widget = () => visitor.frameLocator("[data-testid=parley-frame]");
  const rating = () => widget().locator("[data-testid=rating]");

  await t.test("the agent answers the visitor and closes the conversation", async () => {
    await sam.goto(relay.url + "/console/");
    await sam.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
    await sam.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
    await sam.locator("[data-testid=login-submit]").click();
    await sam.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "visible" });
    await visitor.goto(relay.url + "/");
    await visitor.locator("[data-testid=parley-launcher]").click();
    const composer = widget().locator("[data-testid=composer]");
    await composer.waitFor({ state: "visible" });
    await composer.fill("Where is my parcel?");
    await widget().locator("[data-testid=send]").click();
    assert.equal(await rating().isVisible(), false, "no rating while the conversation is open");
    const item = sam.locator("[data-testid=inbox-item]").first();
    await item.waitFor({ state: "visible" });
    await item.click();
    await sam.locator("[data-testid=message]", { hasText: "Where is my parcel?" }).waitFor({ state: "visible" });
    await sam.locator("[data-testid=composer]").fill("It arrives tomorrow.");
    await sam.locator("[data-testid=send]").click();
    await sam.locator("[data-testid=close-conv]").click();
  });

  await t.test("the widget asks for a rating, with nothing serious for axe", async () => {
    await rating().waitFor({ state: "visible" });
    assert.equal(await rating().getByText("How was this conversation?").isVisible(), true);
    assert.equal(await rating().locator("[data-score]").count(), 5);
    await rating().getByRole("button", { name: "4 out of 5" }).waitFor();
    const frame = visitor.frame({ url: /\/widget\/frame\.html/ });
    assert.ok(frame, "the widget frame");
    assert.deepEqual(await axeFindings(frame, { include: [["#rating"]] }), []);
  });

  await t.test("the visitor rates 4 with a comment by keyboard alone", async () => {
    await rating().getByRole("button", { name: "1 out of 5" }).focus();
    for (let i = 0; i < 3; i++) await visitor.keyboard.press("Tab");
    await visitor.keyboard.press("Enter");
    assert.equal(await rating().getByRole("button", { name: "4 out of 5" }).getAttribute("aria-pressed"), "true");
    await visitor.keyboard.press("Tab"); // past 5
    await visitor.keyboard.press("Tab"); // the comment
    await visitor.keyboard.type("Quick and kind");
    await visitor.keyboard.press("Tab"); // Send rating
    await visitor.keyboard.press("Enter");
    await widget().locator("[data-testid=rating-thanks]", { hasText: "Thank you for your rating" }).waitFor({ state: "visible" });
    assert.equal(await rating().isVisible(), false, "the form gives way to the thanks");
  });

  await t.test("the agent's console shows the rating as an internal line; the visitor's page does not", async () => {
    await sam.locator("[data-testid=internal-note]", { hasText: "Rated 4/5: Quick and kind" }).waitFor({ state: "visible" });
    const text = await widget().locator("[data-testid=messages]").innerText();
    assert.ok(!text.includes("Rated 4/5"), "the internal line reached the visitor");
  });
});
