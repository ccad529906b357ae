// The agent console (/console/): sign in, a live inbox, one open conversation at a time.
//
// Every conversation the relay lists gets an entry holding its summary, and — once it
// is opened or a message for it arrives — its own Thread and scroll container, so
// switching back and forth keeps each thread's messages and scroll position. The
// session token lives in sessionStorage (one browser tab = one agent session). Each
// `conv` frame replaces the entry's summary whole. Routing (routing.ts), bots
// (bots.ts), sessions, audit and privacy hang off a few hooks here.

import { ParleyClient } from "../../wasm/src/client";
import { ParleyCore } from "../../wasm/src/core";
import type { ConnectionState, ConversationSummary, EventMap, Message, Party } from "../../wasm/src/types";
import { cleanName, isolatedName, nameElement } from "../shared/names";
import { Thread } from "../shared/thread";
import { relayFiles, uploadFile } from "../shared/files";
import { decorateMessage, renderInboxIntent } from "./tags";
import { renderContact } from "./identity";
import { attachCustomer, initCustomerUi, showCustomer } from "./customer";
import {
  attachRouting, compareSummaries, decorateRouting, initRoutingUi, renderRoutingHeader,
  renderRoutingItem, sendNote, visibleToMe,
} from "./routing";
import { attachSessions, initSessionsUi, signOut } from "./sessions";
import { attachAudit, initAuditUi } from "./audit";
import { mountAgents } from "./views/agents";
import { mountIntegrations } from "./views/integrations";
import { mountFlags } from "./views/flags";
import { attachDashboard, mountDashboardButton } from "./dashboard_button";
import { attachPrivacy, initPrivacyUi } from "./privacy";
import {
  attachBots, botFilterAccepts, botPaused, emptyInboxText, initBotsUi, renderBotBanner, renderBotFilter,
  renderBotItem, withBot,
} from "./bots";
// Issue 17: alerts, inbox search and filters, keyboard shortcuts (Preact views).
import { alertMessage, mountAlertSettings, onAlertClick, setUnreadCount } from "./views/alerts";
import {
  focusSearch, inboxAccepts, isFound, mountInboxTools, relayFound, resetInboxTools, setInboxFacts, unmarkFound,
} from "./views/inbox_tools";
import { mountShortcuts, showShortcuts } from "./views/shortcuts";

const MAX_TEXT_BYTES = 8000;
const TOKEN_KEY = "parley.agent.token";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  loginView: $("login-view"),
  loginForm: $<HTMLFormElement>("login-form"),
  email: $<HTMLInputElement>("login-email"),
  password: $<HTMLInputElement>("login-password"),
  loginError: $("login-error"),
  loginSubmit: $<HTMLButtonElement>("login-submit"),
  consoleView: $("console-view"),
  meName: $("me-name"),
  meAvatar: $("me-avatar"),
  conn: $("conn-state"),
  presence: $<HTMLSelectElement>("presence"),
  signOut: $<HTMLButtonElement>("sign-out"),
  inbox: $<HTMLUListElement>("inbox"),
  inboxCount: $("inbox-count"),
  inboxEmpty: $("inbox-empty"),
  empty: $("empty"),
  conversation: $("conversation"),
  convAvatar: $("conv-avatar"),
  convTitle: $("conv-title"),
  convSub: $("conv-sub"),
  scrollHost: $("scroll-host"),
  typing: $("typing"),
  typingText: $("typing-text"),
  form: $<HTMLFormElement>("composer-form"),
  composer: $<HTMLTextAreaElement>("composer"),
};

const threadStrings = { sending: "Sending…", sent: "Sent", failed: "Not sent", seen: "Seen" };
// Authors carry their role, so a visitor who calls themselves "Demo Agent" reads as one.
const ROLE_LABEL: Record<string, string> = { visitor: "Visitor", agent: "Agent", bot: "Bot" };
const stateText: Record<ConnectionState, string> = {
  offline: "Offline",
  connecting: "Connecting…",
  connected: "Online",
  reconnecting: "Reconnecting…",
  stopped: "Disconnected",
};

interface Entry {
  summary: ConversationSummary;
  thread: Thread | null;
  scroller: HTMLElement | null;
  item: HTMLButtonElement;
  li: HTMLLIElement;
  name: HTMLElement;
  last: HTMLElement;
  spoken: HTMLElement; // what the item's look says without words: bot state, unread
  time: HTMLElement;
  badge: HTMLElement;
  readUpTo: number; // our own read receipt
  typing: Map<string, Party>; // who types, by id: visitors and bots
  historyAsked: boolean;
  typingSent: boolean;
}

