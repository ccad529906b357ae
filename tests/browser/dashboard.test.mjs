// The supervisor dashboard (issue 18, web/console/dashboard/), in a real browser against
// a real relay with some history: ten past days written into its database the way the
// relay writes them (conversation events, message times, the demo supervisor's
// availability), then today live — a visitor served by the supervisor, who goes away,
// and a second visitor left waiting in the queue. The dashboard must show the live
// tiles (one waiting, the longest wait counting, agents by status, occupancy now), draw
// its four uPlot charts, and export its tables as CSV with the figures worked out below.
// Screenshots (desktop, the charts, a phone) go to artifacts/screen-dashboard-*.png, and
// axe checks the dashboard.
//
//   PARLEY_RELAY_BIN=build/relay/parley-relay PARLEY_WEB_ROOT=build/web \
//     node --test tests/browser/dashboard.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DEMO_EMAIL, artifacts, axeFindings, launchChromium, relayFromEnv, signIn, startRelay, stopRelay, tearDown, watchPage,
} from "./support.mjs";

const DAY = 24 * 3600 * 1000;
const H = 3600 * 1000;
const MIN = 60 * 1000;
const EXTRA = ["--no-triage"];
const SQLITE3 = process.env.SQLITE3_BIN || "sqlite3"; // not PARLEY_*: the relay refuses unknown settings

let relay, dataDir, browser;
const pages = {};
const pageErrors = [];

// ---- the history: days 1–10 before today --------------------------------------------
// Day d has 2 + d % 4 conversations; the i-th opens at 09:00 + i h, is assigned to the
// supervisor 30 s later, answered 10 + 5i s after that, closed 20 min after opening and
// rated 5 − (d + i) % 3. The supervisor is available 08:00–16:00 with each conversation
// holding a seat from its assignment to its close. So yesterday (d = 1): 3 conversations,
// first responses {10, 15, 20} s (median 15), resolution 1200 s, ratings {4, 3, 5}
// (average 4), online 8 h, handling 3 × 19.5 min: occupancy 58.5 / 480 = 0.122, and 3
// conversations in 8 h: 0.38 per agent-hour.
function historySql(agent, today) {
  const sql = ["BEGIN;"];
  const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
  const event = (ts, conv, kind, team, who, detail) =>
    sql.push(`INSERT INTO conversation_events(ts, conv, kind, team, agent, detail, intent) VALUES(${ts}, ${q(conv)},` +
             ` ${q(kind)}, ${q(team)}, ${q(who)}, ${q(detail)}, '');`);
  const message = (conv, seq, ts, role, id) =>
    sql.push(`INSERT INTO messages(conv, seq, cid, ts, from_role, from_id, from_name, text) VALUES(${q(conv)}, ${seq},` +
             ` ${q("h" + seq)}, ${ts}, ${q(role)}, ${q(id)}, 'History', 'history');`);
  const availability = (ts, status, load, reason) =>
    sql.push(`INSERT INTO agent_events(ts, agent, status, load, reason) VALUES(${ts}, ${q(agent)}, ${q(status)},` +
             ` ${load}, ${q(reason)});`);
  for (let d = 10; d >= 1; d--) {
    const start = today - d * DAY;
    availability(start + 8 * H, "available", 0, "connect");
    for (let i = 0; i < 2 + (d % 4); i++) {
      const conv = `c_history_${d}_${i}`;
      const opened = start + 9 * H + i * H;
      event(opened, conv, "opened", "", "", "humans");
      message(conv, 1, opened, "visitor", `v_history_${d}_${i}`);
      event(opened + 30_000, conv, "assigned", "general", agent, "new");
      availability(opened + 30_000, "available", 1, "load");
      message(conv, 2, opened + 30_000 + (10 + 5 * i) * 1000, "agent", agent);
      event(opened + 20 * MIN, conv, "closed", "", agent, "agent");
      availability(opened + 20 * MIN, "available", 0, "load");
      event(opened + 21 * MIN, conv, "csat", "general", agent, String(5 - ((d + i) % 3)));
    }
    availability(start + 16 * H, "offline", 0, "disconnect");
  }
  sql.push("COMMIT;");
  return sql.join("\n");
}

before(async () => {
  let first;
  ({ relay: first, dataDir } = await relayFromEnv({ name: "dashboard", extra: EXTRA }));
  await stopRelay(first.child); // it made the schema and the demo agents
  const db = join(dataDir, "data", "parley.db");
  const agent = execFileSync(SQLITE3, [db, `SELECT id FROM agents WHERE email = '${DEMO_EMAIL}'`]).toString().trim();
  assert.match(agent, /^a_/);
  const today = Math.floor(Date.now() / DAY) * DAY;
  execFileSync(SQLITE3, [db], { input: historySql(agent, today) });
  relay = await startRelay({ bin: process.env.PARLEY_RELAY_BIN, webRoot: process.env.PARLEY_WEB_ROOT,
                             dataDir: join(dataDir, "data"), extra: EXTRA });
  browser = await launchChromium();
  for (const [who, viewport] of [["supervisor", { width: 1280, height: 900 }], ["first", { width: 1000, height: 800 }],
                                 ["second", { width: 1000, height: 800 }], ["phone", { width: 390, height: 844 }]]) {
    const page = await (await browser.newContext({ viewport, acceptDownloads: true })).newPage();
    watchPage(who, page, pageErrors);
    pages[who] = page;
  }
});

after(async () => {
  await tearDown({
    pages: Object.fromEntries(Object.entries(pages).map(([who, page]) => [`dashboard-${who}`, page])),
    errors: pageErrors, browser, relay, dataDir,
  });
});

const login = (page) => signIn(page, relay); // the demo supervisor

