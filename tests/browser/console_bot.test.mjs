// Bots in the agent console (issue 16), in a real browser against the real relay and
// the real house bot (parley-bot on the demo knowledge base). A visitor asks a FAQ
// question and the bot answers; the supervisor console lists the conversation as with
// the bot, its turns marked "Bot"; the agent takes over from the keyboard (bot paused,
// reason agent_took_over), answers, and the bot stays silent; the agent hands back and
// the bot answers the next question. A second visitor asks for a person: the console
// shows "asks for a human" and the bot's summary; with the bot gone, handing it back
// fails with a clear "no bot is connected".
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_BOT_BIN=build/tools/parley-bot/parley-bot \
//     PARLEY_WEB_ROOT=build/web node --test tests/browser/console_bot.test.mjs
//
// Screenshots of each step land in tests/browser/artifacts/console-bot-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEMO_EMAIL, DEMO_PASSWORD, artifacts, launchChromium, tearDown, watchPage } from "./support.mjs";
import { relayWithHouseBot, stopHouseBot } from "./house_bot.mjs";

let relay, bot, dataDir, browser;
const pages = {};
const errors = [];

before(async () => {
  ({ relay, bot, dataDir } = await relayWithHouseBot({ name: "console-bot" }));
  browser = await launchChromium();
  for (const who of ["visitor", "agent", "visitor2"]) {
    const context = await browser.newContext({ viewport: { width: who === "agent" ? 1280 : 1100, height: 800 } });
    pages[who] = await context.newPage();
    watchPage(who, pages[who], errors);
  }
});

after(async () => {
  await stopHouseBot(bot);
  await tearDown({ pages: Object.fromEntries(Object.entries(pages).map(([who, p]) => [`console-bot-${who}-end`, p])),
                   errors, browser, relay, dataDir });
});

const shot = (page, name) => page.screenshot({ path: join(artifacts, `console-bot-${name}.png`) });

async function openWidget(page) {
  await page.goto(relay.url + "/");
  await page.locator("[data-testid=parley-launcher]").click();
  const frame = page.frameLocator("[data-testid=parley-frame]");
  await frame.locator("[data-testid=composer]").waitFor({ state: "visible" });
  return frame;
}

async function say(frame, text) {
  await frame.locator("[data-testid=composer]").fill(text);
  await frame.locator("[data-testid=send]").click();
  await frame.locator("[data-testid=message][data-mine=true][data-status=sent]", { hasText: text }).waitFor();
}

/** The console's messages of the open conversation, internal ones included:
 *  [{seq, role, text}] in seq order. */
async function transcript(page) {
  const rows = await page.locator("[data-testid=messages]:visible .msg").evaluateAll((els) =>
    els.map((el) => ({ seq: Number(el.getAttribute("data-seq")), role: el.getAttribute("data-role"),
                       text: el.querySelector(".bubble")?.textContent ?? "" })));
  return rows.sort((a, b) => a.seq - b.seq);
}