let client: ParleyClient | null = null;
// Attachments (issue 17, shared/files.ts): read with this agent's session token.
const consoleBase = new URL("../", location.href).href; // the relay's web root
const consoleFiles = relayFiles(consoleBase, () => client?.token ?? null);
let readMarks: Record<string, number> = {}; // conv -> our last read seq, kept per agent
let me: Party | null = null;
let active: string | null = null;
const entries = new Map<string, Entry>();
let inboxLoaded = false; // the first `inbox` arrived: later new conversations are news
const freshConvs = new Set<string>(); // listed live, their first message not alerted yet
const alerted = new Map<string, number>(); // conv → the last seq alerted

// ---- session ------------------------------------------------------------------------
const storage = (() => {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
})();

// Signing in (or resuming) against a relay that does not answer: down, unreachable, or
// refusing this page. After this long without a welcome the sign-in form says so,
// instead of a button that stays disabled (issue 17).
const SIGN_IN_TIMEOUT_MS = 8_000;
let signInTimer: ReturnType<typeof setTimeout> | undefined;

// The Wasm core, loaded once as the page loads: signing in then needs only the
// WebSocket, so a relay that went away meanwhile is reported as unreachable.
let corePromise: Promise<ParleyCore> | null = null;
function loadCore(): Promise<ParleyCore> {
  corePromise ??= ParleyCore.load({}).catch((err: unknown) => {
    corePromise = null; // the next sign-in tries again
    throw err;
  });
  return corePromise;
}
void loadCore().catch(() => {}); // reported by the sign-in that needs it

async function startSession(login?: { email: string; password: string }): Promise<void> {
  stopSession();
  clearTimeout(signInTimer);
  const core = await loadCore();
  const c = await ParleyClient.create({
    url: new URL("../ws", location.href).href.replace(/^http/, "ws"),
    role: "agent",
    email: login?.email,
    password: login?.password,
    storage,
    storageKey: TOKEN_KEY,
  }, core);
  client = c;
  signInTimer = setTimeout(() => {
    if (client !== c || !ui.consoleView.hidden) return;
    stopSession();
    showLogin("Cannot reach the Parley relay. Check your connection, or ask your administrator whether it is running and allows this page.");
  }, SIGN_IN_TIMEOUT_MS);
  // Routing (P4): priority order, queues, transfer/note/close, supervisor board.
  attachRouting(c, () => new Map(Array.from(entries, ([k, v]) => [k, v.summary])), open);
  c.on("supervisor", (ev) => {
    const mine = me ? ev.agents.find((a) => a.agent.id === me!.id) : undefined;
    if (mine) setInboxFacts({ teams: mine.teams }); // the Team filter
    entries.forEach(renderItem); // agent names arrive with the board
  });
  attachSessions(c); // sign-out, sign-out everywhere, the sessions dialog (issue 15)
  attachAudit(c); // supervisors: the audit log dialog (P7)
  c.on("supervisor", (ev) => { // supervisors: Agents (issue 17), Integrations (issue 18)
    $("show-agents").hidden = !ev.full;
    $("show-integrations").hidden = !ev.full;
    $("show-flags").hidden = !ev.full;
  });
  attachDashboard(c, $("show-dashboard")); // supervisors: the dashboard (issue 18)
  // Supervisors: export and erase the open conversation's visitor (P7).
  attachPrivacy(c, () => (active ? entries.get(active)?.summary : undefined),
                () => storage?.getItem(TOKEN_KEY) ?? null);
  attachBots(c); // issue 16: bot state, handoff banner, take over / hand back
  // Issue 17: the customer context sidebar and canned responses (customer.tsx).
  attachCustomer(c, { me: () => me, open: (conv) => entries.has(conv) && (open(conv), true) });
  c.on("state", (ev) => {
    ui.conn.textContent = stateText[ev.state];
    ui.conn.setAttribute("data-state", ev.state);
    // Stopped for good while nobody here signed out: this session was ended elsewhere
    // (sign-out everywhere, revoked from another device, agent disabled) or refused.
    if (ev.state === "stopped" && !signingOut && !ui.consoleView.hidden) {
      queueMicrotask(() => {
        stopSession();
        showLogin("You were signed out. Please sign in again.");
      });
    }
  });
  c.on("welcome", (ev) => {
    clearTimeout(signInTimer);
    me = ev.me;
    readMarks = loadReadMarks();
    for (const e of entries.values()) e.readUpTo = Math.max(e.readUpTo, readMarks[e.summary.conv] || 0);
    ui.meName.textContent = cleanName(ev.me.name || "Agent");
    ui.meAvatar.textContent = initials(ev.me.name);
    setInboxFacts({ me: ev.me.id });
    showConsole();
  });
  c.on("error", onError);
  // Inbox search (issue 17): the relay's matches, a page at a time (views/inbox_tools.tsx).
  c.on("found", (ev) => {
    searchAnswered();
    if (!relayFound(ev, (conv) => entries.has(conv))) return;
    ev.convs.forEach((s) => {
      if (!entries.has(s.conv) || isFound(s.conv)) upsert(s);
    });
    entries.forEach(renderItem);
    renderInboxMeta();
  });
  c.on("inbox", (ev) => {
    ev.convs.forEach((s) => upsert(s));
    inboxLoaded = true;
  });
  // A last `conv` with status "erased": its visitor was erased, it no longer exists (P7).
  c.on("conv", (s) => {
    if (s.status === "erased") return dropConversations([s.conv]);
    unmarkFound(s.conv); // listed live now
    upsert(s, true);
  });
  c.on("queued", (ev) => entryFor(ev.conv)?.thread?.queued(ev.cid, ev.text, me));
  c.on("ack", (ev) => {
    const e = entries.get(ev.conv);
    if (!e) return;
    ensureThread(e).ack(ev.cid, ev.seq, ev.ts);
    e.readUpTo = Math.max(e.readUpTo, ev.seq); // replying means having read
    renderItem(e);
  });
  c.on("message", onMessage);
  // A bot's or a colleague's reply growing as it is written (issue 16): only in a
  // thread already open; the final message replaces it in place.
  c.on("stream", (ev) => entries.get(ev.conv)?.thread?.stream(ev.cid, ev.from, ev.delta));
  c.on("stream_end", (ev) => entries.get(ev.conv)?.thread?.streamEnd(ev.cid, ev.from, ev.reason));
  c.on("history", (ev) => {
    const e = entries.get(ev.conv);
    if (!e) return;
    ensureThread(e).prepend(ev.msgs);
    markRead();
  });
  c.on("typing", (ev) => {
    const e = entries.get(ev.conv);
    if (!e || ev.from.role === "agent") return;
    if (ev.on) e.typing.set(ev.from.id, ev.from);
    else e.typing.delete(ev.from.id);
    renderTyping();
  });
  c.on("read", (ev) => {
    const e = entries.get(ev.conv);
    if (!e) return;
    if (me && ev.from.id === me.id) {
      e.readUpTo = Math.max(e.readUpTo, ev.seq); // our own receipt, maybe from another tab
      renderItem(e);
    } else if (ev.from.role === "visitor") ensureThread(e).setPeerRead(ev.seq);
  });
  c.connect();
}

