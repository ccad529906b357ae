// The chat app inside the widget iframe (/widget/frame.html).
//
// It runs on the relay's origin, so the host page's scripts cannot read the
// conversation, and it connects as a visitor to the relay it was served from. The host
// page's loader sends it settings and open/close over postMessage; it answers with
// ready/close/unread/message, always to the one origin named in ?host= and only
// accepting messages from that origin and from its parent window.
//
// Every word it shows comes from web/shared/i18n.ts in the host's language, or from the
// host's settings (title, subtitle, greeting). A language other than English is its own
// file, fetched before the words are shown (applySettings): the loader names it in
// ?lang= so the fetch starts as this script does; until it is in, the dialog stays
// hidden rather than flash English and the host's messages wait their turn (inbox).
// Once connected, the header tells whether the team is around: the relay sends
// visitors every agent's `presence` (the current picture after `welcome`, then
// changes); "available" when at least one agent is.

import { ParleyClient } from "../../wasm/src/client";
import { ParleyCore } from "../../wasm/src/core";
import type { ConnectionState, EventMap, Party } from "../../wasm/src/types";
import { en, LANGS, langOf, loadStrings, type Strings } from "../shared/i18n";
import { isolatedName } from "../shared/names";
import type { FrameMessage, HostMessage, WidgetIdentity, WidgetSettings } from "../shared/messages";
import { Thread } from "../shared/thread";
import { relayFiles } from "../shared/files";
import { WidgetTriage } from "./triage";
import { assetUrl } from "../shared/assets";
import { SmallForm } from "./prechat";
import type { PastChats } from "./past";
import type { WidgetExtras } from "./extras";

const MAX_TEXT_BYTES = 8000; // protocol §1

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  title: $("title"),
  conn: $("conn-text").parentElement as HTMLElement,
  connText: $("conn-text"),
  close: $<HTMLButtonElement>("close"),
  messages: $("messages"),
  more: $<HTMLButtonElement>("more"),
  greeting: $("greeting-text"),
  typing: $("typing"),
  typingText: $("typing-text"),
  queue: $("queue"),
  form: $<HTMLFormElement>("composer-form"),
  composer: $<HTMLTextAreaElement>("composer"),
  composerLabel: $("composer-label"),
  send: $<HTMLButtonElement>("send"),
  attach: $<HTMLButtonElement>("attach"),
  attachFile: $<HTMLInputElement>("attach-file"),
  uploadStatus: $("upload-status"),
  error: $("composer-error"),
  brand: $("brand"),
  rating: $("rating"),
  ratingForm: $<HTMLFormElement>("rating-form"),
  ratingAsk: $("rating-ask"),
  scores: Array.from($("scores").children) as HTMLButtonElement[],
  ratingComment: $<HTMLTextAreaElement>("rating-comment"),
  ratingCommentLabel: $("rating-comment-label"),
  ratingSend: $<HTMLButtonElement>("rating-send"),
  ratingThanks: $("rating-thanks"),
};

// Pre-chat form and e-mail capture (issue 17, prechat.ts): above the composer.
const prechat = new SmallForm("prechat");
const capture = new SmallForm("capture");
const captureDone = document.createElement("p");
captureDone.className = "rating-thanks";
captureDone.id = "capture-done";
captureDone.setAttribute("role", "status");
captureDone.setAttribute("data-testid", "capture-done");
ui.form.before(prechat.el, capture.el, captureDone);
let captured = false; // this conversation's visitor left an e-mail (or the form gave one)
let answeredEmail = "";

// ---- who we talk to -----------------------------------------------------------------
const hostOrigin = (() => {
  try {
    const raw = new URLSearchParams(location.search).get("host");
    return raw ? new URL(raw).origin : null;
  } catch {
    return null;
  }
})();
const embedded = window.parent !== window && !!hostOrigin && hostOrigin !== "null";
// The host page the loader named: kept only when it belongs to the host origin, and cut
// to origin + path (≤ 512 bytes, the protocol's limit), so nothing else reaches the relay.
function pageOf(raw: string | null): string | undefined {
  try {
    if (!raw || !hostOrigin) return undefined;
    const url = new URL(raw);
    if (url.origin !== hostOrigin) return undefined;
    const page = url.origin + url.pathname;
    return new TextEncoder().encode(page).length <= 512 ? page : url.origin;
  } catch {
    return undefined;
  }
}
let hostPage = pageOf(new URLSearchParams(location.search).get("page"));
const pageLocale = new URLSearchParams(location.search).get("lang") || undefined; // the loader's settings.locale
const webRoot = new URL("../", location.href); // the frame is /widget/frame.html
let hostTitle = "";  // issue 17: from the loader's "page" message

