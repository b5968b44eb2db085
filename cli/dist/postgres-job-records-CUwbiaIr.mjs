import { t as toRecord } from "./job-record-row-mZ5pYe9J.mjs";
// runner-agent/src/statuses/postgres-job-records.ts
const MIGRATIONS = [{ sql: `CREATE TABLE job_records (
       key TEXT PRIMARY KEY,
       owner TEXT NOT NULL,
       name TEXT NOT NULL,
       sha TEXT NOT NULL,
       context TEXT NOT NULL,
       job_id TEXT,
       epoch INTEGER NOT NULL DEFAULT 0,
       holder TEXT,
       state TEXT NOT NULL CHECK (state IN ('open', 'finished')),
       final_state TEXT,
       final_description TEXT,
       target_url TEXT,
       published_at BIGINT,
       publishing_holder TEXT,
       publishing_until BIGINT,
       created_at BIGINT NOT NULL,
       updated_at BIGINT NOT NULL
     );
     CREATE INDEX job_records_unpublished ON job_records (updated_at) WHERE state = 'finished' AND published_at IS NULL;
     CREATE INDEX job_records_open ON job_records (created_at) WHERE state = 'open';` }];
var PostgresJobRecords = class PostgresJobRecords {
	#db;
	#clock;
	constructor(db, clock) {
		this.#db = db;
		this.#clock = clock;
	}
	static async open(options) {
		await options.database.migrate("job_records", MIGRATIONS);
		return new PostgresJobRecords(options.database, options.clock ?? Date.now);
	}
	async #rows(sql, params) {
		return (await this.#db.pool.query(sql, params)).rows;
	}
	async create(key, target, jobId) {
		const now = this.#clock();
		const inserted = await this.#rows(`INSERT INTO job_records (key, owner, name, sha, context, job_id, state, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $7) ON CONFLICT (key) DO NOTHING RETURNING *`, [
			key,
			target.repo.owner,
			target.repo.name,
			target.sha,
			target.context,
			jobId ?? null,
			now
		]);
		if (inserted[0]) return {
			created: true,
			record: toRecord(inserted[0])
		};
		return {
			created: false,
			record: await this.get(key)
		};
	}
	async get(key) {
		const [row] = await this.#rows("SELECT * FROM job_records WHERE key = $1", [key]);
		return row ? toRecord(row) : null;
	}
	async claim(key, target, jobId, holder) {
		await this.create(key, target, jobId);
		const [row] = await this.#rows(`UPDATE job_records SET epoch = epoch + 1, holder = $1, job_id = $2, updated_at = $3
       WHERE key = $4 AND state = 'open' RETURNING epoch`, [
			holder,
			jobId,
			this.#clock(),
			key
		]);
		if (row) return {
			kind: "run",
			epoch: row.epoch
		};
		return {
			kind: "finished",
			record: await this.get(key)
		};
	}
	async isCurrent(key, epoch) {
		return (await this.#rows(`SELECT 1 FROM job_records WHERE key = $1 AND epoch = $2 AND state = 'open'`, [key, epoch])).length > 0;
	}
	async finish(key, epoch, outcome, publisher) {
		const { rowCount } = await this.#db.pool.query(`UPDATE job_records SET state = 'finished', final_state = $1, final_description = $2, target_url = $3,
         published_at = NULL, publishing_holder = $4, publishing_until = $5, updated_at = $6
       WHERE key = $7 AND epoch = $8 AND state = 'open'`, [
			outcome.state,
			outcome.description,
			outcome.targetUrl ?? null,
			publisher.holder,
			publisher.until,
			this.#clock(),
			key,
			epoch
		]);
		return rowCount === 1;
	}
	async abandon(key, outcome) {
		const { rowCount } = await this.#db.pool.query(`UPDATE job_records SET state = 'finished', final_state = $1, final_description = $2,
         target_url = coalesce($3, target_url), published_at = NULL, publishing_holder = NULL,
         publishing_until = NULL, epoch = epoch + 1, updated_at = $4
       WHERE key = $5 AND state = 'open'`, [
			outcome.state,
			outcome.description,
			outcome.targetUrl ?? null,
			this.#clock(),
			key
		]);
		return rowCount === 1;
	}
	async takePublishing(key, holder, until) {
		const now = this.#clock();
		const [row] = await this.#rows(`UPDATE job_records SET publishing_holder = $1, publishing_until = $2, updated_at = $3
       WHERE key = $4 AND state = 'finished' AND published_at IS NULL
         AND (publishing_holder IS NULL OR publishing_holder = $1 OR publishing_until <= $3)
       RETURNING *`, [
			holder,
			until,
			now,
			key
		]);
		return row ? toRecord(row) : null;
	}
	async markPublished(key, holder) {
		const now = this.#clock();
		await this.#db.pool.query(`UPDATE job_records SET published_at = $1, publishing_holder = NULL, publishing_until = NULL, updated_at = $1
       WHERE key = $2 AND state = 'finished' AND publishing_holder = $3`, [
			now,
			key,
			holder
		]);
	}
	async markUnpublished(key) {
		await this.#db.pool.query(`UPDATE job_records SET published_at = NULL, updated_at = $1 WHERE key = $2 AND state = 'finished'`, [this.#clock(), key]);
	}
	async unpublished(now, options = {}) {
		return (await this.#rows(`SELECT * FROM job_records WHERE state = 'finished' AND published_at IS NULL
         AND (publishing_holder IS NULL OR publishing_until <= $1 OR publishing_holder = $2)
       ORDER BY updated_at LIMIT $3`, [
			now,
			options.holder ?? null,
			options.limit ?? 100
		])).map(toRecord);
	}
	async openSince(before, limit = 100) {
		return (await this.#rows(`SELECT * FROM job_records WHERE state = 'open' AND created_at < $1 ORDER BY created_at LIMIT $2`, [before, limit])).map(toRecord);
	}
	async recentlyFinished(limit = 20) {
		return (await this.#rows(`SELECT * FROM job_records WHERE state = 'finished' ORDER BY updated_at DESC, key LIMIT $1`, [limit])).map(toRecord);
	}
	async reopen(key) {
		await this.#db.pool.query(`UPDATE job_records SET state = 'open', final_state = NULL, final_description = NULL, published_at = NULL,
         publishing_holder = NULL, publishing_until = NULL, epoch = epoch + 1, updated_at = $1
       WHERE key = $2`, [this.#clock(), key]);
	}
	async close() {}
};
export { PostgresJobRecords };
