// The widget's languages are complete (issue 17: "today French leaves English behind").
//   - every shipped table (English in web/shared/i18n.ts, the others in
//     web/shared/i18n/<lang>.json, fetched by the widget for its language alone) has every
//     key of English, no more, each a non-empty string with the same {placeholders};
//   - every table file is one the widget knows (LANGS) and the tests check (tables.ts);
//   - a table other than English says something of its own: a string equal to English
//     must be listed here as the same word in that language (like "Options" in French);
//   - no user-visible literal bypasses the tables in the widget's code: text, labels and
//     placeholders are set from S.* (or from the host's settings), never from a string
//     literal in web/widget/app.ts, web/shared/thread.ts or web/shared/parts.ts.
// tests/browser/a11y.test.mjs then renders the widget in French and finds no English.
//
//   node --test tests/web/i18n.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

async function loadI18n() {
  const out = await build({
    entryPoints: [join(root, "web/shared/i18n/tables.ts")], bundle: true, format: "esm", write: false, logLevel: "silent",
  });
  const code = out.outputFiles[0].text;
  return import("data:text/javascript;base64," + Buffer.from(code).toString("base64"));
}

// Words that are the same in both languages (checked by a person, not a miss).
const SAME = {
  fr: ["composerLabel", "messages", "actions", "minutes", "hours"],
  de: ["connected", "minutes"],
  es: ["minutes", "hours"],
};
const placeholders = (s) => (s.match(/\{\w+\}/g) || []).sort();

test("every shipped language has every key of English, with the same placeholders", async () => {
  const { tables } = await loadI18n();
  const en = tables.en;
  const keys = Object.keys(en).sort();
  assert.ok(Object.keys(tables).length >= 2, "at least English and French ship");
  for (const [lang, table] of Object.entries(tables)) {
    if (lang === "en") continue;
    const missing = keys.filter((k) => !(k in table));
    assert.deepEqual(missing, [], `${lang} lacks ${missing.join(", ")}`);
    const extra = Object.keys(table).filter((k) => !(k in en));
    assert.deepEqual(extra, [], `${lang} has keys English does not: ${extra.join(", ")}`);
    for (const k of keys) {
      assert.equal(typeof table[k], "string", `${lang}.${k}`);
      assert.ok(table[k].trim(), `${lang}.${k} is empty`);
      assert.deepEqual(placeholders(table[k]), placeholders(en[k]), `${lang}.${k} placeholders`);
      if (k !== "lang" && table[k] === en[k])
        assert.ok((SAME[lang] || []).includes(k), `${lang}.${k} is still English ("${en[k]}")`);
    }
    assert.equal(table.lang, lang, `${lang}.lang names its language`);
  }
});

test("every table file is a language the widget fetches and the tests check", async () => {
  const { tables, LANGS } = await loadI18n();
  const files = readdirSync(join(root, "web/shared/i18n")).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
  assert.deepEqual([...LANGS].sort(), files, "LANGS (web/shared/i18n.ts) names every web/shared/i18n/*.json");
  assert.deepEqual(Object.keys(tables).filter((l) => l !== "en").sort(), files, "web/shared/i18n/tables.ts imports every table");
});

test("strings() picks the page's language and falls back to English for unknown ones", async () => {
  const { strings, tables } = await loadI18n();
  assert.equal(strings("fr-CA").send, tables.fr.send);
  assert.equal(strings("xx").send, tables.en.send);
});

// A user-visible string set from a literal: textContent/placeholder/title/alt/aria-label
// assigned a quoted string with a letter in it.
const BYPASS = [
  /\.(textContent|innerText|placeholder|title|alt)\s*=\s*["'`][^"'`]*[A-Za-z]/,
  /setAttribute\(\s*["'](aria-label|placeholder|title|alt)["']\s*,\s*["'`][^"'`]*[A-Za-z]/,
  /\bmake\([^,()]+,[^,()]+,\s*["'`][^"'`]*[A-Za-z]/, // parts.ts: make(tag, class, text)
  /createTextNode\(\s*["'`][^"'`]*[A-Za-z]/,
];

test("the widget's code sets no user-visible text from a literal", () => {
  const found = [];
  for (const file of ["web/widget/app.ts", "web/shared/thread.ts", "web/shared/parts.ts", "web/shared/links.ts"]) {
    const lines = readFileSync(join(root, file), "utf8").split("\n");
    lines.forEach((line, i) => {
      if (/^\s*(\/\/|\*)/.test(line)) return;
      for (const re of BYPASS) if (re.test(line)) found.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(found, []);
});

test("the scan above finds a literal that bypasses the tables", () => {
  // The check itself can fail: these lines would each be reported.
  for (const line of ['ui.more.textContent = "Load earlier";', 'el.setAttribute("aria-label", "Close chat");',
                      'group.appendChild(make("span", "part-text", "Hello"));'])
    assert.ok(BYPASS.some((re) => re.test(line)), line);
  for (const line of ['ui.more.textContent = S.more;', 'el.setAttribute("aria-label", S.close);', 'el.textContent = "";'])
    assert.ok(!BYPASS.some((re) => re.test(line)), line);
  assert.ok(!BYPASS.some((re) => re.test('const error = make("p", "field-error");')), "a class name is no text");
});
