// What every browser test shares: the relay binary as a child process on a free port
// with a fresh data dir, headless Debian Chromium, and the demo agent's credentials.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const artifacts = join(dirname(fileURLToPath(import.meta.url)), "artifacts");
export const DEMO_EMAIL = "demo@parley.local";
export const DEMO_PASSWORD = "browser-demo-password";
export const WAIT = 15_000; // ms per step: generous for a loaded CI machine, still bounded

/** Starts parley-relay on a free port with the demo agents and any `extra` options;
 *  resolves once it prints its listening line (10 s at most). */
export function startRelay({ bin, webRoot, dataDir, extra = [] }) {
  const args = ["--port", "0", "--data-dir", dataDir, "--web-root", webRoot,
                "--demo-agent", ...extra];
  // The password goes in the environment, never on the command line (issue 15).
  const env = { ...process.env, PARLEY_DEMO_PASSWORD: DEMO_PASSWORD };
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], env });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`relay did not listen within 10 s; output:\n${output}`));
    }, 10_000);
    const onData = (chunk) => {
      output += chunk;
      const m = /parley-relay listening on (http:\/\/\S+?):(\d+)\s*$/m.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${m[2]}`, output: () => output });
      }
    };
    // Keep draining both pipes for the relay's whole life, so it never blocks on them.
    child.stdout.setEncoding("utf8").on("data", onData);
    child.stderr.setEncoding("utf8").on("data", (chunk) => { output += chunk; });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`relay exited early (${code ?? signal}); output:\n${output}`));
    });
  });
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the relay has exited. */
export async function stopRelay(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Debian's Chromium, headless, with no traffic of its own (the machine has no network). */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.PARLEY_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--no-first-run"],
    timeout: 30_000,
  });
}

/** The relay under test from PARLEY_RELAY_BIN and PARLEY_WEB_ROOT (which must hold
 *  `webFile`), on a fresh temp dir named after `name`, with any `extra` options. */
export async function relayFromEnv({ name, extra = [], webFile = "index.html" }) {
  const bin = process.env.PARLEY_RELAY_BIN;
  const webRoot = process.env.PARLEY_WEB_ROOT;
  assert.ok(bin && existsSync(bin), `PARLEY_RELAY_BIN must name the relay binary (got ${bin})`);
  assert.ok(webRoot && existsSync(join(webRoot, webFile)),
            `PARLEY_WEB_ROOT must name the built web root with ${webFile} (got ${webRoot})`);
  mkdirSync(artifacts, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), `parley-${name}-`));
  const relay = await startRelay({ bin, webRoot, dataDir: join(dataDir, "data"), extra });
  return { relay, dataDir };
}

/** Signs `page` in to the console of `relay` (default: the demo supervisor) and waits
 *  until its connection is up. */
export async function signIn(page, relay, email = DEMO_EMAIL, password = DEMO_PASSWORD) {
  await page.goto(relay.url + "/console/");
  await page.locator("[data-testid=login-email]").fill(email);
  await page.locator("[data-testid=login-password]").fill(password);
  await page.locator("[data-testid=login-submit]").click();
  await page.locator("[data-testid=conn-state][data-state=connected]").waitFor({ state: "visible" });
}

/** Bounded waits on `page`, and every script error or console error it logs collected
 *  into `errors`, labelled with `who`. */
export function watchPage(who, page, errors) {
  page.setDefaultTimeout(WAIT);
  page.on("pageerror", (err) => errors.push(`${who}: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`${who} console: ${msg.text()}`);
  });
}

/** Screenshots of `pages` ({name: page}) into artifacts/ first, so a failed run still
 *  shows where it stopped; then the collected errors, the browser, relay and temp dir. */
export async function tearDown({ pages, errors, browser, relay, dataDir }) {
  for (const [name, page] of Object.entries(pages)) {
    if (!page) continue;
    const path = join(artifacts, `${name}.png`);
    try {
      await page.screenshot({ path, fullPage: false, timeout: 10_000 });
      console.log(`screenshot: ${path}`);
    } catch (err) {
      console.log(`screenshot of ${name} failed: ${err.message}`);
    }
  }
  if (errors.length) console.log("page errors:\n  " + errors.join("\n  "));
  await browser?.close();
  if (relay) await stopRelay(relay.child);
  if (dataDir && !process.env.PARLEY_KEEP_TMP) rmSync(dataDir, { recursive: true, force: true });
}

const axeSource = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "..",
                                    "node_modules", "axe-core", "axe.min.js"), "utf8");

/** axe-core's findings of impact serious or critical in `target` (a Page or a Frame),
 *  each as "rule: target — summary". axe is evaluated into the document (not added as a
 *  <script>, which the pages' CSP would refuse), once per document. `context`: what to
 *  check (axe's include/exclude), the whole document by default. WCAG 2.x A and AA
 *  rules and axe's best practices, as axe runs them by default. */
export async function axeFindings(target, context = undefined) {
  if (!(await target.evaluate(() => typeof window.axe === "object"))) await target.evaluate(axeSource);
  const violations = await target.evaluate(async (ctx) => {
    const result = await window.axe.run(ctx ?? document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact,
      nodes: v.nodes.map((n) => `${n.target.join(" ")} — ${n.failureSummary.replace(/\s+/g, " ").slice(0, 240)}`),
    }));
  }, context);
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n}`));
}

/** Counts the bytes `page` receives (CDP Network.loadingFinished encodedDataLength:
 *  bodies as sent, compressed or not, plus response headers; every frame of the page
 *  that shares its process, so the relay's same-origin widget frame too; WebSocket
 *  frames not counted). Resolves to a function that reads the running totals; pass two
 *  readings to `transferredSince` for what one page view cost (bench/size.sh,
 *  tests/browser/static.test.mjs). */
export async function countBytes(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const counted = { bytes: 0, requests: 0 };
  cdp.on("Network.loadingFinished", (e) => { counted.bytes += e.encodedDataLength; counted.requests += 1; });
  return () => ({ ...counted });
}

/** The bytes and requests from the reading `before` to now, once nothing more has
 *  arrived for 300 ms (bodies still in flight are counted). */
export async function transferredSince(read, before) {
  let last = -1;
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 300));
    const now = read();
    if (now.bytes === last) return { bytes: now.bytes - before.bytes, requests: now.requests - before.requests };
    last = now.bytes;
  }
  throw new Error("the page never stopped loading");
}
