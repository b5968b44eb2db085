import type { DatabaseSync } from 'node:sqlite';
import { openSqliteDatabase } from '../queue/sqlite-database.ts';
import type { AgentHeartbeat, AgentRegistry, RegisteredAgent } from './agent-registry.ts';
import { toRegisteredAgent, type AgentRow } from './agent-row.ts';

/** Migration n takes the database from `user_version` n to n + 1. Append only. */
const MIGRATIONS = [
  `CREATE TABLE agents (
     name TEXT PRIMARY KEY,
     labels TEXT NOT NULL,
     mode TEXT,
     version TEXT NOT NULL,
     running_jobs TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     last_heartbeat INTEGER NOT NULL
   );`,
];

/** The agent registry in a SQLite file beside the embedded queue (agents on one machine share it). */
export class SqliteAgentRegistry implements AgentRegistry {
  readonly #db: DatabaseSync;
  readonly #clock: () => number;

  constructor(options: { path: string; clock?: () => number }) {
    this.#db = openSqliteDatabase(options.path, MIGRATIONS);
    this.#clock = options.clock ?? Date.now;
  }

  async heartbeat(agent: AgentHeartbeat, options: { starting?: boolean } = {}): Promise<void> {
    const now = this.#clock();
    this.#db
      .prepare(
        `INSERT INTO agents (name, labels, mode, version, running_jobs, started_at, last_heartbeat)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET labels = excluded.labels, mode = excluded.mode,
           version = excluded.version, running_jobs = excluded.running_jobs,
           started_at = CASE WHEN ? THEN excluded.started_at ELSE agents.started_at END,
           last_heartbeat = excluded.last_heartbeat`,
      )
      .run(
        agent.name,
        JSON.stringify(agent.labels),
        agent.mode,
        agent.version,
        JSON.stringify(agent.runningJobs),
        now,
        now,
        options.starting ? 1 : 0,
      );
  }

  async deregister(name: string): Promise<void> {
    this.#db.prepare('DELETE FROM agents WHERE name = ?').run(name);
  }

  async list(): Promise<RegisteredAgent[]> {
    const rows = this.#db.prepare('SELECT * FROM agents ORDER BY name').all() as unknown as AgentRow[];
    return rows.map(toRegisteredAgent);
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }
}