function toHost(msg: FrameMessage): void {
  if (embedded && hostOrigin) window.parent.postMessage(msg, hostOrigin);
}

// ---- state ----------------------------------------------------------------------------
let S: Strings = en;
let settings: WidgetSettings = {};
let isOpen = !embedded; // opened directly (a link, a web view): always open
let client: ParleyClient | null = null;
let triage: WidgetTriage | null = null; // masking + local intent (P5, P7)
let conv: string | null = null;
let me: Party | null = null;
let state: ConnectionState = "connecting";
let historyAsked = false;
let lastReadSent = 0;
let unread = 0;
let typingSent = false;
const typers = new Map<string, string>(); // party id -> name of who types now
const agents = new Map<string, string>(); // agent id -> presence status
// Attachments (issue 17, shared/files.ts): read and sent with this chat's own token.
const files = relayFiles(webRoot.href, () => client?.token ?? null);
let thread = newThread();
// Issue 17 (past.ts): a verified user's earlier chats, read-only, above the live log.
// Its code is in the widget's extras (extras.ts), loaded when a welcome lists some.
let past: PastChats | null = null;
let extrasLoading: Promise<WidgetExtras> | null = null;
function extras(): Promise<WidgetExtras> {
  extrasLoading ??= new Promise<WidgetExtras>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = assetUrl("widget/extras.js", webRoot);
    script.onload = () => resolve((globalThis as { ParleyExtras?: WidgetExtras }).ParleyExtras!);
    script.onerror = () => {
      extrasLoading = null; // a later need tries again
      reject(new Error("cannot load " + script.src));
    };
    document.head.appendChild(script);
  });
  return extrasLoading;
}
async function pastChats(): Promise<PastChats> {
  const { PastChats: Past } = await extras();
  return (past ??= new Past(document.querySelector(".app") as HTMLElement, ui.messages, S,
    (c) => client?.history(c, undefined, 200)));
}

/** A thread whose rich messages the visitor answers (chips, postback buttons, forms). */
function newThread(): Thread {
  const t = new Thread(ui.messages, S);
  t.files = files;
  t.answer = (to, text, reply) => {
    if (!client || !conv) return;
    client.reply(conv, text, { to, ...reply });
    // The control used is disabled now: keep the keyboard in the chat. A refused form
    // takes the focus back to its first bad field.
    ui.composer.focus();
  };
  return t;
}

// ---- rendering --------------------------------------------------------------------
async function applySettings(): Promise<void> {
  const locale = settings.locale || pageLocale;
  S = await loadStrings(locale, (path) => assetUrl(path, webRoot));
  document.documentElement.classList.remove("wait");
  document.documentElement.lang = (locale || navigator.language || "en").slice(0, 2);
  ui.title.textContent = settings.title || S.title;
  document.title = settings.title || S.title;
  ui.greeting.textContent = settings.greeting || S.greeting;
  ui.composer.placeholder = S.placeholder;
  ui.composer.setAttribute("aria-label", S.composerLabel);
  ui.composerLabel.textContent = S.composerLabel;
  ui.send.setAttribute("aria-label", S.send);
  ui.attach.setAttribute("aria-label", S.attach);
  ui.close.setAttribute("aria-label", S.close);
  ui.messages.setAttribute("aria-label", S.messages);
  ui.more.textContent = S.more;
  ui.brand.textContent = S.powered;
  ui.ratingAsk.textContent = S.rateAsk;
  ui.scores.forEach((b, i) => b.setAttribute("aria-label", S.rateScore.replace("{n}", String(i + 1))));
  ui.ratingCommentLabel.textContent = S.rateComment;
  ui.ratingSend.textContent = S.rateSend;
  if (ui.ratingThanks.textContent) ui.ratingThanks.textContent = S.rateThanks;
  thread.setStrings(S);
  past?.words(S);
  if (settings.color) document.documentElement.style.setProperty("--accent", settings.color);
  renderState();
  renderTyping();
}

