// Signing out in the agent console (issue 15): "Sign out" asks the relay to revoke this
// session and waits for its answer before the console forgets the token; "Sign out
// everywhere" revokes every session of the agent; the "Sessions" dialog lists them
// (this device marked) and signs out any one of them.
//
// The relay answers `logout` with `logged_out` and then closes every connection of a
// revoked session with 4102 (final). If it cannot be reached, or does not answer within
// SIGN_OUT_WAIT_MS, the token is forgotten here all the same and the agent is told that
// the session stays valid on the relay until it expires or is signed out elsewhere.

import type { ParleyClient } from "../../wasm/src/client";
import type { AgentSession } from "../../wasm/src/types";

const SIGN_OUT_WAIT_MS = 5000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let client: ParleyClient | null = null;

/** Connects the module to a session (called for each new ParleyClient). */
export function attachSessions(c: ParleyClient): void {
  client = c;
  c.on("sessions", (ev) => renderSessions(ev.sessions));
  c.on("logged_out", (ev) => {
    if (!ev.current) c.sessions(); // another session went: refresh the list
  });
}

/** Revokes this session (or all of the agent's) on the relay, then resolves with the
 *  message to show on the sign-in form ("" when the relay confirmed). The token is
 *  forgotten in every case. */
export function signOut(everywhere: boolean): Promise<string> {
  const c = client;
  const notConfirmed = "Signed out on this device, but the relay did not confirm: the session stays valid until it expires.";
  if (!c) return Promise.resolve("");
  return new Promise((resolve) => {
    const done = (message: string) => {
      clearTimeout(timer);
      offAnswer();
      offError();
      c.forgetToken();
      resolve(message);
    };
    const timer = setTimeout(() => done(notConfirmed), SIGN_OUT_WAIT_MS);
    const offAnswer = c.on("logged_out", (ev) => {
      if (ev.current) done(everywhere ? "Signed out on every device." : "");
    });
    const offError = c.on("error", (ev) => {
      if (!ev.ref) done(notConfirmed);
    });
    if (c.logout({ all: everywhere }) !== 0) done(notConfirmed);
  });
}

// ---- the dialog ------------------------------------------------------------------------

function renderSessions(list: AgentSession[]): void {
  const ul = $<HTMLUListElement>("sessions-list");
  ul.textContent = "";
  for (const s of list) {
    const li = document.createElement("li");
    li.dataset.testid = "session";
    li.dataset.session = s.id;
    const text = document.createElement("span");
    const parts = [s.current ? "This device" : "Another session"];
    if (s.created) parts.push(`signed in ${when(s.created)}`);
    if (s.last_used) parts.push(`last used ${when(s.last_used)}`);
    parts.push(`expires ${when(s.expires)}`);
    text.textContent = parts.join(" · ");
    li.append(text);
    if (!s.current) {
      const revoke = document.createElement("button");
      revoke.type = "button";
      revoke.className = "link";
      revoke.textContent = "Sign out";
      revoke.addEventListener("click", () => {
        revoke.disabled = true;
        client?.logout({ session: s.id });
      });
      li.append(revoke);
    }
    ul.append(li);
  }
}

function when(ts: number): string {
  return new Date(ts).toLocaleString(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
}

/** Wires the dialog's buttons; `everywhere` runs the console's sign-out of all sessions. */
export function initSessionsUi(everywhere: () => void): void {
  const dialog = $<HTMLDialogElement>("sessions-dialog");
  $("show-sessions").addEventListener("click", () => {
    $("sessions-list").textContent = "";
    client?.sessions();
    dialog.showModal();
  });
  $("sessions-close").addEventListener("click", () => dialog.close());
  $("sign-out-everywhere").addEventListener("click", () => {
    dialog.close();
    everywhere();
  });
}
