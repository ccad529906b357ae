// The widget and the console as people use them (issue 17), in real Chromium against the
// real relay: one relay, one browser, four contexts.
//   - axe-core finds nothing serious or critical in the widget (launcher, the open chat
//     with messages, a rich message with quick replies and a form, the queued state) nor
//     in the console (sign-in, inbox with a conversation open, the transfer dialog, the
//     team board), on a desktop and on a 390×844 phone;
//   - a French widget shows no English, in each of its states: welcome (with the team
//     away), conversation, queued, form errors, closed, unreachable;
//   - on the phone the widget fills the screen, the console switches between inbox and
//     thread, and nothing scrolls sideways;
//   - the thread's date separators ("Today", "Yesterday", a weekday), links in message
//     text (http, https and mailto only, new tab, no opener), agents' avatars, the team's
//     presence (available / away, live), and system lines without the "Parley" signature.
// Screenshots: tests/browser/artifacts/screen-{widget,console}-{desktop,phone}.png (kept in
// git, looked at by a person), plus a11y-*.png of each step.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web node --test tests/browser/a11y.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { build } from "esbuild";
import {
  artifacts, axeFindings, DEMO_EMAIL, DEMO_PASSWORD, launchChromium, relayFromEnv, tearDown, watchPage,
} from "./support.mjs";

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let relay, dataDir, browser;
let visitor, french, agent, agentPhone; // pages
const errors = [];
let tables; // web/shared/i18n.ts

before(async () => {
  const out = await build({ entryPoints: [join(import.meta.dirname, "../../web/shared/i18n/tables.ts")], bundle: true,
                            format: "esm", write: false, logLevel: "silent" });
  ({ tables } = await import("data:text/javascript;base64," + Buffer.from(out.outputFiles[0].text).toString("base64")));
  ({ relay, dataDir } = await relayFromEnv({ name: "browser-a11y", webFile: "widget/frame.html" }));
  browser = await launchChromium();
  const page = async (name, options) => {
    const p = await (await browser.newContext(options)).newPage();
    watchPage(name, p, errors);
    return p;
  };
  visitor = await page("visitor", { viewport: DESKTOP });
  agent = await page("agent", { viewport: DESKTOP });
  agentPhone = await page("agent-phone", { viewport: PHONE, isMobile: true, hasTouch: true });
  french = await page("french", { viewport: PHONE, isMobile: true, hasTouch: true, locale: "fr-FR" });
  // A French site: the demo page with its settings in French.
  await french.context().route(relay.url + "/", async (route) => {
    const res = await route.fetch();
    const html = (await res.text()).replace(/Parley\.push\(\["set", \{[^}]*\}\]\);/,
      'Parley.push(["set", { title: "Acme Assistance", subtitle: "Réponse en quelques minutes", ' +
      'greeting: "Bonjour ! Une question sur Acme ?", locale: "fr" }]);');
    await route.fulfill({ response: res, body: html });
  });
});

after(async () => {
  await tearDown({ pages: { "a11y-visitor": visitor, "a11y-french": french, "a11y-agent": agent,
                            "a11y-agent-phone": agentPhone }, errors, browser, relay, dataDir });
});

const frameOf = (page) => page.frames().find((f) => f.url().includes("/widget/frame.html"));
const widget = (page) => page.frameLocator("[data-testid=parley-frame]");

async function noAxeFindings(target, what, context) {
  assert.deepEqual(await axeFindings(target, context), [], `axe: serious or critical findings in ${what}`);
}

/** No page scrolls sideways. */
async function noSidewaysScroll(target, what) {
  const { scroll, client } = await target.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `${what} scrolls sideways: ${scroll} > ${client}`);
}

/** Opens the demo page's widget and waits until it is connected. */
async function openWidget(page) {
  await page.goto(relay.url + "/");
  await page.locator("[data-testid=parley-launcher]").waitFor();
  await page.locator("[data-testid=parley-launcher]").click();
  await widget(page).locator("[data-testid=conn-state][data-state=connected]").waitFor();
}

async function say(page, text) {
  const composer = widget(page).locator("[data-testid=composer]");
  await composer.fill(text);
  await composer.press("Enter");
  await widget(page).locator("[data-testid=message][data-mine=true][data-seq]", { hasText: text }).waitFor();
}

/** The console signed in as the demo agent. */
async function signIn(page) {
  await page.goto(relay.url + "/console/");
  await page.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
  await page.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
  await page.locator("[data-testid=login-submit]").click();
  await page.locator("[data-testid=conn-state][data-state=connected]").waitFor();
}

/** The demo agent, as a plain protocol client on the console's origin, sends `frame`
 *  (a `send` with rich parts) to the conversation `conv`; resolves with the ack. */
