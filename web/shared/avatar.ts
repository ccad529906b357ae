// Avatars of the people in a conversation (issue 17): their initials on a colour derived
// from their name, so the same person always looks the same in the widget and the
// console, and no image is uploaded, fetched or tracked. The colour is one of eight tones
// (data-tone, thread.css) that white initials pass WCAG AA contrast on; the avatar is
// decoration (aria-hidden): the name beside it says who it is.

const TONES = 8;

/** Up to two initials: first letters of the first and last words ("Ada Lovelace" → AL). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return "";
  const first = Array.from(words[0])[0] || "";
  const last = words.length > 1 ? Array.from(words[words.length - 1])[0] || "" : "";
  return (first + last).toUpperCase();
}

/** A stable tone 0..7 for a name (FNV-1a over its UTF-16 units). */
export function tone(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return (h >>> 0) % TONES;
}

/** An empty avatar, hidden from assistive technology. */
export function avatarElement(): HTMLElement {
  const el = document.createElement("span");
  el.className = "person-avatar";
  el.setAttribute("aria-hidden", "true");
  el.setAttribute("data-testid", "avatar");
  return el;
}

/** Shows `name`'s initials and tone; an empty name hides the avatar. */
export function paintAvatar(el: HTMLElement, name: string): void {
  const text = initials(name);
  el.textContent = text;
  el.hidden = !text;
  el.setAttribute("data-tone", String(tone(name)));
}
