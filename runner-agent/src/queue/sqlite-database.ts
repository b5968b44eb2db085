import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/**
 * The SQLite files of the embedded deployment (queue, job records, agent registry): WAL so that the server and
 * agents on one machine share a file, `synchronous=FULL` so that a committed write survives a crash, and a
 * busy timeout so that one process waits for another's write lock instead of failing.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/** Opens (creating it and its directory) a database file and brings it to the newest of `migrations`. */
export function openSqliteDatabase(file: string, migrations: readonly string[]): DatabaseSync {
  const resolved = path.resolve(file);
  mkdirSync(path.dirname(resolved), { recursive: true });
  // The busy timeout is given at open so that even switching to WAL waits for other processes.
  const db = new DatabaseSync(resolved, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Migration n takes a database from `user_version` n to n + 1 (append only; never edit a released step). One
 * write transaction: of several processes opening the file at once, one migrates and the others see it.
 */
export function migrate(db: DatabaseSync, migrations: readonly string[]): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    const { user_version: version } = db.prepare('PRAGMA user_version').get() as { user_version: number };
    // A newer version's migrations are additive; an older build keeps working on what it knows.
    for (let step = version; step < migrations.length; step++) db.exec(migrations[step]!);
    if (version < migrations.length) db.exec(`PRAGMA user_version = ${migrations.length}`);
    db.exec('COMMIT');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
