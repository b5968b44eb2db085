import { t as repositoryKey } from "./planned-heads-DO86lQgX.mjs";
// runner-agent/src/planner/postgres-planned-heads.ts
const MIGRATIONS = [{ sql: `CREATE TABLE planned_heads (
       owner TEXT NOT NULL,
       name TEXT NOT NULL,
       number INTEGER NOT NULL,
       head_sha TEXT NOT NULL,
       settled BOOLEAN NOT NULL,
       updated_at BIGINT NOT NULL,
       PRIMARY KEY (owner, name, number)
     );` }];
var PostgresPlannedHeads = class PostgresPlannedHeads {
	#db;
	#clock;
	constructor(db, clock) {
		this.#db = db;
		this.#clock = clock;
	}
	static async open(options) {
		await options.database.migrate("planned_heads", MIGRATIONS);
		return new PostgresPlannedHeads(options.database, options.clock ?? Date.now);
	}
	async list(repo) {
		const { owner, name } = repositoryKey(repo);
		const { rows } = await this.#db.pool.query("SELECT number, head_sha, settled, updated_at FROM planned_heads WHERE owner = $1 AND name = $2", [owner, name]);
		return new Map(rows.map((row) => [row.number, {
			number: row.number,
			headSha: row.head_sha,
			settled: row.settled,
			updatedAt: Number(row.updated_at)
		}]));
	}
	async remember(repo, head) {
		const { owner, name } = repositoryKey(repo);
		await this.#db.pool.query(`INSERT INTO planned_heads (owner, name, number, head_sha, settled, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (owner, name, number) DO UPDATE SET head_sha = excluded.head_sha,
         settled = excluded.settled, updated_at = excluded.updated_at`, [
			owner,
			name,
			head.number,
			head.headSha,
			head.settled,
			this.#clock()
		]);
	}
	async forgetAllBut(repo, open) {
		const { owner, name } = repositoryKey(repo);
		const { rowCount } = await this.#db.pool.query(`DELETE FROM planned_heads WHERE owner = $1 AND name = $2 AND NOT (number = ANY($3::integer[]))`, [
			owner,
			name,
			[...open]
		]);
		return rowCount ?? 0;
	}
	async close() {}
};
export { PostgresPlannedHeads };
