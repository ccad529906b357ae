// Customer context and canned responses in the console (issue 17): the glue between the
// client's events and the Preact views of views/ (context_panel, past_transcript,
// canned_picker, canned_manager). console.ts calls attachCustomer once per session and
// showCustomer whenever the open conversation (or its summary) changes; the rest hangs
// off the client's events and the reply box.
//
// State lives here, in one object; every change repaints the views with render() (Preact
// diffs). The relay answers `canned` and `context` requests with whole lists, so nothing
// is merged locally. A canned request's refusal arrives as a plain `error` event: the
// first error while one is pending is taken as its answer (the console sends one at a
// time: the Save button waits).
import { render } from "preact";
import type { ParleyClient } from "../../wasm/src/client";
import type { CannedResponse, ConversationSummary, Message, Party, PastConversation } from "../../wasm/src/types";
import { ContextPanel } from "./views/context_panel";
import { PastTranscript } from "./views/past_transcript";
import { CannedPicker } from "./views/canned_picker";
import { CannedManager, type CannedDraft } from "./views/canned_manager";
import { cannedValues, fillVariables, matchCanned, slashQuery } from "./views/canned_text";

export interface CustomerHooks {
  me: () => Party | null;
  /** Opens the conversation in the main pane when it is in the inbox; false if not. */
  open: (conv: string) => boolean;
}

const state = {
  client: null as ParleyClient | null,
  hooks: null as CustomerHooks | null,
  summary: null as ConversationSummary | null,
  asked: "", // the conversation (and status) whose context was last asked for
  past: null as PastConversation[] | null,
  // Read-only transcript of a past conversation.
  viewing: null as { conv: string; title: string; msgs: Message[] | null; error: string } | null,
  // Canned responses.
  canned: [] as CannedResponse[],
  cannedPending: false,
  cannedError: "",
  managing: false,
  supervisor: false,
  teams: [] as string[],
  // The `/` picker.
  picker: null as { start: number; filter: string; active: number } | null,
};

let panelHost: HTMLElement | null = null;
let pickerHost: HTMLElement | null = null;
let dialogHost: HTMLElement | null = null;
let composer: HTMLTextAreaElement | null = null;

const ERRORS: Record<number, string> = {
  2004: "That is not yours to change.",
  3011: "", // the relay's message says the limit
};

export function attachCustomer(c: ParleyClient, hooks: CustomerHooks): void {
  Object.assign(state, {
    client: c, hooks, summary: null, asked: "", past: null, viewing: null, canned: [], cannedPending: false,
    cannedError: "", managing: false, supervisor: false, teams: [], picker: null,
  });
  c.on("welcome", () => {
    state.cannedPending = true;
    c.canned({ do: "canned", op: "list" });
  });
  c.on("canned", (ev) => {
    state.canned = ev.items;
    state.cannedPending = false;
    state.cannedError = "";
    paint();
  });
  c.on("context", (ev) => {
    if (!state.summary || ev.conv !== state.summary.conv) return;
    state.past = ev.convs;
    paint();
  });
  c.on("history", (ev) => {
    if (!state.viewing || ev.conv !== state.viewing.conv) return;
    state.viewing.msgs = (state.viewing.msgs || []).concat(ev.msgs).sort((a, b) => a.seq - b.seq);
    paint();
  });
  c.on("error", (ev) => {
    if (state.cannedPending) {
      state.cannedPending = false;
      state.cannedError = ERRORS[ev.code] || ev.message || "The relay refused it.";
      paint();
    } else if (state.viewing && !state.viewing.msgs && (ev.code === 2004 || ev.code === 3001)) {
      state.viewing.error = "This conversation is not available to you.";
      paint();
    }
  });
  // Supervisors get the full board: they may write team responses, for any team on it.
  c.on("supervisor", (ev) => {
    const me = hooks.me();
    const teams = new Set<string>(ev.queues.map((q) => q.team));
    for (const a of ev.agents) if (me && a.agent.id === me.id) a.teams.forEach((t) => teams.add(t));
    state.supervisor = ev.full;
    state.teams = Array.from(teams).sort();
  });
}

