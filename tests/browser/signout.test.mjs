// Signing out ends the session on the relay (issue 15, defect 6), in a real browser.
// The demo agent signs in on two "devices" (browser contexts). The first signs out:
// its token, read from the page's storage before, is refused by a fresh hello (2003)
// while the second device stays connected. The second lists its sessions, then signs
// out everywhere. A third sign-in is cut off live when the operator runs
// `parley-relay --disable-agent` on the same data directory (the relay re-checks
// sessions every 10 s), and the disabled agent cannot sign in again.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/signout.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { DEMO_EMAIL, DEMO_PASSWORD, WAIT, launchChromium, relayFromEnv, tearDown } from "./support.mjs";

const TOKEN_KEY = "parley.agent.token"; // web/console/console.ts
const SESSION_CHECK_MS = 10_000;         // HubConfig::session_check_every_ms

let relay, dataDir, browser;
const pages = {};
const pageErrors = [];

before(async () => {
  ({ relay, dataDir } = await relayFromEnv({ name: "signout", extra: ["--no-triage"] }));
  browser = await launchChromium();
  for (const who of ["laptop", "phone", "tablet"]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on("pageerror", (err) => pageErrors.push(`${who}: ${err.message}`));
    pages[who] = page;
  }
});

after(() => tearDown({ pages: Object.fromEntries(Object.entries(pages).map(([who, page]) => [`signout-${who}`, page])), errors: pageErrors, browser, relay, dataDir }));

async function login(page) {
  await page.goto(relay.url + "/console/");
  await page.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
  await page.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
  await page.locator("[data-testid=login-submit]").click();
  await page.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "visible" });
}

const storedToken = (page) => page.evaluate((key) => sessionStorage.getItem(key), TOKEN_KEY);

/** A fresh WebSocket from `page` (same origin) sends hello with `token`; resolves with
 *  the relay's first answer. */
function hello(page, token) {
  return page.evaluate(({ url, token }) => new Promise((resolve, reject) => {
    const ws = new WebSocket(url, "parley.v1");
    const timer = setTimeout(() => reject(new Error("no answer to hello")), 10_000);
    ws.onopen = () => ws.send(JSON.stringify({ v: 1, type: "hello", role: "agent", token }));
    ws.onmessage = (ev) => {
      clearTimeout(timer);
      ws.close();
      resolve(JSON.parse(ev.data));
    };
    ws.onerror = () => reject(new Error("websocket error"));
  }), { url: relay.url.replace(/^http/, "ws") + "/ws", token });
}

test("signing out revokes the session on the relay, here and everywhere", { timeout: 110_000 }, async (t) => {
  const { laptop, phone, tablet } = pages;
  let laptopToken, phoneToken;

  await t.test("the agent signs in on two devices, each with its own session", async () => {
    await login(laptop);
    await login(phone);
    laptopToken = await storedToken(laptop);
    phoneToken = await storedToken(phone);
    assert.ok(laptopToken && phoneToken && laptopToken !== phoneToken);
    assert.equal((await hello(laptop, laptopToken)).type, "welcome", "the token works before sign-out");
  });

  await t.test("Sign out waits for the relay, then the old token is refused by a fresh hello", async () => {
    await laptop.locator("[data-testid=sign-out]").click();
    await laptop.locator("[data-testid=login-view]").waitFor({ state: "visible" });
    assert.equal(await storedToken(laptop), null, "the token is forgotten");
    const answer = await hello(laptop, laptopToken);
    assert.equal(answer.type, "error");
    assert.equal(answer.code, 2003, "a signed-out token must be refused");
    // The other device is untouched.
    await phone.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "visible" });
    assert.equal((await hello(phone, phoneToken)).type, "welcome");
  });

  await t.test("the sessions dialog lists the agent's sessions, this one marked", async () => {
    await login(laptop); // a new session on the laptop
    await phone.locator("[data-testid=show-sessions]").click();
    const rows = phone.locator("[data-testid=sessions-list] [data-testid=session]");
    await rows.nth(1).waitFor({ state: "visible" });
    assert.equal(await rows.count(), 2);
    assert.equal(await rows.filter({ hasText: "This device" }).count(), 1);
  });

  await t.test("Sign out everywhere ends every session, and both consoles show the sign-in form", async () => {
    const newLaptopToken = await storedToken(laptop);
    await phone.locator("[data-testid=sign-out-everywhere]").click();
    await phone.locator("[data-testid=login-view]").waitFor({ state: "visible" });
    await laptop.locator("[data-testid=login-view]").waitFor({ state: "visible" });
    await laptop.locator("[data-testid=login-error]", { hasText: "signed out" }).waitFor({ state: "visible" });
    for (const token of [phoneToken, newLaptopToken]) assert.equal((await hello(phone, token)).code, 2003);
  });

  await t.test("--disable-agent on the running relay's data dir cuts a live console off", async () => {
    await login(tablet);
    const token = await storedToken(tablet);
    // The relay refuses to disable its last enabled supervisor (3012): add another first.
    const add = spawnSync(process.env.PARLEY_RELAY_BIN,
                          ["--data-dir", join(dataDir, "data"), "--add-agent", "second@parley.local", "Second Supervisor",
                           "--supervisor"],
                          { encoding: "utf8", input: "a-long-enough-password\n", timeout: 20_000 });
    assert.equal(add.status, 0, add.stderr);
    const cli = spawnSync(process.env.PARLEY_RELAY_BIN,
                          ["--data-dir", join(dataDir, "data"), "--disable-agent", DEMO_EMAIL],
                          { encoding: "utf8", timeout: 20_000 });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /disabled; 1 session\(s\) revoked/);
    await tablet.locator("[data-testid=login-view]")
      .waitFor({ state: "visible", timeout: SESSION_CHECK_MS + WAIT });
    assert.equal((await hello(tablet, token)).code, 2003);
    // The right password is refused like a wrong one.
    await tablet.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
    await tablet.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
    await tablet.locator("[data-testid=login-submit]").click();
    await tablet.locator("[data-testid=login-error]", { hasText: "Wrong e-mail or password" }).waitFor({ state: "visible" });
  });

  assert.deepEqual(pageErrors, []);
});