async function visitorWrites(page, text) {
  await page.goto(relay.url + "/");
  await page.locator("[data-testid=parley-launcher]").click();
  const widget = page.frameLocator("[data-testid=parley-frame]");
  await widget.locator("[data-testid=composer]").fill(text);
  await widget.locator("[data-testid=send]").click();
}

/** Presses a table's CSV button; resolves to the saved file's name and text. */
async function exported(page, table) {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator(`[data-testid=${table}-csv]`).click(),
  ]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, "utf8") };
}

test("a supervisor's dashboard shows the queue, the agents and 30 days, and exports CSV", { timeout: 110_000 },
     async (t) => {
  const { supervisor, first, second, phone } = pages;
  const dash = supervisor.locator("[data-testid=dashboard]");
  const tile = (id) => dash.locator(`[data-testid=${id}-value]`);

  await t.test("today: one visitor served by the supervisor, who goes away; a second one waits", async () => {
    await login(supervisor);
    await visitorWrites(first, "Where is my order?");
    await supervisor.locator(".inbox-item").first().waitFor({ state: "visible" });
    await supervisor.locator("[data-testid=presence]").selectOption("away");
    await visitorWrites(second, "Anyone there?");
  });

  await t.test("the button is for supervisors, and the dashboard's script loads only when opened", async () => {
    const before = await supervisor.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name));
    assert.ok(!before.some((n) => /dashboard/.test(n)), "the dashboard is not loaded with the console");
    await supervisor.locator("[data-testid=show-dashboard]").click();
    await dash.waitFor({ state: "visible" });
  });

  await t.test("the live tiles: one waiting for a few seconds, the agents by status, occupancy now", async () => {
    await supervisor.waitForFunction(
      () => document.querySelector("[data-testid=tile-waiting-value]")?.textContent === "1");
    await supervisor.waitForFunction(() => /^[2-9] s$|^\d\d s$/.test(
      document.querySelector("[data-testid=tile-longest-wait-value]")?.textContent ?? ""));
    assert.match(await dash.locator("[data-testid=tile-waiting]").innerText(), /general 1/);
    assert.equal(await tile("tile-agents").innerText(), "0");
    assert.match(await dash.locator("[data-testid=tile-agents]").innerText(), /1 away · 1 offline/);
    // Away, still with the first visitor: busy; the billing agent is offline: not counted.
    assert.equal(await tile("tile-occupancy").innerText(), "100 %");
    const wait1 = await tile("tile-longest-wait").innerText();
    await supervisor.waitForTimeout(2100);
    assert.notEqual(await tile("tile-longest-wait").innerText(), wait1, "the longest wait counts up");
  });

  await t.test("four uPlot charts of the last 30 days", async () => {
    for (const id of ["chart-conversations", "chart-first-response", "chart-csat", "chart-occupancy"]) {
      const chart = dash.locator(`[data-testid=${id}]`);
      await chart.locator("canvas").waitFor({ state: "visible" });
      const box = await chart.locator("canvas").boundingBox();
      assert.ok(box && box.width > 200 && box.height > 100, `${id} is drawn (${JSON.stringify(box)})`);
    }
    await supervisor.screenshot({ path: join(artifacts, "screen-dashboard-desktop.png") });
    await dash.locator("[data-testid=table-days]").scrollIntoViewIfNeeded();
    await supervisor.screenshot({ path: join(artifacts, "screen-dashboard-days.png") });
  });

  await t.test("the days' table exports what it shows as CSV, yesterday's figures as worked out", async () => {
    const yesterday = new Date(Math.floor(Date.now() / DAY) * DAY - DAY).toISOString().slice(0, 10);
    const { name, text } = await exported(supervisor, "table-days");
    assert.match(name, /^parley-days-\d{4}-\d\d-\d\d\.csv$/);
    const lines = text.split("\r\n");
    assert.equal(lines[0], "Day,Conversations,First response median (s),Resolution median (s),CSAT,Occupancy," +
                           "Conversations per agent-hour");
    assert.ok(lines.includes(`${yesterday},3,15,1200,4,0.122,0.38`), text);
    assert.equal(lines.filter((l) => /^\d{4}-/.test(l)).length, 11); // ten past days and today
  });

  await t.test("the agents' tables export too", async () => {
    const now = await exported(supervisor, "table-agents-now");
    assert.match(now.text, /^Agent,Status,Teams,Chats,Preferred,Load,Inactive\r\n/);
    assert.match(now.text, /\r\nDemo Agent,away,general,1,3,0.33,0\r\n/);
    const period = await exported(supervisor, "table-agents-period");
    // 2 + d % 4 conversations a day over d = 1…10 is 35, and today's first: 36, all
    // handled by the supervisor; 8 h online a day: 80 h, and today's minute or so.
    // Handling 35 × 19.5 min of 80 h available: occupancy 0.142 (today's minute aside).
    assert.match(period.text, /\r\nDemo Agent,36,80(\.0\d)?,36,0\.45,0\.14\d,15\r\n/);
    const queues = await exported(supervisor, "table-queues");
    assert.match(queues.text, /\r\ngeneral,1,\d+\r\n/);
  });

  await t.test("axe finds nothing serious in the dashboard", async () => {
    assert.deepEqual(await axeFindings(supervisor, { include: ["#dashboard-dialog"] }), []);
  });

  await t.test("on a phone the dashboard stacks", async () => {
    await login(phone);
    await phone.locator("[data-testid=show-dashboard]").click();
    await phone.locator("[data-testid=chart-conversations] canvas").waitFor({ state: "visible" });
    await phone.screenshot({ path: join(artifacts, "screen-dashboard-phone.png") });
  });
});
