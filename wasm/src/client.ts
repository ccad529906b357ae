// ParleyClient: the browser (or Node) adapter around the sans-I/O client core.
//
// Theory of operation: the core decides everything about the chat (handshake, resume,
// outbox, backoff, typing throttle and expiry); this class only moves bytes and time.
// It opens a WebSocket when the core emits `connect`, closes it on `disconnect`, feeds
// every transport event and received frame to the core, writes every outgoing frame
// after every call, and arms one setTimeout for the core's next deadline. It also keeps
// the session token in Web Storage so a reload resumes the same identity.
//
// Events are delivered through one queue: a handler that calls back into the client
// (say, `history` on `welcome`) only appends to that queue, so listeners always see
// events in the order the core produced them.

import { CoreHandle, ParleyCore } from "./core.js";
import type {
  Action,
  ClientOptions,
  ConnectionState,
  CoreEvent,
  EventName,
  Handler,
  Identity,
  OutboxEntry,
  Party,
  PresenceStatus,
  Reply,
  RichPart,
  SocketConstructor,
  SocketLike,
  TokenStorage,
} from "./types.js";

export const SUBPROTOCOL = "parley.v1";
const WS_OPEN = 1;

type AnyHandler = (payload: CoreEvent) => void;

export class ParleyClient {
  private readonly core: CoreHandle;
  private readonly Socket: SocketConstructor | undefined;
  private readonly storage: TokenStorage | null;
  private readonly storageKey: string;
  private readonly outboxKey: string | null;
  private outbox: OutboxEntry[];
  private readonly knownKey: string | null;
  private readonly known: Record<string, number>;
  private readonly clock: () => number;
  private readonly handlers = new Map<string, Set<AnyHandler>>();
  private readonly queue: CoreEvent[] = [];
  private draining = false;
  private socket: SocketLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = -1;
  private _state: ConnectionState = "offline";
  private _me: Party | null = null;
  private _conv: string | null = null;
  private _token: string | null = null;

  /** Loads the Wasm core (unless one is given) and makes a client. It does not connect
   *  until connect() is called. */
  static async create(options: ClientOptions, core?: ParleyCore): Promise<ParleyClient> {
    return new ParleyClient(core ?? (await ParleyCore.load(options)), options);
  }

  constructor(core: ParleyCore, private readonly options: ClientOptions) {
    this.Socket = options.WebSocket ?? (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
    this.storage = options.storage !== undefined ? options.storage : defaultStorage(options.role);
    this.storageKey = options.storageKey ?? `parley.${options.role}.token@${options.url}`;
    const perf = (globalThis as { performance?: { now(): number } }).performance;
    this.clock = options.now ?? (perf ? () => perf.now() : () => Date.now());

    this.outboxKey = options.persistOutbox === false ? null : this.storageKey + ".outbox";
    this.outbox = this.readOutbox();
    // The last sequence seen per conversation survives a reload beside the outbox, so
    // the core resumes with `sync` from where this browser really was.
    this.knownKey = options.persistOutbox === false ? null : this.storageKey + ".known";
    this.known = { ...this.readKnown(), ...(options.known ?? {}) };

    const config = {
      role: options.role,
      token: options.token ?? this.load(this.storageKey) ?? undefined,
      name: options.name,
      page: options.page,
      title: options.title,
      identity: options.identity,
      email: options.email,
      password: options.password,
      instance: randomId(),
      seed: Math.floor(Math.random() * 0x7fffffff),
      known: this.known,
      outbox: this.outbox,
    };
    let handle: CoreHandle;
    try {
      handle = core.create(config);
    } catch (err) {
      if (!this.outbox.length) throw err;
      // A stored outbox the core refuses (edited by hand, older format): drop it.
      this.outbox = [];
      this.saveOutbox();
      handle = core.create({ ...config, outbox: [] });
    }
    this.core = handle;
  }

  // ---- state -------------------------------------------------------------------

  get state(): ConnectionState {
    return this._state;
  }
  /** Our own party, known after `welcome`. */
  get me(): Party | null {
    return this._me;
  }
  /** The visitor's conversation, known after `welcome`. */
  get conv(): string | null {
    return this._conv;
  }
  /** The token this connection was welcomed with (a visitor's token, an agent's
   *  session token): the bearer token of the relay's HTTP side, e.g. attachments
   *  (docs/attachments.md). Null before the first `welcome`. */
  get token(): string | null {
    return this._token;
  }
  /** Messages not yet acknowledged by the relay, oldest first; after a reload these
   *  are the ones restored from storage, which produce no `queued` event. */
  get pending(): OutboxEntry[] {
    return this.outbox.map((e) => ({ ...e }));
  }

  // ---- events ------------------------------------------------------------------

  /** Subscribes to an event; returns the function that unsubscribes. `"*"` receives all. */
  on<K extends EventName>(event: K, handler: Handler<K>): () => void;
  on(event: "*", handler: (payload: CoreEvent) => void): () => void;
  on(event: string, handler: (payload: never) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as AnyHandler);
    return () => this.off(event as EventName, handler as never);
  }