test("an agent watches the bot, takes over, hands back; a handoff shows its reason and summary", { timeout: 150_000 }, async (t) => {
  const { visitor, agent, visitor2 } = pages;
  let widget;
  const question = "is there a free trial? do I need a credit card";
  const paused = "and how much does the pro plan cost?";
  const after = "how do I invite my team";

  await t.test("the supervisor signs in to the console", async () => {
    await agent.goto(relay.url + "/console/");
    await agent.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
    await agent.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
    await agent.locator("[data-testid=login-submit]").click();
    await agent.locator("[data-testid=conn-state][data-state=connected]").waitFor();
  });

  await t.test("a visitor asks a FAQ question and the bot answers", async () => {
    widget = await openWidget(visitor);
    await say(widget, question);
    await widget.locator("[data-testid=message][data-mine=false]", { hasText: "14-day" }).waitFor();
    await shot(visitor, "1-visitor-bot-answer");
  });

  let conv1 = "";
  await t.test("the console lists it as with the bot and marks the bot's turns", async () => {
    const badge = agent.locator("[data-testid=state-badge][data-kind=bot]", { hasText: "With bot" });
    const item = agent.locator("[data-testid=inbox-item]", { has: badge });
    await item.waitFor();
    conv1 = await item.getAttribute("data-conv");
    // The filter for watching the bot keeps it and counts it.
    await agent.locator("[data-testid=filter-bot]").click();
    await item.waitFor();
    assert.match(await agent.locator("[data-testid=filter-bot]").innerText(), /With bot\s*1/);
    await item.click();
    const answer = agent.locator("[data-testid=message][data-role=bot]", { hasText: "14-day" });
    await answer.waitFor();
    const ask = agent.locator("[data-testid=message][data-role=visitor]", { hasText: question });
    await ask.waitFor();
    // The label is text, not colour only: the author line of the bot's run says "Bot".
    assert.equal(await answer.locator("[data-testid=role-badge]").textContent(), "Bot");
    const botBg = await answer.locator(".bubble").evaluate((el) => getComputedStyle(el).backgroundColor);
    const visitorBg = await ask.locator(".bubble").evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(botBg, visitorBg, "a bot turn looks different from a visitor's");
    await agent.locator("[data-testid=bot-title]", { hasText: "The bot is answering" }).waitFor();
    assert.ok(await agent.locator("[data-testid=take-over]").isVisible());
    assert.equal(await agent.locator("[data-testid=hand-back]").isVisible(), false);
    await shot(agent, "2-console-with-bot");
    await agent.locator("[data-testid=filter-all]").click();
  });

  let replySeq = 0;
  await t.test("the agent takes over from the keyboard: the bot is paused", async () => {
    await agent.locator("[data-testid=take-over]").focus();
    await agent.keyboard.press("Enter");
    await agent.locator("[data-testid=bot-title]", { hasText: "Bot paused" }).waitFor();
    const reason = agent.locator("[data-testid=handoff-reason]");
    assert.equal(await reason.getAttribute("data-reason"), "agent_took_over");
    assert.equal(await reason.innerText(), "An agent took over");
    assert.match(await agent.locator("[data-testid=handoff-by]").innerText(), /Handed off by you at /);
    await agent.locator("[data-testid=inbox-item][aria-current=true] [data-testid=bot-paused]").waitFor();
    await agent.locator("[data-testid=hand-back]").waitFor();
    assert.equal(await agent.locator("[data-testid=take-over]").isVisible(), false);
    await shot(agent, "3-console-taken-over");

    await agent.locator("[data-testid=composer]").fill("Hi, Sam here from the team. Happy to help.");
    await agent.locator("[data-testid=send]").click();
    await widget.locator("[data-testid=message][data-mine=false]", { hasText: "Sam here" }).waitFor();
    const mine = agent.locator("[data-testid=message][data-mine=true][data-seq]", { hasText: "Sam here" });
    await mine.waitFor();
    replySeq = Number(await mine.getAttribute("data-seq"));
  });

  await t.test("while paused, the visitor's question reaches the agent and the bot says nothing", async () => {
    await say(widget, paused);
    await agent.locator("[data-testid=message][data-role=visitor]", { hasText: paused }).waitFor();
    await agent.locator("[data-testid=composer]").fill("Pro is $49 per agent and month; I'll hand you back to our bot for the rest.");
    await agent.locator("[data-testid=send]").click();
    await widget.locator("[data-testid=message][data-mine=false]", { hasText: "hand you back" }).waitFor();
    await shot(visitor, "4-visitor-agent-reply");
  });

  await t.test("the agent hands back and the bot answers the next question", async () => {
    await agent.locator("[data-testid=hand-back]").click();
    await agent.locator("[data-testid=bot-title]", { hasText: "The bot is answering" }).waitFor();
    await agent.locator("[data-testid=internal-note]", { hasText: "Handed back to the bot" }).waitFor();
    assert.equal(await agent.locator("[data-testid=inbox-item][aria-current=true] [data-testid=bot-paused]").isVisible(), false);
    // The last handoff stays visible, as history.
    assert.equal(await agent.locator("[data-testid=handoff-reason]").getAttribute("data-reason"), "agent_took_over");
    await say(widget, after);
    await widget.locator("[data-testid=message][data-mine=false]", { hasText: "7 days" }).waitFor();
    await agent.locator("[data-testid=message][data-role=bot]", { hasText: "7 days" }).waitFor();
    await shot(agent, "5-console-handed-back");
    await shot(visitor, "5-visitor-bot-again");

    // The bot answers in order on one connection: had it answered the question asked
    // while it was paused, that answer would sit between the take-over and the hand-back.
    const rows = await transcript(agent);
    const back = rows.find((r) => r.text.startsWith("Handed back to the bot"));
    assert.ok(back && replySeq > 0 && back.seq > replySeq);
    const during = rows.filter((r) => r.role === "bot" && r.seq > replySeq && r.seq < back.seq);
    assert.deepEqual(during, [], "the bot wrote while it was paused");
    assert.ok(rows.some((r) => r.role === "bot" && r.seq > back.seq && r.text.includes("7 days")));
  });

  await t.test("a visitor who asks for a person: the console shows why, by whom, and the summary", async () => {
    const widget2 = await openWidget(visitor2);
    await say(widget2, "can I talk to a real person");
    const item = agent.locator(`[data-testid=inbox-item]:not([data-conv="${conv1}"])`);
    await item.locator("[data-testid=bot-paused]").waitFor();
    await agent.locator("[data-testid=filter-paused]").click();
    await item.waitFor();
    await item.click();
    await agent.locator("[data-testid=bot-title]", { hasText: "Bot paused" }).waitFor();
    const reason = agent.locator("[data-testid=handoff-reason]");
    assert.equal(await reason.getAttribute("data-reason"), "asks_human");
    assert.match(await reason.innerText(), /asks for a human/);
    assert.match(await agent.locator("[data-testid=handoff-by]").innerText(), /by the bot .*Parley Bot/);
    assert.match(await agent.locator("[data-testid=handoff-summary]").innerText(), /asked for a person/);
    await agent.locator("[data-testid=hand-back]").waitFor();
    await shot(agent, "6-console-asks-human");
    await agent.locator("[data-testid=filter-all]").click();
  });

  await t.test("with no bot connected, handing back fails with a clear message", async () => {
    await stopHouseBot(bot);
    await agent.locator("[data-testid=hand-back]").click();
    const error = agent.locator("[data-testid=bot-error]");
    await error.waitFor();
    assert.match(await error.innerText(), /no bot is connected.*\(3006\)/);
    assert.ok(await agent.locator("[data-testid=bot-title]", { hasText: "Bot paused" }).isVisible());
    await shot(agent, "7-console-no-bot");
  });

  assert.deepEqual(errors, [], "script errors on the pages");
});
