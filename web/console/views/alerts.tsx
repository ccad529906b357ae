// Alerts in the agent console (issue 17): the unread count in the tab title, desktop
// notifications and a short sound, for new conversations and new visitor messages that
// the agent is not looking at (the tab is in the background, or another conversation is
// open). console.ts decides *when* (alertMessage, setUnreadCount); this module decides
// *how*, and renders the agent's settings (<AlertSettings>, mounted in the sidebar).
//
// Settings live in localStorage, per browser (not per agent: they describe the device):
//   parley.console.notify   "on" once the agent enabled desktop notifications
//   parley.console.sound    "off" when muted (sound is on by default)
//   parley.console.preview  "on" when notifications may show the visitor's name and text
// Desktop notifications are asked for with a button, never on load (browsers penalise
// pages that ask unprompted, and an agent should know why the prompt appears). What a
// notification shows by default is content-free ("New message in Parley"): it may sit
// on a locked screen where anyone passing reads it; the agent opts in to previews.
// The sound is generated with WebAudio (no file to fetch; nothing the CSP must allow),
// at most once per SOUND_GAP_MS however many messages arrive.

import { render } from "preact";
import { useState } from "preact/hooks";

const NOTIFY_KEY = "parley.console.notify";
const SOUND_KEY = "parley.console.sound";
const PREVIEW_KEY = "parley.console.preview";
const BASE_TITLE = document.title || "Parley console"; // as the page names itself
const SOUND_GAP_MS = 1500;
const PREVIEW_CHARS = 120;

function load(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function save(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* storage blocked: the setting lasts for this page only */
  }
}

const settings = {
  notify: load(NOTIFY_KEY) === "on",
  sound: load(SOUND_KEY) !== "off",
  preview: load(PREVIEW_KEY) === "on",
};

function notificationsSupported(): boolean {
  return typeof window.Notification === "function";
}
function permission(): NotificationPermission | "unsupported" {
  return notificationsSupported() ? Notification.permission : "unsupported";
}

// ---- the title ------------------------------------------------------------------------

/** "(3) Parley — Agent console": unread visitor messages across the inbox; the bare name at 0. */
export function setUnreadCount(n: number): void {
  const title = n > 0 ? `(${n > 99 ? "99+" : n}) ${BASE_TITLE}` : BASE_TITLE;
  if (document.title !== title) document.title = title;
}

// ---- sound ---------------------------------------------------------------------------

let audio: AudioContext | null = null;
let lastSound = 0;

/** Two short sine notes (~0.25 s). Browsers keep an AudioContext suspended until a user
 *  gesture; unlockSound() (called on the agent's first click or key) resumes it. */
function playSound(): void {
  if (!settings.sound) return;
  const now = Date.now();
  if (now - lastSound < SOUND_GAP_MS) return;
  lastSound = now;
  try {
    audio ??= new AudioContext();
    if (audio.state !== "running") return; // no gesture yet: silent rather than queued
    const t = audio.currentTime;
    const gain = audio.createGain();
    gain.connect(audio.destination);
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.15, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.26);
    [880, 1320].forEach((hz, i) => {
      const osc = audio!.createOscillator();
      osc.type = "sine";
      osc.frequency.setValueAtTime(hz, t + i * 0.09);
      osc.connect(gain);
      osc.start(t + i * 0.09);
      osc.stop(t + 0.27);
    });
  } catch {
    /* no WebAudio: no sound */
  }
}

function unlockSound(): void {
  if (!settings.sound) return;
  try {
    audio ??= new AudioContext();
    if (audio.state === "suspended") void audio.resume();
  } catch {
    /* no WebAudio */
  }
}
document.addEventListener("pointerdown", unlockSound, { capture: true });
document.addEventListener("keydown", unlockSound, { capture: true });

// ---- alerts --------------------------------------------------------------------------

export interface Alert {
  conv: string;
  fresh: boolean;       // a conversation the agent had not seen before
  visitorName: string;  // shown only with previews on
  text: string;         // likewise
}

