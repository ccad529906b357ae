// Public types of the Parley JS/TS SDK: the events the client core reports, the
// actions it accepts and the options of ParleyClient. They mirror the C API contract
// (sdk/include/parley/c_api.h) and the wire protocol (docs/protocol.md); field names
// stay snake_case because they are the core's JSON, passed through untouched.

export type Role = "visitor" | "agent" | "bot" | "system";

/** A participant, as the relay names it (protocol §2 `party`). */
export interface Party {
  role: Role;
  id: string;
  name: string;
}

export type ConnectionState = "offline" | "connecting" | "connected" | "reconnecting" | "stopped";
export type VisitorStatus = "online" | "away";
export type AgentStatus = "available" | "away" | "offline";
export type PresenceStatus = VisitorStatus | AgentStatus;

/** One stored message (a `msg` frame, or an entry of a history page). */
export interface Message {
  conv: string;
  seq: number;
  cid: string;
  ts: number;
  from: Party;
  text: string;
  /** True when this client instance's own party sent it. */
  mine: boolean;
  /** Triage (P5): the relay's reading of a visitor message, when it has a model. */
  meta?: MessageMeta;
  /** Routing (P4): an internal note or routing event, for agents only. */
  internal?: boolean;
  /** Rich messages (issue 16): structured parts beside `text` (docs/protocol.md). */
  parts?: RichPart[];
  /** Rich messages (issue 16): the visitor's answer this message is. */
  reply?: Reply;
}

/** A part of a rich message (docs/protocol.md §4 "parts"). */
export type RichPart =
  | { kind: "quick_replies"; options: { id: string; label: string }[] }
  | { kind: "buttons"; buttons: RichButton[] }
  | { kind: "card"; title: string; text?: string; image?: string; buttons?: RichButton[] }
  | { kind: "form"; id: string; submit?: string; fields: FormField[] }
  /** Issue 17: an uploaded file (docs/attachments.md); send `{kind, id}`, the relay
   *  stores and delivers its name, sniffed type and size. */
  | { kind: "file"; id: string; name?: string; mime?: string; size?: number };
export interface RichButton {
  label: string;
  /** A postback: answered with reply({option: id}). */
  id?: string;
  /** A link (http/https). */
  url?: string;
}
export interface FormField {
  name: string;
  label: string;
  type: "text" | "email" | "choice";
  required?: boolean;
  options?: { id: string; label: string }[];
}
/** A visitor's answer to message `to`: an option, or a form's values. */
export interface Reply {
  to: number;
  option?: string;
  form?: string;
  values?: Record<string, string>;
}

/** Intent, confidence and signals the relay computed for a visitor message. */
export interface MessageMeta {
  intent: string;
  confidence: number;
  /** "human" | "frustrated" | "urgent" | "closing" | "pii" */
  signals: string[];
}

/** One conversation as the agent inbox lists it (protocol §5 `inbox`). */
export interface ConversationSummary {
  conv: string;
  visitor: Party;
  last_seq: number;
  last_text: string;
  updated: number;
  status: string;
  /** Triage (P5): intent of the latest triaged visitor message; "" when none. */
  intent?: string;
  /** Routing (P4): "queued" | "active" | "inactive" | "closed" ("" when not routed). */
  state?: string;
  /** Routing: the owner's agent id (also while inactive), team, previous owner. */
  agent?: string;
  team?: string;
  previous_agent?: string;
  /** Routing: place in the owner's priority order, 1 = answer first; 0 = none. */
  rank?: number;
  /** Routing: who should write next, "agent" | "customer". */
  awaiting?: string;
  /** Bots (issue 16): the last handoff away from the bot (kept after a hand-back). */
  handoff?: Handoff;
  /** Bots: "paused" while handed off and not handed back. */
  bot?: string;
  /** Identity (issue 17): what the visitor claims; `verified` only when the site's
   *  server vouched for user_id (`email_verified` for the e-mail). Agents only. */
  contact?: Contact;
  /** Customer context (issue 17), agents only: the page the visitor is on (origin +
   *  path, its title, when reported), and their browser's User-Agent. */
  page?: VisitorPage;
  user_agent?: string;
}

