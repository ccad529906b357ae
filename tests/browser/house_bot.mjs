// The house bot beside the relay under test (issue 16): its API key made as an operator
// would (`parley-relay --create-bot-key`, before the relay starts: the command takes the
// data directory's lock), then `parley-bot` started on the demo config and knowledge
// base, resolved once it reports that it is ready. Browser tests that need the bot use
// relayWithHouseBot() instead of relayFromEnv().
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { artifacts, DEMO_PASSWORD, startRelay, stopRelay } from "./support.mjs";

const sourceDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The relay (PARLEY_RELAY_BIN, PARLEY_WEB_ROOT) with the demo agents and the house bot
 *  (PARLEY_BOT_BIN) answering first. Resolves to {relay, bot, dataDir}; pass `bot` to
 *  stopHouseBot() and the rest to tearDown() as usual. */
export async function relayWithHouseBot({ name, extra = [], config = join(sourceDir, "deploy/bot/bot.toml") }) {
  const bin = process.env.PARLEY_RELAY_BIN;
  const botBin = process.env.PARLEY_BOT_BIN;
  const webRoot = process.env.PARLEY_WEB_ROOT;
  assert.ok(bin && existsSync(bin), `PARLEY_RELAY_BIN must name the relay binary (got ${bin})`);
  assert.ok(botBin && existsSync(botBin), `PARLEY_BOT_BIN must name the parley-bot binary (got ${botBin})`);
  assert.ok(webRoot && existsSync(join(webRoot, "index.html")), `PARLEY_WEB_ROOT must name the built web root (got ${webRoot})`);
  mkdirSync(artifacts, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), `parley-${name}-`));
  const data = join(dataDir, "data");
  const key = execFileSync(bin, ["--data-dir", data, "--create-bot-key", "house-bot", "--bot-name", "Parley Bot"],
                           { encoding: "utf8", env: { ...process.env, PARLEY_DEMO_PASSWORD: DEMO_PASSWORD } }).trim();
  assert.match(key, /^pk_/, "--create-bot-key prints the key");
  const relay = await startRelay({ bin, webRoot, dataDir: data, extra });
  const bot = await startHouseBot({ botBin, url: relay.url.replace(/^http/, "ws") + "/", key, config,
                                    gaps: join(dataDir, "gaps.db") });
  return { relay, bot, dataDir };
}

/** parley-bot with `key` in its environment; resolves once it prints "ready: b_…". */
export function startHouseBot({ botBin, url, key, config, gaps }) {
  const child = spawn(botBin, ["--relay", url, "--config", config, "--gaps", gaps, "--verbose"],
                      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PARLEY_BOT_KEY: key } });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`parley-bot was not ready within 10 s; output:\n${output}`));
    }, 10_000);
    const onData = (chunk) => {
      output += chunk;
      if (/ready: b_/.test(output)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.stderr.setEncoding("utf8").on("data", onData);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`parley-bot exited early (${code ?? signal}); output:\n${output}`));
    });
  });
}

/** SIGTERM, then SIGKILL after 5 s (stopRelay's rule, which fits any child). */
export async function stopHouseBot(bot) {
  if (bot) await stopRelay(bot.child);
}
