// Message text with its web and mail addresses made clickable (issue 17), for the widget
// and the console alike.
//
// Every message text came from someone else (a visitor, an agent, a bot), so nothing in
// it is ever parsed as HTML: the text is cut into text nodes and <a> elements built here.
// Only http:, https: and mailto: addresses become links, found by their scheme written
// out (no bare "example.com", which would turn file names and versions into links); a
// `javascript:` or `data:` URL stays text. Each link opens in a new tab without an opener
// or a referrer (`target=_blank`, `rel="noopener noreferrer"`) and shows exactly the text
// that was written, so what the reader sees is where it goes. Trailing punctuation of
// the sentence ("see https://x.example/a.") is not part of the address, nor a closing
// bracket that opened before it.

const ADDRESS = /\b(?:https?:\/\/|mailto:)[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?'"»)\]}]+$/;

/** The address, cut at trailing punctuation, and its URL when it may be a link. */
function link(raw: string): { text: string; href: string } | null {
  let text = raw;
  for (;;) {
    const m = TRAILING.exec(text);
    if (!m) break;
    // A closing bracket stays when the address opened one: https://w.example/Foo_(bar)
    const last = text[text.length - 1];
    const open = { ")": "(", "]": "[", "}": "{" }[last];
    if (open && text.split(open).length > text.split(last).length - 1) break;
    text = text.slice(0, -1);
  }
  try {
    const url = new URL(text);
    if (url.protocol !== "http:" && url.protocol !== "https:" && url.protocol !== "mailto:") return null;
    return { text, href: url.href };
  } catch {
    return null;
  }
}

/** The addresses in `text` that become links, in order: where each starts, the text
 *  shown (as written) and its URL. Pure: tests/web/links.test.mjs runs it in Node. */
export function findLinks(text: string): { start: number; text: string; href: string }[] {
  const out: { start: number; text: string; href: string }[] = [];
  for (const m of text.matchAll(ADDRESS)) {
    const found = link(m[0]);
    if (found) out.push({ start: m.index ?? 0, ...found });
  }
  return out;
}

/** Replaces `el`'s content by `text`, its addresses as links. `hintId`: the element
 *  whose words a screen reader hears after each link ("(opens in a new tab)"); it is
 *  outside the text, which stays exactly what was written. */
export function setLinkedText(el: HTMLElement, text: string, hintId: string): void {
  el.textContent = "";
  let at = 0;
  for (const found of findLinks(text)) {
    if (found.start > at) el.appendChild(document.createTextNode(text.slice(at, found.start)));
    const a = document.createElement("a");
    a.href = found.href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.className = "text-link";
    a.setAttribute("data-testid", "text-link");
    a.textContent = found.text;
    a.setAttribute("aria-describedby", hintId);
    el.appendChild(a);
    at = found.start + found.text.length;
  }
  if (at < text.length) el.appendChild(document.createTextNode(text.slice(at)));
}
