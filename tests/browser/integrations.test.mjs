// The console's Integrations view (issue 18), in a real browser against a real relay and
// a real webhook receiver (a Node HTTP server on loopback). The demo supervisor creates
// an API key (shown once; it works against the API, then is refused once revoked) and a
// bot's key, then adds a
// webhook (its signing secret shown once), a visitor writes while the receiver fails, the
// deliveries give up and are listed as dead letters; the receiver is mended, one dead
// letter is replayed with its button and the rest with "Replay all", and the receiver
// gets each event once. Then the webhook is disabled and removed. Screenshots of the view,
// desktop and a 390 px phone, go to artifacts/ (screen-integrations-*.png).
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/integrations.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { join } from "node:path";
import { artifacts, launchChromium, relayFromEnv, signIn, tearDown, watchPage } from "./support.mjs";

let relay, dataDir, browser, receiver;
const pages = {};
const pageErrors = [];
const received = []; // bodies the receiver accepted
let failing = true;

before(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (failing) {
        res.writeHead(500).end("not today");
        return;
      }
      received.push({ id: req.headers["webhook-id"], body: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise((ok) => receiver.listen(0, "127.0.0.1", ok));
  ({ relay, dataDir } = await relayFromEnv({
    name: "integrations",
    extra: ["--no-triage", "--webhook-allow-private", "--webhook-backoff", "50ms", "--webhook-max-attempts", "2"],
  }));
  browser = await launchChromium();
  for (const [who, viewport] of [["supervisor", { width: 1280, height: 860 }], ["visitor", { width: 1000, height: 800 }],
                                 ["phone", { width: 390, height: 844 }]]) {
    const page = await (await browser.newContext({ viewport })).newPage();
    watchPage(who, page, pageErrors);
    pages[who] = page;
  }
});

after(async () => {
  await tearDown({
    pages: Object.fromEntries(Object.entries(pages).map(([who, page]) => [`integrations-${who}`, page])),
    errors: pageErrors.filter((e) => !/status of 4\d\d/.test(e)), browser, relay, dataDir,
  });
  receiver?.close();
});

test("a supervisor adds a webhook, replays its dead letters and removes it", { timeout: 110_000 }, async (t) => {
  const { supervisor, visitor, phone } = pages;
  const url = `http://127.0.0.1:${receiver.address().port}/parley`;
  const view = supervisor.locator("[data-testid=integrations-view]");
  const notice = () => view.locator("[data-testid=integrations-notice]");

  await t.test("the view opens empty for a supervisor", async () => {
    await signIn(supervisor, relay);
    await supervisor.locator("[data-testid=show-integrations]").click();
    await view.locator("[data-testid=webhooks-none]").waitFor({ state: "visible" });
  });

  await t.test("an API key is shown once, works, and is refused once revoked", async () => {
    await view.locator("[data-testid=api-key-name]").fill("crm");
    await view.locator("[data-testid=api-key-scope]").selectOption("read");
    await view.locator("[data-testid=api-key-create]").click();
    const key = (await view.locator("[data-testid=api-key-made-value]").innerText()).trim();
    assert.match(key, /^pk_[A-Za-z0-9_-]{43}$/);
    const list = () => fetch(relay.url + "/api/v1/conversations", { headers: { Authorization: `Bearer ${key}` } });
    assert.equal((await list()).status, 200);
    const row = view.locator("[data-testid=api-key-row][data-name=crm]");
    assert.match(await row.innerText(), /read/);
    supervisor.once("dialog", (d) => d.accept());
    await row.locator("[data-testid=api-key-revoke]").click();
    await row.locator(".agent-tag.off").waitFor({ state: "visible" });
    assert.equal((await list()).status, 401);
  });

  await t.test("a bot's key is shown once and listed", async () => {
    await view.locator("[data-testid=bot-key-name]").fill("helper");
    await view.locator("[data-testid=bot-key-display]").fill("Helper");
    await view.locator("[data-testid=bot-key-create]").click();
    assert.match((await view.locator("[data-testid=bot-key-made-value]").innerText()).trim(), /^pk_/);
    assert.match(await view.locator("[data-testid=bot-key-row][data-name=helper]").innerText(), /never/);
  });

  await t.test("a bad URL is refused with the relay's reason", async () => {
    await view.locator("[data-testid=webhook-add]").click();
    await view.locator("[data-testid=webhook-url]").fill("ftp://example.com/x");
    await view.locator("[data-testid=webhook-save]").click();
    await notice().waitFor({ state: "visible" });
    assert.match(await notice().innerText(), /url: /);
  });

  await t.test("adding one shows its signing secret once", async () => {
    await view.locator("[data-testid=webhook-url]").fill(url);
    await view.locator("[data-testid=webhook-all]").uncheck();
    await view.locator("[data-testid='webhook-event-conversation.created']").waitFor({ state: "visible" });
    // conversation.created and message.created are ticked by default
    await view.locator("[data-testid=webhook-save]").click();
    const secret = (await view.locator("[data-testid=webhook-secret-value]").innerText()).trim();
    assert.match(secret, /^whsec_[A-Za-z0-9+/=]{20,}$/);
    const row = view.locator(`[data-testid=webhook-row][data-url="${url}"]`);
    await row.waitFor({ state: "visible" });
    assert.match(await row.innerText(), /conversation\.created, message\.created/);
  });

  await t.test("while the receiver fails, a visitor's events become dead letters", async () => {
    await visitor.goto(relay.url + "/");
    await visitor.locator("[data-testid=parley-launcher]").click();
    const widget = visitor.frameLocator("[data-testid=parley-frame]");
    await widget.locator("[data-testid=composer]").fill("Is my order on its way?");
    await widget.locator("[data-testid=send]").click();
    // The view lists what the relay has when it opens: reopen it until both gave up.
    const deadRows = view.locator("[data-testid=dead-letter]");
    for (let i = 0; i < 60 && (await deadRows.count()) < 2; ++i) {
      await supervisor.waitForTimeout(250);
      await view.locator("[data-testid=integrations-close]").click();
      await supervisor.locator("[data-testid=show-integrations]").click();
      await view.locator("[data-testid=webhook-row]").waitFor({ state: "visible" });
    }
    assert.equal(await deadRows.count(), 2);
    assert.match(await view.locator("[data-testid=dead-letters]").innerText(), /500/);
    await supervisor.screenshot({ path: join(artifacts, "screen-integrations-desktop.png") });
  });

  await t.test("the receiver mended, Replay and Replay all deliver each event once", async () => {
    failing = false;
    await view.locator("[data-testid=dead-letter-replay]").first().click();
    await notice().filter({ hasText: "is queued again" }).waitFor({ state: "visible" });
    await view.locator("[data-testid=webhook-replay-all]").click();
    await notice().filter({ hasText: "1 dead deliveries" }).waitFor({ state: "visible" });
    for (let i = 0; i < 100 && received.length < 2; ++i) await supervisor.waitForTimeout(100);
    assert.equal(received.length, 2);
    assert.deepEqual(received.map((r) => r.body.type), ["conversation.created", "message.created"]);
    assert.equal(new Set(received.map((r) => r.id)).size, 2);
    assert.equal(await view.locator("[data-testid=dead-letter]").count(), 0);
  });

  await t.test("disabled, then removed", async () => {
    const row = view.locator(`[data-testid=webhook-row][data-url="${url}"]`);
    await row.locator("[data-testid=webhook-toggle]").click();
    await row.locator(".agent-tag.off").waitFor({ state: "visible" });
    supervisor.once("dialog", (d) => d.accept());
    await row.locator("[data-testid=webhook-remove]").click();
    await view.locator("[data-testid=webhooks-none]").waitFor({ state: "visible" });
  });

  await t.test("the view on a phone", async () => {
    await signIn(phone, relay);
    await phone.locator("[data-testid=show-integrations]").click();
    await phone.locator("[data-testid=integrations-view] [data-testid=webhook-add]").click();
    await phone.locator("[data-testid=webhook-all]").uncheck();
    await phone.screenshot({ path: join(artifacts, "screen-integrations-phone.png") });
  });
});