let openConv: (conv: string) => void = () => {};

/** Where a click on a notification leads (console.ts's open()). */
export function onAlertClick(open: (conv: string) => void): void {
  openConv = open;
}

/** A visitor message (or a new conversation) the agent is not looking at: a sound, and a
 *  desktop notification when enabled and granted. One notification per conversation at a
 *  time (`tag`): a chatty visitor replaces theirs instead of stacking them. */
export function alertMessage(a: Alert): void {
  playSound();
  if (!settings.notify || permission() !== "granted") return;
  const title = a.fresh ? "New conversation in Parley" : "New message in Parley";
  const body = settings.preview
    ? `${a.visitorName}: ${a.text.length > PREVIEW_CHARS ? a.text.slice(0, PREVIEW_CHARS) + "…" : a.text}`
    : "A visitor is waiting for an answer.";
  try {
    const n = new Notification(title, { body, tag: "parley-" + a.conv, silent: true });
    n.onclick = () => {
      window.focus();
      openConv(a.conv);
      n.close();
    };
  } catch {
    /* some browsers allow notifications only from a service worker: the title and sound remain */
  }
}

// ---- the settings (a Preact view in the sidebar) ----------------------------------------

function AlertSettings() {
  const [, redraw] = useState(0);
  const refresh = () => redraw((n) => n + 1);
  const perm = permission();

  const enable = async () => {
    if (perm === "unsupported") return;
    const answer = perm === "default" ? await Notification.requestPermission() : perm;
    settings.notify = answer === "granted";
    save(NOTIFY_KEY, settings.notify ? "on" : "off");
    refresh();
  };
  const disable = () => {
    settings.notify = false;
    save(NOTIFY_KEY, "off");
    refresh();
  };
  const toggleSound = () => {
    settings.sound = !settings.sound;
    save(SOUND_KEY, settings.sound ? "on" : "off");
    if (settings.sound) unlockSound();
    refresh();
  };
  const togglePreview = (ev: Event) => {
    settings.preview = (ev.currentTarget as HTMLInputElement).checked;
    save(PREVIEW_KEY, settings.preview ? "on" : "off");
    refresh();
  };

  const on = settings.notify && perm === "granted";
  return (
    <div class="alerts" data-testid="alert-settings">
      {perm === "unsupported" ? null : perm === "denied" ? (
        <span class="alerts-note" data-testid="notify-denied">Notifications blocked in this browser</span>
      ) : on ? (
        <button type="button" class="chip" aria-pressed="true" data-testid="notify-toggle" onClick={disable}>
          <BellIcon /> Notifications on
        </button>
      ) : (
        <button type="button" class="chip" aria-pressed="false" data-testid="notify-toggle" onClick={() => void enable()}>
          <BellIcon /> Enable notifications
        </button>
      )}
      <button type="button" class="chip" aria-pressed={settings.sound ? "true" : "false"} data-testid="sound-toggle"
              onClick={toggleSound} title={settings.sound ? "Mute the alert sound" : "Turn the alert sound on"}>
        <SpeakerIcon muted={!settings.sound} /> {settings.sound ? "Sound on" : "Muted"}
      </button>
      {on ? (
        <label class="alerts-preview">
          <input type="checkbox" checked={settings.preview} onChange={togglePreview} data-testid="notify-preview" />
          Show names and text in notifications
        </label>
      ) : null}
    </div>
  );
}

function BellIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true">
      <path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15zM10 20a2 2 0 0 0 4 0" />
    </svg>
  );
}

function SpeakerIcon({ muted }: { muted: boolean }) {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true">
      <path d="M4 9h4l5-4v14l-5-4H4z" />
      {muted ? <path d="M17 9l5 6M22 9l-5 6" /> : <path d="M17 8.5a5 5 0 0 1 0 7M19.5 6a8.5 8.5 0 0 1 0 12" />}
    </svg>
  );
}

/** Mounts the settings into `host` (once, as the console loads). */
export function mountAlertSettings(host: HTMLElement): void {
  render(<AlertSettings />, host);
}
