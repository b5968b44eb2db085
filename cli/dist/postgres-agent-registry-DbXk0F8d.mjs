import { t as toRegisteredAgent } from "./agent-row-CI85CHaK.mjs";
// runner-agent/src/agents/postgres-agent-registry.ts
const MIGRATIONS = [{ sql: `CREATE TABLE agents (
       name TEXT PRIMARY KEY,
       labels TEXT NOT NULL,
       mode TEXT,
       version TEXT NOT NULL,
       running_jobs TEXT NOT NULL,
       started_at BIGINT NOT NULL,
       last_heartbeat BIGINT NOT NULL
     );` }];
var PostgresAgentRegistry = class PostgresAgentRegistry {
	#db;
	#clock;
	constructor(db, clock) {
		this.#db = db;
		this.#clock = clock;
	}
	static async open(options) {
		await options.database.migrate("agents", MIGRATIONS);
		return new PostgresAgentRegistry(options.database, options.clock ?? Date.now);
	}
	async heartbeat(agent, options = {}) {
		const now = this.#clock();
		await this.#db.pool.query(`INSERT INTO agents (name, labels, mode, version, running_jobs, started_at, last_heartbeat)
       VALUES ($1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT (name) DO UPDATE SET labels = excluded.labels, mode = excluded.mode,
         version = excluded.version, running_jobs = excluded.running_jobs,
         started_at = CASE WHEN $7 THEN excluded.started_at ELSE agents.started_at END,
         last_heartbeat = excluded.last_heartbeat`, [
			agent.name,
			JSON.stringify(agent.labels),
			agent.mode,
			agent.version,
			JSON.stringify(agent.runningJobs),
			now,
			options.starting ?? false
		]);
	}
	async deregister(name) {
		await this.#db.pool.query("DELETE FROM agents WHERE name = $1", [name]);
	}
	async list() {
		const { rows } = await this.#db.pool.query("SELECT * FROM agents ORDER BY name");
		return rows.map(toRegisteredAgent);
	}
	async close() {}
};
export { PostgresAgentRegistry };
