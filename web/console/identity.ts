// Identity (issue 17): what a visitor claims, in the conversation header. A "Verified"
// badge only when the site's server vouched for the user id (contact.verified); any claim
// it did not vouch for reads "unverified" beside it, so a visitor who types someone's
// user id or e-mail into the page cannot pass for them.
import type { ConversationSummary } from "../../wasm/src/types";
import { isolatedName } from "../shared/names";

export function renderContact(host: HTMLElement, s: ConversationSummary): void {
  let el = document.getElementById("conv-contact");
  if (!el) {
    el = document.createElement("p");
    el.id = "conv-contact";
    el.className = "sub";
    el.setAttribute("data-testid", "conv-contact");
    host.after(el);
  }
  el.textContent = "";
  const c = s.contact;
  el.hidden = !c;
  if (!c) return;
  const part = (text: string, vouched: boolean) => {
    const span = document.createElement("span");
    span.textContent = text;
    el!.append(span);
    if (!vouched) {
      const note = document.createElement("em");
      note.className = "unverified";
      note.setAttribute("data-testid", "contact-unverified");
      note.textContent = " (unverified)";
      el!.append(note);
    }
  };
  if (c.verified) {
    const badge = document.createElement("span");
    badge.className = "role-badge";
    badge.setAttribute("data-role", "verified");
    badge.setAttribute("data-testid", "contact-verified");
    badge.textContent = "Verified";
    el.append(badge, " ");
  }
  // Issue 17: a contact without a user id holds the visitor's own pre-chat answers.
  const sep = () => el!.childNodes.length && el!.append(" · ");
  if (c.user_id) part("User " + c.user_id, c.verified);
  if (c.name && !c.user_id) {
    sep();
    part(isolatedName(c.name), false);  // the visitor's own answer: no bidi controls
  }
  if (c.email) {
    sep();
    part(c.email, !!c.email_verified);
  }
  // The relay's own attributes (core/prechat_form.hpp): answers to the operator's
  // questions ("prechat.<id>"), and the conversation to be answered by e-mail.
  const attrs = Object.entries(c.attributes || {}).filter(([k]) => k !== "reply_by_email");
  if (attrs.length) {
    sep();
    part(attrs.map(([k, v]) => `${k.replace(/^prechat\./, "")}: ${v}`).join(", "), false);
  }
  if (c.attributes?.reply_by_email === s.conv) {
    const mark = document.createElement("strong");
    mark.className = "reply-by-email";
    mark.setAttribute("data-testid", "reply-by-email");
    mark.textContent = "Will be answered by e-mail";
    sep();
    el.append(mark);
  }
}