/** Customer context (issue 17): where the visitor is, as their widget last said. */
export interface VisitorPage {
  url: string;
  title?: string;
  ts: number;
}

/** Customer context (issue 17): one of the visitor's conversations (`context` event). */
export interface PastConversation {
  conv: string;
  status: string;
  updated: number;
  last_text: string;
  intent?: string;
  /** 1–5, absent when not rated. */
  csat?: number;
}

/** Canned responses (issue 17): the agent's own (personal) and their teams'. */
export interface CannedResponse {
  id: string;
  scope: "personal" | "team";
  team?: string;
  shortcut: string;
  text: string;
  updated: number;
}

/** Identity (issue 17): a visitor's claims as agents see them. */
export interface Contact {
  user_id: string;
  email?: string;
  name?: string;
  attributes?: Record<string, string>;
  verified: boolean;
  email_verified?: boolean;
}

/** Identity (issue 17): the site's logged-in user and its server's proof
 *  (docs/protocol.md §4 "Identity"): user_hash = hex HMAC-SHA256(secret, user_id), or
 *  identity_token, an HS256 JWT with sub/email/name/exp. */
export interface Identity {
  user_id?: string;
  email?: string;
  attributes?: Record<string, string>;
  user_hash?: string;
  identity_token?: string;
}

/** Bots (issue 16): who handed a conversation away from the bot, why and when. */
export interface Handoff {
  by: Party;
  reason: string;
  summary: string;
  ts: number;
}

/** Routing (P4): one agent's load on the supervisor board. */
export interface AgentLoad {
  agent: Party;
  status: string;
  teams: string[];
  load: number;
  inactive: number;
  preferred: number;
  max: number;
}

/** One of an agent's sessions (protocol §5 `sessions`); times in ms since the epoch,
 *  0 when unknown. `id` names it in logout({ session }). */
export interface AgentSession {
  id: string;
  created: number;
  expires: number;
  last_used: number;
  current: boolean;
}

/** One entry of the relay's audit log (protocol §5 `audit`); empty members are absent. */
export interface AuditEntry {
  id: number;
  ts: number;
  actor_role: string;
  actor_id?: string;
  actor_name?: string;
  action: string;
  conv?: string;
  target?: string;
  detail?: string;
  address?: string;
}

