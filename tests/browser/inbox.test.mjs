// The console's inbox tools in a real browser (issue 17): the unread count in the tab
// title, desktop notifications (Chromium's permission granted; window.Notification
// wrapped in the page to see what would be shown), search and filters, keyboard
// shortcuts, and the phone layout. One relay, one browser; visitors are plain protocol
// clients in a helper page on the relay's origin, so each costs a WebSocket, not a tab.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/inbox.test.mjs
//
// Screenshots: tests/browser/artifacts/inbox-desktop.png, inbox-shortcuts.png,
// inbox-phone-list.png, inbox-phone-conversation.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEMO_EMAIL, DEMO_PASSWORD, artifacts, launchChromium, relayFromEnv, tearDown, watchPage } from "./support.mjs";

const BASE_TITLE = "Parley — Agent console";

let relay, dataDir, browser, agent, visitors, phone;
const errors = [];

// In the agent's page before any script: what the console would show as a desktop
// notification is recorded (the real one is still created), and the page can be put in
// the background as a hidden tab would be (headless Chromium's tabs are always visible).
function instrument() {
  window.__notes = [];
  const Real = window.Notification;
  class Recorded extends Real {
    constructor(title, options) {
      window.__notes.push({ title, body: options?.body ?? "", tag: options?.tag ?? "" });
      super(title, options);
    }
  }
  Object.defineProperty(Recorded, "permission", { get: () => Real.permission });
  Recorded.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Recorded;
  window.__setHidden = (hidden) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
    document.dispatchEvent(new Event("visibilitychange"));
  };
}

before(async () => {
  ({ relay, dataDir } = await relayFromEnv({ name: "inbox", extra: ["--no-triage"] }));
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(["notifications"], { origin: relay.url });
  await context.addInitScript(instrument);
  agent = await context.newPage();
  watchPage("agent", agent, errors);
  const helper = await browser.newContext();
  visitors = await helper.newPage();
  watchPage("visitors", visitors, errors);
  await visitors.goto(relay.url + "/console/"); // only for its origin: the WebSockets' Origin
});

after(() => tearDown({ pages: { "inbox-phone-conversation": phone }, errors, browser, relay, dataDir }));

async function login(page) {
  await page.goto(relay.url + "/console/");
  await page.locator("[data-testid=login-email]").fill(DEMO_EMAIL);
  await page.locator("[data-testid=login-password]").fill(DEMO_PASSWORD);
  await page.locator("[data-testid=login-submit]").click();
  await page.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "visible" });
}

/** A visitor (a protocol client kept open in the helper page) says `text`; the first
 *  time, it says hello with `name` and any identity claims. */
async function visitorSays(name, text, claims = {}) {
  return visitors.evaluate(async ({ name, text, claims }) => {
    window.__visitors ??= {};
    let v = window.__visitors[name];
    if (!v) {
      const ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws", "parley.v1");
      v = { ws, frames: [], n: 0 };
      ws.onmessage = (ev) => v.frames.push(JSON.parse(ev.data));
      await new Promise((r) => (ws.onopen = r));
      ws.send(JSON.stringify({ v: 1, type: "hello", role: "visitor", name, ...claims }));
      v.welcome = await next(v, (f) => f.type === "welcome");
      window.__visitors[name] = v;
    }
    const cid = `c${++v.n}`;
    v.ws.send(JSON.stringify({ v: 1, type: "send", conv: v.welcome.conv, cid, text }));
    await next(v, (f) => f.type === "ack" && f.cid === cid);
    return v.welcome.conv;

    async function next(v, pred) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const f = v.frames.find(pred);
        if (f) return f;
        if (Date.now() > deadline) throw new Error("no such frame; got " + JSON.stringify(v.frames).slice(0, 800));
        await new Promise((r) => setTimeout(r, 30));
      }
    }
  }, { name, text, claims });
}

const item = (name) => agent.locator("[data-testid=inbox-item]", { hasText: name });
const shownNames = async () =>
  (await agent.locator("[data-testid=inbox-item]:visible .item-name").allTextContents()).sort();
const notes = () => agent.evaluate(() => window.__notes);
const activeName = () => agent.locator("[data-testid=inbox-item][aria-current=true] .item-name").textContent();

