// The Agents view of the console (issue 17), for supervisors: every agent with their
// teams, skills, concurrency, role, status and whether they may sign in; add an agent
// (the relay generates the password and it is shown here once), change teams, skills,
// concurrency and role, disable/enable, reset a password, remove.
//
// It speaks the relay's `agent_admin` frame (docs/protocol.md) over a WebSocket of its
// own, opened with this session's token while the view is open (like privacy.ts): the
// Wasm core is the widget's too, and every byte in it counts against the widget's
// budget, for a view a supervisor opens rarely. The relay pushes a fresh `agents` list
// to every open view after any change, so two supervisors see each other's edits. The
// relay enforces every rule (2004 for a non-supervisor, 3012 for the last supervisor…);
// this view only says what went wrong, in words.

import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { SUBPROTOCOL } from "../../../wasm/src/client";

export interface AgentInfo {
  id: string;
  email: string;
  name: string;
  teams: string[];
  skills: string[];
  preferred: number;
  max_load: number;
  supervisor: boolean;
  disabled: boolean;
  status: string;
}

interface AgentList {
  type: "agents";
  agents: AgentInfo[];
  more?: boolean;
  op?: string;
  cid?: string;
  agent?: string;
  password?: string;
  sessions?: number;
}

type Frame = { type: string; [k: string]: unknown };
type Request = { op: string; agent?: string; [k: string]: unknown };

// What an error code means to a supervisor (the relay's message adds the detail).
const ERRORS: Record<number, string> = {
  1005: "Check the fields",
  2004: "Only supervisors can manage agents.",
  3004: "That agent no longer exists.",
  3012: "This is the last enabled supervisor: make another agent a supervisor first.",
  3013: "An agent with this e-mail already exists.",
  4029: "One password at a time: try again in a second.",
  5001: "The relay could not save the change; try again.",
};

/** One admin connection: requests by cid, the latest list, and a hook for pushes. */
class AdminLink {
  private ws: WebSocket | null = null;
  private next = 1;
  private waiting = new Map<string, { ok: (l: AgentList) => void; fail: (code: number, msg: string) => void }>();
  onList: (l: AgentList) => void = () => {};
  onClosed: (why: string) => void = () => {};

  constructor(private token: () => string | null) {}

  open(): void {
    const ws = new WebSocket(new URL("../ws", location.href).href.replace(/^http/, "ws"), SUBPROTOCOL);
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ v: 1, type: "hello", role: "agent", token: this.token() }));
    ws.onmessage = (ev) => {
      const f = JSON.parse(String(ev.data)) as Frame;
      if (f.type === "welcome") {
        void this.request({ op: "list" }).catch(() => {});
      } else if (f.type === "agents") {
        const list = f as unknown as AgentList;
        this.onList(list);
        const w = list.cid ? this.waiting.get(list.cid) : undefined;
        if (w && list.cid) {
          this.waiting.delete(list.cid);
          w.ok(list);
        }
      } else if (f.type === "error") {
        const ref = String(f.ref ?? "");
        const w = this.waiting.get(ref);
        if (w) {
          this.waiting.delete(ref);
          w.fail(Number(f.code), String(f.message ?? ""));
        } else if (Number(f.code) === 2004 || Number(f.code) === 2003) {
          this.onClosed(ERRORS[2004]);
        }
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      for (const w of this.waiting.values()) w.fail(0, "connection lost");
      this.waiting.clear();
      this.onClosed("The connection to the relay was lost.");
    };
  }

  close(): void {
    const ws = this.ws;
    this.ws = null;
    ws?.close();
  }

  request(req: Request): Promise<AgentList> {
    const cid = `adm.${this.next++}`;
    return new Promise((ok, fail) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return fail(new AdminError(0, "not connected"));
      this.waiting.set(cid, { ok, fail: (code, msg) => fail(new AdminError(code, msg)) });
      this.ws.send(JSON.stringify({ v: 1, type: "agent_admin", cid, ...req }));
    });
  }
}

class AdminError extends Error {
  constructor(public code: number, detail: string) {
    super(detail);
  }
  get text(): string {
    const known = ERRORS[this.code];
    if (this.code === 1005) return `${known}: ${this.message}.`;
    return known ?? (this.code === 0 ? "The connection to the relay was lost." : `Error ${this.code}: ${this.message}`);
  }
}

const words = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);
const statusLabel: Record<string, string> = { available: "Available", away: "Away", offline: "Offline" };

