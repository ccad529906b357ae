// UI strings of the widget. Host pages pick one with Parley.push(["set","locale","fr"]);
// anything missing falls back to English. Strings are only ever set with textContent.

const en = {
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
  tooLong: "This message is too long.",
  // Quotas (4050/4051 on connecting, 4052 on sending); the core retries by itself.
  quotaNew: "Too many new chats from your network. We'll retry in {wait}.",
  quotaSend: "Not sent: you've written a lot today. We'll retry in {wait}.",
  powered: "Powered by Parley",
};

export type Strings = typeof en;

const tables: Record<string, Partial<Strings>> = {
  en,
  fr: {
    title: "Discutons",
    subtitle: "Nous répondons généralement en quelques minutes",
    greeting: "Bonjour ! 👋 Comment pouvons-nous vous aider ?",
    placeholder: "Écrivez un message…",
    composerLabel: "Message",
    send: "Envoyer",
    close: "Fermer la discussion",
    more: "Messages précédents",
    sending: "Envoi…",
    sent: "Envoyé",
    failed: "Non envoyé",
    seen: "Vu",
    typing: "{name} écrit…",
    connecting: "Connexion…",
    connected: "En ligne",
    reconnecting: "Reconnexion…",
    offline: "Hors ligne — vos messages partiront au retour de la connexion",
    stopped: "Déconnecté",
  },
  de: {
    title: "Schreiben Sie uns",
    subtitle: "Wir antworten meist in wenigen Minuten",
    greeting: "Hallo! 👋 Wie können wir helfen?",
    placeholder: "Nachricht schreiben…",
    send: "Senden",
    close: "Chat schließen",
    more: "Ältere Nachrichten laden",
    sending: "Wird gesendet…",
    sent: "Gesendet",
    failed: "Nicht gesendet",
    seen: "Gelesen",
    typing: "{name} schreibt…",
    connecting: "Verbinde…",
    connected: "Online",
    reconnecting: "Verbinde erneut…",
    offline: "Offline — Nachrichten werden gesendet, sobald Sie wieder online sind",
    stopped: "Getrennt",
  },
  es: {
    title: "Escríbenos",
    subtitle: "Solemos responder en pocos minutos",
    greeting: "¡Hola! 👋 ¿En qué podemos ayudarte?",
    placeholder: "Escribe un mensaje…",
    send: "Enviar",
    close: "Cerrar chat",
    more: "Cargar mensajes anteriores",
    sending: "Enviando…",
    sent: "Enviado",
    failed: "No enviado",
    seen: "Visto",
    typing: "{name} está escribiendo…",
    connecting: "Conectando…",
    connected: "En línea",
    reconnecting: "Reconectando…",
    offline: "Sin conexión — los mensajes se enviarán al volver",
    stopped: "Desconectado",
  },
};

export function strings(locale: string | undefined): Strings {
  const lang = (locale || (typeof navigator !== "undefined" ? navigator.language : "") || "en").slice(0, 2).toLowerCase();
  return { ...en, ...(tables[lang] || {}) };
}
