// The one-snippet loader (built to /loader.js). A host page pastes:
//
//   <script>window.Parley=window.Parley||[];</script>
//   <script async src="https://RELAY/loader.js"></script>
//
// and may push commands before this file arrives: Parley.push(["set","name","Ada"]),
// Parley.push(["open"]). We replay that queue, then replace the array with an object
// whose push() runs commands at once, so the same call works before and after load.
//
// Isolation: the launcher lives in an open Shadow DOM (the host's CSS cannot reach it)
// and the chat itself in an iframe served by the relay (the host's scripts cannot
// reach it). The two talk only through postMessage with an explicit target origin, and
// each side checks event.origin and event.source. The iframe is created on first open
// and then kept, so an unread count can reach the launcher while the chat is closed.

import type { HostMessage, FrameMessage, WidgetIdentity, WidgetSettings } from "../shared/messages";

type Command = [string, ...unknown[]];
type Listener = (detail?: unknown) => void;

// Load-time marks for bench/size.sh: "parley:loader-start" when this script starts and
// "parley:launcher-visible" in the first frame after the launcher is in the page.
const mark = (name: string): void => {
  try {
    performance.mark("parley:" + name);
  } catch {
    // no User Timing: nothing to measure
  }
};

(() => {
  mark("loader-start");
  const w = window as unknown as { Parley?: unknown };
  const existing = w.Parley as { loaded?: boolean } | Command[] | undefined;
  if (existing && !Array.isArray(existing) && existing.loaded) return; // snippet pasted twice

  const script =
    (document.currentScript as HTMLScriptElement | null) ??
    Array.from(document.scripts).find((s) => /\/loader\.js(\?|$)/.test(s.src));
  if (!script) return;
  const base = new URL(".", script.src); // the relay, including any path prefix
  const relayOrigin = base.origin;

  const settings: WidgetSettings = {};
  const listeners: Record<string, Listener[]> = {};
  let isOpen = false;
  let frameReady = false;
  let frame: HTMLIFrameElement | null = null;

  // ---- DOM: a host element with an open shadow root -------------------------------
  const host = document.createElement("div");
  host.id = "parley-widget";
  const root = host.attachShadow({ mode: "open" });
  const css = `
:host{all:initial;position:fixed;z-index:2147483000;bottom:0;right:0;--accent:#4f46e5}
:host(.left){right:auto;left:0}
.launcher{position:fixed;bottom:20px;right:20px;width:56px;height:56px;border-radius:50%;border:0;padding:0;cursor:pointer;
background:var(--accent);color:#fff;box-shadow:0 4px 14px rgba(15,23,42,.25);display:flex;align-items:center;justify-content:center;transition:transform .15s}
:host(.left) .launcher{right:auto;left:20px}
.launcher:hover{transform:scale(1.05)}
.launcher:focus-visible{outline:3px solid #fff;box-shadow:0 0 0 6px var(--accent)}
.launcher svg{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.launcher .x,.open .launcher .c{display:none}.open .launcher .x{display:block}
.badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;padding:0 5px;box-sizing:border-box;border-radius:10px;background:#e11d48;
color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center}
.badge[hidden]{display:none}
iframe{position:fixed;bottom:88px;right:20px;width:380px;height:min(640px,calc(100% - 108px));border:0;border-radius:16px;background:#fff;
box-shadow:0 12px 40px rgba(15,23,42,.22);opacity:0;transform:translateY(12px);visibility:hidden;transition:opacity .18s,transform .18s,visibility 0s .18s}
:host(.left) iframe{right:auto;left:20px}
.open iframe{opacity:1;transform:none;visibility:visible;transition:opacity .18s,transform .18s}
@media (max-width:480px){iframe{inset:0;width:100%;height:100%;border-radius:0}.open .launcher{display:none}}
@media (prefers-reduced-motion:reduce){iframe,.launcher{transition:none}}`;
  const sheetRoot = root as ShadowRoot & { adoptedStyleSheets?: CSSStyleSheet[] };
  try {
    // A constructed sheet is not an inline <style>, so a strict host CSP does not block it.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    sheetRoot.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement("style");
    style.textContent = css;
    root.appendChild(style);
  }
  const wrap = document.createElement("div");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "launcher";
  button.setAttribute("data-testid", "parley-launcher");
  button.setAttribute("aria-haspopup", "dialog");
  const svgNs = "http://www.w3.org/2000/svg";
  for (const [cls, d] of [
    ["c", "M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z"],
    ["x", "M6 6l12 12M18 6L6 18"],
  ]) {
    const svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("class", cls);
    svg.setAttribute("aria-hidden", "true");
    const path = document.createElementNS(svgNs, "path");
    path.setAttribute("d", d);
    svg.appendChild(path);
    button.appendChild(svg);
  }
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.hidden = true;
  badge.setAttribute("aria-hidden", "true");
  button.appendChild(badge);
  button.addEventListener("click", () => setOpen(!isOpen));
  wrap.appendChild(button);
  root.appendChild(wrap);
  let unread = 0;

  // The launcher's words, in the chat's language (settings.locale, else the browser's,
  // as shared/i18n.ts picks it). A few words here: the loader stays small and does not
  // load the chat's string table.
  const WORDS: Record<string, { open: string; close: string; unread: string; chat: string; frame: string }> = {
    en: { open: "Open {name}", close: "Close {name}", unread: "{n} unread", chat: "chat", frame: "Chat" },
    fr: { open: "Ouvrir {name}", close: "Fermer {name}", unread: "{n} non lu(s)", chat: "la discussion", frame: "Discussion" },
    de: { open: "{name} öffnen", close: "{name} schließen", unread: "{n} ungelesen", chat: "Chat", frame: "Chat" },
    es: { open: "Abrir {name}", close: "Cerrar {name}", unread: "{n} sin leer", chat: "el chat", frame: "Chat" },
  };
  function words() {
    const lang = (settings.locale || navigator.language || "en").slice(0, 2).toLowerCase();
    return WORDS[lang] || WORDS.en;
  }
  function label(): void {
    const t = words();
    const name = settings.title || t.chat;
    button.setAttribute("aria-label", (isOpen ? t.close : t.open).replace("{name}", name) +
      (unread ? " (" + t.unread.replace("{n}", String(unread)) + ")" : ""));
    button.setAttribute("aria-expanded", String(isOpen));
  }

  // ---- the iframe and its messages -------------------------------------------------
  function ensureFrame(): HTMLIFrameElement {
    if (frame) return frame;
    frame = document.createElement("iframe");
    frame.setAttribute("data-testid", "parley-frame");
    frame.title = settings.title || words().frame;
    frame.setAttribute("allow", "clipboard-write");
    // The page (origin + path, never the query or fragment, which may hold tokens) lets
    // the relay's team rules route by where the visitor is (docs/routing.md §7).
    const page = location.origin + location.pathname;
    frame.src = new URL("widget/frame.html?host=" + encodeURIComponent(location.origin) +
      "&page=" + encodeURIComponent(page) +
      // The chat's language, so the frame fetches its words as it starts (app.ts).
      (settings.locale ? "&lang=" + encodeURIComponent(settings.locale) : ""), base).href;
    wrap.appendChild(frame);
    return frame;
  }

  function post(msg: HostMessage): void {
    if (frame && frameReady && frame.contentWindow) frame.contentWindow.postMessage(msg, relayOrigin);
  }

  // Issue 17: where the visitor is, for the agents: the page's title, and its path again
  // when a single-page site navigates (history API) or retitles; sent when it changed.
  let sentPage = "";
  let pageTimer: ReturnType<typeof setTimeout> | undefined;
  function reportPage(): void {
    const page = location.origin + location.pathname;
    const title = document.title.trim().slice(0, 120);
    if (page + "\n" + title === sentPage || !frameReady) return;
    sentPage = page + "\n" + title;
    post({ parley: 1, type: "page", page, title });
  }
  const soon = () => {
    clearTimeout(pageTimer);
    pageTimer = setTimeout(reportPage, 300);  // after the app has rendered its new title
  };
  for (const name of ["pushState", "replaceState"] as const) {
    const original = history[name];
    history[name] = function (this: History, ...args: Parameters<History["pushState"]>) {
      const result = original.apply(this, args);
      soon();
      return result;
    };
  }
  window.addEventListener("popstate", soon);
  const titleEl = document.querySelector("title");
  if (titleEl) new MutationObserver(soon).observe(titleEl, { childList: true, characterData: true, subtree: true });

  window.addEventListener("message", (ev: MessageEvent) => {
    if (ev.origin !== relayOrigin || !frame || ev.source !== frame.contentWindow) return;
    const msg = ev.data as FrameMessage;
    if (!msg || msg.parley !== 1) return;
    switch (msg.type) {
      case "ready":
        frameReady = true;
        post({ parley: 1, type: "config", settings, open: isOpen, identity });
        reportPage();
        break;
      case "close":
        setOpen(false);
        button.focus();
        break;
      case "unread":
        unread = msg.count;
        badge.textContent = unread > 9 ? "9+" : String(unread);
        badge.hidden = !unread;
        label();
        emit("unread", unread);
        break;
      case "message":
        emit("message", msg.message);
        break;
    }
  });

  function setOpen(open: boolean): void {
    if (open === isOpen) return;
    isOpen = open;
    if (open) ensureFrame();
    wrap.classList.toggle("open", open);
    label();
    post({ parley: 1, type: "open", open });
    if (open && frame) frame.focus();
    emit(open ? "open" : "close");
  }

  function emit(name: string, detail?: unknown): void {
    for (const fn of listeners[name] || []) {
      try {
        fn(detail);
      } catch (err) {
        setTimeout(() => {
          throw err;
        });
      }
    }
  }

  function set(key: unknown, value?: unknown): void {
    const entries: [string, unknown][] =
      typeof key === "object" && key ? Object.entries(key) : [[String(key), value]];
    for (const [k, v] of entries) (settings as Record<string, unknown>)[k] = v == null ? undefined : String(v);
    if (settings.color) host.style.setProperty("--accent", settings.color);
    host.classList.toggle("left", settings.position === "left");
    if (frame) frame.title = settings.title || words().frame;
    label();
    post({ parley: 1, type: "config", settings, open: isOpen, identity });
  }

  // Parley.push(["identify", {user_id, email, name, user_hash | identity_token, attributes}])
  // (issue 17; docs/web.md "Identity"); null or no object: nobody (after the site's logout).
  let identity: WidgetIdentity | undefined;
  function identify(who: unknown): void {
    const o = (typeof who === "object" && who ? who : {}) as Record<string, unknown>;
    const str = (v: unknown) => (v == null ? undefined : String(v));
    const attrs = typeof o.attributes === "object" && o.attributes ? o.attributes as Record<string, unknown> : {};
    identity = who ? {
      user_id: str(o.user_id), email: str(o.email), user_hash: str(o.user_hash), identity_token: str(o.identity_token),
      attributes: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, String(v)])),
    } : undefined;
    if (o.name != null) settings.name = String(o.name);
    set({});
  }

  // ---- the command queue ----------------------------------------------------------
  function run(cmd: unknown): void {
    if (!Array.isArray(cmd)) return;
    const [name, a, b] = cmd as Command;
    if (name === "open") setOpen(true);
    else if (name === "close") setOpen(false);
    else if (name === "toggle") setOpen(!isOpen);
    else if (name === "set") set(a, b);
    else if (name === "identify") identify(a);
    else if (name === "on" && typeof b === "function") (listeners[String(a)] ||= []).push(b as Listener);
  }

  const api = { loaded: true, push: (...cmds: unknown[]) => cmds.forEach(run) };
  w.Parley = api;
  const mount = () => {
    document.body.appendChild(host);
    if (typeof requestAnimationFrame === "function") requestAnimationFrame(() => mark("launcher-visible"));
    label();
    for (const cmd of Array.isArray(existing) ? existing : []) run(cmd);
  };
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
