import type { AcceleratorMode, RegisteredAgent } from './agent-registry.ts';

/** One row of the `agents` table, as both SQL stores return it (lists are JSON text). */
export interface AgentRow {
  name: string;
  labels: string;
  mode: string | null;
  version: string;
  running_jobs: string;
  started_at: number;
  last_heartbeat: number;
}

export function toRegisteredAgent(row: AgentRow): RegisteredAgent {
  return {
    name: row.name,
    labels: JSON.parse(row.labels) as string[],
    mode: row.mode as AcceleratorMode | null,
    version: row.version,
    runningJobs: JSON.parse(row.running_jobs) as string[],
    startedAt: Number(row.started_at),
    lastHeartbeat: Number(row.last_heartbeat),
  };
}