/** The open conversation's summary (null: none open). Asks for its context when the
 *  conversation, or its status, changed (a close brings a rating). */
export function showCustomer(s: ConversationSummary | null): void {
  state.summary = s;
  const key = s ? `${s.conv}/${s.status}/${s.state || ""}` : "";
  if (s && key !== state.asked && state.client) {
    if (!state.asked.startsWith(s.conv + "/")) state.past = null;
    state.asked = key;
    state.client.context(s.conv);
  }
  if (!s) {
    state.asked = "";
    state.picker = null;
    document.getElementById("console-view")?.removeAttribute("data-context");
  }
  paint();
}

// ---- painting ------------------------------------------------------------------------
function paint(): void {
  ensureHosts();
  if (panelHost) {
    panelHost.hidden = !state.summary;
    render(state.summary ? (
      <ContextPanel summary={state.summary} past={state.past} now={Date.now()} onOpenPast={openPast}
                    onClose={() => toggleContext(false)} />
    ) : null, panelHost);
  }
  if (pickerHost) {
    const p = state.picker;
    const items = p ? matchCanned(state.canned, p.filter) : [];
    pickerHost.hidden = !p;
    render(p ? (
      <CannedPicker items={items} filter={p.filter} active={Math.min(p.active, Math.max(0, items.length - 1))}
                    onPick={insert} onManage={() => openManager()} />
    ) : null, pickerHost);
    if (composer) {
      // A textarea is a textbox: it may name the list and its active option, not expand.
      if (p && items.length) {
        composer.setAttribute("aria-controls", "canned-options");
        composer.setAttribute("aria-activedescendant", `canned-option-${Math.min(p.active, items.length - 1)}`);
      } else {
        composer.removeAttribute("aria-controls");
        composer.removeAttribute("aria-activedescendant");
      }
    }
  }
  if (dialogHost) {
    render(
      <>
        {state.viewing ? (
          <PastTranscript conv={state.viewing.conv} title={state.viewing.title} msgs={state.viewing.msgs}
                          error={state.viewing.error} onClose={() => { state.viewing = null; paint(); }} />
        ) : null}
        {state.managing ? (
          <CannedManager items={state.canned} supervisor={state.supervisor} teams={state.teams}
                         error={state.cannedError} busy={state.cannedPending} onSave={save} onDelete={remove}
                         onClose={() => { state.managing = false; state.cannedError = ""; paint(); composer?.focus(); }} />
        ) : null}
      </>,
      dialogHost,
    );
  }
}

function ensureHosts(): void {
  panelHost ??= document.getElementById("context-panel");
  if (!dialogHost) {
    dialogHost = document.createElement("div");
    dialogHost.id = "customer-dialogs";
    document.body.appendChild(dialogHost);
  }
}

// ---- past conversations --------------------------------------------------------------
function openPast(conv: string): void {
  if (state.hooks?.open(conv)) return; // in the inbox: the live view
  const p = state.past?.find((x) => x.conv === conv);
  const when = p ? new Date(p.updated).toLocaleDateString(undefined, { dateStyle: "medium" }) : "";
  state.viewing = { conv, title: `Conversation of ${when}`, msgs: null, error: "" };
  state.client?.history(conv, undefined, 200);
  paint();
}

// On a narrow screen the panel is a sheet over the conversation, opened from its header.
function toggleContext(open: boolean): void {
  const view = document.getElementById("console-view");
  if (open) view?.setAttribute("data-context", "open");
  else view?.removeAttribute("data-context");
  if (open) panelHost?.querySelector<HTMLElement>(".ctx-close")?.focus();
  else document.getElementById("context-toggle")?.focus();
}

// ---- canned responses ------------------------------------------------------------------
function openManager(): void {
  state.picker = null;
  state.managing = true;
  state.cannedError = "";
  paint();
}

