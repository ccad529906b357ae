// One conversation's message list, shared by the widget and the agent console.
//
// Messages reach it from four directions: our own sends (`queued`, then `ack`), live
// `message` events (ours included, echoed by the relay), history pages, and resends
// after a reconnect. It merges them by cid (our own) and by seq (everything stored),
// so a message is shown once whatever the order of arrival, in seq order, with our
// unacknowledged messages last. Text is only ever set through textContent, its web and
// mail addresses as links built node by node (shared/links.ts); authors' names sit in
// an isolated <bdi> (shared/names.ts) after their avatar (initials on a colour derived
// from the name, shared/avatar.ts), so that `decorate` may add after them what the page
// wants (the console: a role badge). The relay's system lines ("Conversation closed")
// have no author line: they are events, not someone's words, and are shown in the
// page's language when they are one of the documented ones.
//
// Date separators (issue 17): before the first message of each local day, "Today",
// "Yesterday" or the date in the page's language. They are placed by `layout` like the
// messages, one element per day kept across layouts, and their words recomputed each
// time (a thread left open over midnight says "Yesterday" at its next message).
//
// Streams (issue 16): a reply being written is one element per (sender, cid), placed
// last; each delta is appended to its bubble as a text node, so nothing is redrawn and
// nothing above it moves. The final `msg` with that sender and cid turns the SAME
// element into the stored message (its text replaced only when it differs). While it grows the element is aria-hidden, so the live log does not read
// every delta; un-hiding it when final adds it to the accessibility tree once, which
// the log announces. A stream that ends without a final: `cancelled` (its writer took
// it back, or it was a resend already shown), `dropped` or `disconnected` (a delta was
// missed or our connection closed: the final comes by sync) remove the element;
// `sender_gone` and `timeout` replace the partial text by a muted "This reply was
// interrupted." (a half sentence is not an answer, and a reply vanishing unexplained
// looks like a bug), which is never stored: history and resume show finals only.
//
// Rich parts (shared/parts.ts) are drawn under the text; which message answers which
// (`reply.to`) is worked out here on every layout, so chips and forms show their
// answer, pending or stored, whichever side (widget or console) draws the thread.

import type { Message, Party, Reply } from "../../wasm/src/types";
import { en, type Strings } from "./i18n";
import { avatarElement, paintAvatar } from "./avatar";
import { setLinkedText } from "./links";
import { cleanName, nameElement } from "./names";
import { RichParts, type PartStrings } from "./parts";
import type { FileSource } from "./files";

/** The statuses, and optionally the words of streams and rich parts (English when
 *  absent; the widget passes its locale's). */
export type ThreadStrings = { sending: string; sent: string; failed: string; seen: string } & Partial<Strings>;
type AllStrings = PartStrings & Pick<Strings, "sent" | "failed" | "seen" | "interrupted" | "today" | "yesterday" |
  "sysClosed" | "sysReopened" | "sysJoined" | "lang" | "newTab">;

interface Item {
  cid: string;
  seq: number; // 0 while queued
  ts: number;
  from: Party | null;
  mine: boolean;
  text: string;
  status: "queued" | "sent" | "failed";
  el: HTMLElement;
  author: HTMLElement;
  avatar: HTMLElement;
  name: HTMLElement;
  bubble: HTMLElement;
  meta: HTMLElement;
  /** Our answer to a rich message (from `queued`, or the stored message's). */
  reply?: Reply;
  /** Its rich parts, once drawn. */
  parts?: RichParts | null;
}

const timeFormat = (() => {
  try {
    return new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
  } catch {
    return null;
  }
})();

let bubbles = 0;

const DAY_MS = 86_400_000;
/** The local day of `ts` as yyyy-mm-dd, which sorts and compares. */
function dayKey(ts: number): string {
  const d = new Date(ts);
  return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
}

/** A separator's words: "Today", "Yesterday", else the date in `lang` (with the year
 *  when it is not this year's). */