  off<K extends EventName>(event: K | "*", handler: Handler<K>): void {
    this.handlers.get(event)?.delete(handler as unknown as AnyHandler);
  }

  // ---- actions (each returns the core's status: 0 or a protocol error code) -----

  connect(): number {
    return this.act({ do: "connect" });
  }
  disconnect(): number {
    return this.act({ do: "disconnect" });
  }
  /** Visitors (issue 17): who the visitor is on the site (null: nobody, after the
   *  site's logout). An open session restarts so the next hello carries it. */
  identify(identity: Identity | null): number {
    return this.act({ do: "identify", identity });
  }
  /** Visitors (issue 17): rates the closed conversation, `score` 1–5, with an optional
   *  comment (≤ 1000 bytes). The relay answers with a `rated` event (3006: still open). */
  rate(conv: string, score: number, comment?: string): number {
    const action: Action = { do: "rate", conv, score };
    if (comment) action.comment = comment;
    return this.act(action);
  }
  /** Visitors (issue 17): the host page changed (a single-page site navigated): origin
   *  + path (≤ 512 bytes) and title (≤ 200). Sent now, and by every later hello. */
  navigate(url: string, title?: string): number {
    return this.act(title ? { do: "navigate", url, title } : { do: "navigate", url });
  }
  /** Visitors (issue 17): the pre-chat form's answers, or with `offline` the e-mail left
   *  for a reply when nobody is available. The relay answers `prechat_saved`, or an
   *  error 1011 whose `fields` give a reason per bad field. */
  prechat(conv: string, values: Record<string, string>, offline = false): number {
    const action: Action = { do: "prechat", conv, values };
    if (offline) action.offline = true;
    return this.act(action);
  }
  send(conv: string, text: string): number {
    return this.act({ do: "send", conv, text });
  }
  typing(conv: string, on: boolean): number {
    return this.act({ do: "typing", conv, on });
  }
  read(conv: string, seq: number): number {
    return this.act({ do: "read", conv, seq });
  }
  history(conv: string, before?: number, limit?: number): number {
    const action: Action = { do: "history", conv };
    if (before !== undefined) action.before = before;
    if (limit !== undefined) action.limit = limit;
    return this.act(action);
  }
  presence(status: PresenceStatus): number {
    return this.act({ do: "presence", status });
  }