function stopSession(): void {
  client?.destroy();
  client = null;
  me = null;
  readMarks = {};
  active = null;
  entries.clear();
  inboxLoaded = false;
  freshConvs.clear();
  alerted.clear();
  resetInboxTools();
  searchQueue = [];
  searchInFlight = null;
  ui.inbox.textContent = "";
  ui.scrollHost.textContent = "";
  renderInboxMeta();
  showConversation(null);
}

function onError(ev: EventMap["error"]): void {
  if (signingOut) return; // sessions.ts waits for the relay's answer
  if (ev.frame === "search" && ev.code === 4029) return searchAnswered(ev.retry_after_ms || SEARCH_GAP_MS);
  if (ev.code === 4030) {
    // Login throttled: too many failed attempts (4031, checks busy, the SDK retries).
    const secs = Math.max(1, Math.ceil((ev.retry_after_ms || 1000) / 1000));
    stopSession();
    showLogin(`Too many attempts. Try again in ${secs} s.`);
    return;
  }
  if (ev.code === 2002 || ev.code === 2003) {
    stopSession();
    showLogin(ev.code === 2002 ? "Wrong e-mail or password." : "Your session has expired. Please sign in again.");
    return;
  }
  if (ev.ref) for (const e of entries.values()) e.thread?.failed(ev.ref);
  console.warn("parley: relay error", ev.code, ev.message);
}

function showLogin(error?: string): void {
  ui.consoleView.hidden = true;
  ui.loginView.hidden = false;
  ui.loginSubmit.disabled = false;
  ui.loginError.hidden = !error;
  ui.loginError.textContent = error || "";
  (ui.email.value ? ui.password : ui.email).focus();
}

function showConsole(): void {
  if (!ui.consoleView.hidden) return;
  ui.loginView.hidden = true;
  ui.consoleView.hidden = false;
  ui.password.value = "";
}

