// Canned responses (issue 17): the `/` shortcut's matching and the filling of variables.
//
// A response's text may hold variables in braces. At insertion the console fills the ones
// it knows a value for; any other — unknown, misspelt, or known but empty (a visitor
// without a name) — stays as written, braces and all, so the agent sees what is missing
// before sending instead of a blank ("Hi ,"). Values are plain text inserted into the
// reply box; nothing is ever parsed as HTML.
//
//   {first_name}        the visitor's first name (their contact's name, else their own)
//   {name}              the visitor's full name
//   {email}             the visitor's e-mail (their contact's)
//   {agent_name}        the signed-in agent's name
//   {agent_first_name}  its first word
import type { CannedResponse, ConversationSummary, Party } from "../../../wasm/src/types";

export const CANNED_VARIABLES = ["first_name", "name", "email", "agent_name", "agent_first_name"] as const;

/** The values of the variables for this conversation and agent ("" when unknown). */
export function cannedValues(s: ConversationSummary | undefined, me: Party | null): Record<string, string> {
  const name = (s?.contact?.name || s?.visitor?.name || "").trim();
  const agent = (me?.name || "").trim();
  return {
    first_name: name.split(/\s+/)[0] || "",
    name,
    email: s?.contact?.email || "",
    agent_name: agent,
    agent_first_name: agent.split(/\s+/)[0] || "",
  };
}

/** The text with each known, non-empty variable filled; the rest left as written. */
export function fillVariables(text: string, values: Record<string, string>): string {
  return text.replace(/\{([a-z_]+)\}/g, (whole, key: string) =>
    Object.prototype.hasOwnProperty.call(values, key) && values[key] ? values[key] : whole);
}

/** The `/filter` being typed at the caret: at the start of the box or after a space. */
export function slashQuery(value: string, caret: number): { start: number; filter: string } | null {
  const before = value.slice(0, caret);
  const m = /(^|\s)\/([a-z0-9_-]{0,32})$/.exec(before);
  if (!m) return null;
  return { start: before.length - m[2].length - 1, filter: m[2] };
}

/** Responses whose shortcut starts with the filter first, then those containing it (in
 *  shortcut or text), at most `limit`. */
export function matchCanned(items: CannedResponse[], filter: string, limit = 8): CannedResponse[] {
  const f = filter.toLowerCase();
  const starts = items.filter((r) => r.shortcut.startsWith(f));
  const contains = items.filter((r) => !r.shortcut.startsWith(f) &&
    (r.shortcut.includes(f) || r.text.toLowerCase().includes(f)));
  return starts.concat(contains).slice(0, limit);
}
