// Agent administration from the console (issue 17), in a real browser against a real
// relay. The demo agent (a supervisor) opens the Agents view and adds Lee: the password
// the relay generated is shown once, and Lee signs in with it in another browser
// context. The supervisor changes Lee's concurrency (the relay's list shows it at once),
// then disables Lee, and Lee's open console is signed out on the spot (4102), with the
// sign-in form saying so. Screenshots of the view, desktop and a 390 px phone, go to
// artifacts/ (admin-agents-desktop.png, admin-agents-phone.png).
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/admin.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEMO_EMAIL, DEMO_PASSWORD, artifacts, launchChromium, relayFromEnv, tearDown, watchPage } from "./support.mjs";

let relay, dataDir, browser;
const pages = {};
const pageErrors = [];

async function newPage(who, viewport) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  watchPage(who, page, pageErrors);
  pages[who] = page;
  return page;
}

before(async () => {
  ({ relay, dataDir } = await relayFromEnv({ name: "admin", extra: ["--no-triage"] }));
  browser = await launchChromium();
  await newPage("supervisor", { width: 1280, height: 800 });
  await newPage("lee", { width: 1280, height: 800 });
  await newPage("phone", { width: 390, height: 844 });
});

after(() => tearDown({
  pages: Object.fromEntries(Object.entries(pages).map(([who, page]) => [`admin-${who}`, page])),
  errors: pageErrors, browser, relay, dataDir,
}));

async function login(page, email, password) {
  await page.goto(relay.url + "/console/");
  await page.locator("[data-testid=login-email]").fill(email);
  await page.locator("[data-testid=login-password]").fill(password);
  await page.locator("[data-testid=login-submit]").click();
  await page.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "visible" });
}

const row = (page, email) => page.locator(`[data-testid=agent-row][data-email="${email}"]`);

test("a supervisor adds an agent, changes their concurrency and disables them", { timeout: 110_000 }, async (t) => {
  const { supervisor, lee, phone } = pages;
  let password = "";

  await t.test("only a supervisor sees Agents; the view lists every agent", async () => {
    await login(supervisor, DEMO_EMAIL, DEMO_PASSWORD);
    await supervisor.locator("[data-testid=show-agents]").click();
    await supervisor.locator("[data-testid=agents-view]").waitFor({ state: "visible" });
    await row(supervisor, DEMO_EMAIL).waitFor({ state: "visible" });
    await row(supervisor, "billing@parley.local").waitFor({ state: "visible" });
    assert.match(await row(supervisor, DEMO_EMAIL).innerText(), /Supervisor/);
    assert.match(await row(supervisor, DEMO_EMAIL).innerText(), /Available/);
  });

  await t.test("adding Lee shows the generated password once", async () => {
    await supervisor.locator("[data-testid=agent-add]").click();
    const form = supervisor.locator("[data-testid=agent-add-form]");
    await form.locator("[data-testid=agent-email]").fill("lee@example.com");
    await form.locator("[data-testid=agent-name]").fill("Lee");
    await form.locator("[data-testid=agent-teams]").fill("general, billing");
    await form.locator("[data-testid=agent-skills]").fill("fr");
    await form.locator("[data-testid=agent-save-new]").click();
    password = (await supervisor.locator("[data-testid=agents-password]").innerText()).trim();
    assert.match(password, /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    await row(supervisor, "lee@example.com").waitFor({ state: "visible" });
    assert.match(await row(supervisor, "lee@example.com").innerText(), /general, billing/);
  });

  await t.test("Lee signs in with it", async () => {
    await login(lee, "lee@example.com", password);
    assert.equal((await lee.locator("#me-name").innerText()).trim(), "Lee");
    assert.ok(await lee.locator("[data-testid=show-agents]").isHidden(), "not a supervisor: no Agents");
  });

  await t.test("the supervisor lowers Lee's concurrency; the relay's list shows it", async () => {
    await row(supervisor, "lee@example.com").locator("[data-testid=agent-edit]").click();
    const form = supervisor.locator("[data-testid=agent-edit-form]");
    await form.locator("[data-testid=agent-preferred]").fill("1");
    await form.locator("[data-testid=agent-max]").fill("2");
    await form.locator("button[type=submit]").click();
    await supervisor.locator("[data-testid=agents-notice]", { hasText: "routing uses it now" }).waitFor();
    assert.match(await row(supervisor, "lee@example.com").locator("[data-testid=agent-load]").innerText(),
                 /1 preferred, 2 max/);
    await supervisor.screenshot({ path: join(artifacts, "admin-agents-desktop.png") });
  });

  await t.test("the Agents view on a 390 px phone", async () => {
    await login(phone, DEMO_EMAIL, DEMO_PASSWORD);
    await phone.locator("[data-testid=show-agents]").click();
    await row(phone, "lee@example.com").waitFor({ state: "visible" });
    await phone.screenshot({ path: join(artifacts, "admin-agents-phone.png") });
    const width = await phone.evaluate(() => document.getElementById("agents-dialog").getBoundingClientRect().width);
    assert.ok(width <= 390, `the view fits the phone (${width} px)`);
  });

  await t.test("disabling Lee signs their open console out at once", async () => {
    await row(supervisor, "lee@example.com").locator("[data-testid=agent-toggle]").click();
    await supervisor.locator("[data-testid=agents-notice]", { hasText: "disabled and signed out" }).waitFor();
    assert.match(await row(supervisor, "lee@example.com").innerText(), /Disabled/);
    await lee.locator("[data-testid=login-view]").waitFor({ state: "visible" });
    assert.match(await lee.locator("[data-testid=login-error]").innerText(), /signed out/);
    // The phone's open view heard of it too (the relay pushes the list).
    await row(phone, "lee@example.com").getByText("Disabled").waitFor();
  });
});