function agentSends(conv, frame) {
  return agent.evaluate(async ({ email, password, conv, frame }) => {
    const ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws", "parley.v1");
    const frames = [];
    const next = async (pred) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const f = frames.find(pred);
        if (f) return f;
        if (Date.now() > deadline) throw new Error("no such frame; got " + JSON.stringify(frames).slice(0, 1500));
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    ws.onmessage = (ev) => frames.push(JSON.parse(ev.data));
    await new Promise((r) => (ws.onopen = r));
    ws.send(JSON.stringify({ v: 1, type: "login", email, password }));
    await next((f) => f.type === "welcome");
    ws.send(JSON.stringify({ v: 1, type: "send", conv, ...frame }));
    const answer = await next((f) => (f.type === "ack" && f.cid === frame.cid) || f.type === "error");
    ws.close();
    return answer;
  }, { email: DEMO_EMAIL, password: DEMO_PASSWORD, conv, frame });
}

/** Every English string of the widget (web/shared/i18n.ts) that French words otherwise,
 *  as its longest fragment between placeholders, found in what the widget in `page`
 *  shows or names (text, labels, placeholders, titles): none may remain. */
async function assertNoEnglish(page, state) {
  const shown = await frameOf(page).evaluate(() => {
    const parts = [document.body.innerText, document.title];
    for (const el of document.querySelectorAll("[aria-label], [placeholder], [title], [alt]"))
      for (const a of ["aria-label", "placeholder", "title", "alt"]) if (el.getAttribute(a)) parts.push(el.getAttribute(a));
    for (const el of document.querySelectorAll(".visually-hidden")) parts.push(el.textContent);
    return parts.join("\n");
  });
  const english = [];
  for (const [key, en] of Object.entries(tables.en)) {
    if (key === "lang" || tables.fr[key] === en) continue;
    const fragment = en.split(/\{\w+\}/).map((s) => s.trim()).sort((a, b) => b.length - a.length)[0];
    if (fragment.length >= 3 && shown.includes(fragment)) english.push(`${key}: "${fragment}"`);
  }
  assert.deepEqual(english, [], `English left in the French widget (${state}):\n${shown}`);
  assert.equal(await frameOf(page).evaluate(() => document.documentElement.lang), "fr");
}

