// The Integrations view of the console (issue 18), for supervisors: API keys and bots'
// keys (created with the key shown once, revoked), webhook subscriptions (add with the events they want, the signing secret shown once, pause,
// remove), the queue's length, and the dead letters with a Replay button each and one
// for all of a subscription's. It calls the relay's HTTP API with the supervisor's own
// session (api_client.ts), so every rule and audit entry is the API's; this view only
// shows what the relay answered.

import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiProblem, callApi } from "../api_client";

interface Webhook {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  created: number;
  secret?: string;
}
interface DeadLetter {
  id: number;
  subscription: string;
  type: string;
  conversation: string;
  ts: number;
  attempts: number;
  last_error: string;
}

// docs/webhooks.md "Events"; the relay refuses any other with 400, so a stale list here
// shows up as an error, never as a silent subscription to nothing.
const EVENT_TYPES = [
  "conversation.created", "message.created", "conversation.assigned", "conversation.transferred",
  "conversation.closed", "csat.given", "bot.handoff", "bot.knowledge_gap",
];

interface ApiKeyRow {
  id: string;
  name: string;
  scope: string;
  created: number;
  revoked: number | null;
}
interface BotKeyRow {
  name: string;
  display_name: string;
  party_id: string;
  created: number;
  last_used: number | null;
}

type Api = <T>(method: string, path: string, body?: unknown) => Promise<T>;
type Notice = { text: string; error: boolean } | null;

const when = (ms: number) => new Date(ms).toLocaleString();

