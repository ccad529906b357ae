// Hostile display names in the agent console (issue 15). A visitor may call themselves
// anything: "\u202EDemo Agent" (a right-to-left override that would reverse the text
// after it) or plainly "Demo Agent", the demo agent's own name. The console must show
// such names as text, isolated (<bdi> / unicode-bidi: isolate, bidi controls removed)
// so they reorder nothing around them, and marked as a visitor's, so a visitor cannot
// pass for the agent. The widget shows agents' names isolated too.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/names.test.mjs
//
// Screenshots land in tests/browser/artifacts/names-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEMO_EMAIL, DEMO_PASSWORD, artifacts, launchChromium, relayFromEnv, tearDown, watchPage } from "./support.mjs";

let relay, dataDir, browser;
const pages = {};
const errors = [];

before(async () => {
  ({ relay, dataDir } = await relayFromEnv({ name: "names", extra: ["--no-triage"] }));
  browser = await launchChromium();
  for (const who of ["agent", "override", "impostor"]) {
    const context = await browser.newContext({ viewport: { width: who === "agent" ? 1280 : 1000, height: 760 } });
    pages[who] = await context.newPage();
    watchPage(who, pages[who], errors);
  }
});

after(() => tearDown({
  pages: Object.fromEntries(Object.entries(pages).map(([who, page]) => [`names-${who}`, page])),
  errors: errors.filter((e) => !e.includes("Failed to load resource")), browser, relay, dataDir,
}));

/** A host page that names its visitor `name`, the widget opened, `text` sent. */
async function visitorSays(page, name, text) {
  const path = "/shop-" + Math.random().toString(36).slice(2);
  await page.route(relay.url + path, (route) => route.fulfill({
    contentType: "text/html",
    body: "<!doctype html><meta charset=\"utf-8\"><title>Shop</title><h1>Shop</h1>" +
          `<script>window.Parley=[["set","name",${JSON.stringify(name)}]];</script>` +
          '<script async src="/loader.js"></script>',
  }));
  await page.goto(relay.url + path);
  await page.locator("[data-testid=parley-launcher]").click();
  const frame = page.frameLocator("[data-testid=parley-frame]");
  const composer = frame.locator("[data-testid=composer]");
  await composer.waitFor({ state: "visible" });
  await composer.fill(text);
  await frame.locator("[data-testid=send]").click();
  return frame;
}

/** How the author line of the message holding `text` is drawn. */
function authorOf(page, text) {
  return page.locator("[data-testid=message]", { hasText: text }).evaluate((msg) => {
    const author = msg.querySelector(".author");
    const name = author.querySelector(".name");
    const badge = author.querySelector("[data-testid=role-badge]");
    const glyph = (i) => {
      const r = document.createRange();
      r.setStart(name.firstChild, i);
      r.setEnd(name.firstChild, i + 1);
      return r.getBoundingClientRect().left;
    };
    const t = name.textContent;
    return {
      role: msg.getAttribute("data-role"),
      tag: name.tagName,
      name: t,
      isolate: getComputedStyle(name).unicodeBidi,
      badge: badge ? badge.textContent : null,
      badgeRole: badge ? badge.getAttribute("data-role") : null,
      // Drawn left to right, badge after the name: nothing was reordered.
      firstLeftOfLast: glyph(0) < glyph(t.length - 1),
      badgeAfterName: badge ? badge.getBoundingClientRect().left >= name.getBoundingClientRect().right : null,
    };
  });
}

test("visitors' names are shown isolated and marked as visitors'", { timeout: 110_000 }, async (t) => {
  const { agent } = pages;

  await t.test("the demo agent signs in", async () => {
    await agent.goto(relay.url + "/console/");
    await agent.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
    await agent.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
    await agent.locator("[data-testid=login-submit]").click();
    await agent.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "visible" });
  });

  await t.test("a visitor named with a right-to-left override cannot reorder the console", async () => {
    await visitorSays(pages.override, "\u202EDemo Agent", "OVERRIDE-1 please refund me");
    const item = agent.locator("[data-testid=inbox-item]", { hasText: "OVERRIDE-1" });
    await item.click();
    await agent.locator("[data-testid=message]", { hasText: "OVERRIDE-1" }).waitFor({ state: "visible" });
    const a = await authorOf(agent, "OVERRIDE-1");
    assert.deepEqual(a, {
      role: "visitor", tag: "BDI", name: "Demo Agent", isolate: "isolate", badge: "Visitor",
      badgeRole: "visitor", firstLeftOfLast: true, badgeAfterName: true,
    });
    // The inbox and the header: the name cleaned, isolated, the header says "Visitor".
    const inboxName = await item.locator(".item-name").evaluate((el) => [el.textContent, getComputedStyle(el).unicodeBidi]);
    assert.deepEqual(inboxName, ["Demo Agent", "isolate"]);
    const header = await agent.locator("#conv-title").evaluate((el) => ({
      name: el.querySelector("bdi.name")?.textContent,
      badge: el.querySelector("[data-testid=role-badge]")?.textContent,
    }));
    assert.deepEqual(header, { name: "Demo Agent", badge: "Visitor" });
    const shown = await agent.locator("body").evaluate((el) => el.textContent);
    assert.ok(!shown.includes("\u202E"), "a bidi override reached the console's text");
    await agent.screenshot({ path: join(artifacts, "names-override-console.png") });
  });

  await t.test("a visitor named like the agent is marked as a visitor; the agent's reply is not", async () => {
    const frame = await visitorSays(pages.impostor, "Demo Agent", "IMPOSTOR-2 hello");
    await agent.locator("[data-testid=inbox-item]", { hasText: "IMPOSTOR-2" }).click();
    await agent.locator("[data-testid=message]", { hasText: "IMPOSTOR-2" }).waitFor({ state: "visible" });
    const a = await authorOf(agent, "IMPOSTOR-2");
    assert.equal(a.name, "Demo Agent");
    assert.equal(a.badge, "Visitor");
    assert.equal(a.role, "visitor");
    await agent.locator("[data-testid=composer]").fill("REPLY-3 the real agent here");
    await agent.locator("[data-testid=send]").click();
    const reply = agent.locator("[data-testid=message]", { hasText: "REPLY-3" });
    await reply.waitFor({ state: "visible" });
    assert.equal(await reply.getAttribute("data-role"), "agent");
    // The visitor sees the agent's name isolated too (no role badges in the widget).
    const seen = frame.locator("[data-testid=message]", { hasText: "REPLY-3" });
    await seen.waitFor({ state: "visible" });
    assert.deepEqual(await seen.locator(".author").evaluate((el) => {
      const n = el.querySelector("bdi.name");
      return [n?.textContent, n ? getComputedStyle(n).unicodeBidi : null];
    }), ["Demo Agent", "isolate"]);
    await agent.screenshot({ path: join(artifacts, "names-impostor-console.png") });
  });

  await t.test("the pages ran without script errors", () => {
    assert.deepEqual(errors.filter((e) => !e.includes("Failed to load resource")), []);
  });
});