// ---- inbox ----------------------------------------------------------------------------
function entryFor(conv: string): Entry | undefined {
  return entries.get(conv);
}

function upsert(s: ConversationSummary, live = false): void {
  let e = entries.get(s.conv);
  if (!e) {
    // Newly listed for this agent while the console is open (a new conversation, a
    // queue, a transfer): the agent hears of it.
    if (live && inboxLoaded && s.last_seq > 0) {
      freshConvs.add(s.conv);
      if (!pageVisible() || active !== s.conv) {
        alertMessage({ conv: s.conv, fresh: true, visitorName: visitorName(s.visitor), text: s.last_text });
      }
    }
    const li = document.createElement("li");
    const item = document.createElement("button");
    item.type = "button";
    item.className = "inbox-item";
    item.setAttribute("data-testid", "inbox-item");
    item.setAttribute("data-conv", s.conv);
    const avatar = document.createElement("span");
    avatar.className = "avatar small";
    avatar.setAttribute("aria-hidden", "true");
    const body = document.createElement("span");
    body.className = "item-body";
    const top = document.createElement("span");
    top.className = "item-top";
    const name = document.createElement("span");
    name.className = "item-name";
    const time = document.createElement("span");
    time.className = "item-time";
    const bottom = document.createElement("span");
    bottom.className = "item-bottom";
    const last = document.createElement("span");
    last.className = "item-last";
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.setAttribute("data-testid", "unread");
    top.append(name, time);
    bottom.append(last, badge);
    const spoken = visuallyHidden("");
    body.append(top, bottom, spoken);
    item.append(avatar, body);
    li.appendChild(item);
    item.addEventListener("click", () => open(s.conv));
    e = {
      summary: s, thread: null, scroller: null, item, li, name, last, time, badge, spoken,
      readUpTo: readMarks[s.conv] || 0, typing: new Map(), historyAsked: false, typingSent: false,
    };
    entries.set(s.conv, e);
  }
  // A summary is whole: a field it lacks is unset (a hand-back drops `bot`, a handoff
  // `agent`). Only the intent carries over: a summary without one (an agent's message,
  // an older relay) keeps the last one.
  e.summary = { ...s, intent: s.intent || e.summary.intent };
  renderItem(e);
  sortInbox();
  if (active === s.conv) renderHeader(e);
}

// Without bidi controls (shared/names.ts); elements showing it are styled to isolate it.
function visitorName(p: Party | undefined): string {
  if (!p) return "Visitor";
  return cleanName(p.name) || "Visitor " + p.id.replace(/^v_/, "").slice(0, 6);
}

// Our read positions survive a reload, so the inbox does not show every old message
// as unread (the relay relays receipts live but does not replay ours).
function readMarksKey(): string | null {
  return me ? "parley.agent.read." + me.id : null;
}
function loadReadMarks(): Record<string, number> {
  try {
    const key = readMarksKey();
    const value: unknown = key ? JSON.parse(localStorage.getItem(key) || "{}") : {};
    return value && typeof value === "object" ? (value as Record<string, number>) : {};
  } catch {
    return {};
  }
}
function saveReadMark(e: Entry): void {
  if ((readMarks[e.summary.conv] || 0) >= e.readUpTo) return;
  readMarks[e.summary.conv] = e.readUpTo;
  try {
    const key = readMarksKey();
    if (key) localStorage.setItem(key, JSON.stringify(readMarks));
  } catch {
    /* storage blocked or full: unread counts restart after a reload */
  }
}

function renderItem(e: Entry): void {
  saveReadMark(e);
  const s = e.summary;
  const name = visitorName(s.visitor);
  e.name.textContent = name;
  paintAvatar(e.item.firstChild as HTMLElement, s.visitor);
  e.last.textContent = cleanName(s.last_text || "No messages yet");  // a preview: no reordering either
  renderInboxIntent(e.item, s.intent);
  renderRoutingItem(e.item, s);
  renderBotItem(e.item, s);
  // Search and filters (views/inbox_tools.tsx): the loaded thread's text is searched too;
  // a conversation the relay found for a search was checked by the relay (who may see it).
  const listed = isFound(s.conv) || (visibleToMe(s) && botFilterAccepts(s));
  e.li.hidden = !listed || !inboxAccepts(s, e.scroller?.textContent ?? "");
  e.time.textContent = s.updated ? shortTime(s.updated) : "";
  const unread = active === s.conv && pageVisible() ? 0 : Math.max(0, s.last_seq - e.readUpTo);
  e.badge.textContent = unread > 99 ? "99+" : String(unread);
  e.badge.hidden = unread === 0;
  e.item.classList.toggle("unread", unread > 0);
  e.item.setAttribute("aria-current", String(active === s.conv));
  const bot = withBot(s) ? ", with the bot" : botPaused(s) ? ", bot paused" : "";
  // The item is named by what it shows (an aria-label hid the time and states from some
  // readers and mismatched the visible text, axe's label-content-name-mismatch).
  e.spoken.textContent = `${unread ? " unread" : ""}${bot}`; // after the badge: "2 unread, with the bot"
  renderTitle();
}

