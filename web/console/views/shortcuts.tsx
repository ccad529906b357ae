// Keyboard shortcuts of the agent console (issue 17), and the overlay `?` shows.
//
// The keys are those of the helpdesks agents come from (Front and Gmail: j/k to move,
// r to reply, e to archive/close, / to search; Intercom: n for a note), plus Alt+↓/↑,
// which works the same on every keyboard layout:
//
//   j  Alt+↓   next conversation          r    focus the reply box
//   k  Alt+↑   previous conversation      n    write an internal note
//   /          search                     e    close the open conversation
//   ?          this overlay               Esc  leave the reply box / close the overlay
//
// A shortcut never fires while the agent types: not in an input, textarea, select or
// contenteditable element, not with Ctrl or Meta held (the browser's own), not while a
// dialog is open. Esc in the reply box only blurs it, so the keys work again at once.
// console.ts provides the actions (ShortcutActions); this module owns the key table.

import { render } from "preact";
import { useEffect, useState } from "preact/hooks";

export interface ShortcutActions {
  next: () => void;
  previous: () => void;
  reply: () => void;
  note: () => void;
  close: () => void;
  search: () => void;
}

const TABLE: { keys: string[]; what: string }[] = [
  { keys: ["j", "Alt ↓"], what: "Next conversation" },
  { keys: ["k", "Alt ↑"], what: "Previous conversation" },
  { keys: ["r"], what: "Reply" },
  { keys: ["n"], what: "Internal note" },
  { keys: ["e"], what: "Close conversation" },
  { keys: ["/"], what: "Search conversations" },
  { keys: ["Esc"], what: "Leave the reply box" },
  { keys: ["?"], what: "Show these shortcuts" },
];

let shownNow = false;
let redraw: () => void = () => {};
let returnFocus: HTMLElement | null = null;

function setShown(on: boolean): void {
  if (on === shownNow) return;
  shownNow = on;
  if (on) returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  redraw();
  if (!on) returnFocus?.focus();
}

function typingTarget(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  const tag = el.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
}

function dialogOpen(): boolean {
  return document.querySelector("dialog[open]") !== null;
}

function onKey(ev: KeyboardEvent, actions: ShortcutActions): void {
  if (ev.defaultPrevented || ev.isComposing || ev.ctrlKey || ev.metaKey) return;
  if (typingTarget(ev.target)) {
    // The one key heard inside the reply box: Esc gives the keyboard back to the inbox.
    if (ev.key === "Escape" && (ev.target as HTMLElement).id === "composer") (ev.target as HTMLElement).blur();
    return;
  }
  if (shownNow) {
    if (ev.key === "Escape" || ev.key === "?") {
      ev.preventDefault();
      setShown(false);
    }
    return;
  }
  if (dialogOpen()) return;
  const alt = ev.altKey;
  let act: (() => void) | null = null;
  if (alt && ev.key === "ArrowDown") act = actions.next;
  else if (alt && ev.key === "ArrowUp") act = actions.previous;
  else if (!alt) {
    switch (ev.key) {
      case "j": act = actions.next; break;
      case "k": act = actions.previous; break;
      case "r": act = actions.reply; break;
      case "n": act = actions.note; break;
      case "e": act = actions.close; break;
      case "/": act = actions.search; break;
      case "?": act = () => setShown(true); break;
    }
  }
  if (!act) return;
  ev.preventDefault(); // "/" and "r" must not also land in the box they focus
  act();
}

function ShortcutsOverlay() {
  const [, tick] = useState(0);
  useEffect(() => {
    redraw = () => tick((n) => n + 1);
  }, []);
  if (!shownNow) return null;
  const show = setShown;
  return (
    <div class="shortcuts-backdrop" onClick={(ev) => ev.target === ev.currentTarget && show(false)}>
      <section class="shortcuts" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" data-testid="shortcuts-overlay">
        <header>
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button type="button" class="shortcuts-close" aria-label="Close" onClick={() => show(false)} ref={(b) => {
            if (b && document.activeElement !== b) b.focus();
          }}>
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" /></svg>
          </button>
        </header>
        <dl>
          {TABLE.map((row) => (
            <div class="shortcut-row" key={row.what}>
              <dt>{row.keys.map((k, i) => <>{i > 0 ? <span class="or">or</span> : null}<kbd>{k}</kbd></>)}</dt>
              <dd>{row.what}</dd>
            </div>
          ))}
        </dl>
        <p class="hint">Shortcuts do nothing while you type; press Esc to leave the reply box.</p>
      </section>
    </div>
  );
}

/** Mounts the overlay into `host` and listens for the keys (once, as the console loads). */
export function mountShortcuts(host: HTMLElement, actions: ShortcutActions): void {
  render(<ShortcutsOverlay />, host);
  document.addEventListener("keydown", (ev) => onKey(ev, actions));
}

/** Opens the overlay (the "Shortcuts" link). */
export function showShortcuts(): void {
  setShown(true);
}
