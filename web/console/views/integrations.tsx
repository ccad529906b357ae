// The Integrations view of the console (issue 18), for supervisors: webhook
// subscriptions (add with the events they want, the signing secret shown once, pause,
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

function WebhooksSection(props: { api: Api; setNotice: (n: Notice) => void }) {
  const { api, setNotice } = props;
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [pending, setPending] = useState(0);
  const [dead, setDead] = useState<DeadLetter[]>([]);
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState(false);
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
