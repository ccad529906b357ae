// Triage tags in the agent console (P5): the relay's reading of each visitor message —
// an intent tag with its confidence and signal chips — and the latest intent on each
// inbox item. Every label is written with textContent; intents and signals come from
// the relay but are still treated as text.

import type { Message } from "../../wasm/src/types";

const SIGNAL_LABELS: Record<string, string> = {
  human: "Human asked",
  frustrated: "Frustrated",
  urgent: "Urgent",
  closing: "Closing",
  pii: "PII masked",
};

/** "bug_report" → "bug report"; "oos" → "out of scope". */
export function intentLabel(intent: string): string {
  return intent === "oos" ? "out of scope" : intent.replace(/_/g, " ");
}

/** Appends the tags row under a message bubble (visitor messages with meta only). */
export function decorateMessage(el: HTMLElement, m: Message): void {
  if (!m.meta || el.querySelector(".tags")) return;
  const row = document.createElement("div");
  row.className = "tags";
  row.setAttribute("data-testid", "message-tags");
  const tag = document.createElement("span");
  tag.className = "tag intent" + (m.meta.intent === "oos" ? " oos" : "");
  tag.setAttribute("data-testid", "intent-tag");
  tag.setAttribute("data-intent", m.meta.intent);
  tag.title = "Intent, as the relay's model read it";
  tag.textContent = `${intentLabel(m.meta.intent)} · ${Math.round(m.meta.confidence * 100)}%`;
  row.appendChild(tag);
  for (const s of m.meta.signals) {
    const chip = document.createElement("span");
    chip.className = "tag chip signal-" + s.replace(/[^a-z_]/g, "");
    chip.setAttribute("data-testid", "signal-chip");
    chip.setAttribute("data-signal", s);
    chip.textContent = SIGNAL_LABELS[s] || s;
    row.appendChild(chip);
  }
  el.appendChild(row);
}

/** Shows (or clears) the latest intent on an inbox item. */
export function renderInboxIntent(item: HTMLElement, intent: string | undefined): void {
  let tag = item.querySelector<HTMLElement>(".item-intent");
  if (!intent) {
    tag?.remove();
    return;
  }
  if (!tag) {
    tag = document.createElement("span");
    tag.className = "tag intent item-intent";
    tag.setAttribute("data-testid", "inbox-intent");
    const top = item.querySelector(".item-top");
    if (top) top.insertBefore(tag, top.querySelector(".item-time"));
    else item.appendChild(tag);
  }
  tag.setAttribute("data-intent", intent);
  tag.textContent = intentLabel(intent);
}