  // ---- streaming and rich messages (issue 16) ------------------------------------
  /** A visitor's answer to message `to`: a quick reply / postback (`option`) or a form
   *  (`form` + `values`). `text` is what it shows. 1011 comes back as an `error` event
   *  whose `fields` names each bad value. */
  reply(conv: string, text: string, reply: Reply): number {
    const action: Action = { do: "reply", conv, text, to: reply.to };
    if (reply.option !== undefined) action.option = reply.option;
    if (reply.form !== undefined) action.form = reply.form;
    if (reply.values !== undefined) action.values = reply.values;
    return this.act(action);
  }
  /** Agents: a message with parts; with `cid`, it finalises the stream of that cid. */
  sendRich(conv: string, text: string, parts?: RichPart[], cid?: string): number {
    const action: Action = { do: "send", conv, text };
    if (parts !== undefined) action.parts = parts;
    if (cid !== undefined) action.cid = cid;
    return this.act(action);
  }
  /** Agents: one delta (1–2000 bytes) of the reply `cid`, sent at once (never queued). */
  stream(conv: string, cid: string, delta: string): number {
    return this.act({ do: "stream", conv, cid, delta });
  }
  /** Agents: cancels the stream `cid`. */
  cancelStream(conv: string, cid: string): number {
    return this.act({ do: "cancel_stream", conv, cid });
  }

  // ---- routing (agents, P4) -------------------------------------------------------
  /** An internal note: stored for agents only, never sent to the visitor. */
  note(conv: string, text: string): number {
    return this.act({ do: "note", conv, text });
  }
  /** Hands the conversation to an agent (id) or a team, with a note for the new owner. */
  transfer(conv: string, to: { agent?: string; team?: string }, note: string): number {
    const action: Action = { do: "transfer", conv, note };
    if (to.agent) action.to_agent = to.agent;
    else if (to.team) action.to_team = to.team;
    return this.act(action);
  }
  close(conv: string): number {
    return this.act({ do: "close", conv });
  }
  reopen(conv: string): number {
    return this.act({ do: "reopen", conv });
  }
  /** Agents (issue 16): gives a conversation handed off by the bot back to it (its
   *  holder or a supervisor; 3006 while no bot is connected). */
  handback(conv: string): number {
    return this.act({ do: "handback", conv });
  }

  // ---- sessions (agents) ----------------------------------------------------------
  /** Sign-out: the relay revokes this session (`all`: every session of the agent;
   *  `session`: the one of that id) and answers with a `logged_out` event; the stored
   *  token is forgotten then, and the relay closes the connection (state "stopped"). */
  logout(opts: { all?: boolean; session?: string } = {}): number {
    const action: Action = { do: "logout" };
    if (opts.all) action.all = true;
    if (opts.session) action.session = opts.session;
    return this.act(action);
  }
  /** Asks for the agent's sessions; the answer is a `sessions` event. */
  sessions(): number {
    return this.act({ do: "sessions" });
  }
  /** Supervisors: a page of the audit log, newest first (entries with id < before, at
   *  most limit, 1..200); the answer is an `audit` event (others get error 2004). */
  audit(opts: { before?: number; limit?: number } = {}): number {
    const action: Action = { do: "audit" };
    if (opts.before !== undefined) action.before = opts.before;
    if (opts.limit !== undefined) action.limit = opts.limit;
    return this.act(action);
  }

  /** Issue 17, agents: searches the stored conversations of `status` for `q` (visitor
   *  name, claimed name or e-mail, message text; "" lists them all), newest first, those
   *  the agent may see; the answer is a `found` event. Pass its `cursor` to go on. */
  search(opts: { q: string; status: "open" | "closed"; cursor?: string; limit?: number }): number {
    const action: Action = { do: "search", q: opts.q, status: opts.status };
    if (opts.cursor) action.cursor = opts.cursor;
    if (opts.limit !== undefined) action.limit = opts.limit;
    return this.act(action);
  }
  /** Agents (issue 17): the customer context of `conv` (answer: a `context` event). */
  context(conv: string): number {
    return this.act({ do: "context", conv });
  }
  /** Agents (issue 17): lists, saves (no id: a new one) or deletes canned responses;
   *  the answer is a `canned` event with the whole list (or an error: 2004, 3011). */
  canned(op: Extract<Action, { do: "canned" }>): number {
    return this.act(op);
  }

  /** Forgets the stored session token (e.g. on sign-out). */
  forgetToken(): void {
    this.unstore(this.storageKey);
  }