// Not connected for this long while the browser says it is online: the relay is down,
// unreachable or refuses this page (issue 17). The visitor is told so instead of
// "Connecting…" forever; the core keeps retrying and the state clears on the welcome.
const UNREACHABLE_AFTER_MS = 8_000;
let unreachable = false;
let unreachableTimer: ReturnType<typeof setTimeout> | undefined;

function watchReachability(): void {
  if (state === "connected" || state === "stopped") {
    clearTimeout(unreachableTimer);
    unreachableTimer = undefined;
    unreachable = false;
  } else if (unreachableTimer === undefined && !unreachable) {
    unreachableTimer = setTimeout(() => {
      unreachableTimer = undefined;
      unreachable = state !== "connected" && state !== "stopped" && navigator.onLine !== false;
      renderState();
    }, UNREACHABLE_AFTER_MS);
  }
}

function renderState(): void {
  const shown = unreachable && state !== "offline" ? "unreachable" : state;
  const available = Array.from(agents.values()).includes("available");
  ui.conn.setAttribute("data-state", shown);
  ui.conn.setAttribute("data-presence", available ? "available" : "away");
  ui.connText.textContent = state !== "connected" ? S[shown] : available ? settings.subtitle || S.subtitle : S.away;
}

function renderTyping(): void {
  const names = Array.from(typers.values());
  ui.typing.hidden = names.length === 0;
  ui.typingText.textContent = names.length ? S.typing.replace("{name}", names[0] ? isolatedName(names[0]) : S.someone) : "";
}

function setUnread(n: number): void {
  if (n === unread) return;
  unread = n;
  toHost({ parley: 1, type: "unread", count: n });
}

/** Tells the agent we have seen everything shown, when the chat is really on screen. */
function markRead(): void {
  const visible = isOpen && document.visibilityState === "visible";
  if (!visible || !client || !conv) return;
  setUnread(0);
  if (thread.lastPeerSeq > lastReadSent) {
    lastReadSent = thread.lastSeq;
    client.read(conv, lastReadSent);
  }
}

// ---- the client ---------------------------------------------------------------------
let identity: WidgetIdentity | undefined;  // Parley.push(["identify", …]) (issue 17)
let identityJson = "null";

