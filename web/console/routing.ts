// Routing in the agent console (P4): priority order and state badges in the inbox,
// the team queues, the conversation actions (transfer, internal note, close/reopen)
// and the supervisor board (/console/#supervisor or the "Team" tab).
//
// console.ts owns the inbox entries and the thread; it calls the hooks below at a few
// points (summary rendered, inbox sorted, header rendered, composer submitted). Every
// string from the relay — names, teams, texts — is written with textContent.

import type { ParleyClient } from "../../wasm/src/client";
import type { AgentLoad, ConversationSummary, EventMap, Message, Party } from "../../wasm/src/types";
import { cleanName, isolatedName } from "../shared/names";

type Board = EventMap["supervisor"];

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let client: ParleyClient | null = null;
let me: Party | null = null;
let board: Board = { agents: [], queues: [], full: false };
let noteMode = false;
let current: ConversationSummary | null = null;
let summaries: () => Map<string, ConversationSummary> = () => new Map();
let openConv: (conv: string) => void = () => {};

const STATE_LABEL: Record<string, string> = {
  queued: "Queued",
  active: "Active",
  inactive: "Inactive",
  closed: "Closed",
  bot: "With bot",
};

/** Connects the module to a session; `list` gives the console's current summaries. */
export function attachRouting(
  c: ParleyClient,
  list: () => Map<string, ConversationSummary>,
  open: (conv: string) => void,
): void {
  client = c;
  summaries = list;
  openConv = open;
  board = { agents: [], queues: [], full: false };
  c.on("welcome", (ev) => {
    me = ev.me;
  });
  c.on("supervisor", (ev) => {
    board = { agents: ev.agents, queues: ev.queues, full: ev.full };
    renderQueues();
    renderBoard();
  });
  renderQueues();
  renderBoard();
}

export function agentName(id: string | undefined): string {
  if (!id) return "";
  const a = board.agents.find((x) => x.agent.id === id);
  return a ? a.agent.name || id : id;
}

function isSupervisor(): boolean {
  return board.full; // the relay sends supervisors the full board
}

/** Whether the summary belongs in this agent's list (a transfer moves it away). */
export function visibleToMe(s: ConversationSummary): boolean {
  if (!s.state || !me) return true; // a relay without routing lists everything
  if (s.agent === me.id) return true;
  if (s.state === "queued") return true; // the relay sends queued ones of our teams only
  return isSupervisor();
}

/** Priority order: ranked (1 = answer first) before unranked; inactive and closed last. */
export function compareSummaries(a: ConversationSummary, b: ConversationSummary): number {
  const tier = (s: ConversationSummary) =>
    s.state === "closed" ? 4 : s.state === "inactive" ? 3 : s.state === "queued" ? 2 : s.rank ? 0 : 1;
  const ta = tier(a), tb = tier(b);
  if (ta !== tb) return ta - tb;
  if (ta === 0) return (a.rank || 0) - (b.rank || 0);
  return b.updated - a.updated;
}

/** Adds the state badge and "awaiting" marker to an inbox item. */
export function renderRoutingItem(item: HTMLElement, s: ConversationSummary): void {
  item.setAttribute("data-state", s.state || "");
  item.classList.toggle("inactive", s.state === "inactive" || s.state === "closed");
  let badge = item.querySelector<HTMLElement>(".state-badge");
  if (!badge) {
    badge = document.createElement("span");
    badge.className = "state-badge";
    badge.setAttribute("data-testid", "state-badge");
    item.querySelector(".item-bottom")?.insertBefore(badge, item.querySelector(".badge"));
  }
  const waiting = s.state === "active" && s.awaiting === "agent";
  badge.textContent = waiting ? `#${s.rank || "–"} · Your turn` : STATE_LABEL[s.state || ""] || "";
  badge.hidden = !s.state;
  badge.setAttribute("data-kind", waiting ? "turn" : s.state || "");
  if (s.agent && me && s.agent !== me.id && s.state !== "queued") {
    badge.textContent += " · " + isolatedName(agentName(s.agent));
  }
}

