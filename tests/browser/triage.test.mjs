// Triage and masking in a real browser (P5, P7): a visitor types a payment card number
// in the widget; the widget masks it before the message leaves the browser, the agent
// console shows the masked text with the relay's intent tag, and the relay's database
// never holds the number. The relay runs with storage masking OFF, so only the
// widget's masking can keep the number out of the database, and with a per-site policy
// that also masks e-mail addresses in the browser. Once the model and the analysis
// module (parley_triage.wasm: the widget's core has masking only) have arrived, the
// widget reads each message locally too (data-last-intent on the composer form).
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/triage.test.mjs
//
// Screenshots: tests/browser/artifacts/triage-visitor.png and triage-agent.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DEMO_EMAIL, DEMO_PASSWORD, artifacts, launchChromium, relayFromEnv, tearDown, watchPage } from "./support.mjs";


const CARD_TEXT = "my card is 4111 1111 1111 1111 and I want a refund";
const CARD_MASKED = "my card is [card] and I want a refund";
const EMAIL_TEXT = "you can also mail me at ada.lovelace@example.com";
const EMAIL_MASKED = "you can also mail me at [email]";
const REFUND_TEXT = "I was charged twice for my order, I want my money back";
const SECRETS = ["4111 1111 1111 1111", "4111111111111111", "ada.lovelace@example.com"];


let relay, dataDir, browser, visitorPage, agentPage;
const pageErrors = [];
const framesSent = []; // every WebSocket frame the visitor's browser sent
const fetched = []; // every path the visitor's browser fetched
let localIntent = null; // the widget's own reading of REFUND_TEXT

before(async () => {
  // Per-site policy under test: the browser masks cards, IBANs and e-mails; the relay
  // stores what it receives (so the widget alone must mask).
  ({ relay, dataDir } = await relayFromEnv({ name: "triage-browser", extra: ["--mask-in-browser", "card,iban,email", "--mask-before-storage", "none"], webFile: "asset-manifest.json" }));

  browser = await launchChromium();
  const visitorContext = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  visitorPage = await visitorContext.newPage();
  agentPage = await agentContext.newPage();
  visitorPage.on("websocket", (ws) => ws.on("framesent", (f) => framesSent.push(String(f.payload))));
  visitorPage.on("response", (res) => fetched.push(new URL(res.url()).pathname));
  for (const [who, page] of [["visitor", visitorPage], ["agent", agentPage]]) watchPage(who, page, pageErrors);
});

after(() => tearDown({ pages: { "triage-visitor": visitorPage, "triage-agent": agentPage }, errors: pageErrors, browser, relay, dataDir }));

