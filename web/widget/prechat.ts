// The pre-chat form and the e-mail capture (issue 17; docs/protocol.md `prechat`).
//
// Both are small forms drawn with plain DOM above the composer. The pre-chat form asks
// the welcome's `prechat` questions before the first message (the composer waits
// behind it); the capture form asks for an e-mail when the visitor is told nobody is
// available. Both check the answers here first (the same rules the relay applies again:
// required, an e-mail that looks like one, sizes) and show each problem under its field,
// tied to the input by aria-describedby; the relay's 1011 reasons land the same way.
import type { PrechatField } from "../../wasm/src/types";
import type { Strings } from "../shared/i18n";

type Field = { q: PrechatField; input: HTMLInputElement; error: HTMLElement };

// local@domain.tld, no space: what the relay's looks_like_email accepts, near enough.
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;
const bytes = (s: string) => new TextEncoder().encode(s).length;

export class SmallForm {
  readonly el: HTMLFormElement;
  private fields: Field[] = [];
  private readonly intro: HTMLElement;
  private readonly submit: HTMLButtonElement;
  onAnswers: (values: Record<string, string>) => void = () => {};

  constructor(readonly id: string) {
    this.el = document.createElement("form");
    this.el.className = "rich-form prechat";
    this.el.id = id;
    this.el.noValidate = true;
    this.el.hidden = true;
    this.el.setAttribute("data-testid", id);
    this.el.setAttribute("aria-labelledby", id + "-intro");
    this.intro = document.createElement("p");
    this.intro.id = id + "-intro";
    this.intro.className = "prechat-intro";
    this.submit = document.createElement("button");
    this.submit.type = "submit";
    this.submit.className = "part-button primary";
    this.submit.setAttribute("data-testid", id + "-submit");
    this.el.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.check();
    });
  }

  /** Draws the questions, worded in `S`; name and e-mail are the widget's own words. */
  show(intro: string, button: string, questions: PrechatField[], S: Strings, email = ""): void {
    this.intro.textContent = intro;
    this.submit.textContent = button;
    this.el.replaceChildren(this.intro);
    this.fields = questions.map((q) => {
      const wrap = document.createElement("div");
      wrap.className = "field";
      const label = document.createElement("label");
      const input = document.createElement("input");
      const error = document.createElement("p");
      input.id = `${this.id}-${q.name}`;
      input.name = q.name;
      input.setAttribute("data-testid", input.id);
      label.htmlFor = input.id;
      label.textContent = q.name === "name" ? S.prechatName : q.name === "email" ? S.prechatEmail : q.label || q.name;
      if (!q.required) label.append(" ", S.prechatOptional);
      else input.required = true;
      if (q.name === "email") {
        input.type = "email";
        input.autocomplete = "email";
        input.value = email;
      } else if (q.name === "name") input.autocomplete = "name";
      error.id = input.id + "-error";
      error.className = "field-error";
      error.hidden = true;
      wrap.append(label, input, error);
      this.el.append(wrap);
      return { q, input, error };
    });
    this.el.append(this.submit);
    this.el.hidden = false;
    this.S = S;
  }

  private S: Strings | null = null;

  hide(): void {
    this.el.hidden = true;
  }

  /** Local checks, then the answers (blank ones left out) to onAnswers. */
  private check(): void {
    const S = this.S;
    if (!S) return;
    const reasons: Record<string, string> = {};
    const values: Record<string, string> = {};
    for (const f of this.fields) {
      const v = f.input.value.trim();
      if (!v) {
        if (f.q.required) reasons[f.q.name] = "required";
        continue;
      }
      if (f.q.name === "email" && (!EMAIL.test(v) || bytes(v) > 254)) reasons[f.q.name] = "email";
      else if (bytes(v) > (f.q.name === "name" ? 80 : 256)) reasons[f.q.name] = "too_long";
      values[f.q.name] = v;
    }
    if (this.showErrors(reasons)) return;
    this.submit.disabled = true;
    this.onAnswers(values);
  }

  /** Shows a reason under each named field (the relay's words: required, email,
   *  too_long); true when there was one. The first bad field takes the focus. */
  showErrors(reasons: Record<string, string>): boolean {
    const S = this.S;
    this.submit.disabled = false;
    let first: HTMLInputElement | null = null;
    for (const f of this.fields) {
      const why = reasons[f.q.name];
      const text = !why || !S ? "" : why === "required" ? S.fieldRequired : why === "email" ? S.fieldEmail : S.fieldTooLong;
      f.error.textContent = text;
      f.error.hidden = !text;
      if (text) {
        f.input.setAttribute("aria-invalid", "true");
        f.input.setAttribute("aria-describedby", f.error.id);
        first = first || f.input;
      } else {
        f.input.removeAttribute("aria-invalid");
        f.input.removeAttribute("aria-describedby");
      }
    }
    first?.focus();
    return !!first;
  }

  focus(): void {
    this.fields[0]?.input.focus();
  }
}