function dayLabel(ts: number, now: number, S: AllStrings): string {
  const key = dayKey(ts);
  if (key === dayKey(now)) return S.today;
  if (key === dayKey(now - DAY_MS) || key === dayKey(now - DAY_MS - 3_600_000)) return S.yesterday; // DST
  const d = new Date(ts);
  const options: Intl.DateTimeFormatOptions = { weekday: "long", day: "numeric", month: "long" };
  if (d.getFullYear() !== new Date(now).getFullYear()) options.year = "numeric";
  try {
    return new Intl.DateTimeFormat(S.lang, options).format(d);
  } catch {
    return key;
  }
}

/** A system line in the reader's language when it is one the relay documents
 *  (docs/protocol.md §4 "System messages"); any other as it was sent. */
function systemText(text: string, S: AllStrings): string {
  if (text === "Conversation closed") return S.sysClosed;
  if (text === "Conversation reopened") return S.sysReopened;
  const joined = /^(.+) joined the conversation$/.exec(text);
  return joined ? S.sysJoined.replace("{name}", joined[1]) : text;
}

export class Thread {
  readonly el: HTMLElement;
  private readonly bySeq = new Map<number, Item>();
  private readonly byCid = new Map<string, Item>();
  private pending: Item[] = [];
  /** Streams shown, by sender id + " " + cid, in the order they opened. */
  private readonly streams = new Map<string, Item>();
  private peerRead = 0;
  private readonly receipt: HTMLElement;
  /** "(opens in a new tab)", describing every link in message text (shared/links.ts). */
  private readonly linkHint: HTMLElement;
  /** Date separators shown, by local day (dayKey). */
  private readonly days = new Map<string, HTMLElement>();
  private strings!: AllStrings;

  /** Set by a page whose user answers rich messages (the widget): called with the seq
   *  answered, the text the answer shows, and the option or form values. Without it the
   *  parts are drawn read-only (links still work). */
  answer: ((to: number, text: string, reply: Omit<Reply, "to">) => void) | null = null;
  /** Where `file` parts read their files (issue 17, shared/files.ts); none: a file is
   *  named but neither previewed nor saved. Set before messages are added. */
  files: FileSource | null = null;

  constructor(private readonly scroller: HTMLElement, strings: ThreadStrings) {
    this.setStrings(strings);
    this.el = document.createElement("div");
    this.el.className = "thread";
    scroller.appendChild(this.el);
    this.receipt = document.createElement("div");
    this.receipt.className = "receipt";
    this.receipt.setAttribute("data-testid", "read-receipt");
    this.receipt.textContent = strings.seen;
    this.linkHint = document.createElement("span");
    this.linkHint.id = "link-hint-" + ++bubbles;
    this.linkHint.className = "visually-hidden";
    this.linkHint.hidden = true;
    this.linkHint.textContent = this.strings.newTab;
    scroller.appendChild(this.linkHint);
  }

  /** Changes the UI language of statuses written from now on. */
  setStrings(strings: ThreadStrings): void {
    this.strings = { ...en, ...strings };
    if (this.receipt) this.receipt.textContent = strings.seen;
    if (this.linkHint) this.linkHint.textContent = this.strings.newTab;
  }

  /** Highest stored seq shown, 0 when none. */
  get lastSeq(): number {
    let max = 0;
    for (const seq of this.bySeq.keys()) if (seq > max) max = seq;
    return max;
  }
  /** Highest seq of a message someone else wrote. */
  get lastPeerSeq(): number {
    let max = 0;
    for (const [seq, item] of this.bySeq) if (!item.mine && seq > max) max = seq;
    return max;
  }
  /** Lowest stored seq shown (for paging back), 0 when none. */
  get firstSeq(): number {
    let min = 0;
    for (const seq of this.bySeq.keys()) if (!min || seq < min) min = seq;
    return min;
  }
  get size(): number {
    return this.bySeq.size + this.pending.length;
  }

