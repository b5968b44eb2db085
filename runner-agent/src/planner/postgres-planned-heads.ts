import type { RepositoryId } from '../../../forge/forge.ts';
import type { Migration, PostgresDatabase } from '../queue/postgres-database.ts';
import { repositoryKey, type PlannedHead, type PlannedHeads } from './planned-heads.ts';

const MIGRATIONS: Migration[] = [
  {
    sql: `CREATE TABLE planned_heads (
       owner TEXT NOT NULL,
       name TEXT NOT NULL,
       number INTEGER NOT NULL,
       head_sha TEXT NOT NULL,
       settled BOOLEAN NOT NULL,
       updated_at BIGINT NOT NULL,
       PRIMARY KEY (owner, name, number)
     );`,
  },
];

interface Row {
  number: number;
  head_sha: string;
  settled: boolean;
  updated_at: string;
}

/** The scanner's memory in the fleet's PostgreSQL database, beside the job records. */
export class PostgresPlannedHeads implements PlannedHeads {
  readonly #db: PostgresDatabase;
  readonly #clock: () => number;

  private constructor(db: PostgresDatabase, clock: () => number) {
    this.#db = db;
    this.#clock = clock;
  }

  /** The database is shared; closing this leaves it open for whoever opened it. */
  static async open(options: {
    database: PostgresDatabase;
    clock?: () => number;
  }): Promise<PostgresPlannedHeads> {
    await options.database.migrate('planned_heads', MIGRATIONS);
    return new PostgresPlannedHeads(options.database, options.clock ?? Date.now);
  }

  async list(repo: RepositoryId): Promise<Map<number, PlannedHead>> {
    const { owner, name } = repositoryKey(repo);
    const { rows } = await this.#db.pool.query<Row>(
      'SELECT number, head_sha, settled, updated_at FROM planned_heads WHERE owner = $1 AND name = $2',
      [owner, name],
    );
    return new Map(
      rows.map((row) => [
        row.number,
        {
          number: row.number,
          headSha: row.head_sha,
          settled: row.settled,
          updatedAt: Number(row.updated_at),
        },
      ]),
    );
  }

  async remember(repo: RepositoryId, head: Omit<PlannedHead, 'updatedAt'>): Promise<void> {
    const { owner, name } = repositoryKey(repo);
    await this.#db.pool.query(
      `INSERT INTO planned_heads (owner, name, number, head_sha, settled, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (owner, name, number) DO UPDATE SET head_sha = excluded.head_sha,
         settled = excluded.settled, updated_at = excluded.updated_at`,
      [owner, name, head.number, head.headSha, head.settled, this.#clock()],
    );
  }

  async forgetAllBut(repo: RepositoryId, open: readonly number[]): Promise<number> {
    const { owner, name } = repositoryKey(repo);
    const { rowCount } = await this.#db.pool.query(
      `DELETE FROM planned_heads WHERE owner = $1 AND name = $2 AND NOT (number = ANY($3::integer[]))`,
      [owner, name, [...open]],
    );
    return rowCount ?? 0;
  }

  /** The pool belongs to whoever opened the database (the deployment), which closes it. */
  async close(): Promise<void> {}
}