async function waitTitle(expected) {
  await agent.waitForFunction((t) => document.title === t, expected);
}

test("the console's inbox: alerts, search and filters, shortcuts, a phone", { timeout: 110_000 }, async (t) => {
  await t.test("notifications are asked for with a button, never on load", async () => {
    await login(agent);
    assert.equal(await agent.title(), BASE_TITLE);
    const toggle = agent.locator("[data-testid=notify-toggle]");
    await toggle.waitFor();
    assert.equal(await toggle.getAttribute("aria-pressed"), "false", "off until the agent turns them on");
    await toggle.click();
    await agent.locator("[data-testid=notify-toggle][aria-pressed=true]").waitFor();
  });

  await t.test("a new conversation raises the title count and a notification without its text", async () => {
    await visitorSays("Ada Lovelace", "Hello, where is my parcel?");
    await item("Ada Lovelace").waitFor();
    await waitTitle(`(1) ${BASE_TITLE}`);
    await agent.waitForFunction(() => window.__notes.length === 1);
    const [note] = await notes();
    assert.equal(note.title, "New conversation in Parley");
    assert.ok(!note.body.includes("parcel") && !note.body.includes("Ada"),
              `no name or text on a lock screen unless the agent opts in: ${note.body}`);
  });

  await t.test("reading the conversation clears the count", async () => {
    await item("Ada Lovelace").click();
    await waitTitle(BASE_TITLE);
  });

  await t.test("a message while the tab is in the background counts, and clears when the agent comes back", async () => {
    await agent.evaluate(() => window.__setHidden(true));
    await agent.locator("[data-testid=notify-preview]").check(); // names and text from now on
    await visitorSays("Ada Lovelace", "Are you there?");
    await waitTitle(`(1) ${BASE_TITLE}`);
    await agent.waitForFunction(() => window.__notes.length === 2);
    const note = (await notes())[1];
    assert.equal(note.title, "New message in Parley");
    assert.equal(note.body, "Ada Lovelace: Are you there?", "previews were opted in");
    await agent.evaluate(() => window.__setHidden(false));
    await waitTitle(BASE_TITLE);
  });

  await t.test("search finds by name, e-mail and message text; filters narrow the list", async () => {
    await visitorSays("Grace Hopper", "I need a copy of my invoice", { user_id: "u-42", email: "grace@example.com" });
    await visitorSays("Bob Stone", "Please cancel my subscription");
    await item("Bob Stone").waitFor();
    await item("Grace Hopper").waitFor();
    assert.deepEqual(await shownNames(), ["Ada Lovelace", "Bob Stone", "Grace Hopper"]);
    const search = agent.locator("[data-testid=inbox-search]");
    await search.fill("grace@example");
    assert.deepEqual(await shownNames(), ["Grace Hopper"], "by e-mail");
    await search.fill("INVOICE");
    assert.deepEqual(await shownNames(), ["Grace Hopper"], "by message text, any case");
    await search.fill("parcel"); // Ada's first message: no longer her last, but in her open thread
    assert.deepEqual(await shownNames(), ["Ada Lovelace"], "by an earlier message");
    await search.fill("stone");
    assert.deepEqual(await shownNames(), ["Bob Stone"], "by name");
    await search.fill("");
    await agent.locator("[data-testid=scope-mine]").click();
    assert.deepEqual(await shownNames(), ["Ada Lovelace", "Bob Stone", "Grace Hopper"], "all three are the agent's");
    await agent.locator("[data-testid=scope-unassigned]").click();
    assert.deepEqual(await shownNames(), [], "nothing waits for an agent");
    await agent.locator("[data-testid=scope-all]").click();
  });

  await t.test("shortcuts move between conversations, never while typing, and close one", async () => {
    const order = await agent.locator("[data-testid=inbox-item]:visible .item-name").allTextContents();
    await item(order[0]).click();
    await agent.keyboard.press("Escape"); // leaves the reply box: the keys are shortcuts again
    await agent.keyboard.press("j");
    assert.equal(await activeName(), order[1], "j: the next conversation");
    await agent.keyboard.press("Alt+ArrowDown");
    assert.equal(await activeName(), order[2], "Alt+↓: the next one");
    await agent.keyboard.press("k");
    assert.equal(await activeName(), order[1], "k: the previous one");
    await agent.keyboard.press("r");
    assert.equal(await agent.evaluate(() => document.activeElement?.id), "composer", "r: the reply box");
    await agent.keyboard.type("jk");
    assert.equal(await activeName(), order[1], "typing j and k in the reply box moves nothing");
    assert.equal(await agent.locator("[data-testid=composer]").inputValue(), "jk");
    await agent.locator("[data-testid=composer]").fill("");
    await agent.keyboard.press("Escape");
    await agent.keyboard.press("n");
    await agent.locator("[data-testid=mode-note][aria-pressed=true]").waitFor();
    await agent.keyboard.press("Escape");
    await agent.locator("#mode-reply").click();
    await agent.keyboard.press("Escape");
    await agent.keyboard.press("?");
    await agent.locator("[data-testid=shortcuts-overlay]").waitFor();
    await agent.screenshot({ path: join(artifacts, "inbox-shortcuts.png") });
    await agent.keyboard.press("Escape");
    await agent.locator("[data-testid=shortcuts-overlay]").waitFor({ state: "detached" });
    // e closes the open conversation (Bob's, whichever place it has).
    await item("Bob Stone").click();
    await agent.keyboard.press("Escape");
    await agent.keyboard.press("e");
    await agent.locator("[data-testid=inbox-item][data-state=closed]", { hasText: "Bob Stone" }).waitFor();
  });

  await t.test("the Closed filter and a search find the closed conversation", async () => {
    await agent.locator("[data-testid=status-filter]").selectOption("closed");
    assert.deepEqual(await shownNames(), ["Bob Stone"]);
    await agent.locator("[data-testid=status-filter]").selectOption("open");
    assert.deepEqual(await shownNames(), ["Ada Lovelace", "Grace Hopper"]);
    await agent.locator("[data-testid=status-filter]").selectOption("any");
    await agent.locator("[data-testid=inbox-search]").fill("subscription");
    assert.deepEqual(await shownNames(), ["Bob Stone"], "closed, found by its message");
    await agent.locator("[data-testid=inbox-search]").fill("");
    await item("Grace Hopper").click();
    await agent.locator("[data-testid=message]", { hasText: "invoice" }).waitFor();
    await agent.screenshot({ path: join(artifacts, "inbox-desktop.png") });
  });

  await t.test("on a 390 px phone: a closed conversation found on the relay; the list, a conversation, and back", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    phone = await context.newPage();
    watchPage("phone", phone, errors);
    await login(phone);
    const ada = phone.locator("[data-testid=inbox-item]", { hasText: "Ada Lovelace" });
    await ada.waitFor();
    // A new session's inbox holds no closed conversation; the relay's search finds one.
    const bob = phone.locator("[data-testid=inbox-item]", { hasText: "Bob Stone" });
    assert.equal(await bob.isVisible(), false, "Bob's conversation was closed before this session");
    await phone.locator("[data-testid=inbox-search]").fill("subscription");
    await bob.waitFor({ state: "visible" });
    assert.equal(await phone.locator("[data-testid=inbox-item]:visible").count(), 1, "only the match");
    await phone.locator("[data-testid=inbox-search]").fill("");
    await bob.waitFor({ state: "hidden" });
    await phone.locator("[data-testid=status-filter]").selectOption("closed");
    await bob.waitFor({ state: "visible" });
    await phone.locator("[data-testid=status-filter]").selectOption("any");
    await bob.waitFor({ state: "hidden" });
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `nothing wider than the phone (${width} px)`);
    await phone.screenshot({ path: join(artifacts, "inbox-phone-list.png") });
    await ada.click();
    await phone.locator("[data-testid=back-to-inbox]").waitFor({ state: "visible" });
    assert.equal(await phone.locator("[data-testid=inbox]").isVisible(), false, "the conversation replaces the list");
    await phone.locator("[data-testid=message]", { hasText: "parcel" }).waitFor();
    await phone.locator("[data-testid=back-to-inbox]").click();
    await ada.waitFor({ state: "visible" });
    await ada.click();
    await phone.locator("[data-testid=message]", { hasText: "parcel" }).waitFor();
  });

  assert.deepEqual(errors, [], "no script errors in any page");
});