  /** Our message, accepted by the core, not yet stored by the relay; `reply` when it
   *  answers a rich message. */
  queued(cid: string, text: string, me: Party | null, reply?: Reply): void {
    if (this.byCid.has(cid)) return;
    const item = this.make(cid, 0, Date.now(), me, true, text, "queued");
    item.reply = reply;
    this.pending.push(item);
    this.layout(true);
  }

  /** The relay refused our answer to a form (1011 invalid_form, `ref` = its cid): the
   *  answer is withdrawn (nothing was stored) and each reason shown at its field. */
  formRejected(cid: string, reasons: Record<string, string>): void {
    const item = this.byCid.get(cid);
    if (!item || item.seq || !item.reply?.form) return;
    const { to, form } = item.reply;
    this.byCid.delete(cid);
    this.pending = this.pending.filter((p) => p !== item);
    item.el.remove();
    this.layout(false);
    this.bySeq.get(to)?.parts?.showErrors(form, reasons);
  }

  /** A delta of a reply being written (the `stream` event), appended where it grows. */
  stream(cid: string, from: Party, delta: string): void {
    const key = from.id + " " + cid;
    let item = this.streams.get(key);
    if (!item) {
      item = this.make(cid, 0, Date.now(), from, false, "", "sent");
      item.el.setAttribute("aria-hidden", "true");
      item.el.setAttribute("data-streaming", "true");
      this.streams.set(key, item);
      this.layout(true);
    } else if (!item.el.hasAttribute("data-streaming")) {
      return; // interrupted: only a final brings it back
    }
    const atEnd = this.atEnd();
    item.bubble.appendChild(document.createTextNode(delta));
    item.text += delta;
    if (atEnd) this.scrollToEnd();
  }

  /** A stream ended without a final message (the `stream_end` event); see the top. */
  streamEnd(cid: string, from: Party, reason: string): void {
    const key = from.id + " " + cid;
    const item = this.streams.get(key);
    if (!item) return;
    if (reason === "sender_gone" || reason === "timeout") {
      item.el.removeAttribute("data-streaming");
      item.el.removeAttribute("aria-hidden");
      item.el.setAttribute("data-interrupted", "true");
      item.bubble.textContent = this.strings.interrupted;
      item.text = "";
    } else {
      this.streams.delete(key);
      item.el.remove();
      this.layout(false);
    }
  }

  ack(cid: string, seq: number, ts: number): void {
    const item = this.byCid.get(cid);
    if (!item) return;
    this.store(item, seq, ts);
    this.layout(false);
  }

  failed(cid: string): void {
    const item = this.byCid.get(cid);
    if (!item || item.seq) return;
    item.status = "failed";
    this.paint(item);
    if (item.reply) this.layout(false); // its rich message can be answered again
  }

  /** Called with each new stored message's element (the console adds triage tags). */
  decorate: ((el: HTMLElement, m: Message) => void) | null = null;

  /** A stored message (live or from history). Returns true when it was new. */
  message(m: Message): boolean {
    const known = this.bySeq.get(m.seq);
    if (known) {
      // Our own rich message (a visitor's file, issue 17), acknowledged before its echo:
      // its parts as the relay stored them (the file's name, type and size).
      if (!known.parts && m.parts) this.drawParts(known, m);
      return false;
    }
    const own = m.mine && m.cid ? this.byCid.get(m.cid) : undefined;
    if (own) {
      own.from = m.from;
      own.reply = m.reply ?? own.reply;
      if (!own.parts && m.parts) this.drawParts(own, m);
      this.store(own, m.seq, m.ts);
      this.layout(false);
      return false;
    }
    this.add(m);
    this.layout(true);
    return true;
  }

