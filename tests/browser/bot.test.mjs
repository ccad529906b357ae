// The widget with the house bot (issue 16), in real Chromium: the real relay and the real
// `parley-bot` on the demo config and knowledge base (house_bot.mjs), the demo site's
// widget as the visitor. The visitor asks a FAQ question and watches the answer stream
// in (a MutationObserver in the frame sees the same element grow, then become the stored
// message), loses its connection in the middle of a second one (the partial text goes,
// the final comes by sync), picks a clarifying quick reply with the keyboard alone,
// fills the lead form with a bad then a good e-mail (the relay's reason shown at the
// field, then accepted), sees chips it left unanswered disabled once it writes on, and
// asks for a person (the queue notice). The demo agent then answers with a card (an image in a fixed box, a
// link, a postback pressed with Space), and a second visitor's streamed answer is cut by
// kill -9 of parley-bot (marked interrupted, then the relay's bot_gone handoff).
// Screenshots of the chat at each step land in tests/browser/artifacts/bot-*.png.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_BOT_BIN=build/tools/parley-bot/parley-bot \
//     PARLEY_WEB_ROOT=build/web node --test tests/browser/bot.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { artifacts, DEMO_EMAIL, DEMO_PASSWORD, launchChromium, tearDown, watchPage, WAIT } from "./support.mjs";
import { relayWithHouseBot, stopHouseBot } from "./house_bot.mjs";

let relay, bot, dataDir, browser, page, page2;
const pageErrors = [];
let online = true;
const routes = new Set(); // live [pageSide, serverSide] pairs of the visitor's WebSockets

function cutVisitor() {
  online = false;
  for (const [pageSide, server] of routes) {
    pageSide.close({ code: 4000, reason: "cut (test)" }).catch(() => {});
    server.close().catch(() => {});
  }
  routes.clear();
}

before(async () => {
  // A short grace: the last step kills the bot and waits for the relay's bot_gone handoff.
  ({ relay, bot, dataDir } = await relayWithHouseBot({ name: "browser-bot", extra: ["--bot-grace-secs", "2"] }));
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1100, height: 860 } });
  // The visitor's network switch (as in offline.test.mjs): online, each WebSocket is
  // passed through to the relay; cut, the live ones are closed on both sides and new
  // ones refused with a transient code (the widget retries with backoff).
  await context.routeWebSocket(/\/ws$/, (ws) => {
    if (!online) return void ws.close({ code: 4000, reason: "offline (test)" });
    const pair = [ws, ws.connectToServer()];
    routes.add(pair);
    ws.onClose(() => routes.delete(pair));
  });
  page = await context.newPage();
  watchPage("visitor", page, pageErrors);
});

after(async () => {
  await stopHouseBot(bot);
  await tearDown({ pages: { "bot-visitor": page, "bot-visitor2": page2 }, errors: pageErrors, browser, relay, dataDir });
});

const widget = () => page.frameLocator("[data-testid=parley-frame]");
const chatFrame = () => page.frames().find((f) => f.url().includes("/widget/frame.html"));
/** A screenshot of the chat; `settled`: once the log has scrolled (smoothly) to its end. */
async function shot(name, settled = true) {
  if (settled)
    await chatFrame().waitForFunction(() => {
      const log = document.querySelector("[data-testid=messages]");
      return log.scrollHeight - log.scrollTop - log.clientHeight < 2;
    }, null, { timeout: 5_000 });
  await page.locator("[data-testid=parley-frame]").screenshot({ path: join(artifacts, `bot-${name}.png`) });
}

async function say(text) {
  const composer = widget().locator("[data-testid=composer]");
  await composer.fill(text);
  await composer.press("Enter");
  await widget().locator("[data-testid=message][data-mine=true][data-seq]", { hasText: text }).waitFor();
}

/** The bot's stored message containing `text` (a locator). */
const botMessage = (text) => widget().locator("[data-testid=message][data-mine=false][data-seq]", { hasText: text });

