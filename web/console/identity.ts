// Identity (issue 17): what a visitor claims, in the conversation header. A "Verified"
// badge only when the site's server vouched for the user id (contact.verified); any claim
// it did not vouch for reads "unverified" beside it, so a visitor who types someone's
// user id or e-mail into the page cannot pass for them.
import type { ConversationSummary } from "../../wasm/src/types";

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
  part("User " + c.user_id, c.verified);
  if (c.email) {
    el.append(" · ");
    part(c.email, !!c.email_verified);
  }
  const attrs = Object.entries(c.attributes || {});
  if (attrs.length) {
    el.append(" · ");
    part(attrs.map(([k, v]) => `${k}: ${v}`).join(", "), false);
  }
}
