// Inbox search and filters in the agent console (issue 17): whose conversations
// (Mine / Unassigned / Team / All), which status (Open / Inactive / Closed / any), and a
// search over the visitor's name, e-mail and the messages.
//
// The live inbox (`inbox` and `conv` frames) holds the conversations the relay lists for
// this agent: open and inactive ones, and those closed while the console was open. The
// filters narrow it here, on the summaries console.ts already has, and the search reads
// the visitor's name, their claimed name and e-mail, the last message and the messages
// of every thread the console has loaded. Not yet: conversations closed before the
// console opened, and older message text of threads never opened, are only on the relay,
// which has no search frame yet (issue 17, left for a follow-up: a paged `search` frame
// with bounded work per request, its answers listed here while the search is on).
//
// console.ts owns the entries; it calls inboxAccepts() for each one when it renders it,
// setInboxFacts() when the agent's identity, teams or the summaries change, and passes
// onChange to mountInboxTools().

import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ConversationSummary } from "../../../wasm/src/types";

export type Scope = "all" | "mine" | "unassigned" | "team";
export type StatusFilter = "any" | "open" | "inactive" | "closed";

export interface InboxQuery {
  scope: Scope;
  status: StatusFilter;
  text: string; // trimmed, lower case
}

let query: InboxQuery = { scope: "all", status: "any", text: "" };
let me = "";
let myTeams: string[] = [];
let summaries: ConversationSummary[] = [];
let redraw: () => void = () => {};

/** The conversation's status for the filter: routing state first, stored status else. */
export function statusOf(s: ConversationSummary): Exclude<StatusFilter, "any"> {
  if (s.state === "closed" || s.status === "closed") return "closed";
  if (s.state === "inactive") return "inactive";
  return "open";
}

function inScope(s: ConversationSummary, scope: Scope): boolean {
  switch (scope) {
    case "mine":
      return !!me && s.agent === me;
    case "unassigned":
      return !s.agent;
    case "team":
      // The agent's teams when the board told them; else every team's (supervisors see
      // all of them anyway, other agents are only sent their teams' conversations).
      return !!s.team && (myTeams.length === 0 || myTeams.includes(s.team));
    default:
      return true;
  }
}

function matchesText(s: ConversationSummary, text: string, transcript: string): boolean {
  if (!text) return true;
  const fields = [s.visitor.name, s.contact?.name, s.contact?.email, s.last_text, transcript];
  return fields.some((f) => !!f && f.toLowerCase().includes(text));
}

/** Whether the filters show this conversation. `transcript`: the text of its messages the
 *  console has loaded (searched too). */
export function inboxAccepts(s: ConversationSummary, transcript = ""): boolean {
  if (!inScope(s, query.scope)) return false;
  if (query.status !== "any" && statusOf(s) !== query.status) return false;
  return matchesText(s, query.text, transcript);
}

/** What the counts on the chips are computed from: who the agent is, their teams, and the
 *  live inbox's summaries. */
export function setInboxFacts(facts: { me?: string; teams?: string[]; summaries?: ConversationSummary[] }): void {
  if (facts.me !== undefined) me = facts.me;
  if (facts.teams !== undefined) myTeams = facts.teams;
  if (facts.summaries !== undefined) summaries = facts.summaries;
  redraw();
}

/** Back to the default view (a new session). */
export function resetInboxTools(): void {
  query = { scope: "all", status: "any", text: "" };
  me = "";
  myTeams = [];
  summaries = [];
  redraw();
}

const SCOPES: { id: Scope; label: string }[] = [
  { id: "all", label: "All" },
  { id: "mine", label: "Mine" },
  { id: "unassigned", label: "Unassigned" },
  { id: "team", label: "Team" },
];

interface Props {
  onChange: () => void;
}

function InboxTools({ onChange }: Props) {
  const [, setTick] = useState(0);
  const [text, setText] = useState(query.text);
  useEffect(() => {
    redraw = () => {
      setTick((n) => n + 1);
      setText((t) => (query.text === "" && t.trim() !== "" ? "" : t)); // a reset empties the box
    };
    return () => {
      redraw = () => {};
    };
  }, []);

  const apply = (next: Partial<InboxQuery>) => {
    query = { ...query, ...next };
    onChange();
    setTick((n) => n + 1);
  };
  const onInput = (ev: Event) => {
    const value = (ev.currentTarget as HTMLInputElement).value;
    setText(value);
    apply({ text: value.trim().toLowerCase() });
  };
  const clear = () => {
    setText("");
    apply({ text: "" });
  };

  const count = (scope: Scope) =>
    summaries.filter((s) => inScope(s, scope) && (query.status === "any" || statusOf(s) === query.status)).length;

  return (
    <div class="inbox-tools">
      <div class="search-row">
        <div class="search" role="search">
          <svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="11" cy="11" r="6.5" /><path d="M16 16l4.5 4.5" /></svg>
          <label class="visually-hidden" for="inbox-search">Search conversations</label>
          <input id="inbox-search" data-testid="inbox-search" type="search" autocomplete="off" spellcheck={false}
                 placeholder="Search" value={text} onInput={onInput}
                 onKeyDown={(ev) => ev.key === "Escape" && (clear(), (ev.currentTarget as HTMLInputElement).blur())} />
          <kbd class="search-key" aria-hidden="true">/</kbd>
        </div>
        <label class="visually-hidden" for="status-filter">Status</label>
        <select id="status-filter" data-testid="status-filter" value={query.status}
                onChange={(ev) => apply({ status: (ev.currentTarget as HTMLSelectElement).value as StatusFilter })}>
          <option value="any">Any status</option>
          <option value="open">Open</option>
          <option value="inactive">Inactive</option>
          <option value="closed">Closed</option>
        </select>
      </div>
      <div class="scopes" role="group" aria-label="Whose conversations">
        {SCOPES.map((s) => (
          <button type="button" key={s.id} data-testid={`scope-${s.id}`} aria-pressed={query.scope === s.id ? "true" : "false"}
                  onClick={() => apply({ scope: s.id })}>
            {s.label}
            <span class="scope-count">{count(s.id) || ""}</span>
          </button>
        ))}
      </div>
    </div>
  );
}

/** Mounts the search box and filters into `host` (once, as the console loads). */
export function mountInboxTools(host: HTMLElement, props: Props): void {
  render(<InboxTools {...props} />, host);
}

/** Puts the keyboard in the search box (the `/` shortcut). */
export function focusSearch(): void {
  document.getElementById("inbox-search")?.focus();
}
