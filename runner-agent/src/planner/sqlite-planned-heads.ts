import type { DatabaseSync } from 'node:sqlite';
import type { RepositoryId } from '../../../forge/forge.ts';
import { openSqliteDatabase } from '../queue/sqlite-database.ts';
import { repositoryKey, type PlannedHead, type PlannedHeads } from './planned-heads.ts';

/** Migration n takes the database from `user_version` n to n + 1. Append only. */
const MIGRATIONS = [
  `CREATE TABLE planned_heads (
     owner TEXT NOT NULL,
     name TEXT NOT NULL,
     number INTEGER NOT NULL,
     head_sha TEXT NOT NULL,
     settled INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (owner, name, number)
   );`,
];

interface Row {
  number: number;
  head_sha: string;
  settled: number;
  updated_at: number;
}

/** The scanner's memory in a SQLite file beside the job records (embedded deployment). */
export class SqlitePlannedHeads implements PlannedHeads {
  readonly #db: DatabaseSync;
  readonly #clock: () => number;

  constructor(options: { path: string; clock?: () => number }) {
    this.#db = openSqliteDatabase(options.path, MIGRATIONS);
    this.#clock = options.clock ?? Date.now;
  }

  async list(repo: RepositoryId): Promise<Map<number, PlannedHead>> {
    const { owner, name } = repositoryKey(repo);
    const rows = this.#db
      .prepare('SELECT number, head_sha, settled, updated_at FROM planned_heads WHERE owner = ? AND name = ?')
      .all(owner, name) as unknown as Row[];
    return new Map(
      rows.map((row) => [
        row.number,
        {
          number: row.number,
          headSha: row.head_sha,
          settled: row.settled === 1,
          updatedAt: row.updated_at,
        },
      ]),
    );
  }

  async remember(repo: RepositoryId, head: Omit<PlannedHead, 'updatedAt'>): Promise<void> {
    const { owner, name } = repositoryKey(repo);
    this.#db
      .prepare(
        `INSERT INTO planned_heads (owner, name, number, head_sha, settled, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (owner, name, number) DO UPDATE SET head_sha = excluded.head_sha,
           settled = excluded.settled, updated_at = excluded.updated_at`,
      )
      .run(owner, name, head.number, head.headSha, head.settled ? 1 : 0, this.#clock());
  }

  async forgetAllBut(repo: RepositoryId, open: readonly number[]): Promise<number> {
    const { owner, name } = repositoryKey(repo);
    const result = this.#db
      .prepare(
        `DELETE FROM planned_heads WHERE owner = ? AND name = ?
           AND number NOT IN (SELECT value FROM json_each(?))`,
      )
      .run(owner, name, JSON.stringify(open));
    return Number(result.changes);
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }
}