/** The tab's title counts unread messages of the agent's inbox, whatever the filters
 *  show (views/alerts.tsx): what the badges say, added up. */
function renderTitle(): void {
  let unread = 0;
  for (const e of entries.values()) {
    if (isFound(e.summary.conv) || !visibleToMe(e.summary)) continue;
    if (active === e.summary.conv && pageVisible()) continue;
    unread += Math.max(0, e.summary.last_seq - e.readUpTo);
  }
  setUnreadCount(unread);
}

function sortInbox(): void {
  const sorted = Array.from(entries.values()).sort((a, b) => compareSummaries(a.summary, b.summary));
  let cursor = ui.inbox.firstChild;
  for (const e of sorted) {
    if (cursor === e.li) cursor = cursor.nextSibling;
    else ui.inbox.insertBefore(e.li, cursor);
  }
  renderInboxMeta();
}

// Conversations that no longer exist (their visitor was erased) leave the console.
function dropConversations(convs: string[]): void {
  for (const conv of convs) {
    const e = entries.get(conv);
    if (!e) continue;
    e.li.remove();
    entries.delete(conv);
    if (active === conv) {
      active = null;
      ui.scrollHost.textContent = "";
      showConversation(null);
    }
  }
  renderInboxMeta();
}

function renderInboxMeta(): void {
  const shown = Array.from(entries.values()).filter((e) => !e.li.hidden).length;
  ui.inboxCount.textContent = shown ? String(shown) : "";
  ui.inboxEmpty.hidden = shown > 0;
  ui.inboxEmpty.textContent = emptyInboxText();
  const mine = Array.from(entries.values()).filter((e) => visibleToMe(e.summary)).map((e) => e.summary);
  renderBotFilter(mine);
  setInboxFacts({ summaries: mine });
  renderTitle();
}

// ---- conversation -----------------------------------------------------------------
function ensureThread(e: Entry): Thread {
  if (e.thread) return e.thread;
  const scroller = document.createElement("div");
  scroller.className = "messages";
  scroller.setAttribute("data-testid", "messages");
  scroller.setAttribute("role", "log");
  scroller.setAttribute("aria-label", "Messages");
  scroller.tabIndex = 0;
  e.scroller = scroller;
  e.thread = new Thread(scroller, threadStrings);
  e.thread.files = consoleFiles; // attachments' previews and saving (issue 17)
  e.thread.decorate = (el, m) => {
    decorateMessage(el, m);
    decorateRouting(el, m);
    const label = ROLE_LABEL[m.from.role];
    if (label) el.querySelector(".author")?.appendChild(roleBadge(m.from.role, label));
    // The author line shows only at the start of a run: each bot turn says so itself.
    if (m.from.role === "bot") el.insertBefore(visuallyHidden("Bot message"), el.querySelector(".bubble"));
  };
  return e.thread;
}

function onMessage(m: Message): void {
  let e = entries.get(m.conv);
  const isNew = !e;
  if (!e) {
    // A message before its conv frame: list it with what the message tells us.
    upsert({
      conv: m.conv, visitor: m.from.role === "visitor" ? m.from : { role: "visitor", id: "", name: "" },
      last_seq: m.seq, last_text: m.text, updated: m.ts, status: "open",
    });
    e = entries.get(m.conv)!;
  }
  // A visitor's unread message the agent is not looking at: sound, notification
  // (views/alerts.tsx); once per message, and not again for the one that announced a
  // newly listed conversation.
  const announced = freshConvs.delete(m.conv);
  if (m.from.role === "visitor" && !m.mine && inboxLoaded && !announced && m.seq > e.readUpTo &&
      m.seq > (alerted.get(m.conv) ?? 0) && (!pageVisible() || active !== m.conv)) {
    alerted.set(m.conv, m.seq);
    alertMessage({ conv: m.conv, fresh: isNew, visitorName: visitorName(e.summary.visitor), text: m.text });
  }
  ensureThread(e).message(m);
  e.typing.delete(m.from.id);
  if (m.seq >= e.summary.last_seq) {
    e.summary = { ...e.summary, last_seq: m.seq, last_text: m.text, updated: m.ts };
    if (m.meta) e.summary.intent = m.meta.intent;
  }
  if (m.mine) e.readUpTo = Math.max(e.readUpTo, m.seq);
  renderItem(e);
  sortInbox();
  renderTyping();
  markRead();
}