/** Events, keyed by their `event` name. */
export interface EventMap {
  /** The core wants a transport now. ParleyClient handles it; listeners may observe. */
  connect: Record<string, never>;
  /** The core wants the transport closed. Handled by ParleyClient. */
  disconnect: Record<string, never>;
  state: { state: ConnectionState };
  welcome: {
    role: Role; token: string; me: Party; conv?: string; last_seq?: number;
    /** Visitors (P7): kinds of personal data to mask before a message is sent. */
    mask?: { client: string[] };
    /** Visitors whose hello made a claim (issue 17): was it vouched for, and if not why. */
    identity?: { user_id: string; verified: boolean; reason?: string };
    /** Visitors (issue 17): the pre-chat form to show before their first message. */
    prechat?: PrechatField[];
    /** Verified visitors (issue 17): their closed conversations, newest first (read-only),
     *  each with the start of the last message said to the visitor there (`preview`, at most
     *  140 bytes then "…"; absent when none). */
    past?: PastChat[];
  };
  /** A message was accepted locally and waits for the relay's ack. */
  queued: { conv: string; cid: string; text: string; parts?: RichPart[]; reply?: Reply };
  /** The relay stored a message of ours durably. */
  ack: { conv: string; cid: string; seq: number; ts: number };
  message: Message;
  /** Someone started or stopped typing; the core expires `on:true` by itself. */
  typing: { conv: string; from: Party; on: boolean };
  read: { conv: string; from: Party; seq: number };
  presence: { who: Party; status: PresenceStatus };
  history: { conv: string; msgs: Message[]; more: boolean };
  inbox: { convs: ConversationSummary[] };
  conv: ConversationSummary;
  synced: { conv: string; last_seq: number };
  /** 4029: `frame` and `conv` name the refused frame (type, conversation) so it can be resent. */
  /** 1011 invalid_form: `fields` names each bad form field with its reason. */
  error: { code: number; message: string; ref?: string; retry_after_ms?: number; frame?: string; conv?: string; fields?: Record<string, string> };
  /** Routing (P4), visitors: place in the team's queue; 0 = an agent has it.
   *  expected_wait_ms -1: nobody of the team is available. */
  queue: { conv: string; team: string; position: number; expected_wait_ms: number };
  /** Routing (P4), agents: loads and queues (supervisors: all; others: their teams). */
  /** `convs` lists the first conversations of a queue (at most 100); `length` counts all. */
  supervisor: { agents: AgentLoad[]; queues: { team: string; convs: string[]; length: number }[]; full: boolean };
  /** Agents: the answer to logout(): sessions revoked, and whether this one was (the
   *  relay then closes with 4102 and the stored token is already forgotten). */
  logged_out: { revoked: number; current: boolean };
  /** Agents: the answer to sessions(). */
  sessions: { sessions: AgentSession[] };
  /** Supervisors: the answer to audit(), newest first; `more`: older entries exist. */
  audit: { entries: AuditEntry[]; more: boolean };
  /** Streaming (issue 16): a delta of a reply being written; append it to the text of
   *  (conv, from.id, cid). Its final text comes as a `message` with that from.id and cid. */
  stream: { conv: string; cid: string; from: Party; delta: string; offset: number };
  /** Streaming (issue 16): drop the partial text. "cancelled" | "sender_gone" |
   *  "timeout" (the relay), "dropped" | "disconnected" (the core). */
  stream_end: { conv: string; cid: string; from: Party; reason: string };
  /** CSAT (issue 17), visitors: the relay stored the rating of `conv`. */
  rated: { conv: string; score: number };
  /** Issue 17, agents: the answer to search(): `q` and `status` as asked, the matches
   *  newest first; `cursor` (absent once the oldest was looked at) goes on from there. */
  found: { q: string; status: string; convs: ConversationSummary[]; cursor?: string };
  /** Agents (issue 17): the answer to context(): the visitor's conversations this agent
   *  may open, newest first (the one asked about included). */
  context: { conv: string; convs: PastConversation[] };
  /** Agents (issue 17): every canned response this agent sees (answer to canned()). */
  canned: { items: CannedResponse[] };
  /** Issue 17, visitors: the relay stored the pre-chat answers (or, offline, the e-mail). */
  prechat_saved: { conv: string; offline?: boolean };
}

export type EventName = keyof EventMap;

/** An event as the core emits it: the payload plus its name. */
export type CoreEvent = { [K in EventName]: { event: K } & EventMap[K] }[EventName];

export type Handler<K extends EventName> = (payload: EventMap[K] & { event: K }) => void;

/** User actions understood by parley_client_act. */
export type Action =
  | { do: "send"; conv: string; text: string; parts?: RichPart[]; cid?: string }
  | { do: "stream"; conv: string; cid: string; delta: string }
  | { do: "cancel_stream"; conv: string; cid: string }
  | { do: "reply"; conv: string; text: string; to: number; option?: string; form?: string; values?: Record<string, string> }
  | { do: "typing"; conv: string; on: boolean }
  | { do: "read"; conv: string; seq: number }
  | { do: "history"; conv: string; before?: number; limit?: number }
  | { do: "presence"; status: PresenceStatus }
  | { do: "note"; conv: string; text: string }
  | { do: "transfer"; conv: string; to_agent?: string; to_team?: string; note: string }
  | { do: "close"; conv: string }
  | { do: "reopen"; conv: string }
  | { do: "handoff"; conv: string; reason: string; summary?: string; team?: string }
  | { do: "handback"; conv: string }
  | { do: "logout"; all?: boolean; session?: string }
  | { do: "sessions" }
  | { do: "audit"; before?: number; limit?: number }
  | { do: "search"; q: string; status: "open" | "closed"; cursor?: string; limit?: number }
  | { do: "connect" }
  | { do: "disconnect" }
  | { do: "identify"; identity: Identity | null }
  | { do: "rate"; conv: string; score: number; comment?: string }
  | { do: "navigate"; url: string; title?: string }
  | { do: "context"; conv: string }
  | { do: "canned"; op: "list" | "save" | "delete"; id?: string; scope?: "personal" | "team"; team?: string; shortcut?: string; text?: string }
  | { do: "prechat"; conv: string; values: Record<string, string>; offline?: boolean };

