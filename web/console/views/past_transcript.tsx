// A past conversation of the customer, read-only (issue 17): its transcript in a dialog,
// drawn by the same Thread as the live ones (web/shared/thread.ts: text nodes, safe
// links), with no composer. The relay sends it as for any `history` request, so it only
// ever holds what this agent may read (access_rule.hpp); a refusal shows as an error.
import { useEffect, useRef } from "preact/hooks";
import type { Message } from "../../../wasm/src/types";
import { Thread } from "../../shared/thread";

export interface PastTranscriptProps {
  conv: string;
  title: string;
  msgs: Message[] | null; // null while asked
  error: string;
  onClose: () => void;
}

const strings = { sending: "Sending…", sent: "Sent", failed: "Not sent", seen: "Seen" };

export function PastTranscript({ conv, title, msgs, error, onClose }: PastTranscriptProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);
  useEffect(() => {
    if (!host.current || !msgs) return;
    host.current.textContent = "";
    const thread = new Thread(host.current, strings);
    thread.prepend(msgs);
    thread.scrollToEnd();
  }, [msgs, conv]);
  return (
    <dialog ref={dialog} class="past-dialog" data-testid="past-dialog" aria-labelledby="past-title"
            onClose={onClose} onCancel={onClose}>
      <div class="past-head">
        <h2 id="past-title">{title}</h2>
        <span class="ctx-pill closed">Read only</span>
      </div>
      {error ? <p class="error" role="alert">{error}</p> : null}
      {!msgs && !error ? <p class="ctx-muted">Loading…</p> : null}
      <div ref={host} class="messages past-messages" data-testid="past-messages" role="log" aria-label="Messages" tabIndex={0} />
      <div class="dialog-actions">
        <button type="button" class="secondary" data-testid="past-close" onClick={() => dialog.current?.close()}>Close</button>
      </div>
    </dialog>
  );
}