/** Opens the conversation; `focusComposer` false: the keyboard stays where it is (j/k). */
function open(conv: string, focusComposer = true): void {
  const e = entries.get(conv);
  if (!e || !client) return;
  if (active && active !== conv) stopTyping(entries.get(active));
  const previous = active ? entries.get(active) : undefined;
  active = conv;
  if (previous) renderItem(previous);
  const thread = ensureThread(e);
  ui.scrollHost.textContent = "";
  ui.scrollHost.appendChild(e.scroller!);
  showConversation(e);
  thread.scrollToEnd();
  if (!e.historyAsked) {
    e.historyAsked = true;
    client.history(conv);
  }
  renderItem(e);
  renderTyping();
  markRead();
  ui.composer.value = "";
  if (focusComposer) ui.composer.focus();
}

function showConversation(e: Entry | null): void {
  // On a phone the open conversation replaces the inbox (console.css).
  if (e) ui.consoleView.setAttribute("data-view", "thread");
  else ui.consoleView.removeAttribute("data-view");
  ui.empty.hidden = !!e;
  ui.conversation.hidden = !e;
  if (e) renderHeader(e);
  else showCustomer(null);
}

function renderHeader(e: Entry): void {
  const name = visitorName(e.summary.visitor);
  ui.convTitle.textContent = "";
  ui.convTitle.append(nameElement(name), roleBadge("visitor", "Visitor"));
  paintAvatar(ui.convAvatar, e.summary.visitor);
  ui.convSub.textContent = `${e.summary.conv} · ${e.summary.status}`;
  renderContact(ui.convSub.parentElement as HTMLElement, e.summary);  // issue 17
  renderRoutingHeader(e.summary);
  renderBotBanner(e.summary);
  showCustomer(e.summary); // issue 17: the customer context sidebar
}

function renderTyping(): void {
  const e = active ? entries.get(active) : undefined;
  const who = e ? Array.from(e.typing.values()) : [];
  ui.typing.hidden = who.length === 0;
  const kind = who[0]?.role === "bot" ? "Bot" : "Visitor";
  ui.typingText.textContent = who.length ? (who[0].name ? `${kind} ${isolatedName(who[0].name)} is typing…` : `${kind} is typing…`) : "";
}

function pageVisible(): boolean {
  return document.visibilityState === "visible";
}

/** Sends a read receipt for the open conversation while the page is on screen. */
function markRead(): void {
  const e = active ? entries.get(active) : undefined;
  if (!e || !e.thread || !client || !pageVisible()) return;
  const last = e.thread.lastSeq;
  if (e.thread.lastPeerSeq > e.readUpTo) client.read(e.summary.conv, last);
  e.readUpTo = Math.max(e.readUpTo, last);
  renderItem(e);
}

// ---- composer -----------------------------------------------------------------------
function send(): void {
  const text = ui.composer.value.trim();
  const e = active ? entries.get(active) : undefined;
  if (!text || !e || !client) return;
  if (new TextEncoder().encode(text).length > MAX_TEXT_BYTES) return;
  ui.composer.value = "";
  stopTyping(e);
  if (sendNote(e.summary.conv, text)) return; // note mode: agents only (P4)
  client.send(e.summary.conv, text);
}

// ---- attachments (issue 17) ------------------------------------------------------------
const attachButton = $<HTMLButtonElement>("attach");
const attachInput = $<HTMLInputElement>("attach-file");
const uploadStatus = $("upload-status");
attachButton.addEventListener("click", () => attachInput.click());
attachInput.addEventListener("change", () => {
  const file = attachInput.files?.[0];
  attachInput.value = ""; // the same file may be chosen again
  const e = active ? entries.get(active) : undefined;
  if (file && e) void attach(e.summary.conv, file);
});

/** Uploads the file to the open conversation with its progress shown, then sends it as
 *  a message of the agent's own (its name as the text). */
