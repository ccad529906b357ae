// The dashboard's live figures and CSV (web/console/dashboard/live.ts, csv.ts; issue 18,
// docs/reports.md "The dashboard"), on hand-made boards with known answers. The browser
// test (tests/browser/dashboard.test.mjs) checks them drawn against a real relay.
//
//   node --test tests/web/dashboard.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
async function load(file) {
  const out = await build({ entryPoints: [join(root, file)], bundle: true, format: "esm", write: false,
                            logLevel: "silent" });
  return import("data:text/javascript;base64," + Buffer.from(out.outputFiles[0].text).toString("base64"));
}
const live = await load("web/console/dashboard/live.ts");
const csv = await load("web/console/dashboard/csv.ts");

const agent = (status, load) => ({ agent: { role: "agent", id: status + load, name: "" }, status, teams: [], load,
                                   inactive: 0, preferred: 3, max: 5 });

test("occupancy now: online agents with a conversation over those who could take one, a break in neither", () => {
  // Busy: available with 2, away with 1. Idle: available with 0. Break: away with 0.
  // Offline with a conversation in its grace period: not online.
  const agents = [agent("available", 2), agent("away", 1), agent("available", 0), agent("away", 0),
                  agent("offline", 1)];
  assert.equal(live.occupancyNow(agents), 2 / 3);
  assert.equal(live.occupancyNow([agent("away", 0), agent("offline", 0)]), null);
  assert.deepEqual(live.agentCounts(agents), { available: 2, away: 2, offline: 1 });
});

test("the longest wait is measured on the relay's clock, from the earliest start among the queues", () => {
  const queues = { now: 1_000_000, queues: [
    { team: "general", length: 2, waiting_since: 990_000, longest_wait_s: 10 },
    { team: "billing", length: 1, waiting_since: 970_000, longest_wait_s: 30 },
    { team: "sales", length: 0, waiting_since: 0, longest_wait_s: 0 },
  ] };
  // Fetched when the console's clock read 5_000 (the clocks disagree); 2 s later: 32 s.
  assert.equal(live.longestWait(queues, 5_000, 7_000), 32);
  assert.equal(live.longestWait({ now: 1, queues: [] }, 0, 0), 0);
  assert.equal(live.longestWait(null, 0, 0), 0);
});

test("durations read at a glance", () => {
  assert.equal(live.duration(4.4), "4 s");
  assert.equal(live.duration(125), "2 min 05 s");
  assert.equal(live.duration(3 * 3600 + 180), "3 h 03 min");
  assert.equal(live.percent(0.256), "26 %");
  assert.equal(live.percent(null), "—");
});

test("CSV: a header, CRLF lines, quoted fields, and no formula from a typed name", () => {
  const text = csv.csvText(["Agent", "Chats"], [["Ann, \"the\" lead", 2], ["=HYPERLINK(1)", 0], ["-1", 1.5]]);
  assert.equal(text, 'Agent,Chats\r\n"Ann, ""the"" lead",2\r\n\'=HYPERLINK(1),0\r\n\'-1,1.5\r\n');
});
