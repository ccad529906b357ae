// The Dashboard button of the agent console (issue 18), for supervisors: keeps the
// latest supervisor board the relay sends (protocol §5 `supervisor`, full for
// supervisors) and, when the button is pressed, loads the dashboard's script and
// stylesheet (console/dashboard.js and .css, built apart: uPlot and the view stay out of
// console.js, which every agent loads) and mounts it in its dialog with the board, its
// changes, and GETs to /api/v1 with this session's token (api_client.ts).
//
// Classic scripts under script-src 'self', like the widget's extras: the console is an
// IIFE bundle, so its lazy part is a second script that sets a global, not an import().

import type { ParleyClient } from "../../wasm/src/client";
import { assetUrl } from "../shared/assets";
import { callApi } from "./api_client";
import type { DashboardModule } from "./dashboard/dashboard";
import type { Board } from "./dashboard/live";

let board: Board | null = null;
const listeners = new Set<(b: Board) => void>();
let loading: Promise<DashboardModule> | null = null;

/** Follows a new client's boards; shows the button to supervisors only. */
export function attachDashboard(c: ParleyClient, button: HTMLElement): void {
  board = null;
  c.on("supervisor", (ev) => {
    button.hidden = !ev.full;
    if (!ev.full) return;
    board = ev;
    for (const l of listeners) l(ev);
  });
}

function load(base: string): Promise<DashboardModule> {
  loading ??= new Promise<DashboardModule>((resolve, reject) => {
    const style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = assetUrl("console/dashboard.css", base);
    document.head.appendChild(style);
    const script = document.createElement("script");
    script.src = assetUrl("console/dashboard.js", base);
    script.onload = () => resolve((globalThis as { ParleyDashboard?: DashboardModule }).ParleyDashboard!);
    script.onerror = () => {
      loading = null; // a later press tries again
      style.remove();
      reject(new Error("cannot load " + script.src));
    };
    document.head.appendChild(script);
  });
  return loading;
}

/** Opens the dashboard in `host` (a <dialog>) when `button` is pressed; unmounts it
 *  when the dialog closes. `base`: the relay's web root; `token`: this session's. */
export function mountDashboardButton(host: HTMLDialogElement, button: HTMLElement, base: string,
                                     token: () => string | null): void {
  let unmount: (() => void) | null = null;
  button.addEventListener("click", () => {
    host.textContent = "Loading the dashboard…";
    host.showModal();
    load(base).then((m) => {
      if (!host.open) return;
      host.textContent = "";
      unmount = m.mountDashboard(host, {
        board: () => board,
        onBoard: (l) => (listeners.add(l), () => listeners.delete(l)),
        get: (path) => callApi(base, token(), "GET", path),
        close: () => host.close(),
      });
    }, () => {
      host.textContent = "The dashboard could not be loaded; check the connection and try again.";
    });
  });
  host.addEventListener("close", () => {
    unmount?.();
    unmount = null;
  });
}