async function start(): Promise<void> {
  if (client) return;
  try {
    const core = await ParleyCore.load({});
    triage = new WidgetTriage(core, assetUrl("triage/default.ptm", webRoot), assetUrl("parley_triage.js", webRoot));
    client = await ParleyClient.create({
      url: new URL("../ws", location.href).href.replace(/^http/, "ws"),
      role: "visitor",
      name: settings.name,
      page: hostPage,
      title: hostPage && hostTitle ? hostTitle : undefined,
      identity,
      storageKey: "parley.visitor.token",
    }, core);
  } catch (err) {
    state = "stopped";
    renderState();
    console.error("parley: cannot load the chat core", err);
    return;
  }
  const c = client;
  // Messages a previous page load could not deliver; the core resends them on welcome.
  for (const p of c.pending) thread.queued(p.cid, p.text, null, p.reply);
  c.on("state", (ev) => {
    state = ev.state;
    watchReachability();
    renderState();
    if (state !== "connected") {
      agents.clear(); // the next welcome brings the current picture
      typers.clear();
      renderTyping();
    }
  });
  c.on("welcome", onWelcome);
  c.on("presence", (ev) => {
    if (ev.who.role !== "agent") return;
    if (ev.status === "offline") agents.delete(ev.who.id);
    else agents.set(ev.who.id, ev.status);
    renderState();
  });
  // A visitor has one conversation; a send before the first welcome has conv "".
  c.on("queued", (ev) => thread.queued(ev.cid, ev.text, me, ev.reply));
  c.on("ack", (ev) => thread.ack(ev.cid, ev.seq, ev.ts));
  c.on("message", onMessage);
  c.on("history", (ev) => {
    if (past?.page(ev) || ev.conv !== conv) return;
    thread.prepend(ev.msgs);
    const last = ev.msgs[ev.msgs.length - 1];
    if (last && thread.lastSeq === last.seq) onSystemLine(last);
    ui.more.hidden = !ev.more;
    markRead();
  });
  // Streams (issue 16): a reply growing in place; its final text comes as a message.
  c.on("stream", (ev) => {
    if (ev.conv !== conv) return;
    if (typers.delete(ev.from.id)) renderTyping();
    thread.stream(ev.cid, ev.from, ev.delta);
  });
  c.on("stream_end", (ev) => {
    if (ev.conv === conv) thread.streamEnd(ev.cid, ev.from, ev.reason);
  });
  // Routing (P4): after a handoff to people, the visitor's place in the queue.
  c.on("queue", (ev) => {
    if (ev.conv !== conv) return;
    const wait = ev.expected_wait_ms < 0 ? S.queueBusy : S.queueWait.replace("{wait}", minutes(ev.expected_wait_ms));
    ui.queue.textContent = S.queuePlace.replace("{n}", String(ev.position)) + " " + wait;
    ui.queue.hidden = ev.position <= 0; // 0: someone has the conversation now
    // Nobody of the team is available (and no bot has it, or there would be no queue):
    // the visitor may leave an e-mail instead of waiting (issue 17).
    const nobody = ev.expected_wait_ms < 0 && !Array.from(agents.values()).includes("available");
    if (nobody && ev.position > 0 && !captured && capture.el.hidden) {
      capture.show(S.captureAsk, S.captureSend, [{ name: "email", required: true }], S, answeredEmail);
    } else if (ev.position <= 0) capture.hide();
    // The notice takes room from the log, often while it still scrolls (smoothly) to the
    // handoff message: keep that message in view.
    if (!ui.queue.hidden) thread.scrollToEnd();
  });
  c.on("typing", (ev) => {
    if (ev.conv !== conv || ev.from.role === "visitor") return;
    if (ev.on) typers.set(ev.from.id, ev.from.name);
    else typers.delete(ev.from.id);
    renderTyping();
  });
  // Issue 17: the pre-chat answers (or the e-mail left for a reply) are stored.
  c.on("prechat_saved", (ev) => {
    if (ev.conv !== conv) return;
    if (ev.offline) {
      capture.hide();
      captureDone.textContent = S.captureDone;
    } else {
      prechat.hide();
      ui.form.hidden = false;
      ui.composer.focus();
    }
  });
  c.on("rated", (ev) => {
    if (ev.conv !== conv) return;
    ui.rating.hidden = true;
    ui.ratingThanks.textContent = S.rateThanks;
  });
  c.on("read", (ev) => {
    if (ev.conv === conv && ev.from.role !== "visitor") thread.setPeerRead(ev.seq);
  });
  c.on("error", (ev) => {
    // 1011: a form answer refused; its reasons go to the fields, nothing was stored.
    if (ev.code == 1011 && ev.frame === "prechat" && ev.fields) (prechat.el.hidden ? capture : prechat).showErrors(ev.fields);
    else if (ev.code == 1011 && ev.ref && ev.fields) thread.formRejected(ev.ref, ev.fields);
    else if (ev.ref) thread.failed(ev.ref);
    const quota = ev.code == 4052 ? S.quotaSend : ev.code == 4050 || ev.code == 4051 ? S.quotaNew : "";
    if (quota) {
      ui.error.textContent = quota.replace("{wait}", minutes(ev.retry_after_ms || 1));
      ui.error.hidden = false;
    }
    console.warn("parley: relay error", ev.code, ev.message);
  });
  c.connect();
}

function minutes(ms: number): string {
  const m = Math.max(1, Math.ceil(ms / 6e4));
  return m < 90 ? S.minutes.replace("{n}", String(m)) : S.hours.replace("{n}", String(Math.round(m / 60)));
}

