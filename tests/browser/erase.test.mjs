// A visitor's data on request from the agent console (P7, issue 15), in a real browser:
// a visitor writes from a shop page (and, over the byte quota, is told politely that a
// message was not sent and will be retried); the demo supervisor, signed in on two
// devices, exports the visitor's data (a JSON download) and then erases the visitor
// through the confirmation dialog, with the keyboard only. The conversation leaves both
// consoles, and no file of the relay's data directory (nor its log) holds the visitor's
// text, name or page.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/erase.test.mjs
//
// Screenshots land in tests/browser/artifacts/erase-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { DEMO_EMAIL, DEMO_PASSWORD, artifacts, launchChromium, relayFromEnv, tearDown, watchPage } from "./support.mjs";

const NAME = "Zebulon Quixote";
const TEXT = "zqx private detail one";
const PAGE = "/zqx-secret-page";

let relay, dataDir, browser;
const pages = {};
const errors = [];

before(async () => {
  ({ relay, dataDir } = await relayFromEnv({ name: "erase", extra: ["--no-triage", "--quota-visitor-bytes", "200"] }));
  browser = await launchChromium();
  for (const who of ["visitor", "laptop", "phone"]) {
    const context = await browser.newContext({ viewport: { width: who === "visitor" ? 1000 : 1280, height: 760 } });
    pages[who] = await context.newPage();
    watchPage(who, pages[who], errors);
  }
});

after(() => tearDown({
  pages: Object.fromEntries(Object.entries(pages).map(([who, page]) => [`erase-${who}`, page])),
  // The visitor's widget loses its connection on purpose (4102); the relay refused a
  // message over the quota: neither is a page error.
  errors: errors.filter((e) => !e.includes("Failed to load resource") && !e.includes("WebSocket")),
  browser, relay, dataDir,
}));

/** Every byte of every file under `dir` (directories such as keys/ are walked, not read). */
function filesUnder(dir) {
  let bytes = "";
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) bytes += filesUnder(path);
    else if (entry.isFile()) bytes += readFileSync(path).toString("latin1");
  }
  return bytes;
}

async function login(page) {
  await page.goto(relay.url + "/console/");
  await page.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
  await page.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
  await page.locator("[data-testid=login-submit]").click();
  await page.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "visible" });
}

test("a supervisor exports, then erases a visitor from the console", { timeout: 110_000 }, async (t) => {
  const { visitor, laptop, phone } = pages;
  let conv;

  await t.test("the visitor writes; over the byte quota the widget says so, politely", async () => {
    await visitor.route(relay.url + PAGE, (route) => route.fulfill({
      contentType: "text/html",
      body: "<!doctype html><meta charset=\"utf-8\"><title>Shop</title><h1>Shop</h1>" +
            `<script>window.Parley=[["set","name",${JSON.stringify(NAME)}]];</script>` +
            '<script async src="/loader.js"></script>',
    }));
    await visitor.goto(relay.url + PAGE);
    await visitor.locator("[data-testid=parley-launcher]").click();
    const frame = visitor.frameLocator("[data-testid=parley-frame]");
    const composer = frame.locator("[data-testid=composer]");
    await composer.waitFor({ state: "visible" });
    await composer.fill(TEXT);
    await frame.locator("[data-testid=send]").click();
    await frame.locator("[data-testid=message]", { hasText: TEXT }).waitFor();
    await composer.fill("zqx far too much " + "words ".repeat(40));
    await frame.locator("[data-testid=send]").click();
    const notice = frame.locator("#composer-error");
    await notice.waitFor({ state: "visible" });
    assert.match(await notice.textContent(), /^Not sent: .* We'll retry in \d+ (min|h)\.$/);
    assert.equal(await notice.getAttribute("role"), "alert", "screen readers hear it");
  });

  await t.test("both consoles list the conversation; only supervisors see the buttons", async () => {
    await login(laptop);
    await login(phone);
    const item = laptop.locator("[data-testid=inbox-item]", { hasText: NAME });
    await item.waitFor();
    conv = await item.getAttribute("data-conv");
    await phone.locator(`[data-testid=inbox-item][data-conv="${conv}"]`).waitFor();
    await item.click();
    await laptop.locator("[data-testid=export-visitor]").waitFor({ state: "visible" });
    await laptop.locator("[data-testid=erase-open]").waitFor({ state: "visible" });
  });

  await t.test("Export data downloads the visitor's JSON document", async () => {
    const [download] = await Promise.all([
      laptop.waitForEvent("download"),
      laptop.locator("[data-testid=export-visitor]").click(),
    ]);
    const doc = JSON.parse(readFileSync(await download.path(), "utf8"));
    assert.equal(doc.format, "parley.visitor-export.v1");
    assert.equal(doc.visitor.name, NAME);
    assert.equal(doc.conversations[0].conv, conv);
    assert.equal(doc.conversations[0].messages[0].text, TEXT);
    assert.match(download.suggestedFilename(), /^parley-export-v_.*\.json$/);
    await laptop.locator("[data-testid=privacy-status]", { hasText: "exported" }).waitFor();
  });

  await t.test("Erase visitor… asks for the id or ERASE, with the keyboard alone", async () => {
    await laptop.locator("[data-testid=erase-open]").focus();
    await laptop.keyboard.press("Enter");
    const dialog = laptop.getByRole("dialog", { name: "Erase this visitor for good?" });
    await dialog.waitFor({ state: "visible" });
    const submit = laptop.locator("[data-testid=erase-submit]");
    assert.equal(await submit.isDisabled(), true, "nothing typed: cannot erase");
    assert.equal(await laptop.evaluate(() => document.activeElement?.id), "erase-confirm", "focus is in the field");
    await laptop.keyboard.type("erase");
    assert.equal(await submit.isDisabled(), true, "lower case is not the word");
    await laptop.keyboard.press("Control+A");
    await laptop.keyboard.type("ERASE");
    assert.equal(await submit.isDisabled(), false);
    await laptop.screenshot({ path: join(artifacts, "erase-dialog.png") });
    await laptop.keyboard.press("Enter");
    await dialog.waitFor({ state: "hidden" });
    await laptop.locator("[data-testid=privacy-status]", { hasText: "Visitor erased: 1 conversation(s), 1 message(s)." }).waitFor();
  });

  await t.test("the conversation leaves every console", async () => {
    await laptop.locator(`[data-testid=inbox-item][data-conv="${conv}"]`).waitFor({ state: "detached" });
    await phone.locator(`[data-testid=inbox-item][data-conv="${conv}"]`).waitFor({ state: "detached" });
    assert.equal(await laptop.locator("[data-testid=erase-open]").isVisible(), false, "no conversation is open");
  });

  await t.test("nothing of the visitor is left in the data directory or the relay's log", () => {
    const bytes = filesUnder(dataDir) + relay.output();
    assert.ok(bytes.includes("parley"), "the files were read");
    for (const secret of [TEXT, "zqx far too much", NAME, PAGE.slice(1)])
      assert.equal(bytes.includes(secret), false, `"${secret}" is gone`);
  });
});
