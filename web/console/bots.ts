// Bots in the agent console (issue 16): which conversations the bot is answering, why
// one was handed to humans, and the two actions an agent has on them.
//
// The relay does all of it on the wire (docs/protocol.md §4 "Bots"); this module only
// shows it and sends two frames:
//   - inbox: conversations in state `bot` carry a "With bot" badge (routing.ts) and,
//     once handed off, a "Bot paused" chip while `bot` is "paused"; a filter above the
//     list (All / With bot / Bot paused) lets a supervisor watch the bot's work;
//   - the open conversation: a banner under the header. With the bot: "The bot is
//     answering" and **Take over** (a `transfer` to oneself, which pauses the bot with
//     reason agent_took_over; answering from the composer claims it the same way).
//     Handed off: "Bot paused", the reason in words, who handed it off and when, the
//     bot's summary, and **Hand back to bot** (`handback`) for its holder or a
//     supervisor;
//   - errors of those two actions, shown in the banner: the relay's error frame names
//     no frame for them, so the action waiting for an answer claims the next
//     ref-less error of the codes it can cause, and its conversation's next `conv`
//     frame (the state changed) settles it.
// Every string from the relay — names, reasons, summaries — is written with textContent.

import type { ParleyClient } from "../../wasm/src/client";
import type { ConversationSummary, EventMap, Party } from "../../wasm/src/types";
import { isolatedName } from "../shared/names";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The reasons in words: the house bot's, the take-over, and the relay's own rules. */
const REASON_LABEL: Record<string, string> = {
  asks_human: "The visitor asks for a human",
  low_confidence: "The bot was not confident enough to answer",
  frustrated: "The visitor seems frustrated",
  regulated_topic: "A regulated topic (legal, payment dispute, data incident)",
  no_progress: "Several bot answers did not help",
  qualified_lead: "A qualified sales lead",
  kb_miss: "No answer in the help centre",
  agent_took_over: "An agent took over",
  bot_gone: "The bot went offline",
  bot_slow: "The bot did not answer in time",
  bot_looping: "The bot was repeating itself",
};

export type BotFilter = "all" | "bot" | "paused";

interface Pending {
  kind: "takeover" | "handback";
  conv: string;
}

let client: ParleyClient | null = null;
let me: Party | null = null;
let supervisor = false;
let filter: BotFilter = "all";
let current: ConversationSummary | null = null;
let pending: Pending | null = null;
let errorFor: { conv: string; text: string } | null = null;

/** A reason code in words; an unknown code (a third-party bot's own) as it is. */
export function reasonLabel(reason: string): string {
  return REASON_LABEL[reason] || reason;
}

export function withBot(s: ConversationSummary): boolean {
  return s.state === "bot";
}

export function botPaused(s: ConversationSummary): boolean {
  return s.bot === "paused";
}

/** Whether the inbox filter shows this conversation. */
export function botFilterAccepts(s: ConversationSummary): boolean {
  return filter === "all" || (filter === "bot" ? withBot(s) : botPaused(s));
}

/** Connects the module to a session. */
export function attachBots(c: ParleyClient): void {
  client = c;
  me = null;
  supervisor = false;
  pending = null;
  errorFor = null;
  c.on("welcome", (ev) => {
    me = ev.me;
  });
  c.on("supervisor", (ev) => {
    supervisor = ev.full; // the relay sends supervisors the full board
    if (current) renderBotBanner(current);
  });
  c.on("error", onError);
  c.on("conv", (s) => {
    if (!pending || pending.conv !== s.conv) return;
    const done = pending.kind === "takeover" ? !withBot(s) : withBot(s);
    if (!done) return;
    pending = null;
    if (errorFor?.conv === s.conv) errorFor = null;
  });
}

/** An inbox item's "Bot paused" line with the reason, on a row of its own under the
 *  preview (the "With bot" state is routing's badge). */
export function renderBotItem(item: HTMLElement, s: ConversationSummary): void {
  let row = item.querySelector<HTMLElement>(".item-bot");
  if (!row) {
    row = document.createElement("span");
    row.className = "item-bot";
    const chip = document.createElement("span");
    chip.className = "bot-chip";
    chip.setAttribute("data-testid", "bot-paused");
    chip.textContent = "Bot paused";
    const reason = document.createElement("span");
    reason.className = "item-bot-reason";
    row.append(chip, reason);
    item.querySelector(".item-body")?.appendChild(row);
  }
  row.hidden = !botPaused(s);
  row.lastElementChild!.textContent = s.handoff ? reasonLabel(s.handoff.reason) : "";
}

/** The counts on the filter buttons. */
export function renderBotFilter(all: ConversationSummary[]): void {
  $("filter-count-bot").textContent = String(all.filter(withBot).length || "");
  $("filter-count-paused").textContent = String(all.filter(botPaused).length || "");
}

