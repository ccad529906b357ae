// UI strings of the widget. Host pages pick one with Parley.push(["set","locale","fr"]).
// Every shipped language has every key (tests/web/i18n.test.mjs fails otherwise, and
// tests/browser/a11y.test.mjs finds no English left in a French widget); an unknown
// language gets English. Strings are only ever set with textContent. The console is
// English-only for now: it passes its own words to shared/thread.ts.
//
// English is built in (the fallback, and what the console uses). The other tables are
// web/shared/i18n/<lang>.json, served as their own hashed files (web/build.mjs) and
// fetched by the widget for its visitor's language only (loadStrings): each table is
// ~1.7 KB gzip, and the chat app's budget has no room for three a visitor never reads
// (bench/README.md "Widget weight"). web/shared/i18n/tables.ts gathers them for tests.

export const en = {
  title: "Chat with us",
  subtitle: "We typically reply in a few minutes",
  greeting: "Hi there! 👋 How can we help you today?",
  placeholder: "Write a message…",
  composerLabel: "Message",
  send: "Send",
  close: "Close chat",
  messages: "Conversation",
  more: "Load earlier messages",
  sending: "Sending…",
  sent: "Sent",
  failed: "Not sent",
  seen: "Seen",
  typing: "{name} is typing…",
  someone: "Support",
  connecting: "Connecting…",
  connected: "Online",
  reconnecting: "Reconnecting…",
  offline: "Offline — messages will be sent when you're back online",
  stopped: "Disconnected",
  // Not connected for a while although the browser is online (issue 17): the relay is
  // down, unreachable or refuses this page; the core keeps retrying.
  unreachable: "Can't reach the chat. Retrying…",
  tooLong: "This message is too long.",
  // Quotas (4050/4051 on connecting, 4052 on sending); the core retries by itself.
  quotaNew: "Too many new chats from your network. We'll retry in {wait}.",
  quotaSend: "Not sent: you've written a lot today. We'll retry in {wait}.",
  powered: "Powered by Parley",
  // Streams and rich messages (issue 16; shared/thread.ts, shared/parts.ts).
  interrupted: "This reply was interrupted.",
  quickReplies: "Suggested replies",
  actions: "Options",
  newTab: "(opens in a new tab)",
  choose: "Choose…",
  // Attachments (issue 17; shared/files.ts, widget composer).
  attach: "Attach a file",
  uploading: "Sending {name}… {percent}",
  uploadFailed: "{name} could not be sent.",
  uploadTooLarge: "{name} is too large.",
  uploadType: "This kind of file can't be sent: images, PDF or text only.",
  download: "Download {name}",
  // The relay's reasons for a refused form value (1011; others are shown as it words them).
  fieldRequired: "Please fill this in.",
  fieldEmail: "Enter an e-mail address, like name@example.com.",
  // The visitor's place in the queue after a handoff to people (`queue`).
  queuePlace: "You're number {n} in line for our team.",
  queueWait: "About {wait}.",
  queueBusy: "Everyone is busy right now; someone will reply as soon as they're free.",
  // Durations in the notices above.
  minutes: "{n} min",
  hours: "{n} h",
  // The team's presence (agents' `presence` frames), shown in the header once connected.
  away: "We're away right now. Leave us a message.",
  // Date separators in the thread (shared/thread.ts); other days by Intl in `lang`.
  today: "Today",
  yesterday: "Yesterday",
  // The relay's system lines to visitors (docs/protocol.md §4 "System messages"),
  // matched exactly and shown in the visitor's language; others are shown as sent.
  sysClosed: "Conversation closed",
  sysReopened: "Conversation reopened",
  sysJoined: "{name} joined the conversation",
  // CSAT (issue 17): asked once the conversation closes; "{n}" is 1–5.
  rateAsk: "How was this conversation?",
  rateScore: "{n} out of 5",
  rateComment: "Comment (optional)",
  rateSend: "Send rating",
  rateThanks: "Thank you for your rating",
  // Pre-chat form and e-mail capture (issue 17; widget/prechat.ts).
  prechatIntro: "Before we start, tell us a little about you.",
  prechatName: "Your name",
  prechatEmail: "E-mail address",
  prechatOptional: "(optional)",
  prechatStart: "Start the chat",
  fieldTooLong: "This is too long.",
  captureAsk: "Nobody is available right now. Leave your e-mail and we'll reply.",
  captureSend: "Send",
  captureDone: "Thanks! We'll reply by e-mail.",
  // A verified user's earlier conversations (issue 17; widget/past.ts).
  pastList: "Past conversations",
  pastItem: "Conversation of {date}",
  pastBack: "Back to the chat",
  // The language's tag, for Intl date formats.
  lang: "en",
};


export type Strings = typeof en;

/** The languages shipped besides English: web/shared/i18n/<lang>.json each. */
export const LANGS = ["fr", "de", "es"];

/** The two-letter language of `locale` (else the browser's), as the tables name it. */
export function langOf(locale: string | undefined): string {
  return (locale || (typeof navigator !== "undefined" ? navigator.language : "") || "en").slice(0, 2).toLowerCase();
}

/** English overlaid with `table` (the language's, or none). */
export function strings(table?: Partial<Strings> | null): Strings {
  return { ...en, ...(table || {}) };
}

// What a table's fetch gave, by language: fetched once per page.
const loaded: Record<string, Promise<Partial<Strings> | null>> = {};
const GIVE_UP_MS = 3000;

/** The strings for `locale`, fetching its table (web-root path i18n/<lang>.json, under
 *  its hashed name through `url`) the first time. English, never an error, when the
 *  language is not shipped or its table cannot be had within GIVE_UP_MS: the widget
 *  must speak, and a slow table must not hold it back. */
export async function loadStrings(locale: string | undefined, url: (path: string) => string): Promise<Strings> {
  const lang = langOf(locale);
  if (!LANGS.includes(lang)) return en;
  loaded[lang] = loaded[lang] || Promise.race([
    fetch(url(`i18n/${lang}.json`)).then((res) => (res.ok ? res.json() : null)),
    new Promise<null>((resolve) => setTimeout(resolve, GIVE_UP_MS, null)),
  ]).catch(() => null);
  const table = await loaded[lang];
  if (!table) delete loaded[lang]; // try again at the next settings
  return strings(table);
}