test("the widget shows the house bot's streamed answer, quick replies, form and handoff", { timeout: 110_000 }, async (t) => {
  await t.test("the visitor opens the widget", async () => {
    await page.goto(relay.url + "/");
    await page.locator("[data-testid=parley-launcher]").click();
    await widget().locator("[data-testid=conn-state][data-state=connected]").waitFor();
  });

  await t.test("a FAQ answer streams in and the same element becomes the stored message", async () => {
    // Every change of the log is recorded: each streaming element gets a number, and
    // each record notes its text length, whether it still streams, and aria-hidden.
    await chatFrame().evaluate(() => {
      const log = document.querySelector("[data-testid=messages]");
      const numbers = new WeakMap();
      let count = 0;
      const records = (window.__streamRecords = []);
      const record = () => {
        for (const el of log.querySelectorAll("[data-testid=message]")) {
          const streaming = el.hasAttribute("data-streaming");
          if (streaming && !numbers.has(el)) numbers.set(el, ++count);
          if (!numbers.has(el)) continue;
          const r = { n: numbers.get(el), streaming, len: el.querySelector(".bubble").textContent.length,
                      hidden: el.getAttribute("aria-hidden"), seq: el.getAttribute("data-seq") };
          const last = records.filter((x) => x.n === r.n).pop();
          if (!last || last.len !== r.len || last.streaming !== r.streaming || last.seq !== r.seq) records.push(r);
        }
      };
      new MutationObserver(record).observe(log, { childList: true, subtree: true, characterData: true, attributes: true });
    });
    await say("how much does the pro plan cost?");
    // Mid-stream if the screenshot is quick enough; the assertions below do not need it.
    await widget().locator("[data-streaming]").waitFor({ timeout: WAIT }).then(() => shot("1-streaming", false), () => {});
    const answer = botMessage("$49 per agent");
    await answer.waitFor();
    await shot("2-streamed");
    const records = await chatFrame().evaluate(() => window.__streamRecords);
    const mine = records.filter((r) => r.n === 1);
    const growing = mine.filter((r) => r.streaming);
    const final = mine.filter((r) => !r.streaming);
    assert.ok(new Set(growing.map((r) => r.len)).size >= 2,
              `the reply grew over at least two observed lengths before it was final: ${JSON.stringify(mine)}`);
    for (let i = 1; i < growing.length; i++) assert.ok(growing[i].len > growing[i - 1].len, "it only grew");
    assert.ok(growing.every((r) => r.hidden === "true"), "screen readers are not read every delta");
    assert.ok(final.length >= 1 && final[0].seq, "the same element became the stored message");
    assert.ok(mine.indexOf(final[0]) > mine.indexOf(growing.at(-1)), "final after the last delta");
    assert.equal(final.at(-1).hidden, null, "the final message is exposed to the live log");
    assert.equal(await widget().locator("[data-streaming]").count(), 0, "no stream left growing");
    // The answer's source link: a real link, opened in a new tab without an opener.
    const link = answer.locator("[data-testid=part-link]");
    assert.match(await link.getAttribute("href"), /^https:\/\/help\.parley\.example\//);
    assert.equal(await link.getAttribute("target"), "_blank");
    assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
  });

  await t.test("a stream cut by the visitor's lost connection leaves nothing partial; the final comes by sync", async () => {
    const streaming = chatFrame().evaluate(() => new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (document.querySelector("[data-streaming]")) observer.disconnect(), resolve();
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    }));
    await say("is there a free trial? do I need a credit card");
    await streaming;
    cutVisitor();
    await widget().locator("[data-testid=conn-state]:not([data-state=connected])").waitFor();
    assert.equal(await widget().locator("[data-streaming], [data-interrupted]").count(), 0,
                 "the partial text is dropped with the connection");
    online = true;
    await widget().locator("[data-testid=conn-state][data-state=connected]").waitFor();
    const answer = botMessage("14-day");
    await answer.waitFor();
    assert.equal(await answer.count(), 1, "the final message once");
    assert.equal(await widget().locator("[data-streaming], [data-interrupted]").count(), 0, "nothing partial after sync");
  });

  await t.test("a clarifying question's quick reply is chosen with the keyboard alone", async () => {
    await say("how do I install the widget on shopify");
    const question = botMessage("Which one do you mean?");
    await question.waitFor();
    const chips = question.locator("[data-testid=quick-reply]");
    assert.ok((await chips.count()) >= 2, "the bot offers the close articles as chips");
    assert.equal(await question.locator("[role=group]").first().getAttribute("aria-label"), "Suggested replies");
    // From the composer, Shift+Tab walks back into the last message's chips.
    await widget().locator("[data-testid=composer]").focus();
    const target = "Shopify and WooCommerce";
    let focused = "";
    for (let i = 0; i < 8 && focused !== target; i++) {
      await page.keyboard.press("Shift+Tab");
      focused = await chatFrame().evaluate(() => document.activeElement?.getAttribute("data-testid") === "quick-reply"
        ? document.activeElement.textContent : "");
    }
    assert.equal(focused, target, "the chip is reachable by Tab");
    const outline = await chatFrame().evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, "none", "the focused chip shows its focus");
    await shot("3-chip-focused", false);
    await page.keyboard.press("Enter");
    await widget().locator("[data-testid=message][data-mine=true][data-seq]", { hasText: target }).waitFor();
    await botMessage("Source: Shopify and WooCommerce").waitFor();
    const chosen = question.locator("[data-testid=quick-reply][aria-pressed=true]");
    assert.equal(await chosen.textContent(), target, "the chosen chip is marked");
    assert.equal(await question.locator("[data-testid=quick-reply]:enabled").count(), 0, "answered chips are disabled");
    await shot("4-chip-answered");
  });

  await t.test("the lead form shows the relay's reason at the field, then is accepted", async () => {
    await say("can I get a quote for the enterprise plan");
    const form = widget().locator("[data-testid=rich-form][data-form=lead]");
    await form.waitFor();
    const email = form.locator("input[name=email]");
    await email.fill("bob@example");
    await form.locator("input[name=company]").fill("Bobs");
    await form.locator("select[name=timeline]").selectOption("later");
    await form.locator("[data-testid=form-submit]").click();
    const error = form.locator("[data-testid=field-error]:visible");
    await error.waitFor();
    assert.match(await error.textContent(), /e-mail address/);
    assert.equal(await email.getAttribute("aria-invalid"), "true");
    assert.equal(await email.getAttribute("aria-describedby"), await error.getAttribute("id"));
    assert.equal(await form.locator("input[name=company]").inputValue(), "Bobs", "the form stays filled");
    assert.equal(await form.getAttribute("data-state"), "open");
    assert.equal(await widget().locator("[data-testid=message]", { hasText: "bob@example," }).count(), 0,
                 "the refused answer is not shown as sent");
    await shot("5-form-error", false); // the bad field has the focus, in view
    await email.fill("bob@gmail.com");
    await email.press("Enter"); // submits the form
    await botMessage("in touch at bob@gmail.com").waitFor();
    await form.locator("xpath=self::*[@data-state='answered']").waitFor();
    assert.equal(await email.isDisabled(), true, "an answered form is read-only");
    assert.equal(await email.getAttribute("aria-invalid"), null, "its error is gone");
    await shot("6-form-accepted");
  });

  await t.test("chips left unanswered are disabled once the visitor writes on", async () => {
    await say("what's the weather tomorrow");
    const offer = botMessage("only help with questions about Parley");
    await offer.waitFor();
    const chips = offer.locator("[data-testid=quick-reply]");
    assert.ok((await chips.count()) >= 2);
    assert.equal(await offer.locator("[data-testid=quick-reply]:disabled").count(), 0, "live while they are the last word");
    assert.equal(await widget().locator("[data-testid=queue-status]").isVisible(), false, "no queue before the handoff");
    await say("can I talk to a real person");
    assert.equal(await offer.locator("[data-testid=quick-reply]:enabled").count(), 0, "disabled after a later message");
    assert.equal(await offer.locator("[aria-pressed=true]").count(), 0, "none of them was chosen");
  });

  await t.test("asking for a person hands over and shows the queue", async () => {
    const queue = widget().locator("[data-testid=queue-status]");
    await queue.waitFor({ state: "visible" });
    assert.match(await queue.textContent(), /in line/);
    await botMessage("passing you to a colleague").waitFor();
    await shot("7-handoff");
  });

  await t.test("an agent's card and postback buttons: image in its box, a button pressed with Space", async () => {
    // A 1×1 PNG for the card's image (the machine has no network); the widget's CSP
    // lets https images load.
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
    await page.context().route("https://img.example/**", (route) => route.fulfill({ contentType: "image/png", body: png }));
    // The demo agent, as a plain protocol client on the console's page (its origin is
    // the relay's), answers the queued conversation with a card: that claims it.
    const agent = await browser.newPage();
    await agent.goto(relay.url + "/console/");
    const sent = await agent.evaluate(async ({ email, password }) => {
      const ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws", "parley.v1");
      const frames = [];
      const waiters = [];
      ws.onmessage = (ev) => {
        frames.push(JSON.parse(ev.data));
        for (const w of waiters.splice(0)) w();
      };
      const deadline = Date.now() + 10_000;
      const next = async (pred) => {
        for (;;) {
          const f = frames.find(pred);
          if (f) return f;
          if (Date.now() > deadline) throw new Error("no such frame; got " + JSON.stringify(frames).slice(0, 2000));
          await new Promise((r) => { waiters.push(r); setTimeout(r, 200); });
        }
      };
      await new Promise((r) => (ws.onopen = r));
      ws.send(JSON.stringify({ v: 1, type: "login", email, password }));
      await next((f) => f.type === "welcome");
      const conv = (await next((f) => f.type === "inbox" && f.convs.length)).convs[0].conv; // the one queued
      ws.send(JSON.stringify({ v: 1, type: "send", conv, cid: "t1.1", text: "Our Pro plan: Start a trial / Compare plans",
        parts: [{ kind: "card", title: "Pro plan", text: "$49 per agent per month, every feature.",
                  image: "https://img.example/pro.png",
                  buttons: [{ id: "trial", label: "Start a trial" }, { label: "Compare plans", url: "https://parley.example/pricing" }] }] }));
      return next((f) => (f.type === "ack" && f.cid === "t1.1") || f.type === "error");
    }, { email: DEMO_EMAIL, password: DEMO_PASSWORD });
    assert.equal(sent.type, "ack", JSON.stringify(sent));
    const card = widget().locator("[data-testid=card]");
    await card.waitFor();
    assert.equal(await card.getAttribute("aria-labelledby"), await card.locator(".card-title").getAttribute("id"));
    const img = card.locator("img");
    assert.equal(await img.getAttribute("alt"), "Pro plan");
    const box = await card.locator(".card-media").boundingBox();
    assert.ok(Math.abs(box.height - (box.width * 9) / 16) < 2, `a 16:9 box: ${JSON.stringify(box)}`);
    const link = card.locator("[data-testid=part-link]");
    assert.equal(await link.getAttribute("href"), "https://parley.example/pricing");
    // Keyboard: Shift+Tab from the composer to the postback button, Space presses it.
    await widget().locator("[data-testid=composer]").focus();
    let focused = "";
    for (let i = 0; i < 4 && focused !== "Start a trial"; i++) {
      await page.keyboard.press("Shift+Tab");
      focused = await chatFrame().evaluate(() => document.activeElement?.textContent || "");
    }
    assert.equal(focused, "Start a trial");
    await page.keyboard.press("Space");
    await widget().locator("[data-testid=message][data-mine=true][data-seq]", { hasText: "Start a trial" }).waitFor();
    const trial = card.locator("[data-testid=part-button][data-option=trial]");
    assert.equal(await trial.getAttribute("aria-pressed"), "true", "the pressed button is marked");
    assert.equal(await trial.isDisabled(), true, "an answered message's postbacks are disabled");
    assert.equal(await link.isVisible(), true, "links stay usable");
    await shot("8-card");
    await agent.close();
  });

  await t.test("a reply cut off by the bot's death is marked interrupted, then people take over", async () => {
    // A second visitor, so the conversation is a fresh one with the bot.
    page2 = await (await browser.newContext({ viewport: { width: 1100, height: 860 } })).newPage();
    watchPage("visitor2", page2, pageErrors);
    const chat = () => page2.frameLocator("[data-testid=parley-frame]");
    await page2.goto(relay.url + "/");
    await page2.locator("[data-testid=parley-launcher]").click();
    await chat().locator("[data-testid=conn-state][data-state=connected]").waitFor();
    // The first delta is seen by a MutationObserver in the frame (Playwright's polling
    // may wait longer than the stream lasts), and the bot killed at once.
    const frame2 = page2.frames().find((f) => f.url().includes("/widget/frame.html"));
    const streaming = frame2.evaluate(() => new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (document.querySelector("[data-streaming]")) observer.disconnect(), resolve();
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    }));
    await chat().locator("[data-testid=composer]").fill("how much does the pro plan cost?");
    await chat().locator("[data-testid=composer]").press("Enter");
    await streaming;
    bot.child.kill("SIGKILL"); // mid-stream: the relay ends it with sender_gone
    const cut = chat().locator("[data-testid=message][data-interrupted]");
    await cut.waitFor();
    assert.equal(await cut.locator(".bubble").textContent(), "This reply was interrupted.");
    assert.equal(await cut.getAttribute("aria-hidden"), null, "the interruption is announced");
    assert.equal(await chat().locator("[data-streaming]").count(), 0, "no stream left growing");
    assert.equal(await chat().locator("[data-testid=message]", { hasText: "$49" }).count(), 0,
                 "no partial text left");
    await chat().locator("[data-testid=queue-status]").waitFor({ state: "visible" }); // bot_gone
    await page2.locator("[data-testid=parley-frame]").screenshot({ path: join(artifacts, "bot-9-interrupted.png") });
  });

  await t.test("the page ran without script errors", () => {
    assert.deepEqual(pageErrors, []);
  });
});
