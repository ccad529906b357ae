// The rich parts of one message (issue 16; docs/protocol.md §4 "parts"), drawn under its
// plain text: quick-reply chips, buttons (postback or link), cards, forms.
//
// Theory of operation: the parts are drawn once, when their message is first shown, and
// from then on only their state changes (`update`): whether the controls are live,
// which option was chosen, a form's values once answered, the relay's per-field errors.
// So nothing a visitor is typing into a form is ever redrawn away. The thread decides
// that state, since it sees the whole conversation (which message answers which, what
// came later); this file only draws it. A page that does not answer (the console) gets
// every control disabled but the links. Unknown kinds are skipped: the message's text
// is the fallback. Every string here came from a bot or an agent: set with textContent
// only; a link or an image is drawn only for an http(s) URL, anything else as text.

import type { FormField, Reply, RichButton, RichPart } from "../../wasm/src/types";
import type { Strings } from "./i18n";
import { formatSize, type FileSource } from "./files";

/** What the parts say themselves (web/shared/i18n.ts). */
export type PartStrings = Pick<Strings, "quickReplies" | "actions" | "newTab" | "choose" | "send" | "sent" | "sending" |
  "fieldRequired" | "fieldEmail" | "download">;

/** Called when the visitor uses a control: `text` is what their answer shows. */
export type AnswerFn = (text: string, reply: Omit<Reply, "to">) => void;

interface Choice {
  id: string;
  btn: HTMLButtonElement;
}
interface FieldView {
  field: FormField;
  input: HTMLInputElement | HTMLSelectElement;
  error: HTMLElement;
}
interface FormView {
  id: string;
  form: HTMLFormElement;
  set: HTMLFieldSetElement;
  fields: FieldView[];
  submit: HTMLButtonElement;
  status: HTMLElement;
  problem: HTMLElement; // errors naming no field of the form
}

let ids = 0;
const uid = () => "pp" + ++ids;