  /** A stored message not shown yet: its stream's element made final, or a new one. */
  private add(m: Message): void {
    const key = m.from.id + " " + m.cid;
    let item = m.cid ? this.streams.get(key) : undefined;
    if (item) {
      this.streams.delete(key);
      item.seq = m.seq;
      item.ts = m.ts;
      item.from = m.from;
      item.text = m.text;
      this.setText(item); // its links, and the text itself when it differs from the deltas
      item.el.removeAttribute("data-streaming");
      item.el.removeAttribute("data-interrupted");
      item.el.removeAttribute("aria-hidden"); // now the log reads it, once
    } else {
      item = this.make(m.cid, m.seq, m.ts, m.from, m.mine, m.text, "sent");
    }
    item.reply = m.reply;
    this.drawParts(item, m);
    this.decorate?.(item.el, m);
    this.bySeq.set(m.seq, item);
    this.paint(item);
  }

  private drawParts(item: Item, m: Message): void {
    if (!m.parts) return;
    item.parts = RichParts.draw(m.parts, this.strings, item.bubble.id, () =>
      this.answer ? (text, reply) => this.answer?.(item.seq, text, reply) : null, this.files);
    if (item.parts) item.el.insertBefore(item.parts.el, item.meta);
  }

  /** Older messages, oldest first; keeps the reader's scroll position. */
  prepend(msgs: Message[]): void {
    const before = this.scroller.scrollHeight - this.scroller.scrollTop;
    const first = this.bySeq.size === 0;
    let added = false;
    for (const m of msgs) {
      if (this.bySeq.has(m.seq) || (m.mine && m.cid && this.byCid.has(m.cid))) continue;
      this.add(m);
      added = true;
    }
    if (!added) return;
    this.layout(first);
    if (!first) this.scroller.scrollTop = this.scroller.scrollHeight - before;
  }

  /** The other side has seen everything up to seq. */
  setPeerRead(seq: number): void {
    if (seq <= this.peerRead) return;
    this.peerRead = seq;
    this.layout(false);
  }

