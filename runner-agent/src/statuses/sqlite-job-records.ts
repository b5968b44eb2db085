import type { DatabaseSync } from 'node:sqlite';
import { openSqliteDatabase } from '../queue/sqlite-database.ts';
import type { Claim, FinalOutcome, JobRecord, JobRecords, JobTarget } from './job-records.ts';
import { toRecord, type JobRecordRow } from './job-record-row.ts';

/** Migration n takes the database from `user_version` n to n + 1. Append only. */
const MIGRATIONS = [
  `CREATE TABLE job_records (
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
     published_at INTEGER,
     publishing_holder TEXT,
     publishing_until INTEGER,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX job_records_unpublished ON job_records (state, published_at);
   CREATE INDEX job_records_open ON job_records (state, created_at);`,
];

/**
 * Job records in a SQLite file (WAL, synchronous=FULL), for the embedded deployment: the server and the
 * agents on one machine share the file. Every compare-and-set is one UPDATE … WHERE, atomic in SQLite.
 */
export class SqliteJobRecords implements JobRecords {
  readonly #db: DatabaseSync;
  readonly #clock: () => number;

  constructor(options: { path: string; clock?: () => number }) {
    this.#db = openSqliteDatabase(options.path, MIGRATIONS);
    this.#clock = options.clock ?? Date.now;
  }

  async create(
    key: string,
    target: JobTarget,
    jobId?: string,
  ): Promise<{ created: boolean; record: JobRecord }> {
    const now = this.#clock();
    const result = this.#db
      .prepare(
        `INSERT INTO job_records (key, owner, name, sha, context, job_id, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?) ON CONFLICT (key) DO NOTHING`,
      )
      .run(key, target.repo.owner, target.repo.name, target.sha, target.context, jobId ?? null, now, now);
    return { created: Number(result.changes) === 1, record: (await this.get(key))! };
  }

  async get(key: string): Promise<JobRecord | null> {
    const row = this.#db.prepare('SELECT * FROM job_records WHERE key = ?').get(key) as
      JobRecordRow | undefined;
    return row ? toRecord(row) : null;
  }

  async claim(key: string, target: JobTarget, jobId: string, holder: string): Promise<Claim> {
    await this.create(key, target, jobId);
    const row = this.#db
      .prepare(
        `UPDATE job_records SET epoch = epoch + 1, holder = ?, job_id = ?, updated_at = ?
         WHERE key = ? AND state = 'open' RETURNING epoch`,
      )
      .get(holder, jobId, this.#clock(), key) as { epoch: number } | undefined;
    if (row) return { kind: 'run', epoch: row.epoch };
    return { kind: 'finished', record: (await this.get(key))! };
  }

  async isCurrent(key: string, epoch: number): Promise<boolean> {
    return !!this.#db
      .prepare(`SELECT 1 FROM job_records WHERE key = ? AND epoch = ? AND state = 'open'`)
      .get(key, epoch);
  }

  async finish(
    key: string,
    epoch: number,
    outcome: FinalOutcome,
    publisher: { holder: string; until: number },
  ): Promise<boolean> {
    const result = this.#db
      .prepare(
        `UPDATE job_records SET state = 'finished', final_state = ?, final_description = ?, target_url = ?,
           published_at = NULL, publishing_holder = ?, publishing_until = ?, updated_at = ?
         WHERE key = ? AND epoch = ? AND state = 'open'`,
      )
      .run(
        outcome.state,
        outcome.description,
        outcome.targetUrl ?? null,
        publisher.holder,
        publisher.until,
        this.#clock(),
        key,
        epoch,
      );
    return Number(result.changes) === 1;
  }

  async abandon(key: string, outcome: FinalOutcome): Promise<boolean> {
    const result = this.#db
      .prepare(
        `UPDATE job_records SET state = 'finished', final_state = ?, final_description = ?,
           target_url = coalesce(?, target_url), published_at = NULL, publishing_holder = NULL,
           publishing_until = NULL, epoch = epoch + 1, updated_at = ?
         WHERE key = ? AND state = 'open'`,
      )
      .run(outcome.state, outcome.description, outcome.targetUrl ?? null, this.#clock(), key);
    return Number(result.changes) === 1;
  }

  async takePublishing(key: string, holder: string, until: number): Promise<JobRecord | null> {
    const row = this.#db
      .prepare(
        `UPDATE job_records SET publishing_holder = ?, publishing_until = ?, updated_at = ?
         WHERE key = ? AND state = 'finished' AND published_at IS NULL
           AND (publishing_holder IS NULL OR publishing_holder = ? OR publishing_until <= ?)
         RETURNING *`,
      )
      .get(holder, until, this.#clock(), key, holder, this.#clock()) as JobRecordRow | undefined;
    return row ? toRecord(row) : null;
  }

  async markPublished(key: string, holder: string): Promise<void> {
    this.#db
      .prepare(
        `UPDATE job_records SET published_at = ?, publishing_holder = NULL, publishing_until = NULL, updated_at = ?
         WHERE key = ? AND state = 'finished' AND publishing_holder = ?`,
      )
      .run(this.#clock(), this.#clock(), key, holder);
  }

  async markUnpublished(key: string): Promise<void> {
    this.#db
      .prepare(
        `UPDATE job_records SET published_at = NULL, updated_at = ? WHERE key = ? AND state = 'finished'`,
      )
      .run(this.#clock(), key);
  }

  async unpublished(now: number, options: { holder?: string; limit?: number } = {}): Promise<JobRecord[]> {
    const rows = this.#db
      .prepare(
        `SELECT * FROM job_records WHERE state = 'finished' AND published_at IS NULL
           AND (publishing_holder IS NULL OR publishing_until <= ? OR publishing_holder = ?)
         ORDER BY updated_at LIMIT ?`,
      )
      .all(now, options.holder ?? null, options.limit ?? 100) as unknown as JobRecordRow[];
    return rows.map(toRecord);
  }

  async openSince(before: number, limit = 100): Promise<JobRecord[]> {
    const rows = this.#db
      .prepare(
        `SELECT * FROM job_records WHERE state = 'open' AND created_at < ? ORDER BY created_at LIMIT ?`,
      )
      .all(before, limit) as unknown as JobRecordRow[];
    return rows.map(toRecord);
  }

  async recentlyFinished(limit = 20): Promise<JobRecord[]> {
    const rows = this.#db
      .prepare(`SELECT * FROM job_records WHERE state = 'finished' ORDER BY updated_at DESC, key LIMIT ?`)
      .all(limit) as unknown as JobRecordRow[];
    return rows.map(toRecord);
  }

  async reopen(key: string): Promise<void> {
    this.#db
      .prepare(
        `UPDATE job_records SET state = 'open', final_state = NULL, final_description = NULL, published_at = NULL,
           publishing_holder = NULL, publishing_until = NULL, epoch = epoch + 1, updated_at = ?
         WHERE key = ?`,
      )
      .run(this.#clock(), key);
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }
}
