// The dashboard's live figures (docs/reports.md "The dashboard"), computed from the
// supervisor board the console already receives (protocol §5 `supervisor`) and the
// relay's live queues (GET /api/v1/queues). Pure functions: the view and the tests call
// them with what arrived.

import type { AgentLoad } from "../../../wasm/src/types";

export interface BoardQueue { team: string; convs: string[]; length: number }
export interface Board { agents: AgentLoad[]; queues: BoardQueue[]; full: boolean }
export interface QueueNow { team: string; length: number; waiting_since: number; longest_wait_s: number }
export interface QueuesNow { now: number; queues: QueueNow[] }

export interface AgentCounts { available: number; away: number; offline: number }

export function agentCounts(agents: AgentLoad[]): AgentCounts {
  const out: AgentCounts = { available: 0, away: 0, offline: 0 };
  for (const a of agents) {
    if (a.status === "available") out.available++;
    else if (a.status === "away") out.away++;
    else out.offline++;
  }
  return out;
}

/** Occupancy now, the live form of the report's: agents online with at least one
 *  conversation holding a seat ÷ agents online, leaving out those away with none (on a
 *  break). null when no one could take work. */
export function occupancyNow(agents: AgentLoad[]): number | null {
  let busy = 0;
  let counted = 0;
  for (const a of agents) {
    if (a.status === "offline") continue;
    if (a.load > 0) busy++;
    else if (a.status === "away") continue; // a break: neither busy nor idle
    counted++;
  }
  return counted ? busy / counted : null;
}

/** The longest wait now, in seconds, against the relay's clock: `queues.now` was the
 *  relay's time when the console's clock read `fetchedAt`. 0 when no one waits. */
export function longestWait(queues: QueuesNow | null, fetchedAt: number, clock: number): number {
  if (!queues) return 0;
  const since = queues.queues.filter((q) => q.length > 0 && q.waiting_since > 0).map((q) => q.waiting_since);
  if (since.length === 0) return 0;
  const relayNow = queues.now + (clock - fetchedAt);
  return Math.max(0, (relayNow - Math.min(...since)) / 1000);
}

/** "4 s", "2 min 05 s", "1 h 03 min": a duration a supervisor reads at a glance. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

export const percent = (r: number | null | undefined) => (r === null || r === undefined ? "—" : `${Math.round(r * 100)} %`);