function WebhookForm(props: { busy: boolean; onSubmit: (url: string, events: string[]) => void; onCancel: () => void }) {
  const [url, setUrl] = useState("");
  const [all, setAll] = useState(true);
  const [picked, setPicked] = useState<string[]>(["conversation.created", "message.created"]);
  const toggle = (t: string, on: boolean) => setPicked(on ? [...picked, t] : picked.filter((x) => x !== t));
  return (
    <form class="agent-form" data-testid="webhook-form" onSubmit={(ev) => {
      ev.preventDefault();
      props.onSubmit(url.trim(), all ? ["*"] : picked);
    }}>
      <label>
        Receiver URL <span class="hint">(https:// for anything that leaves this machine)</span>
        <input type="url" required value={url} placeholder="https://example.com/parley" data-testid="webhook-url"
               onInput={(e) => setUrl(e.currentTarget.value)} />
      </label>
      <label class="agent-check">
        <input type="checkbox" checked={all} data-testid="webhook-all" onChange={(e) => setAll(e.currentTarget.checked)} />
        Every event
      </label>
      {!all && (
        <fieldset class="webhook-events">
          <legend>Events</legend>
          {EVENT_TYPES.map((t) => (
            <label key={t} class="agent-check">
              <input type="checkbox" checked={picked.includes(t)} data-testid={`webhook-event-${t}`}
                     onChange={(e) => toggle(t, e.currentTarget.checked)} />
              <code>{t}</code>
            </label>
          ))}
        </fieldset>
      )}
      <div class="dialog-actions">
        <button type="button" class="secondary" onClick={props.onCancel}>Cancel</button>
        <button type="submit" disabled={props.busy || (!all && picked.length === 0)} data-testid="webhook-save">
          Add webhook
        </button>
      </div>
    </form>
  );
}

/** What an action said, and runs it with the busy flag held; reloads after. */
function useActions(setNotice: (n: Notice) => void, load: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const act = async (run: () => Promise<string>) => {
    setBusy(true);
    setNotice(null);
    try {
      const said = await run();
      await load();
      setNotice({ text: said, error: false });
    } catch (e) {
      setNotice({ text: e instanceof ApiProblem ? e.message : String(e), error: true });
    } finally {
      setBusy(false);
    }
  };
  return { busy, act };
}

/** A key made just now: shown this once, with what to do with it. */
function ShownOnce(props: { what: string; value: string; testid: string; onDone: () => void }) {
  return (
    <div class="agents-secret" role="status" data-testid={props.testid}>
      <p>{props.what}, shown only now. Copy it into the program that uses it; the relay keeps only its hash.</p>
      <code data-testid={`${props.testid}-value`}>{props.value}</code>
      <button type="button" class="secondary" onClick={props.onDone}>Done</button>
    </div>
  );
}

function ApiKeysSection(props: { api: Api; setNotice: (n: Notice) => void }) {
  const { api, setNotice } = props;
  const [keys, setKeys] = useState<ApiKeyRow[] | null>(null);
  const [name, setName] = useState("");
  const [scope, setScope] = useState("read");
  const [made, setMade] = useState<{ name: string; key: string } | null>(null);
  const load = async () => setKeys((await api<{ api_keys: ApiKeyRow[] }>("GET", "api/v1/api-keys")).api_keys);
  const { busy, act } = useActions(setNotice, load);
  useEffect(() => {
    load().catch((e: Error) => setNotice({ text: e.message, error: true }));
  }, []);
  const create = (ev: Event) => {
    ev.preventDefault();
    void act(async () => {
      const r = await api<{ api_key: ApiKeyRow; key: string }>("POST", "api/v1/api-keys", { name: name.trim(), scope });
      setMade({ name: r.api_key.name, key: r.key });
      setName("");
      return `API key ${r.api_key.name} (${r.api_key.scope}) was created.`;
    });
  };
  const revoke = (k: ApiKeyRow) => {
    if (!confirm(`Revoke the API key ${k.name}? Programs using it are refused from their next request.`)) return;
    void act(async () => {
      await api("DELETE", `api/v1/api-keys/${k.id}`);
      return `API key ${k.name} was revoked.`;
    });
  };
  return (
    <section class="integrations-section" data-testid="api-keys-section" aria-labelledby="api-keys-title">
      <h3 id="api-keys-title">API keys</h3>
      <p class="hint">For a CRM, a helpdesk or a script calling the relay's HTTP API (docs/api.md).</p>
      {made && <ShownOnce what={`The key ${made.name}`} value={made.key} testid="api-key-made" onDone={() => setMade(null)} />}
      <form class="key-form" data-testid="api-key-form" onSubmit={create}>
        <label>
          Name
          <input required maxLength={64} value={name} placeholder="crm" data-testid="api-key-name"
                 onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Scope
          <select value={scope} data-testid="api-key-scope" onChange={(e) => setScope(e.currentTarget.value)}>
            <option value="read">read: list and read</option>
            <option value="write">write: also post, close, assign</option>
            <option value="admin">admin: everything</option>
          </select>
        </label>
        <button type="submit" class="agents-add" disabled={busy} data-testid="api-key-create">Create key</button>
      </form>
      {keys && keys.length > 0 && (
        <table class="dead-letters" data-testid="api-keys">
          <thead><tr><th>Name</th><th>Scope</th><th>Created</th><th /></tr></thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-testid="api-key-row" data-name={k.name} class={k.revoked ? "revoked" : ""}>
                <td>{k.name} <span class="hint">{k.id}</span></td>
                <td>{k.scope}</td>
                <td>{when(k.created)}</td>
                <td>
                  {k.revoked ? <span class="agent-tag off">Revoked</span> : (
                    <button type="button" class="link danger" disabled={busy} data-testid="api-key-revoke"
                            onClick={() => revoke(k)}>Revoke</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function BotKeysSection(props: { api: Api; setNotice: (n: Notice) => void }) {
  const { api, setNotice } = props;
  const [keys, setKeys] = useState<BotKeyRow[] | null>(null);
  const [name, setName] = useState("");
  const [display, setDisplay] = useState("");
  const [made, setMade] = useState<{ name: string; key: string } | null>(null);
  const load = async () => setKeys((await api<{ bot_keys: BotKeyRow[] }>("GET", "api/v1/bot-keys")).bot_keys);
  const { busy, act } = useActions(setNotice, load);
  useEffect(() => {
    load().catch((e: Error) => setNotice({ text: e.message, error: true }));
  }, []);
  const create = (ev: Event) => {
    ev.preventDefault();
    void act(async () => {
      const body: Record<string, string> = { name: name.trim() };
      if (display.trim()) body.display_name = display.trim();
      const r = await api<{ bot_key: BotKeyRow; key: string }>("POST", "api/v1/bot-keys", body);
      setMade({ name: r.bot_key.name, key: r.key });
      setName("");
      setDisplay("");
      return `Bot ${r.bot_key.display_name} may connect with its key.`;
    });
  };
  const revoke = (k: BotKeyRow) => {
    if (!confirm(`Revoke ${k.display_name}'s key? The bot is disconnected at once.`)) return;
    void act(async () => {
      await api("DELETE", `api/v1/bot-keys/${encodeURIComponent(k.name)}`);
      return `${k.display_name}'s key was revoked.`;
    });
  };
  return (
    <section class="integrations-section" data-testid="bot-keys-section" aria-labelledby="bot-keys-title">
      <h3 id="bot-keys-title">Bots</h3>
      <p class="hint">A bot answers first and hands over to your team (docs/bots.md).</p>
      {made && <ShownOnce what={`The key of bot ${made.name}`} value={made.key} testid="bot-key-made" onDone={() => setMade(null)} />}
      <form class="key-form" data-testid="bot-key-form" onSubmit={create}>
        <label>
          Name
          <input required maxLength={32} value={name} placeholder="helper" data-testid="bot-key-name"
                 onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Shown to visitors as
          <input maxLength={80} value={display} placeholder="Helper" data-testid="bot-key-display"
                 onInput={(e) => setDisplay(e.currentTarget.value)} />
        </label>
        <button type="submit" class="agents-add" disabled={busy} data-testid="bot-key-create">Create key</button>
      </form>
      {keys && keys.length > 0 && (
        <table class="dead-letters" data-testid="bot-keys">
          <thead><tr><th>Bot</th><th>Created</th><th>Last connected</th><th /></tr></thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.name} data-testid="bot-key-row" data-name={k.name}>
                <td>{k.display_name} <span class="hint">{k.name}</span></td>
                <td>{when(k.created)}</td>
                <td>{k.last_used ? when(k.last_used) : "never"}</td>
                <td>
                  <button type="button" class="link danger" disabled={busy} data-testid="bot-key-revoke"
                          onClick={() => revoke(k)}>Revoke</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function WebhooksSection(props: { api: Api; setNotice: (n: Notice) => void }) {
  const { api, setNotice } = props;
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [pending, setPending] = useState(0);
  const [dead, setDead] = useState<DeadLetter[]>([]);
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<Webhook | null>(null);

  const load = async () => {
    const list = await api<{ items: Webhook[]; pending: number }>("GET", "api/v1/webhooks");
    const letters = await api<{ items: DeadLetter[] }>("GET", "api/v1/webhooks/dead-letters?limit=200");
    setHooks(list.items);
    setPending(list.pending);
    setDead(letters.items);
  };
  useEffect(() => {
    load().catch((e: Error) => setNotice({ text: e.message, error: true }));
  }, []);

  const { busy, act } = useActions(setNotice, load);
  const add = (url: string, events: string[]) => act(async () => {
    const made = await api<Webhook>("POST", "api/v1/webhooks", { url, events });
    setAdding(false);
    setSecret(made);
    return `Webhook ${made.id} was added.`;
  });
  const toggle = (h: Webhook) => act(async () => {
    await api("POST", `api/v1/webhooks/${h.id}/${h.enabled ? "disable" : "enable"}`);
    return h.enabled ? `${h.url} gets nothing until it is enabled again.` : `${h.url} gets events again.`;
  });
  const remove = (h: Webhook) => {
    if (!confirm(`Remove the webhook to ${h.url}? Its queued and dead deliveries go with it.`)) return;
    void act(async () => {
      await api("DELETE", `api/v1/webhooks/${h.id}`);
      return `The webhook to ${h.url} was removed.`;
    });
  };
  const replay = (d: DeadLetter) => act(async () => {
    await api("POST", `api/v1/webhooks/dead-letters/${d.id}/replay`);
    return `Delivery ${d.id} (${d.type}) is queued again.`;
  });
  const replayAll = (h: Webhook) => act(async () => {
    const done = await api<{ replayed: number }>("POST", `api/v1/webhooks/${h.id}/replay-dead`);
    return `${done.replayed} dead deliveries to ${h.url} are queued again, in their order.`;
  });
  const deadOf = (h: Webhook) => dead.filter((d) => d.subscription === h.id);
  const urlOf = (id: string) => hooks?.find((h) => h.id === id)?.url ?? id;

  return (
    <section class="integrations-section" data-testid="webhooks-section" aria-labelledby="webhooks-title">
      <div class="agents-head">
        <h3 id="webhooks-title">Webhooks</h3>
        <button type="button" class="agents-add" data-testid="webhook-add" disabled={busy || adding}
                onClick={() => { setAdding(true); setSecret(null); }}>Add webhook</button>
      </div>
      <p class="hint">
        Events are signed (Standard Webhooks) and delivered in order per conversation, with retries.
        {" "}<span data-testid="webhook-pending">{pending} waiting in the queue.</span>
      </p>
      {secret && (
        <div class="agents-secret" role="status" data-testid="webhook-secret">
          <p>Signing secret for <strong>{secret.url}</strong>, shown only now. Put it in the receiver's settings.</p>
          <code data-testid="webhook-secret-value">{secret.secret}</code>
          <button type="button" class="secondary" onClick={() => setSecret(null)}>Done</button>
        </div>
      )}
      {adding && <WebhookForm busy={busy} onSubmit={(u, e) => void add(u, e)} onCancel={() => setAdding(false)} />}
      {hooks === null ? <p class="hint">Loading…</p> : hooks.length === 0 ? (
        <p class="hint" data-testid="webhooks-none">No webhooks yet.</p>
      ) : (
        <ul class="agents-list" data-testid="webhooks-list">
          {hooks.map((h) => (
            <li key={h.id} class={h.enabled ? "agent-row" : "agent-row disabled"} data-testid="webhook-row"
                data-url={h.url}>
              <div class="agent-main">
                <strong class="webhook-url">{h.url}</strong>
                {!h.enabled && <span class="agent-tag off">Disabled</span>}
                <div class="agent-email">{h.id} · since {when(h.created)}</div>
              </div>
              <div class="agent-routing">
                <span>Events: {h.events.includes("*") ? "all" : h.events.join(", ")}</span>
                <span data-testid="webhook-dead-count">Dead letters: {deadOf(h).length}</span>
              </div>
              <div class="agent-actions">
                <button type="button" class="link" disabled={busy} data-testid="webhook-toggle"
                        onClick={() => void toggle(h)}>{h.enabled ? "Disable" : "Enable"}</button>
                {deadOf(h).length > 0 && (
                  <button type="button" class="link" disabled={busy} data-testid="webhook-replay-all"
                          onClick={() => void replayAll(h)}>Replay all</button>
                )}
                <button type="button" class="link danger" disabled={busy} data-testid="webhook-remove"
                        onClick={() => remove(h)}>Remove</button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {dead.length > 0 && (
        <>
          <h4>Dead letters</h4>
          <table class="dead-letters" data-testid="dead-letters">
            <thead>
              <tr><th>When</th><th>Event</th><th>Receiver</th><th>Attempts</th><th>Last error</th><th /></tr>
            </thead>
            <tbody>
              {dead.map((d) => (
                <tr key={d.id} data-testid="dead-letter">
                  <td>{when(d.ts)}</td>
                  <td><code>{d.type}</code></td>
                  <td class="webhook-url">{urlOf(d.subscription)}</td>
                  <td>{d.attempts}</td>
                  <td class="dead-error">{d.last_error}</td>
                  <td>
                    <button type="button" class="link" disabled={busy} data-testid="dead-letter-replay"
                            onClick={() => void replay(d)}>Replay</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** The view: one section per kind of integration, and what the last action said. */
export function IntegrationsView(props: { api: Api; onClose: () => void }) {
  const [notice, setNotice] = useState<Notice>(null);
  return (
    <div class="agents-view" data-testid="integrations-view">
      <div class="agents-head">
        <h2 id="integrations-title">Integrations</h2>
      </div>
      {notice && (
        <p class={notice.error ? "error" : "agents-ok"} role={notice.error ? "alert" : "status"}
           data-testid="integrations-notice">{notice.text}</p>
      )}
      <ApiKeysSection api={props.api} setNotice={setNotice} />
      <BotKeysSection api={props.api} setNotice={setNotice} />
      <WebhooksSection api={props.api} setNotice={setNotice} />
      <div class="dialog-actions">
        <button type="button" class="secondary" data-testid="integrations-close" onClick={props.onClose}>Close</button>
      </div>
    </div>
  );
}

/** Mounts the view into `host` (a <dialog>) when `openButton` is pressed; unmounts it
 *  when the dialog closes. `base`: the relay's web root; `token`: this session's. */
export function mountIntegrations(host: HTMLDialogElement, openButton: HTMLElement, base: string,
                                  token: () => string | null): void {
  const api: Api = (method, path, body) => callApi(base, token(), method, path, body);
  openButton.addEventListener("click", () => {
    render(<IntegrationsView api={api} onClose={() => host.close()} />, host);
    host.showModal();
  });
  host.addEventListener("close", () => render(null, host));
}