/** One question of the pre-chat form (issue 17): "name", "email" or an operator's own
 *  question with its label. */
export interface PrechatField { name: string; label?: string; required?: boolean }

/** A verified visitor's earlier, closed conversation (issue 17; the welcome's `past`).
 *  `updated`: ms since the epoch; `preview`: the start of the last message a party said to
 *  the visitor there (never an agents' note), absent when there is none. */
export interface PastChat { conv: string; updated: number; preview?: string }

/** Configuration handed to parley_client_new. */
export interface CoreConfig {
  role: "visitor" | "agent" | "bot";
  token?: string;
  /** Bots (issue 16): the API key. */
  key?: string;
  name?: string;
  email?: string;
  password?: string;
  /** Visitors (issue 17): the site's logged-in user. */
  identity?: Identity;
  /** Unique per client instance: prefixes the client message ids. */
  instance: string;
  /** Seed of the reconnect jitter. */
  seed?: number;
  /** Resume state: the last sequence seen per conversation. */
  known?: Record<string, number>;
  /** Unacknowledged sends from an earlier page load, resent first with their cids. */
  outbox?: OutboxEntry[];
}

/** A message the relay has not acknowledged yet. `conv` is "" for a visitor's message
 *  written before the first welcome named the conversation. */
export interface OutboxEntry {
  conv: string;
  cid: string;
  text: string;
  /** Issue 16: a rich message's parts, a visitor's answer; resent with the entry. */
  parts?: RichPart[];
  reply?: Reply;
}

/** The part of the DOM Storage interface the client uses (localStorage, sessionStorage, or a stub). */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The part of a WebSocket the client uses; the browser's and the `ws` package's both fit. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: any) => void) | null;
  onclose: ((ev: any) => void) | null;
  onerror: ((ev: any) => void) | null;
  onmessage: ((ev: any) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketConstructor = new (url: string, protocols?: string | string[]) => SocketLike;

/** How to obtain the Wasm module (see core.ts). */
export interface CoreLoadOptions {
  /** The MODULARIZE factory from parley_core.js; defaults to the global `createParleyCore`. */
  factory?: CoreFactory;
  /** The bytes of parley_core.wasm (Node, or bundlers that inline it). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where to fetch parley_core.wasm from, when not beside parley_core.js. */
  wasmUrl?: string;
}

/** Emscripten's MODULARIZE factory, typed as far as we use it. */
export type CoreFactory = (moduleArg?: Record<string, unknown>) => Promise<unknown>;

export interface ClientOptions extends CoreLoadOptions {
  /** The relay's WebSocket endpoint, e.g. `wss://chat.example.com/ws`. */
  url: string;
  role: "visitor" | "agent";
  /** A token from an earlier welcome; when absent it is read from `storage`. */
  token?: string;
  /** Visitor display name sent with hello. */
  name?: string;
  /** Visitor only: the page the widget is on, origin + path (no query or fragment,
   *  ≤ 512 bytes); the relay's team rules may route by it. */
  page?: string;
  /** Visitor only (issue 17): the page's title (≤ 200 bytes), for the agents. */
  title?: string;
  /** Visitor only (issue 17): the site's logged-in user, sent with every hello. */
  identity?: Identity;
  /** Agent password login (when no valid token is held). */
  email?: string;
  password?: string;
  /** Where the session token is kept between page loads; `null` to keep nothing.
   *  Default: localStorage for visitors, sessionStorage for agents (when present). */
  storage?: TokenStorage | null;
  /** Storage key of the token. Default: `parley.<role>.token@<url>`. */
  storageKey?: string;
  /** Keep unacknowledged messages in `storage` too, so a reload resends them (the
   *  relay deduplicates by cid). Default true. */
  persistOutbox?: boolean;
  /** Resume state: last sequence seen per conversation. */
  known?: Record<string, number>;
  /** WebSocket constructor; defaults to the global WebSocket. */
  WebSocket?: SocketConstructor;
  /** Monotonic clock in ms; defaults to performance.now(). */
  now?: () => number;
}
