// Display names from the relay, shown so that they cannot reorder the text around them.
//
// A visitor's name is whatever the visitor typed. Bidi formatting characters in it
// (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, U+200E/U+200F marks,
// U+061C) could reverse what follows the name on screen — "\u202EDemo Agent" — and an
// unmatched U+2069 would even close the isolate meant to contain it (browsers isolate
// an element by inserting exactly those characters), so they are removed. What remains
// is shown isolated: in an element styled `unicode-bidi: isolate` (a <bdi>, or the name
// classes of the CSS), or, inside a longer string such as "… is typing" or an <option>,
// between U+2068 FSI and U+2069 PDI, which is what <bdi> does in plain text. A genuine
// right-to-left name needs no control character: isolation gives it its own direction.
// Names are only ever set with textContent.

const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** The name without bidi formatting characters. */
export function cleanName(name: string): string {
  return name.replace(BIDI_CONTROLS, "");
}

/** The name cleaned and wrapped in FSI … PDI, for use inside a longer string. */
export function isolatedName(name: string): string {
  return "\u2068" + cleanName(name) + "\u2069";
}

/** A <bdi> holding the cleaned name. */
export function nameElement(name: string, className = "name"): HTMLElement {
  const el = document.createElement("bdi");
  el.className = className;
  el.textContent = cleanName(name);
  return el;
}
