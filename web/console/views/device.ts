// The visitor's device as the console shows it (issue 17): browser, operating system and
// kind of device, read from the User-Agent the relay recorded at the visitor's WebSocket
// handshake. Parsing is bowser's (npm, MIT): a maintained table of browser and OS
// families beats a hand-written list of regular expressions that ages with every release.
// The User-Agent is the visitor's to write, so everything here is shown as text only.
import Bowser from "bowser";

export interface Device {
  browser: string; // "Chrome 120", "" when unknown
  os: string; // "macOS 10.15", "iOS 17.1", ""
  kind: "desktop" | "mobile" | "tablet" | "tv" | "bot" | "";
}

/** "Chrome 120.0.6099.109" → "Chrome 120": a major version is what an agent needs. */
function major(name: string | undefined, version: string | undefined): string {
  if (!name) return "";
  const v = (version || "").split(".")[0];
  return v ? `${name} ${v}` : name;
}

export function describeDevice(userAgent: string | undefined): Device | null {
  if (!userAgent) return null;
  try {
    const r = Bowser.parse(userAgent);
    const os = r.os.name ? [r.os.name, r.os.versionName || r.os.version?.split(".").slice(0, 2).join(".")].filter(Boolean).join(" ") : "";
    const kind = (r.platform.type || "") as Device["kind"];
    return { browser: major(r.browser.name, r.browser.version), os, kind };
  } catch {
    return { browser: "", os: "", kind: "" };
  }
}
