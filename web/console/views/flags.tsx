// The Flags view of the console (issue 18, docs/quality.md), for supervisors: the quality
// flags the relay raised (a frustrated visitor, a compliance word, a knowledge gap, a long
// wait), open ones newest first. Each one opens its conversation — in the inbox when it
// is there, else read-only here, with the flagged message marked — and is marked
// reviewed with one button. The header's Flags button shows how many are open,
// refreshed every POLL_MS. It calls the relay's HTTP API with the supervisor's session
// (api_client.ts), so the rules and the audit entry (flag.review) are the API's.

import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiProblem, callApi } from "../api_client";

interface Flag {
  id: number;
  ts: number;
  conversation: string;
  kind: string;
  detail: string;
  seq: number;
  reviewed_by: string | null;
  reviewed_at: number | null;
}
interface FlagPage {
  items: Flag[];
  open: number;
  next_cursor: string | null;
}
interface ApiMessage {
  seq: number;
  ts: number;
  from: { role: string; name?: string };
  text: string;
  internal: boolean;
}

type Api = <T>(method: string, path: string, body?: unknown) => Promise<T>;

const POLL_MS = 15_000;
const KINDS: Record<string, string> = {
  negative_sentiment: "Frustrated visitor",
  compliance: "Compliance word",
  knowledge_gap: "Knowledge gap",
  long_wait: "Long wait",
};
const when = (ms: number) => new Date(ms).toLocaleString();

/** A conversation the inbox does not hold, read from the API: its visible lines, the
 *  flagged one marked. Text goes in as text nodes (Preact), never as HTML. */
function Transcript(props: { api: Api; flag: Flag; onBack: () => void }) {
  const [msgs, setMsgs] = useState<ApiMessage[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    props.api<{ items: ApiMessage[] }>("GET", `api/v1/conversations/${props.flag.conversation}/messages?limit=200`)
      .then((r) => setMsgs(r.items))
      .catch((e: Error) => setError(e.message));
  }, [props.flag.conversation]);
  return (
    <div data-testid="flag-transcript">
      <p class="hint">{props.flag.conversation} · read only</p>
      {error && <p class="error" role="alert">{error}</p>}
      {!msgs && !error && <p class="hint">Loading…</p>}
      {msgs && (
        <ol class="flag-lines" role="log" aria-label="Messages">
          {msgs.map((m) => (
            <li key={m.seq} class={m.seq === props.flag.seq ? "flagged" : m.internal ? "internal" : ""}
                data-testid="flag-line">
              <span class="flag-who">{m.from.name || m.from.role}</span> {m.text}
            </li>
          ))}
        </ol>
      )}
      <div class="dialog-actions">
        <button type="button" class="secondary" onClick={props.onBack}>Back to flags</button>
      </div>
    </div>
  );
}

export function FlagsView(props: { api: Api; openInInbox: (conv: string) => boolean; onClose: () => void;
                                   onCount: (n: number) => void }) {
  const { api } = props;
  const [page, setPage] = useState<FlagPage | null>(null);
  const [all, setAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const [reading, setReading] = useState<Flag | null>(null);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);

  const load = async (everything = all) => {
    const p = await api<FlagPage>("GET", `api/v1/flags?limit=100${everything ? "&status=all" : ""}`);
    setPage(p);
    props.onCount(p.open);
  };
  useEffect(() => {
    load().catch((e: Error) => setNotice({ text: e.message, error: true }));
  }, []);

  const review = async (f: Flag) => {
    setBusy(true);
    setNotice(null);
    try {
      await api("POST", `api/v1/flags/${f.id}/review`);
      await load();
      setNotice({ text: `${KINDS[f.kind] ?? f.kind} in ${f.conversation} is reviewed.`, error: false });
    } catch (e) {
      setNotice({ text: e instanceof ApiProblem ? e.message : String(e), error: true });
    } finally {
      setBusy(false);
    }
  };
  const openFlag = (f: Flag) => {
    if (props.openInInbox(f.conversation)) props.onClose();
    else setReading(f);
  };

  return (
    <div class="agents-view" data-testid="flags-view">
      <div class="agents-head">
        <h2 id="flags-title">Quality flags</h2>
        <label class="agent-check">
          <input type="checkbox" checked={all} data-testid="flags-all"
                 onChange={(e) => { const v = e.currentTarget.checked; setAll(v); void load(v); }} />
          Show reviewed
        </label>
      </div>
      {notice && (
        <p class={notice.error ? "error" : "agents-ok"} role={notice.error ? "alert" : "status"}
           data-testid="flags-notice">{notice.text}</p>
      )}
      {reading ? <Transcript api={api} flag={reading} onBack={() => setReading(null)} /> : page === null ? (
        <p class="hint">Loading…</p>
      ) : page.items.length === 0 ? (
        <p class="hint" data-testid="flags-none">Nothing to review.</p>
      ) : (
        <ul class="agents-list" data-testid="flags-list">
          {page.items.map((f) => (
            <li key={f.id} class={f.reviewed_at ? "agent-row disabled" : "agent-row"} data-testid="flag-row"
                data-kind={f.kind}>
              <div class="agent-main">
                <strong>{KINDS[f.kind] ?? f.kind}</strong>
                {f.reviewed_at && <span class="agent-tag">Reviewed</span>}
                <div class="agent-email">{when(f.ts)}</div>
              </div>
              <div class="agent-routing">
                <span data-testid="flag-detail">{f.detail || "—"}</span>
                <span>{f.conversation}{f.seq ? ` · message ${f.seq}` : ""}</span>
              </div>
              <div class="agent-actions">
                <button type="button" class="link" data-testid="flag-open" onClick={() => openFlag(f)}>Open</button>
                {!f.reviewed_at && (
                  <button type="button" class="link" disabled={busy} data-testid="flag-review"
                          onClick={() => void review(f)}>Reviewed</button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {!reading && (
        <div class="dialog-actions">
          <button type="button" class="secondary" data-testid="flags-close" onClick={props.onClose}>Close</button>
        </div>
      )}
    </div>
  );
}

/** Mounts the view into `host` (a <dialog>) when `button` is pressed, and keeps the
 *  button's count of open flags fresh while it is shown (a supervisor is signed in). */
export function mountFlags(host: HTMLDialogElement, button: HTMLElement, base: string, token: () => string | null,
                           openInInbox: (conv: string) => boolean): void {
  const api: Api = (method, path, body) => callApi(base, token(), method, path, body);
  const count = button.querySelector<HTMLElement>("[data-testid=flags-count]");
  const show = (n: number) => {
    if (!count) return;
    count.textContent = String(n);
    count.hidden = n === 0;
  };
  const poll = () => {
    if (button.hidden || !token()) return;
    api<FlagPage>("GET", "api/v1/flags?limit=1").then((p) => show(p.open)).catch(() => {});
  };
  new MutationObserver(poll).observe(button, { attributes: true, attributeFilter: ["hidden"] });
  setInterval(poll, POLL_MS);
  button.addEventListener("click", () => {
    render(<FlagsView api={api} openInInbox={openInInbox} onClose={() => host.close()} onCount={show} />, host);
    host.showModal();
  });
  host.addEventListener("close", () => render(null, host));
}
