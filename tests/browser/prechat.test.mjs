// The pre-chat form and e-mail capture in a real browser (issue 17). One relay with a
// form (--prechat-fields) and an identity secret, one browser:
//   - a visitor meets the form before the first message, a bad e-mail is refused with a
//     message tied to its field, the answers go through and the composer appears;
//   - with nobody of the team online, the widget offers "leave your e-mail" once the
//     visitor waits in the queue, and confirms it; on a 390 px phone too;
//   - the agent's console header shows the answers and "Will be answered by e-mail";
//   - a verified visitor is asked only what the site did not tell us (here: the order);
//   - that verified user, on another device, sees their closed conversation listed with
//     the last words said there (never the agent's internal note after them) and reads it
//     read-only; on a 390 px phone too;
//   - after the agent closes, the rating panel stays through the visitor's "thanks"
//     (which does not reopen the conversation);
//   - axe finds nothing serious or critical on either form.
// Screenshots (kept in git): artifacts/screen-prechat-{form,capture,past-list}-{desktop,phone}.png.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/prechat.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_EMAIL, DEMO_PASSWORD, artifacts, axeFindings, launchChromium, relayFromEnv, tearDown, watchPage } from "./support.mjs";

const SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
let relay, dataDir, browser;
const pages = {};
const errors = [];

before(async () => {
  const secretFile = join(mkdtempSync(join(tmpdir(), "parley-prechat-secret-")), "identity.secret");
  writeFileSync(secretFile, SECRET + "\n", { mode: 0o600 });
  ({ relay, dataDir } = await relayFromEnv({ name: "prechat", extra: [
    "--no-triage", "--identity-secret-file", secretFile,
    "--prechat-fields", "name*,email*,order=Your order number"] }));
  browser = await launchChromium();
  const sizes = { desktop: [1100, 800], phone: [390, 844], agent: [1280, 800], verified: [900, 760] };
  for (const [who, [width, height]] of Object.entries(sizes)) {
    const context = await browser.newContext({ viewport: { width, height }, isMobile: who === "phone" });
    pages[who] = await context.newPage();
    watchPage(who, pages[who], errors);
  }
});

after(() => tearDown({
  pages: Object.fromEntries(Object.entries(pages).map(([who, page]) => [`prechat-${who}`, page])),
  errors: errors.filter((e) => !e.includes("Failed to load resource")), browser, relay, dataDir,
}));

const widget = (page) => page.frameLocator("[data-testid=parley-frame]");

/** A page of the site logged in as the verified user u_7 (named Lin), the widget open. */
async function verifiedPage(page) {
  const path = "/account";
  const who = { user_id: "u_7", email: "u7@example.com", name: "Lin", user_hash: createHmac("sha256", SECRET).update("u_7").digest("hex") };
  await page.route(relay.url + path, (route) => route.fulfill({
    contentType: "text/html",
    body: "<!doctype html><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
          "<title>Account</title><h1>Account</h1>" +
          `<script>window.Parley=[["identify",${JSON.stringify(who)}]];</script>` +
          '<script async src="/loader.js"></script>',
  }));
  await page.goto(relay.url + path);
  await page.locator("[data-testid=parley-launcher]").click();
  return widget(page);
}
const frameOf = (page) => page.frame({ url: /\/widget\/frame\.html/ });

async function openWidget(page) {
  await page.goto(relay.url + "/");
  await page.locator("[data-testid=parley-launcher]").click();
  return widget(page);
}