  scrollToEnd(): void {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  private atEnd(): boolean {
    return this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 60;
  }

  private store(item: Item, seq: number, ts: number): void {
    if (item.seq) return;
    item.seq = seq;
    item.ts = ts;
    item.status = "sent";
    this.pending = this.pending.filter((p) => p !== item);
    const clash = this.bySeq.get(seq);
    if (clash && clash !== item) clash.el.remove(); // the echo came first
    this.bySeq.set(seq, item);
    this.paint(item);
  }

  private make(
    cid: string,
    seq: number,
    ts: number,
    from: Party | null,
    mine: boolean,
    text: string,
    status: Item["status"],
  ): Item {
    const el = document.createElement("div");
    el.className = "msg " + (mine ? "mine" : "theirs");
    el.setAttribute("data-testid", "message");
    el.setAttribute("data-mine", String(mine));
    if (from && from.role === "system") el.classList.add("system");
    if (from) el.setAttribute("data-role", from.role);
    const author = document.createElement("div");
    author.className = "author";
    const avatar = avatarElement();
    const name = nameElement("");
    author.append(avatar, name);
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.id = "m" + ++bubbles; // names the message's form (shared/parts.ts)
    const meta = document.createElement("div");
    meta.className = "meta";
    el.append(author, bubble, meta);
    const item: Item = { cid, seq, ts, from, mine, text, status, el, author, avatar, name, bubble, meta };
    this.setText(item);
    if (mine && cid) this.byCid.set(cid, item);
    this.paint(item);
    return item;
  }

  private paint(item: Item): void {
    if (item.seq) item.el.setAttribute("data-seq", String(item.seq));
    else item.el.removeAttribute("data-seq");
    item.el.setAttribute("data-status", item.status);
    const time = timeFormat && item.ts ? timeFormat.format(new Date(item.ts)) : "";
    let text = time;
    if (item.mine) {
      const status =
        item.status === "queued" ? this.strings.sending : item.status === "failed" ? this.strings.failed : this.strings.sent;
      text = time ? time + " · " + status : status;
    }
    item.meta.textContent = text;
    // A system line is an event, not someone's words: no author ("Parley") above it.
    const author = item.from && item.from.role !== "system" ? cleanName(item.from.name || "") : "";
    item.name.textContent = author;
    paintAvatar(item.avatar, author);
  }

  /** The bubble's text, addresses as links; a system line in the reader's language. */
  private setText(item: Item): void {
    if (!item.text) return;
    if (item.from?.role === "system") item.bubble.textContent = systemText(item.text, this.strings);
    else setLinkedText(item.bubble, item.text, this.linkHint.id);
  }

  /** The separator before the first message of `ts`'s day, its words up to date. */
  private daySeparator(ts: number, now: number): HTMLElement {
    const key = dayKey(ts);
    let el = this.days.get(key);
    if (!el) {
      el = document.createElement("div");
      el.className = "day";
      el.setAttribute("data-testid", "day-separator");
      el.setAttribute("data-day", key);
      el.appendChild(document.createElement("span"));
      this.days.set(key, el);
    }
    el.firstChild!.textContent = dayLabel(ts, now, this.strings);
    return el;
  }

  /** Puts every element in order, shows authors at the start of each run and the
   *  receipt under our last stored message once the peer has read it. */
  private layout(stick: boolean): void {
    const atEnd = this.atEnd();
    const ordered = Array.from(this.bySeq.values()).sort((a, b) => a.seq - b.seq);
    // Streams last: a message of ours written meanwhile goes above the growing reply at
    // once (it will be stored first), instead of jumping over it when acknowledged.
    ordered.push(...this.pending, ...this.streams.values());
    let lastMine: Item | null = null;
    for (const item of ordered) if (item.mine && item.seq) lastMine = item;
    const nodes: HTMLElement[] = [];
    const now = Date.now();
    const shownDays = new Set<HTMLElement>();
    let prev: Item | null = null;
    for (const item of ordered) {
      const sameRun = prev && prev.mine === item.mine && prev.from?.id === item.from?.id;
      const ts = item.ts || now;
      let newDay = !prev || dayKey(prev.ts || now) !== dayKey(ts);
      if (newDay) {
        // Once per day, even when clocks disagree and a day comes back (our pending
        // message stamped by this browser after the relay's stamp of the next day).
        const sep = this.daySeparator(ts, now);
        if (shownDays.has(sep)) newDay = false;
        else nodes.push(sep), shownDays.add(sep);
      }
      const run = !!sameRun && !newDay;
      item.author.hidden = item.mine || run || !item.name.textContent;
      item.el.classList.toggle("cont", run);
      nodes.push(item.el);
      if (item === lastMine && this.peerRead >= item.seq) nodes.push(this.receipt);
      prev = item;
    }
    if (!lastMine || this.peerRead < lastMine.seq) this.receipt.remove();
    for (const sep of this.days.values()) if (!shownDays.has(sep)) sep.remove();
    let cursor = this.el.firstChild;
    for (const node of nodes) {
      if (cursor === node) cursor = cursor.nextSibling;
      else this.el.insertBefore(node, cursor);
    }
    this.refreshParts(ordered);
    if (stick || atEnd) this.scrollToEnd();
  }

  /** The state of every message's parts: its latest answer (ours pending, or stored;
   *  a failed one does not count) and whether the visitor wrote after it. */
  private refreshParts(ordered: Item[]): void {
    const answers = new Map<number, Item>();
    for (const item of ordered) if (item.reply && item.status !== "failed") answers.set(item.reply.to, item);
    let visitorLater = false;
    for (let i = ordered.length - 1; i >= 0; i--) {
      const item = ordered[i];
      if (item.parts) {
        const answer = answers.get(item.seq);
        item.parts.update(answer?.reply, !!answer && !answer.seq, visitorLater, !!this.answer && !!item.seq,
                          this.strings);
      }
      if (item.from ? item.from.role === "visitor" : item.mine) visitorLater = true;
    }
  }
}
