import path from 'node:path';
import { PostgresPlannedHeads } from '../../runner-agent/src/planner/postgres-planned-heads.ts';
import { SqlitePlannedHeads } from '../../runner-agent/src/planner/sqlite-planned-heads.ts';
import { openTestDatabase } from '../queue/fleet-services.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { plannedHeadsContract } from './planned-heads-contract.ts';

plannedHeadsContract('SQLite', async () => {
  const tmp = await withTempDir();
  const file = path.join(tmp.dir, 'planned-heads.db');
  const clock = { now: 0 };
  const heads = new SqlitePlannedHeads({ path: file, clock: () => clock.now });
  return {
    heads,
    clock,
    reopen: async () => new SqlitePlannedHeads({ path: file }),
    async close() {
      await heads.close();
      await tmp.remove();
    },
  };
});

plannedHeadsContract('PostgreSQL', async () => {
  const { database, drop } = await openTestDatabase('heads');
  const clock = { now: 0 };
  const heads = await PostgresPlannedHeads.open({ database, clock: () => clock.now });
  return {
    heads,
    clock,
    reopen: () => PostgresPlannedHeads.open({ database }),
    async close() {
      await heads.close();
      await drop();
    },
  };
});