async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`) });
}

/** Fills and submits the pre-chat form, with nobody online: then writes a first message
 *  and leaves the e-mail when the capture form comes. */
async function answerAndLeaveEmail(page, name, email, order, prefix) {
  const w = widget(page);
  await w.locator("[data-testid=prechat-name]").fill(name);
  await w.locator("[data-testid=prechat-email]").fill(email);
  await w.locator("[data-testid=prechat-order]").fill(order);
  await w.locator("[data-testid=prechat-submit]").click();
  await w.locator("[data-testid=prechat]").waitFor({ state: "hidden" });
  await w.locator("[data-testid=composer]").fill(`${prefix} is anyone there?`);
  await w.locator("[data-testid=send]").click();
  await w.locator("[data-testid=capture]").waitFor({ state: "visible" });
  await shot(page, `screen-prechat-capture-${prefix === "DESK" ? "desktop" : "phone"}`);
  // The e-mail of the pre-chat answers is already there.
  assert.equal(await w.locator("[data-testid=capture-email]").inputValue(), email);
  await w.locator("[data-testid=capture-submit]").click();
  await w.locator("[data-testid=capture-done]", { hasText: "We'll reply by e-mail" }).waitFor({ state: "visible" });
  assert.equal(await w.locator("[data-testid=capture]").isVisible(), false);
}

test("the pre-chat form, the e-mail capture, the agent's view, a verified visitor, and CSAT after thanks",
  { timeout: 150_000 }, async (t) => {
    const { desktop, phone, agent, verified } = pages;

    await t.test("the form comes before the first message, and axe finds nothing serious on it", async () => {
      const w = await openWidget(desktop);
      await w.locator("[data-testid=prechat]").waitFor({ state: "visible" });
      assert.equal(await w.locator("[data-testid=composer]").isVisible(), false, "the composer waits behind the form");
      assert.equal(await w.getByLabel("Your order number (optional)").count(), 1);
      await shot(desktop, "screen-prechat-form-desktop");
      assert.deepEqual(await axeFindings(frameOf(desktop), { include: [["#prechat"]] }), []);
    });

    await t.test("a bad e-mail is refused with a message tied to its field", async () => {
      const w = widget(desktop);
      await w.locator("[data-testid=prechat-name]").fill("Ada Lovelace");
      await w.locator("[data-testid=prechat-email]").fill("ada@example");
      await w.locator("[data-testid=prechat-submit]").click();
      const email = w.locator("[data-testid=prechat-email]");
      assert.equal(await email.getAttribute("aria-invalid"), "true");
      const described = await email.getAttribute("aria-describedby");
      assert.match(await w.locator(`#${described}`).textContent(), /e-mail address, like name@example.com/);
      assert.equal(await w.locator("[data-testid=prechat]").isVisible(), true, "nothing was sent");
      assert.deepEqual(await axeFindings(frameOf(desktop), { include: [["#prechat"]] }), []);
    });

    await t.test("with nobody online, a waiting visitor leaves an e-mail and is told we'll reply", async () => {
      await answerAndLeaveEmail(desktop, "Ada Lovelace", "ada@example.com", "A-17", "DESK");
      assert.deepEqual(await axeFindings(frameOf(desktop), { include: [["#capture-done"]] }), []);
    });

    await t.test("the same on a 390 px phone", async () => {
      const w = await openWidget(phone);
      await w.locator("[data-testid=prechat]").waitFor({ state: "visible" });
      await shot(phone, "screen-prechat-form-phone");
      await answerAndLeaveEmail(phone, "Grace Hopper", "grace@example.com", "B-2", "PHONE");
    });

    await t.test("the agent's header shows the answers and the e-mail mark", async () => {
      await agent.goto(relay.url + "/console/");
      await agent.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
      await agent.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
      await agent.locator("[data-testid=login-submit]").click();
      await agent.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "visible" });
      await agent.locator("[data-testid=inbox-item]", { hasText: "Ada Lovelace" }).click();
      const contact = agent.locator("[data-testid=conv-contact]");
      await contact.locator("[data-testid=reply-by-email]").waitFor({ state: "visible" });
      const text = await contact.textContent();
      assert.match(text, /Ada Lovelace/);
      assert.match(text, /ada@example\.com/);
      assert.match(text, /order: A-17/);
      assert.match(text, /Will be answered by e-mail/);
      await agent.locator("[data-testid=internal-note]", { hasText: "asked to be answered by e-mail" }).waitFor({ state: "visible" });
    });

    await t.test("a verified visitor is asked only what the site did not tell us", async () => {
      const w = await verifiedPage(verified);
      await w.locator("[data-testid=prechat]").waitFor({ state: "visible" });
      assert.equal(await w.locator("[data-testid=prechat-name]").count(), 0, "the page gave the name");
      assert.equal(await w.locator("[data-testid=prechat-email]").count(), 0, "the site vouched for the e-mail");
      assert.equal(await w.locator("[data-testid=prechat-order]").count(), 1);
      await w.locator("[data-testid=prechat-order]").fill("C-3");
      await w.locator("[data-testid=prechat-submit]").click();
      await w.locator("[data-testid=composer]").fill("VERIFIED-1 my order C-3");
      await w.locator("[data-testid=send]").click();
      await w.locator("[data-testid=message]", { hasText: "VERIFIED-1" }).waitFor({ state: "visible" });
    });

    await t.test("the rating panel stays after a visitor's thanks that does not reopen", async () => {
      const w = widget(desktop);
      await agent.locator("[data-testid=composer]").fill("It ships tomorrow.");
      await agent.locator("[data-testid=send]").click();
      await w.locator("[data-testid=message]", { hasText: "It ships tomorrow." }).waitFor({ state: "visible" });
      await agent.locator("[data-testid=close-conv]").click();
      const rating = w.locator("[data-testid=rating]");
      await rating.waitFor({ state: "visible" });
      await w.locator("[data-testid=composer]").fill("thanks");
      await w.locator("[data-testid=send]").click();
      await w.locator("[data-testid=message]", { hasText: "thanks" }).locator("[data-state=sent], [data-state=seen]").first()
        .waitFor({ state: "attached" }).catch(() => {});
      await w.locator("[data-testid=message]", { hasText: "thanks" }).waitFor({ state: "visible" });
      await desktop.waitForTimeout(1500); // anything the relay would answer has arrived
      assert.equal(await w.locator("[data-testid=message]", { hasText: "Conversation reopened" }).count(), 0,
                   "a thanks does not reopen");
      assert.equal(await rating.isVisible(), true, "the rating panel is still there");
    });

    await t.test("a verified user reads their closed conversation on another device", async () => {
      await agent.locator("[data-testid=inbox-item]", { hasText: "Lin" }).click();
      await agent.locator("[data-testid=message]", { hasText: "VERIFIED-1" }).waitFor({ state: "visible" });
      await agent.locator("[data-testid=composer]").fill("C-3 left this morning.");
      await agent.locator("[data-testid=send]").click();
      // An internal note after it: the last line of the conversation, never its preview.
      await agent.locator("[data-testid=mode-note]").click();
      await agent.locator("[data-testid=composer]").fill("NOTE-7731 VIP, refund if late");
      await agent.locator("[data-testid=send]").click();
      await agent.locator("[data-testid=internal-note]", { hasText: "NOTE-7731" }).waitFor({ state: "visible" });
      await agent.locator("#mode-reply").click();
      await agent.locator("[data-testid=close-conv]").click();
      await widget(verified).locator("[data-testid=rating]").waitFor({ state: "visible" });
      // A second device of the same user: a new conversation, and the closed one listed.
      const laptop = await (await browser.newContext({ viewport: { width: 900, height: 760 } })).newPage();
      watchPage("laptop", laptop, errors);
      pages.laptop = laptop;
      const w = await verifiedPage(laptop);
      await w.locator("[data-testid=past-toggle]").click();
      const item = w.locator("[data-testid=past-item]").first();
      await item.waitFor({ state: "visible" });
      assert.equal(await item.locator("[data-testid=past-preview]").textContent(), "C-3 left this morning.");
      assert.equal(await w.getByText("NOTE-7731").count(), 0, "an internal note is never a preview");
      // One accessible name with both: when, and what was said.
      await w.getByRole("button", { name: /^Conversation of .+ C-3 left this morning\.$/ }).waitFor();
      assert.deepEqual(await axeFindings(frameOf(laptop), { include: [[".past-list"]] }), []);
      await shot(laptop, "screen-prechat-past-list-desktop");
      const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
      watchPage("past-phone", phone, errors);
      pages["past-phone"] = phone;
      const onPhone = await verifiedPage(phone);
      await onPhone.locator("[data-testid=past-toggle]").click();
      await onPhone.locator("[data-testid=past-preview]", { hasText: "C-3 left this morning." }).waitFor({ state: "visible" });
      await shot(phone, "screen-prechat-past-list-phone");
      await item.click();
      const view = w.locator("[data-testid=past-view]");
      await view.locator("[data-testid=message]", { hasText: "C-3 left this morning." }).waitFor({ state: "visible" });
      assert.equal(await w.locator("[data-testid=composer]").isVisible(), false, "read-only: no composer over it");
      assert.equal(await view.getByText("asked to be answered").count(), 0);
      assert.deepEqual(await axeFindings(frameOf(laptop), { include: [[".past-view"]] }), []);
      await shot(laptop, "screen-prechat-past-desktop");
      await w.locator("[data-testid=past-back]").click();
      await w.locator("[data-testid=messages]").waitFor({ state: "visible" });
    });
  });
