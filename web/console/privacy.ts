// A visitor's data on request, for supervisors (P7, issue 15): in the open
// conversation's header, "Export data" downloads the data-subject export (the JSON
// document the relay sends in `visitor_export` chunks) and "Erase visitor…" opens a
// confirmation dialog where the supervisor types the visitor's id or ERASE; only then is
// `erase_visitor` sent. When the relay tells of an erasure (a `conv` with status
// "erased": this supervisor's or another's), the conversation leaves the inbox
// (console.ts drops it).
//
// Both requests go over a short-lived WebSocket of their own, opened with this
// session's token (protocol §4: hello agent, then the frame, then its answer), not
// through the Wasm core: the core is the widget's too, and every byte of it counts
// against the widget's budget, for an act a supervisor does rarely. The notice of an
// erasure comes through the core as an ordinary "conv" event, so every console hears it.
// Both buttons show once the relay sent this agent the full supervisor board; the relay
// refuses anyone else (2004) whatever the page shows.

import { SUBPROTOCOL, type ParleyClient } from "../../wasm/src/client";
import type { ConversationSummary } from "../../wasm/src/types";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let current: () => ConversationSummary | undefined = () => undefined;
let token: () => string | null = () => null;
let erasing = ""; // the visitor whose erasure this page asked for

/** Connects the module to a session: `active` gives the open conversation's summary,
 *  `sessionToken` this session's token. */
export function attachPrivacy(
  c: ParleyClient, active: () => ConversationSummary | undefined, sessionToken: () => string | null,
): void {
  current = active;
  token = sessionToken;
  erasing = "";
  c.on("supervisor", (ev) => {
    $("export-visitor").hidden = !ev.full;
    $("erase-open").hidden = !ev.full;
  });
}

type Frame = { type: string; [k: string]: unknown };

/** Sends `frame` on a connection of its own (hello with the session token first) and
 *  hands every later frame to `answer` until it returns true; `failed` on an error frame
 *  (its code) or a lost connection (0). */
function request(frame: object, answer: (f: Frame) => boolean, failed: (code: number) => void): void {
  const ws = new WebSocket(new URL("../ws", location.href).href.replace(/^http/, "ws"), SUBPROTOCOL);
  let done = false;
  const finish = (code?: number) => {
    if (done) return;
    done = true;
    ws.close();
    if (code !== undefined) failed(code);
  };
  ws.onopen = () => ws.send(JSON.stringify({ v: 1, type: "hello", role: "agent", token: token() }));
  ws.onmessage = (ev) => {
    const f = JSON.parse(String(ev.data)) as Frame;
    if (f.type === "welcome") ws.send(JSON.stringify({ v: 1, ...frame }));
    else if (f.type === "error") finish(Number(f.code));
    else if (answer(f)) finish();
  };
  ws.onclose = () => finish(0);
}

function download(name: string, text: string): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function announce(text: string): void {
  $("privacy-status").textContent = text; // role="status": read out by screen readers
}

/** Wires the buttons and the dialog. */
export function initPrivacyUi(): void {
  const dialog = $<HTMLDialogElement>("erase-dialog");
  const confirm = $<HTMLInputElement>("erase-confirm");
  const submit = $<HTMLButtonElement>("erase-submit");
  const matches = () => {
    const s = current();
    const typed = confirm.value.trim();
    return !!s && (typed === "ERASE" || (!!s.visitor.id && typed === s.visitor.id));
  };
  const failed = (code: number) => {
    erasing = "";
    const text = code === 3010 ? "This visitor no longer exists." : code === 2004 ? "Only supervisors may do this."
      : "The relay could not do this; try again.";
    if (dialog.open) {
      $("erase-error").textContent = text;
      $("erase-error").hidden = false;
      submit.disabled = false;
    } else announce(text);
  };
  $("export-visitor").addEventListener("click", () => {
    const s = current();
    if (!s) return;
    announce("Exporting…");
    const chunks: string[] = [];
    request({ type: "export_visitor", conv: s.conv }, (f) => {
      if (f.type !== "visitor_export") return false;
      chunks.push(String(f.data));
      if (!f.done) return false;
      download(`parley-export-${String(f.visitor)}.json`, chunks.join(""));
      announce("The visitor's data was exported.");
      return true;
    }, failed);
  });
  $("erase-open").addEventListener("click", () => {
    const s = current();
    if (!s) return;
    $("erase-visitor-id").textContent = s.visitor.id || s.conv;
    confirm.value = "";
    submit.disabled = true;
    $("erase-error").hidden = true;
    dialog.showModal();
    confirm.focus();
  });
  confirm.addEventListener("input", () => {
    submit.disabled = !matches();
  });
  $("erase-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const s = current();
    if (!s || !matches() || erasing) return;
    submit.disabled = true;
    erasing = s.conv;
    request({ type: "erase_visitor", conv: s.conv }, (f) => {
      if (f.type !== "erased") return false;
      erasing = "";
      dialog.close();
      const convs = f.convs as string[];
      announce(`Visitor erased: ${convs.length} conversation(s), ${Number(f.messages)} message(s).`);
      return true;
    }, failed);
  });
  $("erase-cancel").addEventListener("click", () => dialog.close());
}