/** The form for a new agent, or for an existing one's routing and role. */
function AgentForm(props: {
  agent?: AgentInfo;
  busy: boolean;
  onSubmit: (fields: Record<string, unknown>) => void;
  onCancel: () => void;
}) {
  const a = props.agent;
  const [email, setEmail] = useState("");
  const [name, setName] = useState(a?.name ?? "");
  const [teams, setTeams] = useState((a?.teams ?? ["general"]).join(", "));
  const [skills, setSkills] = useState((a?.skills ?? []).join(", "));
  const [preferred, setPreferred] = useState(String(a?.preferred ?? 3));
  const [maxLoad, setMaxLoad] = useState(String(a?.max_load ?? 5));
  const [supervisor, setSupervisor] = useState(a?.supervisor ?? false);
  const id = a ? a.id : "new";
  const submit = (ev: Event) => {
    ev.preventDefault();
    const fields: Record<string, unknown> = {
      name: name.trim(),
      teams: words(teams),
      skills: words(skills),
      preferred: Number(preferred),
      max_load: Number(maxLoad),
      supervisor,
    };
    if (!a) fields.email = email.trim();
    props.onSubmit(fields);
  };
  return (
    <form class="agent-form" data-testid={a ? "agent-edit-form" : "agent-add-form"} onSubmit={submit}>
      {!a && (
        <label>
          E-mail
          <input type="email" required value={email} data-testid="agent-email"
                 onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
      )}
      <label>
        Name
        <input required maxLength={80} value={name} data-testid="agent-name"
               onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Teams <span class="hint">(comma-separated)</span>
        <input value={teams} data-testid="agent-teams" onInput={(e) => setTeams(e.currentTarget.value)} />
      </label>
      <label>
        Skills <span class="hint">(comma-separated)</span>
        <input value={skills} data-testid="agent-skills" onInput={(e) => setSkills(e.currentTarget.value)} />
      </label>
      <div class="agent-form-row">
        <label>
          Preferred chats
          <input type="number" min={0} max={1000} required value={preferred} data-testid="agent-preferred"
                 onInput={(e) => setPreferred(e.currentTarget.value)} />
        </label>
        <label>
          Maximum
          <input type="number" min={0} max={1000} required value={maxLoad} data-testid="agent-max"
                 onInput={(e) => setMaxLoad(e.currentTarget.value)} />
        </label>
      </div>
      <label class="agent-check">
        <input type="checkbox" checked={supervisor} data-testid="agent-supervisor"
               onChange={(e) => setSupervisor(e.currentTarget.checked)} />
        Supervisor <span class="hint">(sees every conversation, manages agents)</span>
      </label>
      <div class="dialog-actions">
        <button type="button" class="secondary" onClick={props.onCancel}>Cancel</button>
        <button type="submit" disabled={props.busy} data-testid={`agent-save-${id}`}>
          {a ? "Save" : "Add agent"}
        </button>
      </div>
    </form>
  );
}

