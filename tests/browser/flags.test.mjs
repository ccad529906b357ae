// Quality flags in the console (issue 18, docs/quality.md), in a real browser against a
// real relay started with a compliance word. A visitor writes the word; the supervisor's
// Flags button counts one open flag; the view names the kind and the word (never the
// text), opens the conversation in the inbox, and marks the flag reviewed, after which the
// count is gone and "Show reviewed" lists it with its reviewer. Screenshots go to
// artifacts/ (screen-flags-desktop.png).
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/flags.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { artifacts, launchChromium, relayFromEnv, signIn, tearDown, watchPage } from "./support.mjs";

let relay, dataDir, browser;
const pages = {};
const pageErrors = [];

before(async () => {
  ({ relay, dataDir } = await relayFromEnv({
    name: "flags", extra: ["--no-triage", "--compliance-word", "lawyer", "--compliance-word", "chargeback"],
  }));
  browser = await launchChromium();
  for (const [who, viewport] of [["supervisor", { width: 1280, height: 800 }], ["visitor", { width: 1000, height: 800 }]]) {
    const page = await (await browser.newContext({ viewport })).newPage();
    watchPage(who, page, pageErrors);
    pages[who] = page;
  }
});

after(() => tearDown({
  pages: Object.fromEntries(Object.entries(pages).map(([who, page]) => [`flags-${who}`, page])),
  errors: pageErrors, browser, relay, dataDir,
}));

test("a compliance word raises a flag the supervisor opens and marks reviewed", { timeout: 90_000 }, async (t) => {
  const { supervisor, visitor } = pages;
  const view = supervisor.locator("[data-testid=flags-view]");

  await t.test("a visitor writes a compliance word", async () => {
    await visitor.goto(relay.url + "/");
    await visitor.locator("[data-testid=parley-launcher]").click();
    const widget = visitor.frameLocator("[data-testid=parley-frame]");
    await widget.locator("[data-testid=composer]").fill("If this is not fixed today my Lawyer will call you.");
    await widget.locator("[data-testid=send]").click();
    await widget.locator("[data-testid=message]", { hasText: "my Lawyer" }).waitFor({ state: "visible" });
  });

  await t.test("the supervisor's Flags button counts it once signed in", async () => {
    await signIn(supervisor, relay);
    const count = supervisor.locator("[data-testid=show-flags] [data-testid=flags-count]");
    await count.waitFor({ state: "visible" });
    assert.equal((await count.innerText()).trim(), "1");
  });

  await t.test("the view names the kind and the word, and opens the conversation", async () => {
    await supervisor.locator("[data-testid=show-flags]").click();
    const row = view.locator("[data-testid=flag-row][data-kind=compliance]");
    await row.waitFor({ state: "visible" });
    assert.match(await row.innerText(), /Compliance word/);
    assert.equal((await row.locator("[data-testid=flag-detail]").innerText()).trim(), "visitor: lawyer");
    assert.doesNotMatch(await row.innerText(), /fixed today/);  // never the message's text
    await supervisor.screenshot({ path: join(artifacts, "screen-flags-desktop.png") });
    await row.locator("[data-testid=flag-open]").click();
    await view.waitFor({ state: "detached" });
    await supervisor.locator("[data-testid=message]", { hasText: "my Lawyer will call you" }).waitFor({ state: "visible" });
  });

  await t.test("marked reviewed, it leaves the list and the count", async () => {
    await supervisor.locator("[data-testid=show-flags]").click();
    await view.locator("[data-testid=flag-review]").click();
    await view.locator("[data-testid=flags-none]").waitFor({ state: "visible" });
    await supervisor.locator("[data-testid=show-flags] [data-testid=flags-count]").waitFor({ state: "hidden" });
    await view.locator("[data-testid=flags-all]").check();
    const row = view.locator("[data-testid=flag-row][data-kind=compliance]");
    await row.waitFor({ state: "visible" });
    assert.match(await row.innerText(), /Reviewed/);
    assert.equal(await row.locator("[data-testid=flag-review]").count(), 0);
  });
});
