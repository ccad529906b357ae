// Managing canned responses (issue 17): the agent's own and their teams', in a dialog.
// Agents create, edit and delete their personal ones; supervisors also their teams'.
// The relay enforces both (core/canned_responses.hpp) and answers with the whole list;
// its refusals (a limit reached, a shortcut taken, too long) show here as they are.
import { useEffect, useRef, useState } from "preact/hooks";
import type { CannedResponse } from "../../../wasm/src/types";
import { CANNED_VARIABLES } from "./canned_text";

export interface CannedDraft {
  id?: string;
  scope: "personal" | "team";
  team?: string;
  shortcut: string;
  text: string;
}

export interface CannedManagerProps {
  items: CannedResponse[];
  supervisor: boolean;
  teams: string[]; // the teams a supervisor may write for
  error: string;
  busy: boolean;
  onSave: (d: CannedDraft) => void;
  onDelete: (id: string) => void;
  onClose: () => void;
}

const MAX_TEXT = 1000;
const SHORTCUT = /^[a-z0-9_-]{1,32}$/;

export function CannedManager(props: CannedManagerProps) {
  const { items, supervisor, teams, error, busy, onSave, onDelete, onClose } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const [draft, setDraft] = useState<CannedDraft | null>(null);
  const [local, setLocal] = useState("");
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);
  // A save the relay accepted closes the form (the list now holds it).
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (saving && !busy) {
      setSaving(false);
      if (!error) setDraft(null);
    }
  }, [busy]);

  const canChange = (r: CannedResponse) => r.scope === "personal" || supervisor;
  const submit = (ev: Event) => {
    ev.preventDefault();
    if (!draft) return;
    const shortcut = draft.shortcut.trim().replace(/^\//, "").toLowerCase();
    if (!SHORTCUT.test(shortcut)) return setLocal("A shortcut is 1–32 of a–z, 0–9, _ and -.");
    if (!draft.text.trim()) return setLocal("Write the response's text.");
    if (new TextEncoder().encode(draft.text).length > MAX_TEXT) return setLocal(`A response is at most ${MAX_TEXT} bytes.`);
    setLocal("");
    setSaving(true);
    onSave({ ...draft, shortcut, text: draft.text.trim() });
  };
  const groups: [string, CannedResponse[]][] = [];
  for (const r of items) {
    const label = r.scope === "team" ? `Team · ${r.team}` : "Personal";
    const g = groups.find(([l]) => l === label);
    if (g) g[1].push(r);
    else groups.push([label, [r]]);
  }
  const shown = local || error;

  return (
    <dialog ref={dialog} class="canned-dialog" data-testid="canned-dialog" aria-labelledby="canned-title"
            onClose={onClose} onCancel={onClose}>
      <h2 id="canned-title">Canned responses</h2>
      <p class="hint">Type <kbd>/</kbd> in the reply box to insert one. Variables are filled in as you insert:{" "}
        {CANNED_VARIABLES.map((v, i) => <>{i ? ", " : ""}<code>{`{${v}}`}</code></>)}.</p>
      {draft ? (
        <form class="canned-form" onSubmit={submit} data-testid="canned-form">
          <label for="canned-shortcut">Shortcut</label>
          <div class="canned-shortcut-input">
            <span aria-hidden="true">/</span>
            <input id="canned-shortcut" data-testid="canned-shortcut" value={draft.shortcut} maxLength={32}
                   autoComplete="off" spellcheck={false}
                   onInput={(e) => setDraft({ ...draft, shortcut: (e.target as HTMLInputElement).value })} />
          </div>
          <label for="canned-text">Text</label>
          <textarea id="canned-text" data-testid="canned-text" rows={5} value={draft.text}
                    onInput={(e) => setDraft({ ...draft, text: (e.target as HTMLTextAreaElement).value })} />
          {supervisor && (
            <>
              <label for="canned-scope">Who can use it</label>
              <select id="canned-scope" data-testid="canned-scope"
                      value={draft.scope === "team" ? `team:${draft.team}` : "personal"}
                      onChange={(e) => {
                        const v = (e.target as HTMLSelectElement).value;
                        setDraft(v === "personal" ? { ...draft, scope: "personal", team: undefined }
                                                  : { ...draft, scope: "team", team: v.slice(5) });
                      }}>
                <option value="personal">Only me</option>
                {teams.map((t) => <option value={`team:${t}`}>Team {t}</option>)}
              </select>
            </>
          )}
          {shown ? <p class="error" role="alert" data-testid="canned-error">{shown}</p> : null}
          <div class="dialog-actions">
            <button type="button" class="secondary" onClick={() => { setDraft(null); setLocal(""); }}>Cancel</button>
            <button type="submit" data-testid="canned-save" disabled={busy}>Save</button>
          </div>
        </form>
      ) : (
        <>
          {error ? <p class="error" role="alert" data-testid="canned-error">{error}</p> : null}
          {groups.length ? (
            groups.map(([label, rows]) => (
              <section class="canned-group">
                <h3>{label}</h3>
                <ul class="canned-list">
                  {rows.map((r) => (
                    <li class="canned-row" data-testid="canned-row" data-shortcut={r.shortcut}>
                      <div class="canned-row-text">
                        <span class="canned-shortcut">/{r.shortcut}</span>
                        <span class="canned-preview">{r.text}</span>
                      </div>
                      {canChange(r) && (
                        <div class="canned-row-actions">
                          <button type="button" class="secondary small" aria-label={`Edit /${r.shortcut}`}
                                  onClick={() => setDraft({ id: r.id, scope: r.scope, team: r.team, shortcut: r.shortcut, text: r.text })}>
                            Edit
                          </button>
                          <button type="button" class="secondary small danger-text" aria-label={`Delete /${r.shortcut}`}
                                  data-testid="canned-delete" onClick={() => onDelete(r.id)}>
                            Delete
                          </button>
                        </div>
                      )}
                    </li>
                  ))}
                </ul>
              </section>
            ))
          ) : (
            <p class="ctx-muted">No canned responses yet. Save the answers you type again and again.</p>
          )}
          <div class="dialog-actions">
            <button type="button" class="secondary" data-testid="canned-done" onClick={() => dialog.current?.close()}>Close</button>
            <button type="button" class="primary" data-testid="canned-new"
                    onClick={() => setDraft({ scope: "personal", shortcut: "", text: "" })}>New response</button>
          </div>
        </>
      )}
    </dialog>
  );
}
