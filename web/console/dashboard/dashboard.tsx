// The supervisor dashboard of the agent console (P3, P6; issue 18; docs/reports.md "The
// dashboard"): live tiles (who waits and how long, agents by status, occupancy now),
// tables of the queues and agents now, and charts of the last 30 days.
//
// A script of its own, console/dashboard.js, with its stylesheet, loaded the first time
// a supervisor opens the dashboard (dashboard_button.ts), like the widget's extras: uPlot
// and this view weigh more than the rest of what most agents ever run. The live part is
// the supervisor board the console already receives over its WebSocket, handed over as
// it changes, and GET /api/v1/queues for how long the longest has waited (the board
// does not say since when). The days are GET /api/v1/reports (by day and by agent),
// called with the supervisor's own session token (api_client.ts).

import { render } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import type { AgentLoad } from "../../../wasm/src/types";
import { Chart } from "./chart";
import { DataTable, type Column } from "./table";
import { agentCounts, duration, longestWait, occupancyNow, percent, type Board, type QueuesNow } from "./live";

interface Durations { count: number; median_s: number; p90_s: number }
interface ReportRow {
  key: string;
  agent_name?: string;
  conversations: number;
  first_response: Durations;
  resolution: Durations;
  csat_responses: number;
  csat_average: number;
  agents_online_s?: number;
  conversations_handled?: number;
  conversations_per_agent_hour?: number;
  occupancy?: number;
}
interface Report { rows: ReportRow[] }

export interface DashboardEnv {
  board: () => Board | null;
  onBoard: (listener: (b: Board) => void) => () => void; // returns: stop listening
  get: <T>(path: string) => Promise<T>;                    // GET under the web root, with the session
  close: () => void;
}

const DAY_MS = 24 * 3600 * 1000;
const DAYS = 30;
const QUEUES_EVERY_MS = 15_000;
// A busy relay sends a board on every routing decision, many a second: the queues are
// asked again at most this often on boards (one supervisor must not spend their API
// budget, nor load the relay, with a request per board).
const QUEUES_AFTER_BOARD_MS = 2_000;
const STATUS_LABEL: Record<string, string> = { available: "Available", away: "Away", offline: "Offline" };
const round = (n: number, digits = 1) => Number(n.toFixed(digits));
// A rate over a few minutes online (3 conversations in 3 minutes: 60 an hour) says
// nothing about an hour: shown as "—" below a quarter of an hour; the CSV keeps it.
const MIN_ONLINE_S = 15 * 60;
const perHour = (r: ReportRow) =>
  (r.agents_online_s ?? 0) >= MIN_ONLINE_S ? round(r.conversations_per_agent_hour ?? 0, 2).toFixed(2) : "—";

/** The 30 UTC days up to today: their dates and first seconds. */
function lastDays(today: number): { from: string; to: string; dates: string[]; xs: number[] } {
  const start = Math.floor(today / DAY_MS) * DAY_MS - (DAYS - 1) * DAY_MS;
  const dates: string[] = [];
  const xs: number[] = [];
  for (let i = 0; i < DAYS; i++) {
    dates.push(new Date(start + i * DAY_MS).toISOString().slice(0, 10));
    xs.push((start + i * DAY_MS) / 1000);
  }
  return { from: dates[0], to: dates[DAYS - 1], dates, xs };
}

function Tile(props: { label: string; value: string; detail?: string; testid: string; tone?: string }) {
  return (
    <div class={`dash-tile ${props.tone ?? ""}`} data-testid={props.testid}>
      <span class="dash-tile-label">{props.label}</span>
      <strong class="dash-tile-value" data-testid={`${props.testid}-value`}>{props.value}</strong>
      {props.detail && <span class="dash-tile-detail">{props.detail}</span>}
    </div>
  );
}

function useLive(env: DashboardEnv) {
  const [board, setBoard] = useState<Board | null>(env.board());
  const [queues, setQueues] = useState<{ doc: QueuesNow; at: number } | null>(null);
  const [clock, setClock] = useState(Date.now());
  useEffect(() => {
    let timer = 0;
    let alive = true;
    let lastAsked = 0;
    const fetchQueues = () => {
      clearTimeout(timer);
      lastAsked = Date.now();
      env.get<QueuesNow>("api/v1/queues").then((doc) => alive && setQueues({ doc, at: Date.now() }), () => {});
      timer = window.setTimeout(fetchQueues, QUEUES_EVERY_MS);
    };
    fetchQueues();
    const stop = env.onBoard((b) => {
      setBoard(b);
      // The queues changed: who waits longest may have too. Asked now, or as soon as
      // QUEUES_AFTER_BOARD_MS has passed since the last request.
      const wait = lastAsked + QUEUES_AFTER_BOARD_MS - Date.now();
      clearTimeout(timer);
      timer = window.setTimeout(fetchQueues, Math.max(0, wait));
    });
    const tick = window.setInterval(() => setClock(Date.now()), 1000);
    return () => {
      alive = false;
      stop();
      clearTimeout(timer);
      clearInterval(tick);
    };
  }, []);
  return { board, queues, clock };
}