  /** Closes the transport, stops the timer and frees the core. The client is dead afterwards. */
  destroy(): void {
    this.dropSocket(1000);
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.core.free();
    this.handlers.clear();
  }

  // ---- plumbing ----------------------------------------------------------------

  private act(action: Action): number {
    return this.call((core, now) => core.act(action, now));
  }

  /** Every entry into the core goes through here: call, then write, emit, re-arm. */
  private call(fn: (core: CoreHandle, now: number) => number): number {
    if (!this.core.alive) return 0;
    const status = fn(this.core, this.clock());
    this.flush();
    return status;
  }

  private flush(): void {
    if (!this.core.alive) return;
    for (const frame of this.core.takeOutgoing()) {
      // The core writes only while it believes the transport open; if the socket
      // closed under it, the close event is on its way and the core's outbox resends.
      if (this.socket && this.socket.readyState === WS_OPEN) this.socket.send(frame);
    }
    this.queue.push(...this.core.takeEvents());
    this.arm();
    this.drain();
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      let event: CoreEvent | undefined;
      while ((event = this.queue.shift())) {
        this.handle(event);
        this.emit(event);
      }
    } finally {
      this.draining = false;
    }
  }

  /** The adapter's own reactions: the transport requests and the token. */
  private handle(event: CoreEvent): void {
    switch (event.event) {
      case "connect":
        this.openSocket();
        break;
      case "disconnect":
        this.dropSocket(1000);
        break;
      case "state":
        this._state = event.state;
        break;
      case "welcome":
        this._me = event.me;
        if (event.conv) {
          this._conv = event.conv;
          for (const e of this.outbox) if (!e.conv) e.conv = event.conv;
        }
        this._token = event.token;
        this.store(this.storageKey, event.token);
        this.saveOutbox();
        break;
      case "queued":
        {
          const entry: OutboxEntry = { conv: event.conv, cid: event.cid, text: event.text };
          if (event.parts) entry.parts = event.parts;
          if (event.reply) entry.reply = event.reply;
          this.outbox.push(entry);
        }
        this.saveOutbox();
        break;
      case "ack":
        this.dropFromOutbox(event.cid);
        break;
      case "message":
        this.remember(event.conv, event.seq);
        break;
      case "logged_out":
        if (event.current) this.forgetToken(); // revoked on the relay: worthless now
        break;
      case "error":
        if (event.code === 2003) this.forgetToken(); // stored agent token expired or revoked
        // The core gives up on a refused message (1xxx–3xxx) and retries 4xxx (rate
        // limited, after retry_after_ms) and 5xxx itself.
        if (event.ref && event.code < 4000) this.dropFromOutbox(event.ref);
        break;
    }
  }

  private emit(event: CoreEvent): void {
    for (const key of [event.event, "*"]) {
      const set = this.handlers.get(key);
      if (!set) continue;
      for (const handler of Array.from(set)) {
        try {
          handler(event);
        } catch (err) {
          // A failing listener must not break the transport loop.
          setTimeout(() => {
            throw err;
          });
        }
      }
    }
  }

  private openSocket(): void {
    this.dropSocket(1000);
    const Socket = this.Socket;
    let ws: SocketLike;
    try {
      if (!Socket) throw new Error("no WebSocket implementation");
      ws = new Socket(this.options.url, SUBPROTOCOL);
    } catch {
      // Report a failed open as an abnormal close, outside this drain, so the
      // core's backoff takes over.
      setTimeout(() => this.call((core, now) => core.closed(1006, now)));
      return;
    }
    this.socket = ws;
    ws.onopen = () => {
      if (this.socket === ws) this.call((core, now) => core.opened(now));
    };
    ws.onmessage = (ev: { data: unknown }) => {
      // Binary frames are not part of the protocol; the relay never sends them.
      if (this.socket === ws && typeof ev.data === "string") {
        const data = ev.data;
        this.call((core, now) => core.receive(data, now));
      }
    };
    ws.onclose = (ev: { code?: number }) => {
      if (this.socket !== ws) return;
      this.socket = null;
      // 4102 session_ended: the session was revoked on the relay (signed out here or
      // elsewhere, agent disabled) or expired; its token will never work again.
      if (ev.code === 4102) this.forgetToken();
      this.call((core, now) => core.closed(ev.code || 1006, now));
    };
    ws.onerror = () => {
      /* always followed by close */
    };
  }

  /** Closes the current socket without reporting it: the core asked for it. */
  private dropSocket(code: number): void {
    const ws = this.socket;
    if (!ws) return;
    this.socket = null;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      ws.close(code);
    } catch {
      /* already closing */
    }
  }

  private arm(): void {
    const at = this.core.alive ? this.core.nextDeadline() : -1;
    if (at === this.timerAt && (this.timer !== null || at < 0)) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = at;
    if (at < 0) return;
    const delay = Math.max(0, at - this.clock());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = -1;
      this.call((core, now) => core.tick(now));
    }, Math.ceil(delay));
  }

  private dropFromOutbox(cid: string): void {
    const before = this.outbox.length;
    this.outbox = this.outbox.filter((e) => e.cid !== cid);
    if (this.outbox.length !== before) this.saveOutbox();
  }

  private remember(conv: string, seq: number): void {
    if (!this.knownKey || seq <= (this.known[conv] ?? 0)) return;
    this.known[conv] = seq;
    this.store(this.knownKey, JSON.stringify(this.known));
  }

  private readKnown(): Record<string, number> {
    if (!this.knownKey) return {};
    try {
      const value: unknown = JSON.parse(this.load(this.knownKey) || "{}");
      const known: Record<string, number> = {};
      if (value && typeof value === "object" && !Array.isArray(value))
        for (const [conv, seq] of Object.entries(value as Record<string, unknown>))
          if (typeof seq === "number" && Number.isSafeInteger(seq) && seq >= 0) known[conv] = seq;
      return known;
    } catch {
      return {};
    }
  }

  private readOutbox(): OutboxEntry[] {
    if (!this.outboxKey) return [];
    try {
      const value: unknown = JSON.parse(this.load(this.outboxKey) || "[]");
      if (!Array.isArray(value)) return [];
      return value.filter(
        (e): e is OutboxEntry =>
          !!e && typeof e.conv === "string" && typeof e.cid === "string" && typeof e.text === "string",
      );
    } catch {
      return [];
    }
  }

  private saveOutbox(): void {
    if (!this.outboxKey) return;
    if (this.outbox.length) this.store(this.outboxKey, JSON.stringify(this.outbox));
    else this.unstore(this.outboxKey);
  }

  // Storage may be missing, full, or throw on access (blocked third-party storage);
  // then the session and outbox simply do not survive a reload.
  private load(key: string): string | null {
    try {
      return this.storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }

  private store(key: string, value: string): void {
    if (!value) return;
    try {
      this.storage?.setItem(key, value);
    } catch {
      /* see above */
    }
  }

  private unstore(key: string): void {
    try {
      this.storage?.removeItem(key);
    } catch {
      /* see above */
    }
  }
}

function defaultStorage(role: "visitor" | "agent"): TokenStorage | null {
  try {
    const g = globalThis as { localStorage?: TokenStorage; sessionStorage?: TokenStorage };
    return (role === "visitor" ? g.localStorage : g.sessionStorage) ?? null;
  } catch {
    return null; // access throws when storage is blocked for this frame
  }
}

/** A client instance id: letters and digits only, valid inside a cid (protocol §2). */
function randomId(): string {
  const bytes = new Uint8Array(8);
  const c = (globalThis as { crypto?: { getRandomValues(a: Uint8Array): Uint8Array } }).crypto;
  if (c) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  let id = "w";
  for (const b of bytes) id += (b % 36).toString(36);
  return id;
}
