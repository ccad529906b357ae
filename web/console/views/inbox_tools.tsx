// Inbox search and filters in the agent console (issue 17): whose conversations
// (Mine / Unassigned / Team / All), which status (Open / Inactive / Closed / any), and a
// search over the visitor's name, e-mail and the messages.
//
// The live inbox (`inbox` and `conv` frames) holds the conversations the relay lists for
// this agent: open and inactive ones, and those closed while the console was open. The
// filters narrow it here, on the summaries console.ts already has, and the search reads
// the visitor's name, their claimed name and e-mail, the last message and the messages
// of every thread the console has loaded. Conversations closed before the console
// opened, and the text of threads not loaded, are only on the relay: a search (2+
// characters, or the Closed filter) also asks it with `search` frames (docs/protocol.md
// §4 "Inbox search"), SEARCH_DELAY_MS after the last keystroke. Its matches count as
// matches here; those the inbox did not hold are added marked as found, and shown only
// while a search is on. The relay answers a page at a time (its work per frame is
// bounded): while it has more to look at, "Search older conversations" asks again.
//
// console.ts owns the entries; it calls inboxAccepts() for each one when it renders it,
// setInboxFacts() when the agent's identity, teams or the summaries change, passes
// onChange/onSearch to mountInboxTools() and the relay's answers to relayFound().

import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
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
const found = new Set<string>();        // listed only because the relay found them
const relayMatched = new Set<string>(); // the relay's matches for the current query
const cursors = new Map<string, string>(); // status → where the relay goes on
const SEARCH_DELAY_MS = 300;
const MIN_SEARCH_CHARS = 2;
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
  if (found.has(s.conv) && !searching()) return false;
  if (!inScope(s, query.scope)) return false;
  if (query.status !== "any" && statusOf(s) !== query.status) return false;
  return relayMatched.has(s.conv) || matchesText(s, query.text, transcript);
}

/** A search or the Closed filter is on: the relay is asked too. */
export function searching(): boolean {
  return query.text.length >= MIN_SEARCH_CHARS || query.status === "closed";
}

/** Which stored statuses the relay is asked about for the current filter. */
export function searchStatuses(): ("open" | "closed")[] {
  if (query.status === "closed") return ["closed"];
  if (query.status === "any") return ["open", "closed"];
  return ["open"]; // open and inactive conversations are stored as open
}

export function isFound(conv: string): boolean {
  return found.has(conv);
}

/** A found conversation came back live (a `conv` frame): it is in the inbox for good. */
export function unmarkFound(conv: string): void {
  found.delete(conv);
}

/** The relay's answer to a search: ignored unless it answers the current query. `known`
 *  tells whether the inbox already lists a conversation. Returns whether it was taken. */
export function relayFound(ev: { q: string; status: string; convs: ConversationSummary[]; cursor?: string },
                           known: (conv: string) => boolean): boolean {
  if (!searching() || ev.q !== query.text || !searchStatuses().includes(ev.status as "open" | "closed")) return false;
  for (const s of ev.convs) {
    relayMatched.add(s.conv);
    if (!known(s.conv)) found.add(s.conv);
  }
  if (ev.cursor) cursors.set(ev.status, ev.cursor);
  else cursors.delete(ev.status);
  redraw();
  return true;
}

/** What the counts on the chips are computed from: who the agent is, their teams, and the
 *  live inbox's summaries. */
export function setInboxFacts(facts: { me?: string; teams?: string[]; summaries?: ConversationSummary[] }): void {
  if (facts.me !== undefined) me = facts.me;
  if (facts.teams !== undefined) myTeams = facts.teams;
  if (facts.summaries !== undefined) summaries = facts.summaries.filter((s) => !found.has(s.conv));
  redraw();
}

/** Back to the default view (a new session). */
export function resetInboxTools(): void {
  query = { scope: "all", status: "any", text: "" };
  found.clear();
  relayMatched.clear();
  cursors.clear();
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
  // Asks the relay: the first page of each status (no cursor), or the next ones.
  onSearch: (q: InboxQuery, pages: { status: "open" | "closed"; cursor?: string }[]) => void;
}

function InboxTools({ onChange, onSearch }: Props) {
  const [, setTick] = useState(0);
  const [text, setText] = useState(query.text);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
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
    const before = query;
    query = { ...query, ...next };
    if (query.text !== before.text || query.status !== before.status) {
      relayMatched.clear(); // a new question: the relay's earlier answers do not hold
      cursors.clear();
      clearTimeout(timer.current);
      if (searching()) {
        const asked = query;
        timer.current = setTimeout(() => onSearch(asked, searchStatuses().map((status) => ({ status }))),
                                   next.text === undefined ? 0 : SEARCH_DELAY_MS);
      }
    }
    onChange();
    setTick((n) => n + 1);
  };
  const more = () => onSearch(query, Array.from(cursors, ([status, cursor]) => ({ status: status as "open" | "closed", cursor })));
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
      {searching() && cursors.size > 0 ? (
        <button type="button" class="search-more" data-testid="search-more" onClick={more}>
          Search older conversations
        </button>
      ) : null}
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
