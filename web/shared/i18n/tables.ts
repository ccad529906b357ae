// Every shipped table, by language, for the tests (tests/web/i18n.test.mjs checks each
// is complete; tests/browser/a11y.test.mjs looks for English left in French). The
// widget never imports this: it fetches its visitor's table alone (shared/i18n.ts).
import { en, langOf, strings as overlay, type Strings } from "../i18n";
export { LANGS } from "../i18n";
import fr from "./fr.json";
import de from "./de.json";
import es from "./es.json";

export const tables: Record<string, Partial<Strings>> = { en, fr, de, es };

/** The strings for `locale`, as the widget gets them once its table has arrived. */
export function strings(locale: string | undefined): Strings {
  return overlay(tables[langOf(locale)]);
}