function save(d: CannedDraft): void {
  if (!state.client) return;
  state.cannedPending = true;
  state.cannedError = "";
  const op: Parameters<ParleyClient["canned"]>[0] = { do: "canned", op: "save", scope: d.scope, shortcut: d.shortcut, text: d.text };
  if (d.id) op.id = d.id;
  if (d.scope === "team" && d.team) op.team = d.team;
  state.client.canned(op);
  paint();
}

function remove(id: string): void {
  if (!state.client) return;
  state.cannedPending = true;
  state.client.canned({ do: "canned", op: "delete", id });
  paint();
}

/** Replaces the typed `/filter` with the response, its variables filled. */
function insert(r: CannedResponse): void {
  const p = state.picker;
  if (!composer || !p) return;
  const text = fillVariables(r.text, cannedValues(state.summary ?? undefined, state.hooks?.me() ?? null));
  const caret = composer.selectionStart ?? composer.value.length;
  composer.value = composer.value.slice(0, p.start) + text + composer.value.slice(caret);
  const at = p.start + text.length;
  composer.setSelectionRange(at, at);
  state.picker = null;
  paint();
  composer.focus();
  composer.dispatchEvent(new Event("input", { bubbles: true })); // typing indicator, as typed
}

function updatePicker(): void {
  if (!composer) return;
  const q = slashQuery(composer.value, composer.selectionStart ?? composer.value.length);
  if (!q) {
    if (state.picker) {
      state.picker = null;
      paint();
    }
    return;
  }
  const same = state.picker && state.picker.filter === q.filter;
  state.picker = { start: q.start, filter: q.filter, active: same ? state.picker!.active : 0 };
  paint();
}

/** Wires the reply box (once, at start): the `/` picker and the "Responses" button. */
export function initCustomerUi(box: HTMLTextAreaElement, form: HTMLFormElement): void {
  composer = box;
  box.setAttribute("aria-autocomplete", "list");
  pickerHost = document.createElement("div");
  pickerHost.className = "canned-picker-host";
  pickerHost.hidden = true;
  form.before(pickerHost);
  box.addEventListener("input", updatePicker);
  box.addEventListener("click", updatePicker);
  box.addEventListener("blur", () => setTimeout(() => {
    if (state.picker && document.activeElement !== box) {
      state.picker = null;
      paint();
    }
  }, 150));
  // Capture on the form: ahead of console.ts's Enter-to-send on the box itself.
  form.addEventListener("keydown", (ev) => {
    const p = state.picker;
    if (!p || ev.target !== box || ev.isComposing) return;
    const items = matchCanned(state.canned, p.filter);
    const handled = () => {
      ev.preventDefault();
      ev.stopPropagation();
    };
    if (ev.key === "Escape") {
      handled();
      state.picker = null;
      return paint();
    }
    if (!items.length) return;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      handled();
      const n = items.length;
      p.active = (Math.min(p.active, n - 1) + (ev.key === "ArrowDown" ? 1 : n - 1)) % n;
      return paint();
    }
    if ((ev.key === "Enter" && !ev.shiftKey) || ev.key === "Tab") {
      handled();
      insert(items[Math.min(p.active, items.length - 1)]);
    }
  }, true);
  // The way to the manager without typing `/`: a button on the row of Reply / Internal note.
  const modes = form.querySelector(".modes");
  if (modes) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "canned-open";
    button.setAttribute("data-testid", "canned-open");
    button.title = "Canned responses (type / in the reply box)";
    button.textContent = "Canned responses";
    button.addEventListener("click", openManager);
    modes.append(button); // on the modes' row, at its right end (views/customer.css)
  }
  // The narrow screens' way to the panel: a button in the conversation's header.
  const actions = document.querySelector(".conv-actions");
  if (actions) {
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.id = "context-toggle";
    toggle.className = "secondary context-toggle";
    toggle.setAttribute("data-testid", "context-toggle");
    toggle.textContent = "Customer";
    toggle.addEventListener("click", () => toggleContext(true));
    actions.prepend(toggle);
  }
}