/** The header's action bar for the open conversation. */
export function renderRoutingHeader(s: ConversationSummary): void {
  current = s;
  const state = $("conv-state");
  state.textContent = STATE_LABEL[s.state || ""] || s.status;
  state.setAttribute("data-kind", s.state || s.status);
  const owner = s.agent ? agentName(s.agent) : "";
  $("conv-route").textContent = [s.team ? `Team ${s.team}` : "", owner ? `Assigned to ${isolatedName(owner)}` : "",
    s.previous_agent ? `Previously ${isolatedName(agentName(s.previous_agent))}` : ""].filter(Boolean).join(" · ");
  const closed = s.state === "closed" || s.status === "closed";
  $("close-conv").hidden = closed;
  $("reopen-conv").hidden = !closed;
  $<HTMLButtonElement>("transfer-open").disabled = closed;
}

/** Marks internal notes and system lines in a thread. */
export function decorateRouting(el: HTMLElement, m: Message): void {
  if (m.internal) {
    el.classList.add("internal");
    el.setAttribute("data-testid", "internal-note");
    if (!el.querySelector(".note-label")) {
      const label = document.createElement("span");
      label.className = "note-label";
      label.textContent = m.from.role === "system" ? "Routing · internal" : "Internal note · agents only";
      el.insertBefore(label, el.firstChild);
    }
  }
}

/** The composer in note mode sends an internal note; returns true when it did. */
export function sendNote(conv: string, text: string): boolean {
  if (!noteMode || !client) return false;
  client.note(conv, text);
  setNoteMode(false);
  return true;
}

function setNoteMode(on: boolean): void {
  noteMode = on;
  const form = $("composer-form");
  form.classList.toggle("note-mode", on);
  $("mode-reply").setAttribute("aria-pressed", String(!on));
  $("mode-note").setAttribute("aria-pressed", String(on));
  $<HTMLTextAreaElement>("composer").placeholder = on
    ? "Internal note — only agents see it"
    : "Reply… (Enter to send, Shift+Enter for a new line)";
  $<HTMLButtonElement>("send").textContent = on ? "Add note" : "Send";
}

// ---- queues and supervisor board -------------------------------------------------------

function renderQueues(): void {
  const host = $("queues");
  host.textContent = "";
  let total = 0;
  for (const q of board.queues) {
    total += q.length;
    const block = document.createElement("div");
    block.className = "queue";
    block.setAttribute("data-testid", "queue");
    block.setAttribute("data-team", q.team);
    const title = document.createElement("div");
    title.className = "queue-title";
    const name = document.createElement("span");
    name.textContent = q.team;
    const count = document.createElement("span");
    count.className = "count";
    count.textContent = String(q.length);
    title.append(name, count);
    block.appendChild(title);
    for (const conv of q.convs) {
      const s = summaries().get(conv);
      const row = document.createElement("button");
      row.type = "button";
      row.className = "queue-row";
      row.textContent = (s?.visitor.name ? "Visitor " + isolatedName(s.visitor.name) : "Visitor") + " — " +
        isolatedName(s?.last_text || "No messages yet"); // never the raw conversation id (issue 17)
      row.addEventListener("click", () => openConv(conv));
      block.appendChild(row);
    }
    if (q.length > q.convs.length) {
      const more = document.createElement("div");
      more.className = "queue-more";
      more.textContent = `and ${q.length - q.convs.length} more`;
      block.appendChild(more);
    }
    host.appendChild(block);
  }
  $("queue-total").textContent = total ? String(total) : "";
}

function renderBoard(): void {
  const body = $("board-agents");
  body.textContent = "";
  for (const a of board.agents) body.appendChild(agentRow(a));
  const queues = $("board-queues");
  queues.textContent = "";
  for (const q of board.queues) {
    const li = document.createElement("li");
    li.textContent = `${q.team}: ${q.length} waiting`;
    queues.appendChild(li);
  }
  $("tab-board").hidden = !isSupervisor();
  fillTransferTargets();
}