async function attach(conv: string, file: File): Promise<void> {
  const token = client?.token;
  if (!client || !token) return;
  const name = file.name || "file";
  uploadStatus.classList.remove("failed");
  const show = (done: number) => (uploadStatus.textContent = `Sending ${name}… ${Math.round(done * 100)} %`);
  show(0);
  attachButton.disabled = true;
  try {
    const up = await uploadFile(consoleBase, token, conv, file, show);
    client.sendRich(conv, up.name, [{ kind: "file", id: up.id }]);
    uploadStatus.textContent = "";
  } catch (err) {
    const status = (err as { status?: number }).status ?? 0;
    uploadStatus.classList.add("failed");
    uploadStatus.textContent = status === 415 ? "This kind of file can't be sent: images, PDF or text only."
      : status === 413 ? `${name} is too large.` : `${name} could not be sent: ${(err as Error).message}`;
  } finally {
    attachButton.disabled = false;
    ui.composer.focus();
  }
}

function stopTyping(e: Entry | undefined): void {
  if (e && e.typingSent && client) client.typing(e.summary.conv, false);
  if (e) e.typingSent = false;
}

ui.form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  send();
});
ui.composer.addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
    ev.preventDefault();
    send();
  }
});
ui.composer.addEventListener("input", () => {
  const e = active ? entries.get(active) : undefined;
  if (!e || !client) return;
  if (ui.composer.value.trim()) {
    client.typing(e.summary.conv, true);
    e.typingSent = true;
  } else stopTyping(e);
});
ui.presence.addEventListener("change", () => {
  client?.presence(ui.presence.value as "available" | "away");
});
// Sign-out revokes the session on the relay first (sessions.ts); the token is forgotten
// only once the relay answered (or did not, in time: then the agent is told).
let signingOut = false;
async function endSession(everywhere: boolean): Promise<void> {
  if (signingOut) return;
  signingOut = true;
  ui.signOut.disabled = true;
  try {
    const message = await signOut(everywhere);
    stopSession();
    showLogin(message || undefined);
  } finally {
    signingOut = false;
    ui.signOut.disabled = false;
  }
}
ui.signOut.addEventListener("click", () => void endSession(false));
// A phone's way back to the inbox: the conversation is closed here (no longer read).
$("back-to-inbox").addEventListener("click", () => {
  const e = active ? entries.get(active) : undefined;
  if (!e) return showConversation(null);
  stopTyping(e);
  active = null;
  showConversation(null);
  renderItem(e);
  e.item.focus();
});
initSessionsUi(() => void endSession(true));
initCustomerUi(ui.composer, ui.form); // issue 17: `/` canned responses
initAuditUi();
mountAgents($<HTMLDialogElement>("agents-dialog"), $("show-agents"), () => storage?.getItem(TOKEN_KEY) ?? null,
            () => me?.id ?? "");
mountIntegrations($<HTMLDialogElement>("integrations-dialog"), $("show-integrations"), consoleBase,
                  () => storage?.getItem(TOKEN_KEY) ?? null);
mountFlags($<HTMLDialogElement>("flags-dialog"), $("show-flags"), consoleBase, () => storage?.getItem(TOKEN_KEY) ?? null,
           (conv) => entries.has(conv) && (open(conv), true));
mountDashboardButton($<HTMLDialogElement>("dashboard-dialog"), $("show-dashboard"), consoleBase,
                     () => storage?.getItem(TOKEN_KEY) ?? null);
initPrivacyUi();
ui.loginForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const email = ui.email.value.trim();
  const password = ui.password.value;
  if (!email || !password) {
    showLogin("Enter your e-mail and password.");
    return;
  }
  ui.loginSubmit.disabled = true;
  ui.loginError.hidden = true;
  try {
    storage?.removeItem(TOKEN_KEY);
  } catch {
    /* nothing stored */
  }
  startSession({ email, password }).catch(fail);
});
initRoutingUi();
// Issue 17: alert settings, search and filters, keyboard shortcuts (views/*.tsx).
mountAlertSettings($("alert-settings"));
onAlertClick((conv) => open(conv));
mountInboxTools($("inbox-tools"), {
  onChange: () => {
    entries.forEach(renderItem);
    renderInboxMeta();
  },
  onSearch: (q, pages) => {
    searchQueue = pages.map((p) => ({ q: q.text, ...p })); // a new question replaces the old
    pumpSearch();
  },
});
mountShortcuts($("shortcuts-root"), {
  next: () => step(1),
  previous: () => step(-1),
  reply: () => composeIn("mode-reply"),
  note: () => composeIn("mode-note"),
  close: () => {
    const close = $<HTMLButtonElement>("close-conv");
    if (active && !ui.conversation.hidden && !close.hidden) close.click();
  },
  search: focusSearch,
});
$("show-shortcuts").addEventListener("click", showShortcuts);
initBotsUi(() => {
  entries.forEach(renderItem);
  renderInboxMeta();
});
document.addEventListener("visibilitychange", markRead);
window.addEventListener("focus", markRead);