test("a card number is masked in the browser and the agent sees the intent", { timeout: 100_000 }, async (t) => {
  const widget = () => visitorPage.frameLocator("[data-testid=parley-frame]");

  await t.test("the visitor sends a card number; the widget shows it masked", async () => {
    await visitorPage.goto(relay.url + "/");
    await visitorPage.locator("[data-testid=parley-launcher]").click();
    const composer = widget().locator("[data-testid=composer]");
    await composer.waitFor({ state: "visible" });
    // Wait for the welcome, so the site's policy (with e-mails) is known.
    await widget().locator("[data-testid=conn-state][data-state=connected]").waitFor();
    await composer.fill(CARD_TEXT);
    await widget().locator("[data-testid=send]").click();
    const sent = widget().locator("[data-testid=message][data-mine=true]", { hasText: CARD_MASKED });
    await sent.waitFor({ state: "visible" });
    await widget().locator("[data-testid=message][data-mine=true][data-status=sent]").first().waitFor();
    assert.equal(await widget().locator("[data-testid=message]", { hasText: "4111" }).count(), 0);

    await composer.fill(EMAIL_TEXT);
    await widget().locator("[data-testid=send]").click();
    await widget().locator("[data-testid=message][data-mine=true]", { hasText: EMAIL_MASKED }).waitFor({ state: "visible" });
  });

  await t.test("once the model and the analysis module have arrived, the widget reads messages locally", async () => {
    const frame = visitorPage.frames().find((f) => f.url().includes("/widget/frame.html"));
    await frame.waitForFunction(() => performance.getEntriesByName("parley:triage-ready").length > 0, null, { timeout: 20_000 });
    // The reading comes from parley_triage.wasm, fetched beside the model after the chat
    // started (both under content-hashed names: web/build.mjs).
    assert.ok(fetched.some((p) => /^\/parley_triage-[0-9a-f]{16}\.wasm$/.test(p)), fetched.join("\n"));
    assert.ok(fetched.some((p) => /^\/triage\/default-[0-9a-f]{16}\.ptm$/.test(p)), fetched.join("\n"));
    const form = widget().locator("#composer-form");
    // Earlier messages may have set it already (if the model was quicker than the test):
    // clear it, so what follows is this message's reading.
    await form.evaluate((f) => f.removeAttribute("data-last-intent"));
    await widget().locator("[data-testid=composer]").fill(REFUND_TEXT);
    await widget().locator("[data-testid=send]").click();
    // Set as the message is prepared, before it is sent.
    await widget().locator("[data-testid=message][data-mine=true]", { hasText: REFUND_TEXT }).waitFor({ state: "visible" });
    localIntent = await form.getAttribute("data-last-intent");
    assert.ok(localIntent, "a local reading");
    await widget().locator("[data-testid=message][data-mine=true][data-status=sent]").nth(2).waitFor();
  });

  await t.test("no frame the browser sent holds the card number or the e-mail", () => {
    const sends = framesSent.filter((f) => f.includes('"type":"send"'));
    assert.equal(sends.length, 3, "three send frames:\n" + framesSent.join("\n"));
    for (const f of framesSent) for (const s of SECRETS) assert.ok(!f.includes(s), `sent frame holds ${s}: ${f}`);
  });

  await t.test("the agent sees the masked text with the intent tag and the PII chip", async () => {
    await agentPage.goto(relay.url + "/console/");
    await agentPage.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
    await agentPage.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
    await agentPage.locator("[data-testid=login-submit]").click();
    const item = agentPage.locator("[data-testid=inbox-item]").first();
    await item.waitFor({ state: "visible" });
    await item.click();
    const msg = agentPage.locator("[data-testid=message]", { hasText: CARD_MASKED });
    await msg.waitFor({ state: "visible" });
    const tag = msg.locator("[data-testid=intent-tag]");
    await tag.waitFor({ state: "visible" });
    assert.equal(await tag.getAttribute("data-intent"), "refund");
    assert.match(await tag.textContent(), /^refund · \d+%$/);
    await msg.locator("[data-testid=signal-chip][data-signal=pii]").waitFor({ state: "visible" });
    // The inbox item shows the latest intent once the conversation's messages are in.
    await item.locator("[data-testid=inbox-intent]").waitFor({ state: "visible" });
    assert.equal(await agentPage.locator("[data-testid=message]", { hasText: "4111" }).count(), 0);
  });

  await t.test("a new visitor message reaches the console live with its tag", async () => {
    await widget().locator("[data-testid=composer]").fill("this is urgent, I need to talk to a human");
    await widget().locator("[data-testid=send]").click();
    const live = agentPage.locator("[data-testid=message]", { hasText: "talk to a human" });
    await live.locator("[data-testid=intent-tag]").waitFor({ state: "visible" });
    await live.locator("[data-testid=signal-chip][data-signal=human]").waitFor({ state: "visible" });
    await live.locator("[data-testid=signal-chip][data-signal=urgent]").waitFor({ state: "visible" });
  });

  await t.test("the relay's database never holds the card number nor the e-mail", () => {
    const dir = join(dataDir, "data");
    // Every byte on disk (database, WAL, shared memory), whatever SQLite has checkpointed.
    for (const file of readdirSync(dir)) {
      if (!statSync(join(dir, file)).isFile()) continue; // keys/: the token key, no chat text
      const bytes = readFileSync(join(dir, file));
      for (const s of SECRETS) assert.equal(bytes.indexOf(Buffer.from(s)), -1, `${file} holds ${s}`);
    }
    // And what SQL sees: the masked texts, with the relay's meta.
    const rows = execFileSync("sqlite3", ["-readonly", join(dir, "parley.db"),
      "SELECT text || '|' || meta FROM messages ORDER BY seq"]).toString().trim().split("\n");
    assert.equal(rows.length, 4, rows.join("\n"));
    assert.ok(rows[0].startsWith(CARD_MASKED + "|"), rows[0]);
    assert.equal(JSON.parse(rows[0].slice(CARD_MASKED.length + 1)).intent, "refund");
    assert.ok(rows[1].startsWith(EMAIL_MASKED + "|"), rows[1]);
    // The widget's reading and the relay's: the same model, the same answer.
    assert.ok(rows[2].startsWith(REFUND_TEXT + "|"), rows[2]);
    assert.equal(JSON.parse(rows[2].slice(REFUND_TEXT.length + 1)).intent, localIntent);
    for (const r of rows) for (const s of SECRETS) assert.ok(!r.includes(s), r);
  });

  await t.test("the pages ran without script errors", () => {
    assert.deepEqual(pageErrors, []);
  });
});
