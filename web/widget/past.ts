// A verified user's earlier, closed conversations (issue 17; the welcome's `past`).
//
// A "Past conversations" button above the chat opens a list (one button per
// conversation: when it last changed, and the start of the last message said there, the
// relay's `preview`, which is never an agents' note); choosing one asks the relay for its
// history and shows it read-only in a log of its own, with "Back to the chat". While it
// is shown the live chat steps aside (the `data-past` attribute of the app: app.css).
// Text from the relay goes in with textContent only.
import type { EventMap, PastChat } from "../../wasm/src/types";
import type { Strings } from "../shared/i18n";
import { Thread } from "../shared/thread";

export class PastChats {
  private readonly toggle = document.createElement("button");
  private readonly list = document.createElement("ul");
  private readonly view = document.createElement("section");
  private readonly back = document.createElement("button");
  private readonly log = document.createElement("div");
  private thread: Thread | null = null;
  private conv = "";
  private past: PastChat[] = [];
  private S: Strings;

  /** Placed before `anchor` (the live log); `ask(conv)` requests a conversation's history. */
  constructor(private readonly app: HTMLElement, anchor: HTMLElement, S: Strings, private readonly ask: (conv: string) => void) {
    this.S = S;
    this.toggle.type = "button";
    this.toggle.className = "more past-toggle";
    this.toggle.id = "past-toggle";
    this.toggle.setAttribute("data-testid", "past-toggle");
    this.toggle.setAttribute("aria-expanded", "false");
    this.toggle.setAttribute("aria-controls", "past-list");
    this.toggle.hidden = true;
    this.list.id = "past-list";
    this.list.className = "past-list";
    this.list.hidden = true;
    this.view.className = "past-view";
    this.view.hidden = true;
    this.view.setAttribute("data-testid", "past-view");
    this.back.type = "button";
    this.back.className = "more";
    this.back.setAttribute("data-testid", "past-back");
    this.log.className = "messages";
    this.log.setAttribute("role", "log");
    this.log.tabIndex = 0;
    this.view.append(this.back, this.log);
    anchor.before(this.toggle, this.list, this.view);
    this.toggle.addEventListener("click", () => this.showList(this.list.hidden));
    this.back.addEventListener("click", () => this.close());
  }

  /** The welcome's list (none: the button stays hidden). */
  set(past: PastChat[] | undefined, S: Strings): void {
    this.S = S;
    this.past = past || [];
    this.toggle.hidden = !this.past.length;
    this.words();
  }

  words(S: Strings = this.S): void {
    this.S = S;
    this.toggle.textContent = S.pastList;
    this.back.textContent = S.pastBack;
    this.log.setAttribute("aria-label", S.pastList);
    const when = new Intl.DateTimeFormat(S.lang, { dateStyle: "medium", timeStyle: "short" });
    this.list.replaceChildren(
      ...this.past.map((p) => {
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button";
        b.className = "past-item";
        b.setAttribute("data-testid", "past-item");
        // Two lines, one accessible name: "Conversation of <date> <preview>" (the space
        // between the two blocks is not drawn, but is read).
        const date = document.createElement("span");
        date.className = "past-when";
        date.textContent = S.pastItem.replace("{date}", when.format(new Date(p.updated)));
        b.append(date);
        if (p.preview) {
          const preview = document.createElement("span");
          preview.className = "past-preview";
          preview.setAttribute("data-testid", "past-preview");
          preview.textContent = p.preview;
          b.append(" ", preview);
        }
        b.addEventListener("click", () => this.open(p.conv));
        li.append(b);
        return li;
      }),
    );
  }

  /** A history page: drawn when it is the conversation shown. */
  page(ev: EventMap["history"]): boolean {
    if (!this.conv || ev.conv !== this.conv || !this.thread) return false;
    this.thread.prepend(ev.msgs);
    return true;
  }

  private showList(open: boolean): void {
    this.list.hidden = !open;
    this.toggle.setAttribute("aria-expanded", String(open));
  }

  private open(conv: string): void {
    this.showList(false);
    this.conv = conv;
    this.thread?.el.remove();
    this.thread = new Thread(this.log, this.S);
    this.view.hidden = false;
    this.app.setAttribute("data-past", "");
    this.ask(conv);
    this.back.focus();
  }

  private close(): void {
    this.conv = "";
    this.view.hidden = true;
    this.app.removeAttribute("data-past");
    this.toggle.focus();
  }
}