function make<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The URL when it is http(s), else null (javascript:, data:, relative…). */
function webUrl(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  try {
    const url = new URL(raw);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

const str = (v: unknown) => (typeof v === "string" ? v : "");
const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

/** A chip or postback button: disabled or not, marked when it is the answer. */
function choose(c: Choice, reply: Reply | undefined, disabled: boolean): void {
  const chosen = !!reply && reply.option === c.id;
  c.btn.disabled = disabled;
  c.btn.classList.toggle("chosen", chosen);
  if (chosen) c.btn.setAttribute("aria-pressed", "true");
  else c.btn.removeAttribute("aria-pressed");
}

/** A field's error (or none): its text, aria-invalid and aria-describedby. */
function mark(v: FieldView, error: string): void {
  v.error.textContent = error;
  v.error.hidden = !error;
  if (error) {
    v.input.setAttribute("aria-invalid", "true");
    v.input.setAttribute("aria-describedby", v.error.id);
  } else {
    v.input.removeAttribute("aria-invalid");
    v.input.removeAttribute("aria-describedby");
  }
}

function labelled(cls: string, label: string): HTMLElement {
  const g = make("div", cls);
  g.setAttribute("role", "group");
  g.setAttribute("aria-label", label);
  return g;
}

export class RichParts {
  readonly el: HTMLElement;
  private readonly chips: Choice[] = [];
  private readonly posts: Choice[] = [];
  private readonly forms: FormView[] = [];
  private answered = false;

  /** Null when no part is of a kind this client draws. `labelId`: the message's text,
   *  which names its forms. */
  static draw(parts: unknown, S: PartStrings, labelId: string, answer: () => AnswerFn | null,
              files?: FileSource | null): RichParts | null {
    const view = new RichParts(S, answer);
    view.files = files ?? null;
    for (const part of list<RichPart>(parts)) view.drawPart(part, labelId);
    return view.el.childElementCount ? view : null;
  }

  private files: FileSource | null = null;

  private constructor(private S: PartStrings, private readonly answer: () => AnswerFn | null) {
    this.el = make("div", "parts");
  }

  /** The state of the controls. `reply`: the latest answer to this message (pending:
   *  not stored yet); `superseded`: the visitor wrote after it; `live`: answering is
   *  possible at all (the page answers and the message is stored). */
  update(reply: Reply | undefined, pending: boolean, superseded: boolean, live: boolean, S: PartStrings): void {
    this.S = S;
    this.answered = !!reply;
    for (const c of this.chips) choose(c, reply, !live || !!reply || superseded);
    for (const c of this.posts) choose(c, reply, !live || !!reply);
    for (const f of this.forms) {
      const mine = !!reply && reply.form === f.id;
      f.set.disabled = !live || mine;
      f.submit.hidden = mine;
      f.status.textContent = mine ? (pending ? S.sending : "✓ " + S.sent) : "";
      f.form.setAttribute("data-state", mine ? (pending ? "pending" : "answered") : live ? "open" : "closed");
      if (mine)
        for (const v of f.fields) {
          v.input.value = str(reply!.values?.[v.field.name]);
          mark(v, "");
        }
    }
  }

  /** The relay refused the form `formId` (1011): each bad field's reason at the field,
   *  the first one focused; the values stay for correction. */
  showErrors(formId: string, reasons: Record<string, string>): void {
    const f = this.forms.find((x) => x.id === formId);
    if (!f) return;
    const S = this.S;
    // The reasons a visitor can meet; the others ("not one of the choices", "longer
    // than 500 bytes": the controls prevent them) are shown as the relay words them.
    const words: Record<string, string> = { required: S.fieldRequired, "not an e-mail address": S.fieldEmail };
    let first: FieldView | null = null;
    const other: string[] = [];
    for (const [name, why] of Object.entries(reasons || {})) {
      const v = f.fields.find((x) => x.field.name === name);
      const text = words[str(why)] || str(why);
      if (!v) other.push(name + ": " + text);
      else {
        mark(v, text);
        first = first || v;
      }
    }
    f.problem.textContent = other.join(" ");
    f.problem.hidden = !other.length;
    (first ? first.input : f.submit).focus();
  }

  private drawPart(part: RichPart, labelId: string): void {
    if (!part || typeof part !== "object") return;
    switch (part.kind) {
      case "quick_replies": {
        const group = labelled("chips", this.S.quickReplies);
        for (const o of list<{ id: string; label: string }>(part.options))
          this.chips.push(this.postback(group, "chip", "quick-reply", str(o.id), str(o.label)));
        return void this.el.appendChild(group);
      }
      case "buttons":
        return void this.el.appendChild(this.buttons(part.buttons));
      case "card":
        return void this.el.appendChild(this.card(part));
      case "form":
        return void this.el.appendChild(this.form(part, labelId));
      case "file":
        return void this.el.appendChild(this.file(part));
    }
  }

  /** An attachment (issue 17): a button that saves it, named by its file name and size,
   *  and for an image a preview above. Both read the file from the relay with the
   *  chat's token (shared/files.ts): it is never a URL another page could load. */
  private file(part: Extract<RichPart, { kind: "file" }>): HTMLElement {
    const box = make("div", "file");
    box.setAttribute("data-testid", "file");
    const id = str(part.id);
    const name = str(part.name) || "file";
    const files = this.files;
    if (/^image\/(png|jpeg|gif|webp)$/.test(str(part.mime)) && files) {
      const img = make("img", "file-preview");
      img.alt = name;
      img.hidden = true;
      img.setAttribute("data-testid", "file-preview");
      box.appendChild(img);
      files.read(id).then((blob) => {
        img.src = URL.createObjectURL(blob);
        img.hidden = false;
      }, () => {}); // no preview; the button still offers the file
    }
    const save = make("button", "file-save");
    save.type = "button";
    save.setAttribute("data-testid", "file-save");
    // Named by what it shows (the file's name and size); what it does is its description.
    save.title = this.S.download.replace("{name}", name);
    save.append(make("span", "file-name", name), make("span", "file-size", formatSize(Number(part.size) || 0)));
    save.disabled = !files;
    save.addEventListener("click", () => {
      files?.read(id).then((blob) => {
        const a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = name;
        a.click();
        setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
      }, () => {});
    });
    box.appendChild(save);
    return box;
  }

  private postback(parent: HTMLElement, cls: string, testid: string, id: string, label: string): Choice {
    const btn = make("button", cls, label);
    btn.type = "button";
    btn.setAttribute("data-testid", testid);
    btn.setAttribute("data-option", id);
    btn.addEventListener("click", () => {
      const answer = this.answer();
      if (answer && !this.answered) answer(label, { option: id });
    });
    parent.appendChild(btn);
    return { id, btn };
  }

  private buttons(buttons: unknown): HTMLElement {
    const group = labelled("buttons", this.S.actions);
    for (const b of list<RichButton>(buttons)) {
      const label = str(b.label);
      if (b.id !== undefined) {
        this.posts.push(this.postback(group, "part-button", "part-button", str(b.id), label));
        continue;
      }
      const href = webUrl(b.url);
      if (!href) {
        group.appendChild(make("span", "part-text", label));
        continue;
      }
      const a = make("a", "part-button part-link", label);
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.setAttribute("data-testid", "part-link");
      a.appendChild(make("span", "visually-hidden", " " + this.S.newTab));
      group.appendChild(a);
    }
    return group;
  }

  private card(part: Extract<RichPart, { kind: "card" }>): HTMLElement {
    const card = make("div", "card");
    const titleId = uid();
    card.setAttribute("role", "group");
    card.setAttribute("aria-labelledby", titleId);
    card.setAttribute("data-testid", "card");
    // https only: what the pages' CSP (img-src) lets load, never mixed content.
    const src = webUrl(part.image);
    if (src && src.startsWith("https:")) {
      // A fixed 16:9 box: the image arriving later moves nothing around it.
      const media = make("div", "card-media");
      const img = make("img", "");
      img.alt = str(part.title);
      img.decoding = "async";
      img.referrerPolicy = "no-referrer";
      img.addEventListener("error", () => media.classList.add("broken"));
      img.src = src;
      media.appendChild(img);
      card.appendChild(media);
    }
    const title = make("p", "card-title", str(part.title));
    title.id = titleId;
    card.appendChild(title);
    if (part.text) card.appendChild(make("p", "card-text", str(part.text)));
    if (list(part.buttons).length) card.appendChild(this.buttons(part.buttons));
    return card;
  }

  private form(part: Extract<RichPart, { kind: "form" }>, labelId: string): HTMLElement {
    const S = this.S;
    const form = make("form", "rich-form");
    form.noValidate = true; // the relay validates; its reasons are shown at the fields
    form.setAttribute("aria-labelledby", labelId);
    form.setAttribute("data-testid", "rich-form");
    form.setAttribute("data-form", str(part.id));
    const set = make("fieldset", "");
    const fields: FieldView[] = [];
    for (const field of list<FormField>(part.fields)) {
      const row = make("div", "field");
      const id = uid();
      const label = make("label", "", str(field.label));
      label.htmlFor = id;
      if (field.required) {
        // Screen readers hear "required" from the input's own attribute.
        label.appendChild(make("span", "req", " *")).setAttribute("aria-hidden", "true");
      }
      let input: HTMLInputElement | HTMLSelectElement;
      if (field.type === "choice") {
        input = make("select", "");
        input.appendChild(make("option", "", S.choose)).value = "";
        for (const o of list<{ id: string; label: string }>(field.options))
          input.appendChild(make("option", "", str(o.label))).value = str(o.id);
      } else {
        input = make("input", "");
        input.type = field.type === "email" ? "email" : "text";
        if (field.type === "email") input.autocomplete = "email";
        else input.maxLength = 500;
      }
      input.id = id;
      input.name = str(field.name);
      input.required = !!field.required;
      const error = make("p", "field-error");
      error.id = uid();
      error.hidden = true;
      error.setAttribute("data-testid", "field-error");
      row.append(label, input, error);
      set.appendChild(row);
      fields.push({ field, input, error });
    }
    const problem = make("p", "field-error");
    problem.hidden = true;
    const actions = make("div", "form-actions");
    const submit = make("button", "part-button primary", str(part.submit) || S.send);
    submit.type = "submit";
    submit.setAttribute("data-testid", "form-submit");
    const status = make("span", "form-status");
    status.setAttribute("role", "status");
    actions.append(submit, status);
    set.append(problem, actions);
    form.appendChild(set);
    const view: FormView = { id: str(part.id), form, set, fields, submit, status, problem };
    this.forms.push(view);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const answer = this.answer();
      if (!answer || set.disabled) return;
      const values: Record<string, string> = {};
      const shown: string[] = [];
      for (const v of fields) {
        mark(v, "");
        const value = v.input.value.trim();
        if (!value) continue;
        values[v.field.name] = value;
        shown.push(v.input instanceof HTMLSelectElement ? v.input.selectedOptions[0]?.text || value : value);
      }
      problem.hidden = true;
      answer(shown.join(", ") || submit.textContent || "", { form: view.id, values });
    });
    return form;
  }
}