function onWelcome(ev: EventMap["welcome"]): void {
  me = ev.me;
  ui.error.hidden = true; // a quota notice (4050/4051) is over
  triage?.setPolicy(ev.mask?.client);
  if (ev.conv && ev.conv !== conv) {
    if (conv) {
      // A new identity (the stored token expired): start a fresh thread.
      ui.messages.removeChild(thread.el);
      thread = newThread();
      historyAsked = false;
      lastReadSent = 0;
    }
    conv = ev.conv;
  }
  ui.attach.disabled = !conv; // uploads go to a known conversation
  if (!client || !conv) return;
  // Issue 17: a verified user's earlier chats (the list is dropped when none are left).
  if (past || ev.past?.length) pastChats().then((p) => p.set(ev.past, S), () => {});
  // Issue 17: the relay sends the form only before the first message.
  if (ev.prechat?.length && prechat.el.hidden && !thread.lastSeq) {
    prechat.show(S.prechatIntro, S.prechatStart, ev.prechat, S);
    ui.form.hidden = true;
  }
  if (!historyAsked && (ev.last_seq ?? 0) > 0) {
    historyAsked = true;
    client.history(conv);
  }
}

// ---- CSAT (issue 17) -----------------------------------------------------------------
// The relay's visible system lines say when the conversation closes and reopens
// (docs/protocol.md "System messages"): closed asks for a rating, reopened withdraws it.
let score = 0;

function onSystemLine(m: EventMap["message"]): void {
  if (m.from.role !== "system") return;
  if (m.text === "Conversation closed") {
    score = 0;
    ui.scores.forEach((b) => b.setAttribute("aria-pressed", "false"));
    ui.ratingComment.value = "";
    ui.ratingSend.disabled = true;
    ui.ratingThanks.textContent = "";
    ui.rating.hidden = false;
    thread.scrollToEnd();
  } else if (m.text === "Conversation reopened") {
    ui.rating.hidden = true;
  }
}

prechat.onAnswers = (values) => {
  answeredEmail = values.email || "";
  if (client && conv) client.prechat(conv, values);
};
capture.onAnswers = (values) => {
  captured = true;
  if (client && conv) client.prechat(conv, values, true);
};

ui.scores.forEach((b, i) =>
  b.addEventListener("click", () => {
    score = i + 1;
    ui.scores.forEach((other) => other.setAttribute("aria-pressed", String(other === b)));
    ui.ratingSend.disabled = false;
  }),
);
ui.ratingForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const comment = ui.ratingComment.value.trim();
  if (!client || !conv || !score) return;
  // The protocol's bound is 1 000 bytes; a longer comment is cut on a character.
  const enc = new TextEncoder();
  let cut = "";
  let bytes = 0;
  for (const ch of comment) {
    bytes += enc.encode(ch).length;
    if (bytes > 1000) break;
    cut += ch;
  }
  client.rate(conv, score, cut);
});

function onMessage(m: EventMap["message"]): void {
  if (m.conv !== conv) return;
  onSystemLine(m);
  const fresh = thread.message(m);
  if (!m.mine) {
    typers.delete(m.from.id);
    renderTyping();
  }
  if (fresh && !m.mine) {
    toHost({ parley: 1, type: "message", message: { seq: m.seq, from: m.from.name, text: m.text, mine: false } });
    if (!(isOpen && document.visibilityState === "visible")) setUnread(unread + 1);
  }
  markRead();
}

// ---- composer -----------------------------------------------------------------------
function send(): void {
  const text = ui.composer.value.trim();
  if (!text || !client) return; // the core is still loading: keep the text
  if (new TextEncoder().encode(text).length > MAX_TEXT_BYTES) {
    ui.error.textContent = S.tooLong;
    ui.error.hidden = false;
    return;
  }
  ui.error.hidden = true;
  ui.composer.value = "";
  resize();
  stopTyping();
  // Personal data is masked here, before the text reaches the outbox (the visitor sees
  // their message masked too); the local reading lets the page react at once.
  const prepared = triage ? triage.prepare(text) : { text, reading: null };
  if (prepared.reading) ui.form.setAttribute("data-last-intent", prepared.reading.intent);
  // Before the first welcome the conversation is not known yet: the core keeps the
  // message (conv "") in its outbox and sends it once the relay names it.
  client.send(conv || "", prepared.text);
  ui.composer.focus();
}

// ---- attachments (issue 17) -----------------------------------------------------------
ui.attach.addEventListener("click", () => ui.attachFile.click());
ui.attachFile.addEventListener("change", () => {
  const file = ui.attachFile.files?.[0];
  ui.attachFile.value = ""; // the same file may be chosen again
  if (file) void attach(file);
});