// ---- search on the relay (views/inbox_tools.tsx) --------------------------------------
// The relay takes one search per connection every 250 ms (docs/protocol.md "Inbox
// search"): the pages asked for go one at a time, the next one SEARCH_GAP_MS after an
// answer, and a refused one (4029) again after the wait the relay names.
const SEARCH_GAP_MS = 260;
let searchQueue: { q: string; status: "open" | "closed"; cursor?: string }[] = [];
let searchInFlight: { q: string; status: "open" | "closed"; cursor?: string } | null = null;
let searchTimer: ReturnType<typeof setTimeout> | undefined;

function pumpSearch(): void {
  if (searchInFlight || searchTimer !== undefined || !client) return;
  const next = searchQueue.shift();
  if (!next) return;
  searchInFlight = next;
  if (client.search(next) !== 0) searchInFlight = null;
  // An answer that never comes (an error without a frame name) must not stop later searches.
  setTimeout(() => searchInFlight === next && searchAnswered(), 5_000);
}

function searchAnswered(retryAfterMs?: number): void {
  if (retryAfterMs !== undefined && searchInFlight) searchQueue.unshift(searchInFlight);
  searchInFlight = null;
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    searchTimer = undefined;
    pumpSearch();
  }, Math.max(SEARCH_GAP_MS, retryAfterMs ?? 0));
}

// ---- keyboard (views/shortcuts.tsx) ---------------------------------------------------
/** Opens the next (1) or previous (-1) conversation the inbox shows, in its order. */
function step(direction: 1 | -1): void {
  const shown = Array.from(ui.inbox.children)
    .filter((li) => !(li as HTMLElement).hidden)
    .map((li) => li.querySelector<HTMLElement>(".inbox-item")?.getAttribute("data-conv") ?? "");
  if (!shown.length || ui.consoleView.hidden) return;
  const at = active ? shown.indexOf(active) : -1;
  const next = at < 0 ? (direction > 0 ? 0 : shown.length - 1) : Math.min(shown.length - 1, Math.max(0, at + direction));
  if (shown[next] === active) return;
  open(shown[next], false);
  const item = entries.get(shown[next])?.item;
  if (item && item.offsetParent !== null) item.focus(); // on a phone the list is hidden
}

/** The reply box, in reply or note mode (routing.ts owns the modes). */
function composeIn(mode: "mode-reply" | "mode-note"): void {
  if (!active || ui.conversation.hidden) return;
  $<HTMLButtonElement>(mode).click();
  ui.composer.focus();
}

function fail(err: unknown): void {
  console.error("parley: cannot start the console", err);
  showLogin("The console could not start. Please reload the page.");
}

// ---- helpers ------------------------------------------------------------------------
/** A small label saying who wrote or is shown: "Visitor", "Agent". */
function roleBadge(role: string, label: string): HTMLElement {
  const el = document.createElement("span");
  el.className = "role-badge";
  el.setAttribute("data-role", role);
  el.setAttribute("data-testid", "role-badge");
  el.textContent = label;
  return el;
}

function visuallyHidden(text: string): HTMLElement {
  const el = document.createElement("span");
  el.className = "visually-hidden";
  el.textContent = text;
  return el;
}

/** Initials for named visitors, a neutral "V" otherwise; a hue derived from the id tells
 *  visitors apart at a glance. Styles go through the CSSOM, which the CSP allows. */
function paintAvatar(el: HTMLElement, p: Party | undefined): void {
  el.textContent = p && p.name ? initials(p.name) : "V";
  let h = 0;
  for (const ch of p ? p.id : "") h = (h * 31 + ch.charCodeAt(0)) % 360;
  el.style.backgroundColor = `hsl(${h}, 70%, 90%)`;
  el.style.color = `hsl(${h}, 45%, 32%)`;
}

/** "Billie (Billing)" → "BB", "Ada Lovelace" → "AL": the first letter or digit of the
 *  first and last words, skipping punctuation; "?" when there is none. */
function initials(name: string): string {
  const words = name.match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}'’-]*/gu) ?? [];
  const first = words[0]?.[0] ?? "?";
  const last = words.length > 1 ? words[words.length - 1][0] : "";
  return (first + last).toUpperCase();
}

function shortTime(ts: number): string {
  const d = new Date(ts);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay
    ? d.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" })
    : d.toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

// A stored session resumes without the form; a bad one comes back as error 2003.
let stored: string | null = null;
try {
  stored = storage?.getItem(TOKEN_KEY) ?? null;
} catch {
  stored = null;
}
if (stored) {
  ui.loginView.hidden = true;
  startSession().catch(fail);
}
else showLogin();
