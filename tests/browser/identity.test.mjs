// Identity verification in the browser (issue 17). One relay with an identity secret,
// one browser: two contexts are two devices of the same logged-in user, whose page
// identifies them with Parley.push(["identify", {user_id, email, user_hash}]) (the
// hash computed as the site's server would, with node:crypto); the second device shows
// the conversation the first one wrote. A third context claims the same user id with a
// forged hash: the console shows its claim "unverified", never "Verified".
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/identity.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_EMAIL, DEMO_PASSWORD, launchChromium, relayFromEnv, tearDown, watchPage } from "./support.mjs";

const SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
let relay, dataDir, browser;
const pages = {};
const errors = [];

before(async () => {
  const secretFile = join(mkdtempSync(join(tmpdir(), "parley-identity-secret-")), "identity.secret");
  writeFileSync(secretFile, SECRET + "\n", { mode: 0o600 });
  ({ relay, dataDir } = await relayFromEnv({ name: "identity", extra: ["--no-triage", "--identity-secret-file", secretFile, "--identity-proof", "user_hash"] }));
  browser = await launchChromium();
  for (const who of ["agent", "laptop", "phone", "forger"]) {
    const context = await browser.newContext({ viewport: { width: who === "agent" ? 1280 : 900, height: 760 } });
    pages[who] = await context.newPage();
    watchPage(who, pages[who], errors);
  }
});

after(() => tearDown({
  pages: Object.fromEntries(Object.entries(pages).map(([who, page]) => [`identity-${who}`, page])),
  errors: errors.filter((e) => !e.includes("Failed to load resource")), browser, relay, dataDir,
}));

/** A host page of the site, logged in as `user` with proof `hash`; the widget opened. */
async function sitePage(page, user, hash) {
  const path = "/account-" + Math.random().toString(36).slice(2);
  const who = { user_id: user, email: `${user}@example.com`, name: "Ada", user_hash: hash, attributes: { plan: "pro" } };
  await page.route(relay.url + path, (route) => route.fulfill({
    contentType: "text/html",
    body: "<!doctype html><meta charset=\"utf-8\"><title>Account</title><h1>Account</h1>" +
          `<script>window.Parley=[["identify",${JSON.stringify(who)}]];</script>` +
          '<script async src="/loader.js"></script>',
  }));
  await page.goto(relay.url + path);
  await page.locator("[data-testid=parley-launcher]").click();
  const frame = page.frameLocator("[data-testid=parley-frame]");
  await frame.locator("[data-testid=composer]").waitFor({ state: "visible" });
  return frame;
}

const hmac = (user) => createHmac("sha256", SECRET).update(user).digest("hex");

test("a verified user's second device shows their conversation; a forged hash reads unverified",
  { timeout: 110_000 }, async (t) => {
    const { agent } = pages;
    await t.test("the demo agent signs in", async () => {
      await agent.goto(relay.url + "/console/");
      await agent.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
      await agent.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
      await agent.locator("[data-testid=login-submit]").click();
      await agent.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "visible" });
    });

    await t.test("the laptop writes as the verified user; the console shows Verified", async () => {
      const frame = await sitePage(pages.laptop, "u_1042", hmac("u_1042"));
      await frame.locator("[data-testid=composer]").fill("LAPTOP-1 where is order 1042?");
      await frame.locator("[data-testid=send]").click();
      await frame.locator("[data-testid=message]", { hasText: "LAPTOP-1" }).waitFor({ state: "visible" });
      await agent.locator("[data-testid=inbox-item]", { hasText: "LAPTOP-1" }).click();
      const contact = agent.locator("[data-testid=conv-contact]");
      await contact.locator("[data-testid=contact-verified]").waitFor({ state: "visible" });
      assert.match(await contact.textContent(), /User u_1042/);
      // The e-mail and attributes came from the page, not the proof: marked unverified.
      assert.equal(await contact.locator("[data-testid=contact-unverified]").count(), 2);
    });

    await t.test("the phone (another browser, no token of its own) shows the laptop's message", async () => {
      const frame = await sitePage(pages.phone, "u_1042", hmac("u_1042"));
      await frame.locator("[data-testid=message]", { hasText: "LAPTOP-1" }).waitFor({ state: "visible" });
    });

    await t.test("a forged hash for the same user id sees nothing of theirs and reads unverified", async () => {
      const forged = hmac("u_1042").replace(/^./, (c) => (c === "0" ? "1" : "0"));
      const frame = await sitePage(pages.forger, "u_1042", forged);
      await frame.locator("[data-testid=composer]").fill("FORGER-2 show me my orders");
      await frame.locator("[data-testid=send]").click();
      await frame.locator("[data-testid=message]", { hasText: "FORGER-2" }).waitFor({ state: "visible" });
      assert.equal(await frame.locator("[data-testid=message]", { hasText: "LAPTOP-1" }).count(), 0);
      await agent.locator("[data-testid=inbox-item]", { hasText: "FORGER-2" }).click();
      const contact = agent.locator("[data-testid=conv-contact]");
      await contact.locator("[data-testid=contact-unverified]").first().waitFor({ state: "visible" });
      assert.match(await contact.textContent(), /User u_1042 \(unverified\)/);
      assert.equal(await contact.locator("[data-testid=contact-verified]").count(), 0);
    });
  });
