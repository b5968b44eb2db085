import type { Migration, PostgresDatabase } from '../queue/postgres-database.ts';
import type { AgentHeartbeat, AgentRegistry, RegisteredAgent } from './agent-registry.ts';
import { toRegisteredAgent, type AgentRow } from './agent-row.ts';

const MIGRATIONS: Migration[] = [
  {
    sql: `CREATE TABLE agents (
       name TEXT PRIMARY KEY,
       labels TEXT NOT NULL,
       mode TEXT,
       version TEXT NOT NULL,
       running_jobs TEXT NOT NULL,
       started_at BIGINT NOT NULL,
       last_heartbeat BIGINT NOT NULL
     );`,
  },
];

/** The agent registry in the fleet's PostgreSQL database: agents on many hosts heartbeat into it. */
export class PostgresAgentRegistry implements AgentRegistry {
  readonly #db: PostgresDatabase;
  readonly #clock: () => number;

  private constructor(db: PostgresDatabase, clock: () => number) {
    this.#db = db;
    this.#clock = clock;
  }

  /** The database is shared; closing the registry leaves it open for whoever opened it. */
  static async open(options: {
    database: PostgresDatabase;
    clock?: () => number;
  }): Promise<PostgresAgentRegistry> {
    await options.database.migrate('agents', MIGRATIONS);
    return new PostgresAgentRegistry(options.database, options.clock ?? Date.now);
  }

  async heartbeat(agent: AgentHeartbeat, options: { starting?: boolean } = {}): Promise<void> {
    const now = this.#clock();
    await this.#db.pool.query(
      `INSERT INTO agents (name, labels, mode, version, running_jobs, started_at, last_heartbeat)
       VALUES ($1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT (name) DO UPDATE SET labels = excluded.labels, mode = excluded.mode,
         version = excluded.version, running_jobs = excluded.running_jobs,
         started_at = CASE WHEN $7 THEN excluded.started_at ELSE agents.started_at END,
         last_heartbeat = excluded.last_heartbeat`,
      [
        agent.name,
        JSON.stringify(agent.labels),
        agent.mode,
        agent.version,
        JSON.stringify(agent.runningJobs),
        now,
        options.starting ?? false,
      ],
    );
  }

  async deregister(name: string): Promise<void> {
    await this.#db.pool.query('DELETE FROM agents WHERE name = $1', [name]);
  }

  async list(): Promise<RegisteredAgent[]> {
    const { rows } = await this.#db.pool.query<AgentRow>('SELECT * FROM agents ORDER BY name');
    return rows.map(toRegisteredAgent);
  }

  async close(): Promise<void> {}
}