/** Uploads the file with its progress shown, then sends it as a message of its own
 *  (its name as the text, for clients that show no parts). */
async function attach(file: File): Promise<void> {
  const token = client?.token;
  if (!client || !conv || !token) return;
  const name = file.name || "file";
  const show = (done: number) =>
    (ui.uploadStatus.textContent = S.uploading.replace("{name}", name).replace("{percent}", Math.round(done * 100) + " %"));
  ui.error.hidden = true;
  ui.attach.disabled = true;
  show(0);
  try {
    const up = await (await extras()).uploadFile(webRoot.href, token, conv, file, show);
    client.sendRich(conv, up.name, [{ kind: "file", id: up.id }]);
    ui.uploadStatus.textContent = "";
  } catch (err) {
    const status = (err as { status?: number }).status ?? 0;
    ui.uploadStatus.textContent = "";
    ui.error.textContent = status === 415 ? S.uploadType
      : (status === 413 ? S.uploadTooLarge : S.uploadFailed).replace("{name}", name);
    ui.error.hidden = false;
  } finally {
    ui.attach.disabled = false;
    ui.composer.focus();
  }
}

function stopTyping(): void {
  if (typingSent && client && conv) client.typing(conv, false);
  typingSent = false;
}

function resize(): void {
  ui.composer.style.height = "auto";
  ui.composer.style.height = Math.min(ui.composer.scrollHeight, 120) + "px";
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
  resize();
  if (!client || !conv) return;
  if (ui.composer.value.trim()) {
    client.typing(conv, true); // the core throttles to one frame per 2 s
    typingSent = true;
  } else stopTyping();
});
ui.more.addEventListener("click", () => {
  if (client && conv) client.history(conv, thread.firstSeq || undefined);
});
ui.close.addEventListener("click", () => toHost({ parley: 1, type: "close" }));
document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape" && embedded) toHost({ parley: 1, type: "close" });
});
document.addEventListener("visibilitychange", markRead);
window.addEventListener("focus", markRead);
ui.close.hidden = !embedded;

// ---- the host page ------------------------------------------------------------------
function setOpen(open: boolean): void {
  const was = isOpen;
  isOpen = open;
  if (open && !was) {
    thread.scrollToEnd();
    ui.composer.focus();
    markRead();
  }
  if (!open) stopTyping();
}

// The host's messages, handled one after the other: a config waits for its language's
// table (applySettings), and an open or page sent after it waits for that config. One
// that fails is logged and does not hold up the next.
let inbox: Promise<void> = Promise.resolve();
function queue(step: () => void | Promise<void>): void {
  inbox = inbox.then(step).catch((err) => console.error("parley:", err));
}

window.addEventListener("message", (ev: MessageEvent) => {
  if (!embedded || ev.origin !== hostOrigin || ev.source !== window.parent) return;
  const msg = ev.data as HostMessage;
  if (msg && msg.parley === 1) queue(() => fromHost(msg));
});

async function fromHost(msg: HostMessage): Promise<void> {
  if (msg.type === "config") {
    settings = { ...msg.settings };
    // Issue 17: a new identity restarts the session (only a hello carries it).
    const who = JSON.stringify(msg.identity ?? null);
    if (who !== identityJson) {
      identityJson = who;
      identity = msg.identity;
      client?.identify(identity ?? null);
    }
    void start();
    await applySettings();
    setOpen(msg.open);
  } else if (msg.type === "open") {
    setOpen(msg.open);
  } else if (msg.type === "page") {
    // Issue 17: kept (the first hello carries it) and told to the relay when connected.
    const page = pageOf(msg.page);
    const title = new TextEncoder().encode(msg.title).length <= 200 ? msg.title : "";
    if (page) {
      hostPage = page;
      hostTitle = title;
      client?.navigate(page, title);
    }
  }
}

if (LANGS.includes(langOf(pageLocale))) document.documentElement.classList.add("wait"); // app.css
queue(applySettings);
if (embedded) {
  toHost({ parley: 1, type: "ready" });
  // A loader that never answers (a page that framed us by hand) still gets a chat.
  setTimeout(() => void start(), 2000);
} else {
  void start();
  queue(() => ui.composer.focus());
}