function useReports(env: DashboardEnv) {
  const range = useMemo(() => lastDays(Date.now()), []);
  const [byDay, setByDay] = useState<ReportRow[] | null>(null);
  const [byAgent, setByAgent] = useState<ReportRow[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    const q = `api/v1/reports?from=${range.from}&to=${range.to}`;
    env.get<Report>(`${q}&by=day`).then((r) => setByDay(r.rows), (e: Error) => setError(e.message));
    env.get<Report>(`${q}&by=agent`).then((r) => setByAgent(r.rows), (e: Error) => setError(e.message));
  }, []);
  return { range, byDay, byAgent, error };
}

function DashboardView(props: { env: DashboardEnv }) {
  const { board, queues, clock } = useLive(props.env);
  const { range, byDay, byAgent, error } = useReports(props.env);
  const agents = board?.agents ?? [];
  const counts = agentCounts(agents);
  const occupancy = occupancyNow(agents);
  const waiting = (board?.queues ?? []).reduce((n, q) => n + q.length, 0);
  const wait = longestWait(queues?.doc ?? null, queues?.at ?? 0, clock);
  const sinceOf = new Map((queues?.doc.queues ?? []).map((q) => [q.team, q.waiting_since]));
  const relayNow = queues ? queues.doc.now + (clock - queues.at) : clock;
  const queueWait = (team: string) => {
    const since = sinceOf.get(team);
    return since ? Math.max(0, (relayNow - since) / 1000) : 0;
  };

  // The days: one value per day of the range (none where the day had no row).
  const series = useMemo(() => {
    const rows = new Map((byDay ?? []).map((r) => [r.key, r]));
    const of = (f: (r: ReportRow) => number | null) => range.dates.map((d) => {
      const r = rows.get(d);
      return r ? f(r) : null;
    });
    return {
      conversations: range.dates.map((d) => rows.get(d)?.conversations ?? 0),
      response: of((r) => (r.first_response.count ? r.first_response.median_s : null)),
      csat: of((r) => (r.csat_responses ? round(r.csat_average, 2) : null)),
      occupancy: of((r) => (r.agents_online_s ? round((r.occupancy ?? 0) * 100) : null)),
    };
  }, [byDay]);

  const queueColumns: Column<{ team: string; length: number }>[] = [
    { label: "Team", csv: (q) => q.team },
    { label: "Waiting", csv: (q) => q.length, numeric: true },
    { label: "Longest wait (s)", csv: (q) => (q.length ? Math.round(queueWait(q.team)) : 0),
      show: (q) => (q.length ? duration(queueWait(q.team)) : "—"), numeric: true },
  ];
  const agentColumns: Column<AgentLoad>[] = [
    { label: "Agent", csv: (a) => a.agent.name || a.agent.id },
    { label: "Status", csv: (a) => a.status,
      show: (a) => <span class={`dash-status ${a.status}`}>{STATUS_LABEL[a.status] ?? a.status}</span> },
    { label: "Teams", csv: (a) => a.teams.join(" ") },
    { label: "Chats", csv: (a) => a.load, numeric: true },
    { label: "Preferred", csv: (a) => a.preferred, numeric: true },
    { label: "Load", csv: (a) => (a.preferred ? round(a.load / a.preferred, 2) : 0),
      show: (a) => <LoadBar load={a.load} preferred={a.preferred} max={a.max} />, numeric: true },
    { label: "Inactive", csv: (a) => a.inactive, numeric: true },
  ];
  const dayColumns: Column<ReportRow>[] = [
    { label: "Day", csv: (r) => r.key },
    { label: "Conversations", csv: (r) => r.conversations, numeric: true },
    { label: "First response median (s)", csv: (r) => r.first_response.median_s,
      show: (r) => (r.first_response.count ? duration(r.first_response.median_s) : "—"), numeric: true },
    { label: "Resolution median (s)", csv: (r) => r.resolution.median_s,
      show: (r) => (r.resolution.count ? duration(r.resolution.median_s) : "—"), numeric: true },
    { label: "CSAT", csv: (r) => round(r.csat_average, 2),
      show: (r) => (r.csat_responses ? `${r.csat_average.toFixed(1)} (${r.csat_responses})` : "—"), numeric: true },
    { label: "Occupancy", csv: (r) => round(r.occupancy ?? 0, 3), show: (r) => percent(r.agents_online_s ? r.occupancy : null),
      numeric: true },
    { label: "Conversations per agent-hour", csv: (r) => round(r.conversations_per_agent_hour ?? 0, 2),
      show: (r) => perHour(r), numeric: true },
  ];
  const periodAgentColumns: Column<ReportRow>[] = [
    { label: "Agent", csv: (r) => r.agent_name || r.key },
    { label: "Conversations", csv: (r) => r.conversations, numeric: true },
    { label: "Hours online", csv: (r) => round((r.agents_online_s ?? 0) / 3600, 2), numeric: true },
    { label: "Handled", csv: (r) => r.conversations_handled ?? 0, numeric: true },
    { label: "Per agent-hour", csv: (r) => round(r.conversations_per_agent_hour ?? 0, 2), show: (r) => perHour(r),
      numeric: true },
    { label: "Occupancy", csv: (r) => round(r.occupancy ?? 0, 3), show: (r) => percent(r.agents_online_s ? r.occupancy : null),
      numeric: true },
    { label: "First response median (s)", csv: (r) => r.first_response.median_s,
      show: (r) => (r.first_response.count ? duration(r.first_response.median_s) : "—"), numeric: true },
  ];

  return (
    <div class="dashboard" data-testid="dashboard">
      <div class="agents-head">
        <h2 id="dashboard-title">Dashboard</h2>
        <span class="dash-live" data-testid="dash-live">{board ? "Live" : "Waiting for the relay…"}</span>
      </div>
      <div class="dash-tiles">
        <Tile label="Waiting now" value={String(waiting)} testid="tile-waiting"
              detail={(board?.queues ?? []).filter((q) => q.length > 0).map((q) => `${q.team} ${q.length}`).join(" · ") ||
                      "No one in a queue"} tone={waiting > 0 ? "warn" : ""} />
        <Tile label="Longest wait" value={waiting > 0 && queues ? duration(wait) : "—"} testid="tile-longest-wait"
              tone={wait >= 120 ? "alert" : ""} />
        <Tile label="Agents available" value={String(counts.available)} testid="tile-agents"
              detail={`${counts.away} away · ${counts.offline} offline`} />
        <Tile label="Occupancy now" value={percent(occupancy)} testid="tile-occupancy"
              detail="online agents with a conversation" />
      </div>
      <div class="dash-grid two">
        <DataTable title="Queues now" file="queues" testid="table-queues" columns={queueColumns}
                   rows={board?.queues ?? []} empty="No queues yet." />
        <DataTable title="Agents now" file="agents-now" testid="table-agents-now" columns={agentColumns}
                   rows={agents} empty="No agents yet." />
      </div>
      <h3 class="dash-period">Last 30 days <span class="hint">{range.from} – {range.to} (UTC)</span></h3>
      {error && <p class="error" role="alert" data-testid="dash-error">Could not read the reports: {error}</p>}
      {byDay === null && !error ? <p class="hint">Loading the reports…</p> : (
        <div class="dash-grid charts">
          <Chart title="Conversations" days={range.xs} values={series.conversations} unit="" color="#4f46e5" bars
                 testid="chart-conversations" />
          <Chart title="First response, median" days={range.xs} values={series.response} unit=" s" color="#0891b2"
                 testid="chart-first-response" />
          <Chart title="CSAT, average (1–5)" days={range.xs} values={series.csat} unit="" color="#16a34a" max={5}
                 testid="chart-csat" />
          <Chart title="Occupancy" days={range.xs} values={series.occupancy} unit=" %" color="#d97706" max={100}
                 testid="chart-occupancy" />
        </div>
      )}
      <DataTable title="Days" file="days" testid="table-days" columns={dayColumns}
                 rows={(byDay ?? []).slice().reverse()} empty="No conversations in these 30 days." />
      <DataTable title="Agents over the 30 days" file="agents-30-days" testid="table-agents-period"
                 columns={periodAgentColumns} rows={(byAgent ?? []).filter((r) => r.key !== "(none)")}
                 empty="No agent worked in these 30 days." />
      <div class="dialog-actions">
        <button type="button" class="secondary" data-testid="dashboard-close" onClick={props.env.close}>Close</button>
      </div>
    </div>
  );
}

function LoadBar(props: { load: number; preferred: number; max: number }) {
  const share = props.max ? Math.min(1, props.load / props.max) : 0;
  const over = props.load > props.preferred;
  return (
    <span class="dash-load" title={`${props.load} of ${props.preferred} preferred, ${props.max} at most`}>
      <span class="dash-load-bar" aria-hidden="true">
        <span class={over ? "over" : ""} ref={(el) => {
          if (el) el.style.width = `${Math.round(share * 100)}%`; // CSSOM: allowed under style-src 'self'
        }} />
      </span>
      {props.load}/{props.preferred}
    </span>
  );
}

/** Renders the dashboard into `host`; returns what unmounts it. */
export function mountDashboard(host: HTMLElement, env: DashboardEnv): () => void {
  render(<DashboardView env={env} />, host);
  return () => render(null, host);
}

export type DashboardModule = { mountDashboard: typeof mountDashboard };
(globalThis as { ParleyDashboard?: DashboardModule }).ParleyDashboard = { mountDashboard };