/** The view: the list, one form at a time, and what the last action said. */
export function AgentsView(props: { token: () => string | null; me: () => string; onClose: () => void }) {
  const [agents, setAgents] = useState<AgentInfo[] | null>(null);
  const [more, setMore] = useState(false);
  const [editing, setEditing] = useState<string | null>(null); // agent id, "new", or none
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);
  const [secret, setSecret] = useState<{ email: string; password: string } | null>(null);
  const link = useRef<AdminLink | null>(null);

  useEffect(() => {
    const l = new AdminLink(props.token);
    l.onList = (list) => {
      setAgents(list.agents);
      setMore(!!list.more);
    };
    l.onClosed = (why) => setNotice({ text: why, error: true });
    l.open();
    link.current = l;
    return () => l.close();
  }, []);

  const act = async (req: Request, done: (l: AgentList) => string) => {
    if (!link.current) return;
    setBusy(true);
    setNotice(null);
    try {
      const list = await link.current.request(req);
      setEditing(null);
      setNotice({ text: done(list), error: false });
    } catch (e) {
      setNotice({ text: e instanceof AdminError ? e.text : String(e), error: true });
    } finally {
      setBusy(false);
    }
  };
  const find = (id: string) => agents?.find((a) => a.id === id);

  const add = (fields: Record<string, unknown>) =>
    act({ op: "add", ...fields }, (l) => {
      setSecret({ email: String(fields.email), password: l.password ?? "" });
      return `${String(fields.name)} was added.`;
    });
  const update = (a: AgentInfo, fields: Record<string, unknown>) =>
    act({ op: "update", agent: a.id, ...fields }, () => `${a.name} was saved; routing uses it now.`);
  const toggle = (a: AgentInfo) =>
    act({ op: a.disabled ? "enable" : "disable", agent: a.id }, (l) =>
      a.disabled ? `${a.name} may sign in again.` : `${a.name} was disabled and signed out (${l.sessions ?? 0} session(s)).`);
  const reset = (a: AgentInfo) => {
    if (!confirm(`Give ${a.name} a new password? They will be signed out everywhere.`)) return;
    void act({ op: "reset_password", agent: a.id }, (l) => {
      setSecret({ email: a.email, password: l.password ?? "" });
      return `${a.name} has a new password and was signed out.`;
    });
  };
  const remove = (a: AgentInfo) => {
    if (!confirm(`Remove ${a.name} (${a.email})? Their account is deleted; their messages keep their name.`)) return;
    void act({ op: "remove", agent: a.id }, () => `${a.name} was removed.`);
  };

  return (
    <div class="agents-view" data-testid="agents-view">
      <div class="agents-head">
        <h2 id="agents-title">Agents</h2>
        <button type="button" class="agents-add" data-testid="agent-add" disabled={busy || editing === "new"}
                onClick={() => { setEditing("new"); setSecret(null); }}>
          Add agent
        </button>
      </div>
      {notice && (
        <p class={notice.error ? "error" : "agents-ok"} role={notice.error ? "alert" : "status"} data-testid="agents-notice">
          {notice.text}
        </p>
      )}
      {secret && (
        <div class="agents-secret" role="status" data-testid="agents-secret">
          <p>
            Password for <strong>{secret.email}</strong>, shown only now. Give it to them privately; they
            sign in with it.
          </p>
          <code data-testid="agents-password">{secret.password}</code>
          <button type="button" class="secondary" onClick={() => setSecret(null)}>Done</button>
        </div>
      )}
      {editing === "new" && <AgentForm busy={busy} onSubmit={add} onCancel={() => setEditing(null)} />}
      {agents === null ? (
        <p class="hint">Loading…</p>
      ) : (
        <ul class="agents-list" data-testid="agents-list">
          {agents.map((a) => (
            <li key={a.id} class={a.disabled ? "agent-row disabled" : "agent-row"} data-testid="agent-row"
                data-email={a.email}>
              <div class="agent-main">
                <strong>{a.name}</strong>
                {a.supervisor && <span class="agent-tag">Supervisor</span>}
                {a.disabled && <span class="agent-tag off">Disabled</span>}
                <span class={`agent-status ${a.status}`} data-testid="agent-status">
                  {statusLabel[a.status] ?? a.status}
                </span>
                <div class="agent-email">{a.email}</div>
              </div>
              <div class="agent-routing">
                <span>Teams: {a.teams.join(", ") || "—"}</span>
                <span>Skills: {a.skills.join(", ") || "—"}</span>
                <span data-testid="agent-load">Chats: {a.preferred} preferred, {a.max_load} max</span>
              </div>
              <div class="agent-actions">
                <button type="button" class="link" disabled={busy} data-testid="agent-edit"
                        onClick={() => { setEditing(a.id); setSecret(null); }}>Edit</button>
                <button type="button" class="link" disabled={busy} data-testid="agent-toggle"
                        onClick={() => void toggle(a)}>{a.disabled ? "Enable" : "Disable"}</button>
                <button type="button" class="link" disabled={busy} data-testid="agent-reset"
                        onClick={() => reset(a)}>Reset password</button>
                {a.id !== props.me() && (
                  <button type="button" class="link danger" disabled={busy} data-testid="agent-remove"
                          onClick={() => remove(a)}>Remove</button>
                )}
              </div>
              {editing === a.id && find(a.id) && (
                <AgentForm agent={a} busy={busy} onSubmit={(f) => void update(a, f)}
                           onCancel={() => setEditing(null)} />
              )}
            </li>
          ))}
        </ul>
      )}
      {more && <p class="hint">Only the first 150 agents are listed.</p>}
      <div class="dialog-actions">
        <button type="button" class="secondary" data-testid="agents-close" onClick={props.onClose}>Close</button>
      </div>
    </div>
  );
}

/** Mounts the view into `host` (a <dialog>) when the `open` button is pressed; unmounts
 *  it, closing its connection, when the dialog closes. */
export function mountAgents(host: HTMLDialogElement, openButton: HTMLElement, token: () => string | null,
                            me: () => string): void {
  openButton.addEventListener("click", () => {
    render(<AgentsView token={token} me={me} onClose={() => host.close()} />, host);
    host.showModal();
  });
  host.addEventListener("close", () => render(null, host));
}