/** The banner under the conversation header: the bot's part in the open conversation. */
export function renderBotBanner(s: ConversationSummary): void {
  current = s;
  const banner = $("bot-banner");
  const paused = botPaused(s);
  const bot = withBot(s);
  banner.hidden = !bot && !s.handoff;
  if (banner.hidden) return;
  banner.setAttribute("data-kind", bot ? "with-bot" : paused ? "paused" : "handed-off");
  $("bot-title").textContent = bot ? "The bot is answering this conversation" : paused ? "Bot paused" : "Handed off by the bot";
  const h = s.handoff;
  $("handoff-details").hidden = !h;
  $("handoff-summary-row").hidden = !h || !h.summary;
  if (h) {
    $("handoff-label").textContent = bot ? "Last handoff: " : "Why: ";
    const reason = $("handoff-reason");
    reason.textContent = reasonLabel(h.reason);
    reason.setAttribute("data-reason", h.reason);
    $("handoff-by").textContent = `Handed off ${byText(h.by)}${h.ts ? " at " + when(h.ts) : ""}`;
    $("handoff-summary").textContent = h.summary || "";
  }
  $("bot-hint").textContent = bot ? "Replying from the composer takes it over too." : "";
  const closed = s.state === "closed" || s.status === "closed";
  const holder = !!me && s.agent === me.id;
  $("take-over").hidden = !bot;
  $("hand-back").hidden = bot || closed || !h || !(holder || supervisor);
  const error = $("bot-error");
  const text = errorFor && errorFor.conv === s.conv ? errorFor.text : "";
  error.textContent = text;
  error.hidden = !text;
}

/** Wires the static controls once; `refilter` re-renders the inbox after a change. */
export function initBotsUi(refilter: () => void): void {
  for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>("#inbox-filter button"))) {
    button.addEventListener("click", () => {
      filter = (button.getAttribute("data-filter") as BotFilter) || "all";
      for (const b of Array.from(document.querySelectorAll("#inbox-filter button")))
        b.setAttribute("aria-pressed", String(b === button));
      refilter();
    });
  }
  $("take-over").addEventListener("click", () => {
    if (!current || !client || !me) return;
    act({ kind: "takeover", conv: current.conv }, client.transfer(current.conv, { agent: me.id }, ""));
  });
  $("hand-back").addEventListener("click", () => {
    if (!current || !client) return;
    act({ kind: "handback", conv: current.conv }, client.handback(current.conv));
  });
}

/** The empty-list text under the current filter. */
export function emptyInboxText(): string {
  return filter === "bot" ? "No conversation is with the bot." : filter === "paused"
    ? "No conversation handed off by the bot." : "No open conversations yet.";
}

function act(p: Pending, status: number): void {
  errorFor = null;
  pending = status === 0 ? p : null;
  if (status !== 0) errorFor = { conv: p.conv, text: "Not sent: the console is not connected. Try again in a moment." };
  if (current) renderBotBanner(current);
}

// The error codes each action can cause (docs/protocol.md §6), in words.
function explain(p: Pending, ev: EventMap["error"]): string | null {
  if (p.kind === "takeover") {
    switch (ev.code) {
      case 3005: return "Could not take over: you are away or at your maximum load. Set your status to Available, or close a conversation, and try again.";
      case 3006: return "Could not take over: the conversation is closed or has not started.";
      case 3004: case 2004: return "Could not take over: you may not hold this conversation.";
      default: return null;
    }
  }
  switch (ev.code) {
    case 3006:
      return /no bot/i.test(ev.message)
        ? "Could not hand back: no bot is connected right now. The conversation stays with you."
        : "Could not hand back: the conversation is closed or already with the bot.";
    case 2004: return "Could not hand back: only the agent who holds the conversation or a supervisor may.";
    case 3001: return "Could not hand back: the conversation no longer exists.";
    default: return null;
  }
}

function onError(ev: EventMap["error"]): void {
  if (!pending || ev.ref) return; // a ref names a send of ours, not these frames
  const text = explain(pending, ev);
  if (!text) return;
  errorFor = { conv: pending.conv, text: `${text} (${ev.code})` };
  pending = null;
  if (current) renderBotBanner(current);
}

function byText(p: Party): string {
  if (p.role === "system") return "by the relay (automatic rule)";
  if (me && p.id === me.id) return "by you";
  const name = isolatedName(p.name || p.id);
  return p.role === "bot" ? `by the bot ${name}` : `by ${name}`;
}

function when(ts: number): string {
  const d = new Date(ts);
  const time = d.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
  return d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString()} ${time}`;
}
