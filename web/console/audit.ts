// The audit log dialog of the agent console (P7, issue 15), for supervisors: an "Audit
// log" link (shown once the relay sent this agent the full supervisor board) opens a
// dialog listing the newest entries — time, who, action, conversation or target — and
// "Older" pages back with the `before` cursor. The relay answers anyone else with 2004.
// Every value is set as text, never as HTML: actions and names come from the log.

import type { ParleyClient } from "../../wasm/src/client";
import type { AuditEntry } from "../../wasm/src/types";

const PAGE = 50;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let client: ParleyClient | null = null;
let oldest = 0; // id of the last entry shown (the next page's `before`); 0: none

/** Connects the module to a session (called for each new ParleyClient). */
export function attachAudit(c: ParleyClient): void {
  client = c;
  c.on("supervisor", (ev) => {
    $("show-audit").hidden = !ev.full; // supervisors get the full board
  });
  c.on("audit", (ev) => {
    for (const e of ev.entries) $("audit-rows").append(row(e));
    if (ev.entries.length) oldest = ev.entries[ev.entries.length - 1].id;
    $("audit-older").hidden = !ev.more;
  });
}

function row(e: AuditEntry): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.dataset.testid = "audit-entry";
  const who = e.actor_name || e.actor_id || e.actor_role;
  const what = [e.conv, e.target, e.detail].filter(Boolean).join(" · ");
  for (const text of [new Date(e.ts).toLocaleString(), who, e.action, what]) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.append(td);
  }
  tr.children[1].setAttribute("title", `${e.actor_role}${e.address ? " from " + e.address : ""}`);
  return tr;
}

/** Wires the dialog's buttons. */
export function initAuditUi(): void {
  const dialog = $<HTMLDialogElement>("audit-dialog");
  $("show-audit").addEventListener("click", () => {
    $("audit-rows").textContent = "";
    oldest = 0;
    $("audit-older").hidden = true;
    client?.audit({ limit: PAGE });
    dialog.showModal();
  });
  $("audit-older").addEventListener("click", () => {
    if (oldest) client?.audit({ before: oldest, limit: PAGE });
  });
  $("audit-close").addEventListener("click", () => dialog.close());
}
