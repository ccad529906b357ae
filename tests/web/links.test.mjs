// Which addresses in a message's text become links (web/shared/links.ts, issue 17): only
// http:, https: and mailto: written out, as written, without the sentence's punctuation.
// The browser test (tests/browser/a11y.test.mjs) checks the elements built from them.
//
//   node --test tests/web/links.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = await build({ entryPoints: [join(root, "web/shared/links.ts")], bundle: true, format: "esm",
                          write: false, logLevel: "silent" });
const { findLinks } = await import("data:text/javascript;base64," + Buffer.from(out.outputFiles[0].text).toString("base64"));
const shown = (text) => findLinks(text).map((l) => l.text);

test("http, https and mailto addresses become links, with their place in the text", () => {
  const text = "See https://a.example/x?y=1#z or http://b.example, mail mailto:ada@example.com";
  assert.deepEqual(findLinks(text), [
    { start: 4, text: "https://a.example/x?y=1#z", href: "https://a.example/x?y=1#z" },
    { start: 33, text: "http://b.example", href: "http://b.example/" },
    { start: 56, text: "mailto:ada@example.com", href: "mailto:ada@example.com" },
  ]);
});

test("no other scheme is ever a link: javascript:, data:, file:, bare domains", () => {
  assert.deepEqual(findLinks("javascript:alert(1) JavaScript:alert(1) data:text/html,<b>x</b> file:///etc/passwd " +
                             "example.com www.example.com ftp://x.example"), []);
  // A javascript: URL inside an address stays part of that address's path.
  assert.deepEqual(shown("https://a.example/?next=javascript:alert(1)"), ["https://a.example/?next=javascript:alert(1)"]);
});

test("the sentence's punctuation is not part of the address; a bracket it opened is", () => {
  assert.deepEqual(shown("Go to https://a.example/path."), ["https://a.example/path"]);
  assert.deepEqual(shown("(see https://a.example/b)"), ["https://a.example/b"]);
  assert.deepEqual(shown("https://en.wikipedia.example/wiki/Foo_(bar)!"), ["https://en.wikipedia.example/wiki/Foo_(bar)"]);
  assert.deepEqual(shown("«https://a.example/c», 'https://a.example/d'?"), ["https://a.example/c", "https://a.example/d"]);
});

test("what is not a valid URL stays text", () => {
  assert.deepEqual(findLinks("http:// nothing https://"), []);
  assert.deepEqual(findLinks("https://[bad"), []);
});