test("the widget and the console pass axe, speak French, and fit a phone", { timeout: 150_000 }, async (t) => {
  let conv1 = "";

  await t.test("console: the sign-in page", async () => {
    await agent.goto(relay.url + "/console/");
    await agent.locator("[data-testid=login-email]").waitFor();
    await noAxeFindings(agent, "the console's sign-in");
    await signIn(agent);
  });

  await t.test("widget: the launcher, then the open chat, with the team available", async () => {
    await visitor.goto(relay.url + "/");
    await visitor.locator("[data-testid=parley-launcher]").waitFor();
    await noAxeFindings(visitor, "the demo page with the launcher");
    await openWidget(visitor);
    const conn = widget(visitor).locator("[data-testid=conn-state]");
    await widget(visitor).locator("[data-testid=conn-state][data-presence=available]").waitFor();
    assert.match(await conn.textContent(), /reply in a few minutes/, "the host's subtitle while the team is there");
    await noAxeFindings(frameOf(visitor), "the open widget");
  });

  await t.test("widget: a conversation with links, a date separator and the agent's avatar", async () => {
    await say(visitor, "Hello! Order https://shop.example/orders/42. Also javascript:alert(1) and mailto:ada@example.com?");
    const mine = widget(visitor).locator("[data-testid=message][data-mine=true]").last();
    const links = mine.locator("[data-testid=text-link]");
    assert.equal(await links.count(), 2, "http(s) and mailto become links; javascript: stays text");
    assert.equal(await links.nth(0).getAttribute("href"), "https://shop.example/orders/42");
    assert.equal(await links.nth(0).getAttribute("target"), "_blank");
    assert.equal(await links.nth(0).getAttribute("rel"), "noopener noreferrer");
    assert.equal(await links.nth(1).getAttribute("href"), "mailto:ada@example.com");
    assert.equal(await mine.locator("a[href^=javascript]").count(), 0);
    assert.match(await mine.locator(".bubble").textContent(), /javascript:alert\(1\)/, "shown as text");
    // The agent answers from the console.
    const item = agent.locator("[data-testid=inbox-item]").first();
    await item.click();
    conv1 = await item.getAttribute("data-conv");
    await agent.locator("[data-testid=composer]").fill("Hi! I'm on it: see https://help.example/track");
    await agent.locator("[data-testid=send]").click();
    const reply = widget(visitor).locator("[data-testid=message][data-mine=false][data-seq]", { hasText: "on it" });
    await reply.waitFor();
    assert.equal(await reply.locator("[data-testid=avatar]").textContent(), "DA", "Demo Agent's initials");
    assert.ok(await reply.locator("[data-testid=avatar]").getAttribute("data-tone"));
    const days = widget(visitor).locator("[data-testid=day-separator]");
    assert.deepEqual(await days.allTextContents(), ["Today"], "one separator before today's first message");
    assert.deepEqual(await agent.locator("[data-testid=day-separator]").allTextContents(), ["Today"], "the console too");
  });

  await t.test("widget: a rich message with quick replies and a form", async () => {
    const ack = await agentSends(conv1, { cid: "a11y.1", text: "What is it about?",
      parts: [{ kind: "quick_replies", options: [{ id: "late", label: "A late order" }, { id: "refund", label: "A refund" }] },
              { kind: "form", id: "contact", submit: "Send", fields: [
                { name: "email", label: "Your e-mail", type: "email", required: true },
                { name: "topic", label: "Topic", type: "choice", options: [{ id: "a", label: "Order" }, { id: "b", label: "Other" }] }] }] });
    assert.equal(ack.type, "ack", JSON.stringify(ack));
    await widget(visitor).locator("[data-testid=rich-form]").waitFor();
    await widget(visitor).locator("[data-testid=quick-reply]").first().waitFor();
    await noAxeFindings(frameOf(visitor), "the widget with a rich message");
    await visitor.locator("[data-testid=parley-frame]").screenshot({ path: join(artifacts, "a11y-widget-rich.png") });
  });

  await t.test("console: the inbox with a conversation open", async () => {
    await agent.locator("[data-testid=rich-form]").waitFor();
    await noAxeFindings(agent, "the console with a conversation open");
    await agent.locator("[data-testid=transfer-open]").click();
    await agent.locator("[data-testid=transfer-dialog]").waitFor();
    await noAxeFindings(agent, "the console's transfer dialog");
    await agent.keyboard.press("Escape");
    await agent.locator("[data-testid=transfer-dialog]").waitFor({ state: "hidden" });
    await agent.screenshot({ path: join(artifacts, "screen-console-desktop.png") });
  });

  await t.test("widget: the next day, the same messages are under \"Yesterday\"", async () => {
    const later = await visitor.context().newPage();
    watchPage("visitor-tomorrow", later, errors);
    await later.clock.setFixedTime(Date.now() + 86_400_000);
    await openWidget(later);
    const days = widget(later).locator("[data-testid=day-separator]");
    await days.first().waitFor();
    assert.equal(await days.first().textContent(), "Yesterday");
    await later.close();
    // Three days on: the weekday and date, in the page's language.
    const inThreeDays = Date.now() + 3 * 86_400_000;
    const after3 = await visitor.context().newPage();
    watchPage("visitor-in-three-days", after3, errors);
    await after3.clock.setFixedTime(inThreeDays);
    await openWidget(after3);
    const weekday = new Intl.DateTimeFormat("en", { weekday: "long" }).format(new Date());
    await widget(after3).locator("[data-testid=day-separator]").first().waitFor();
    assert.match(await widget(after3).locator("[data-testid=day-separator]").first().textContent(),
                 new RegExp(`^${weekday}, `), "the day the messages were written");
    await after3.close();
    await widget(visitor).locator("[data-testid=message]", { hasText: "on it" }).scrollIntoViewIfNeeded();
    await visitor.screenshot({ path: join(artifacts, "screen-widget-desktop.png") });
  });

  await t.test("French on a phone: the welcome with the team away", async () => {
    await agent.locator("[data-testid=presence]").selectOption("away");
    await french.goto(relay.url + "/");
    await french.locator("[data-testid=parley-launcher]").waitFor();
    await noAxeFindings(french, "the demo page on a phone");
    assert.match(await french.locator("[data-testid=parley-launcher]").getAttribute("aria-label"), /^Ouvrir /);
    await openWidget(french);
    // The launcher speaks the chat's language too (loader.ts), open or closed.
    assert.match(await french.locator("[data-testid=parley-launcher]").getAttribute("aria-label"), /^Fermer /);
    await widget(french).locator("[data-testid=conn-state][data-presence=away]").waitFor();
    assert.equal(await widget(french).locator("#conn-text").textContent(), tables.fr.away);
    // The chat fills the phone's screen; nothing scrolls sideways.
    const box = await french.locator("[data-testid=parley-frame]").boundingBox();
    assert.deepEqual([box.x, box.y, box.width, box.height], [0, 0, PHONE.width, PHONE.height]);
    await noSidewaysScroll(french, "the host page on a phone");
    await noSidewaysScroll(frameOf(french), "the widget on a phone");
    await assertNoEnglish(french, "welcome");
    await noAxeFindings(frameOf(french), "the French widget on a phone");
  });

  let conv2 = "";
  await t.test("French: queued, then a form answered wrongly", async () => {
    await say(french, "Bonjour, j'ai une question sur https://acme.example/facture");
    const queue = widget(french).locator("[data-testid=queue-status]");
    await queue.waitFor({ state: "visible" });
    assert.match(await queue.textContent(), /occupé/);
    await assertNoEnglish(french, "queued");
    await noAxeFindings(frameOf(french), "the queued widget");
    await french.screenshot({ path: join(artifacts, "a11y-french-queued.png") });
    const item = agent.locator("[data-testid=inbox-item]", { hasText: "Bonjour" });
    await item.waitFor();
    conv2 = await item.getAttribute("data-conv");
    // Back from away: answering the queued conversation claims it (an away agent's
    // answer does not), and the visitor's wait is over.
    await agent.locator("[data-testid=presence]").selectOption("available");
    await widget(french).locator("[data-testid=conn-state][data-presence=available]").waitFor(); // live
    const ack = await agentSends(conv2, { cid: "a11y.2", text: "Votre adresse ?",
      parts: [{ kind: "form", id: "mail", submit: "Envoyer", fields: [
        { name: "email", label: "Adresse e-mail", type: "email", required: true }] }] });
    assert.equal(ack.type, "ack", JSON.stringify(ack));
    await queue.waitFor({ state: "hidden" });
    const form = widget(french).locator("[data-testid=rich-form]");
    await form.locator("input").fill("pas-une-adresse");
    await form.locator("[data-testid=form-submit]").click();
    const error = form.locator("[data-testid=field-error]");
    await error.waitFor({ state: "visible" });
    assert.equal(await error.textContent(), tables.fr.fieldEmail);
    await assertNoEnglish(french, "form errors");
    await noAxeFindings(frameOf(french), "the French widget with a form error");
  });

  await t.test("French: the conversation closed by the agent, unsigned", async () => {
    await agent.locator(`[data-testid=inbox-item][data-conv="${conv2}"]`).click();
    await agent.locator("[data-testid=close-conv]").click();
    const closed = widget(french).locator("[data-testid=message][data-role=system]", { hasText: tables.fr.sysClosed });
    await closed.waitFor();
    assert.equal(await closed.locator(".author").isVisible(), false, "no \"Parley\" signature");
    const closedForAgent = agent.locator("[data-testid=message][data-role=system]", { hasText: "Conversation closed" });
    await closedForAgent.waitFor();
    assert.equal(await closedForAgent.locator(".author").isVisible(), false, "nor in the console");
    await assertNoEnglish(french, "closed");
    await french.screenshot({ path: join(artifacts, "screen-widget-phone.png") });
  });

  await t.test("French: the relay out of reach", async () => {
    const cut = await french.context().newPage();
    watchPage("french-unreachable", cut, errors);
    await cut.routeWebSocket(/\/ws$/, (ws) => ws.close({ code: 4000, reason: "unreachable (test)" }));
    await cut.goto(relay.url + "/");
    await cut.locator("[data-testid=parley-launcher]").click();
    await widget(cut).locator("[data-testid=conn-state][data-state=unreachable]").waitFor({ timeout: 20_000 });
    await assertNoEnglish(cut, "unreachable");
    await cut.close();
  });

  await t.test("console on a phone: the inbox, then the thread, and back", async () => {
    await signIn(agentPhone);
    await noSidewaysScroll(agentPhone, "the console's inbox on a phone");
    const inbox = agentPhone.locator("[data-testid=inbox]");
    assert.ok(await inbox.isVisible(), "the inbox fills the phone");
    await agentPhone.locator(`[data-testid=inbox-item][data-conv="${conv1}"]`).click();
    await agentPhone.locator("[data-testid=rich-form]").waitFor();
    assert.equal(await inbox.isVisible(), false, "the open thread replaces the inbox");
    await noSidewaysScroll(agentPhone, "the console's thread on a phone");
    await noAxeFindings(agentPhone, "the console on a phone");
    await agentPhone.screenshot({ path: join(artifacts, "screen-console-phone.png") });
    await agentPhone.locator("[data-testid=back-to-inbox]").click();
    await inbox.waitFor({ state: "visible" });
  });

  await t.test("console on a phone: the supervisor's team board", async () => {
    await agentPhone.locator("[data-testid=tab-board]").click();
    await agentPhone.locator("[data-testid=board]").waitFor();
    await noSidewaysScroll(agentPhone, "the team board on a phone");
    await noAxeFindings(agentPhone, "the team board on a phone");
    await agentPhone.screenshot({ path: join(artifacts, "a11y-console-phone-board.png") });
    await agentPhone.locator("#tab-inbox").click();
  });

  await t.test("the pages ran without script errors", () => {
    assert.deepEqual(errors.filter((e) => !e.includes("Failed to load resource") && !e.includes("WebSocket")), []);
  });
});
