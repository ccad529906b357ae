// One conversation's message list, shared by the widget and the agent console.
//
// Messages reach it from four directions: our own sends (`queued`, then `ack`), live
// `message` events (ours included, echoed by the relay), history pages, and resends
// after a reconnect. It merges them by cid (our own) and by seq (everything stored),
// so a message is shown once whatever the order of arrival, in seq order, with our
// unacknowledged messages last. Text is only ever set through textContent; authors'
// names sit in an isolated <bdi> (shared/names.ts), first in the author line, so that
// `decorate` may add after them what the page wants (the console: a role badge).

import type { Message, Party } from "../../wasm/src/types";
import { cleanName, nameElement } from "./names";

export interface ThreadStrings {
  sending: string;
  sent: string;
  failed: string;
  seen: string;
}

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
  meta: HTMLElement;
}

const timeFormat = (() => {
  try {
    return new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
  } catch {
    return null;
  }
})();

export class Thread {
  readonly el: HTMLElement;
  private readonly bySeq = new Map<number, Item>();
  private readonly byCid = new Map<string, Item>();
  private pending: Item[] = [];
  private peerRead = 0;
  private readonly receipt: HTMLElement;

  constructor(private readonly scroller: HTMLElement, private strings: ThreadStrings) {
    this.el = document.createElement("div");
    this.el.className = "thread";
    scroller.appendChild(this.el);
    this.receipt = document.createElement("div");
    this.receipt.className = "receipt";
    this.receipt.setAttribute("data-testid", "read-receipt");
    this.receipt.textContent = strings.seen;
  }

  /** Changes the UI language of statuses written from now on. */
  setStrings(strings: ThreadStrings): void {
    this.strings = strings;
    this.receipt.textContent = strings.seen;
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

  /** Our message, accepted by the core, not yet stored by the relay. */
  queued(cid: string, text: string, me: Party | null): void {
    if (this.byCid.has(cid)) return;
    const item = this.make(cid, 0, Date.now(), me, true, text, "queued");
    this.pending.push(item);
    this.layout(true);
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
  }

  /** Called with each new stored message's element (the console adds triage tags). */
  decorate: ((el: HTMLElement, m: Message) => void) | null = null;

  /** A stored message (live or from history). Returns true when it was new. */
  message(m: Message): boolean {
    if (this.bySeq.has(m.seq)) return false;
    const own = m.mine && m.cid ? this.byCid.get(m.cid) : undefined;
    if (own) {
      own.from = m.from;
      this.store(own, m.seq, m.ts);
      this.layout(false);
      return false;
    }
    const item = this.make(m.cid, m.seq, m.ts, m.from, m.mine, m.text, "sent");
    this.decorate?.(item.el, m);
    this.bySeq.set(m.seq, item);
    this.layout(true);
    return true;
  }

  /** Older messages, oldest first; keeps the reader's scroll position. */
  prepend(msgs: Message[]): void {
    const before = this.scroller.scrollHeight - this.scroller.scrollTop;
    const first = this.bySeq.size === 0;
    let added = false;
    for (const m of msgs) {
      if (this.bySeq.has(m.seq) || (m.mine && m.cid && this.byCid.has(m.cid))) continue;
      const item = this.make(m.cid, m.seq, m.ts, m.from, m.mine, m.text, "sent");
      this.decorate?.(item.el, m);
      this.bySeq.set(m.seq, item);
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
    author.appendChild(nameElement(""));
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = text;
    const meta = document.createElement("div");
    meta.className = "meta";
    el.append(author, bubble, meta);
    const item: Item = { cid, seq, ts, from, mine, text, status, el, author, meta };
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
    item.author.firstChild!.textContent = item.from ? cleanName(item.from.name || "") : "";
  }

  /** Puts every element in order, shows authors at the start of each run and the
   *  receipt under our last stored message once the peer has read it. */
  private layout(stick: boolean): void {
    const atEnd = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 60;
    const ordered = Array.from(this.bySeq.values()).sort((a, b) => a.seq - b.seq);
    ordered.push(...this.pending);
    let lastMine: Item | null = null;
    for (const item of ordered) if (item.mine && item.seq) lastMine = item;
    const nodes: HTMLElement[] = [];
    let prev: Item | null = null;
    for (const item of ordered) {
      const sameRun = prev && prev.mine === item.mine && prev.from?.id === item.from?.id;
      item.author.hidden = item.mine || !!sameRun || !item.author.textContent;
      item.el.classList.toggle("cont", !!sameRun);
      nodes.push(item.el);
      if (item === lastMine && this.peerRead >= item.seq) nodes.push(this.receipt);
      prev = item;
    }
    if (!lastMine || this.peerRead < lastMine.seq) this.receipt.remove();
    let cursor = this.el.firstChild;
    for (const node of nodes) {
      if (cursor === node) cursor = cursor.nextSibling;
      else this.el.insertBefore(node, cursor);
    }
    if (stick || atEnd) this.scrollToEnd();
  }
}