function agentRow(a: AgentLoad): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.setAttribute("data-testid", "board-agent");
  const cells = [cleanName(a.agent.name || a.agent.id), a.teams.join(", "), a.status,
    `${a.load} / ${a.preferred} / ${a.max}`, String(a.inactive)];
  cells.forEach((text, i) => {
    const td = document.createElement("td");
    if (i === 2) {
      const dot = document.createElement("span");
      dot.className = "status-dot";
      dot.setAttribute("data-status", a.status);
      td.appendChild(dot);
    }
    td.appendChild(document.createTextNode(text));
    if (i === 3) {
      const bar = document.createElement("span");
      bar.className = "load-bar";
      const fill = document.createElement("i");
      fill.style.width = `${Math.min(100, (a.load / Math.max(1, a.max)) * 100)}%`;
      fill.classList.toggle("over", a.load > a.preferred);
      bar.appendChild(fill);
      td.appendChild(bar);
    }
    tr.appendChild(td);
  });
  return tr;
}

// ---- transfer dialog ---------------------------------------------------------------------

function fillTransferTargets(): void {
  const select = $<HTMLSelectElement>("transfer-target");
  const keep = select.value;
  select.textContent = "";
  const agents = document.createElement("optgroup");
  agents.label = "Agents";
  for (const a of board.agents) {
    if (a.agent.id === me?.id) continue;
    const o = document.createElement("option");
    o.value = "agent:" + a.agent.id;
    o.textContent = `${isolatedName(a.agent.name)} (${a.status}, ${a.load}/${a.max})`;
    o.disabled = a.status !== "available";
    agents.appendChild(o);
  }
  const teams = document.createElement("optgroup");
  teams.label = "Teams";
  const names = new Set<string>();
  for (const a of board.agents) a.teams.forEach((t) => names.add(t));
  for (const q of board.queues) names.add(q.team);
  for (const t of Array.from(names).sort()) {
    const o = document.createElement("option");
    o.value = "team:" + t;
    o.textContent = "Team " + t;
    teams.appendChild(o);
  }
  select.append(agents, teams);
  if (keep) select.value = keep;
}

function showTab(tab: "inbox" | "board"): void {
  $("tab-inbox").setAttribute("aria-selected", String(tab === "inbox"));
  $("tab-board").setAttribute("aria-selected", String(tab === "board"));
  $("board").hidden = tab !== "board";
  $("pane").hidden = tab === "board";
  if (tab === "board" && location.hash !== "#supervisor") history.replaceState(null, "", "#supervisor");
  if (tab === "inbox" && location.hash === "#supervisor") history.replaceState(null, "", "#");
}

/** Wires the static controls once. */
export function initRoutingUi(): void {
  $("mode-reply").addEventListener("click", () => setNoteMode(false));
  $("mode-note").addEventListener("click", () => setNoteMode(true));
  $("close-conv").addEventListener("click", () => current && client?.close(current.conv));
  $("reopen-conv").addEventListener("click", () => current && client?.reopen(current.conv));
  const dialog = $<HTMLDialogElement>("transfer-dialog");
  $("transfer-open").addEventListener("click", () => {
    fillTransferTargets();
    $<HTMLTextAreaElement>("transfer-note").value = "";
    dialog.showModal();
  });
  $("transfer-cancel").addEventListener("click", () => dialog.close());
  $("transfer-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const target = $<HTMLSelectElement>("transfer-target").value;
    const note = $<HTMLTextAreaElement>("transfer-note").value.trim();
    if (!current || !client || !target) return;
    const [kind, id] = [target.slice(0, target.indexOf(":")), target.slice(target.indexOf(":") + 1)];
    client.transfer(current.conv, kind === "agent" ? { agent: id } : { team: id }, note);
    dialog.close();
  });
  $("tab-inbox").addEventListener("click", () => showTab("inbox"));
  $("tab-board").addEventListener("click", () => showTab("board"));
  window.addEventListener("hashchange", () => showTab(location.hash === "#supervisor" ? "board" : "inbox"));
  if (location.hash === "#supervisor") showTab("board");
}
