// The postMessage contract between the loader (host page) and the widget frame
// (relay origin). Every message carries `parley: 1` so that unrelated postMessage
// traffic on the host page is ignored; both sides also check event.origin and
// event.source before reading anything.

/** Settings a host page sets with Parley.push(["set", key, value]). All plain strings. */
export interface WidgetSettings {
  /** Visitor's display name, sent with hello. */
  name?: string;
  /** Header title, e.g. the company name. */
  title?: string;
  /** Header subtitle, e.g. "We typically reply in a few minutes". */
  subtitle?: string;
  /** First bubble shown before any message. */
  greeting?: string;
  /** Accent colour (CSS colour). */
  color?: string;
  /** "right" (default) or "left". */
  position?: string;
  /** UI language: "en" (default), "fr", "de", "es". */
  locale?: string;
}

/** Parley.push(["identify", {...}]) (issue 17): the site's logged-in user and the proof
 *  its server computed; plain strings (attributes: string values). */
export interface WidgetIdentity {
  user_id?: string;
  email?: string;
  user_hash?: string;
  identity_token?: string;
  attributes?: Record<string, string>;
}

/** Loader → frame. */
export type HostMessage =
  | { parley: 1; type: "config"; settings: WidgetSettings; open: boolean; identity?: WidgetIdentity }
  | { parley: 1; type: "open"; open: boolean }
  /** Issue 17: the host page's title, and its path after a single-page site navigated
   *  (origin + path, never the query or fragment). */
  | { parley: 1; type: "page"; page: string; title: string };

/** Frame → loader. */
export type FrameMessage =
  | { parley: 1; type: "ready" }
  | { parley: 1; type: "close" }
  | { parley: 1; type: "unread"; count: number }
  | { parley: 1; type: "message"; message: { seq: number; from: string; text: string; mine: boolean } };
