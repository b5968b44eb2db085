import { describe, expect, it } from 'vitest';
import { PostgresDatabase } from '../../runner-agent/src/queue/postgres-database.ts';
import { PostgresJobRecords } from '../../runner-agent/src/statuses/postgres-job-records.ts';
import { openTestDatabase, TEST_POSTGRES_URL } from '../queue/fleet-services.ts';
import { jobRecordsContract } from './job-records-contract.ts';

jobRecordsContract('PostgreSQL', async () => {
  const { database, drop } = await openTestDatabase('records');
  const clock = { now: 0 };
  const records = await PostgresJobRecords.open({ database, clock: () => clock.now });
  return {
    records,
    clock,
    async close() {
      await records.close();
      await drop();
    },
  };
});

describe('PostgresJobRecords specifics', () => {
  const target = { repo: { owner: 'acme', name: 'widget' }, sha: 'b'.repeat(40), context: 'unit' };

  it('migrates once when several processes open a new database at the same moment', async () => {
    const { database, drop } = await openTestDatabase('records');
    // Separate pools stand for separate hosts starting together.
    const others = await Promise.all(
      [1, 2, 3].map(() => PostgresDatabase.open({ url: TEST_POSTGRES_URL, schema: database.schema })),
    );
    try {
      const all = await Promise.all(
        [database, ...others].map((db) => PostgresJobRecords.open({ database: db })),
      );
      await all[0]!.create('k', target);
      expect((await all[3]!.get('k'))?.key).toBe('k');
      const { rows } = await database.pool.query(
        `SELECT version FROM schema_migrations WHERE component = 'job_records'`,
      );
      expect(rows).toEqual([{ version: 1 }]);
    } finally {
      await Promise.all(others.map((db) => db.close()));
      await drop();
    }
  });

  it('lets exactly one of many hosts racing for a record win each epoch', async () => {
    const { database, drop } = await openTestDatabase('records');
    const hosts = await Promise.all(
      [1, 2, 3, 4].map(() => PostgresDatabase.open({ url: TEST_POSTGRES_URL, schema: database.schema })),
    );
    try {
      const records = await Promise.all(hosts.map((db) => PostgresJobRecords.open({ database: db })));
      const claims = await Promise.all(records.map((r, i) => r.claim('k', target, 'job-1', `agent-${i}`)));
      const epochs = claims.map((c) => (c.kind === 'run' ? c.epoch : -1)).sort();
      expect(epochs).toEqual([1, 2, 3, 4]);
      const finishes = await Promise.all(
        records.map((r, i) =>
          r.finish(
            'k',
            epochs[i]!,
            { state: 'success', description: 'ok' },
            { holder: `agent-${i}`, until: 0 },
          ),
        ),
      );
      // Only the newest claim counts.
      expect(finishes).toEqual([false, false, false, true]);
    } finally {
      await Promise.all(hosts.map((db) => db.close()));
      await drop();
    }
  });
});
