import path from 'node:path';
import { SqliteJobRecords } from '../../runner-agent/src/statuses/sqlite-job-records.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { jobRecordsContract } from './job-records-contract.ts';

jobRecordsContract('SQLite', async () => {
  const tmp = await withTempDir();
  const clock = { now: 0 };
  const records = new SqliteJobRecords({ path: path.join(tmp.dir, 'records.db'), clock: () => clock.now });
  return {
    records,
    clock,
    async close() {
      await records.close();
      await tmp.remove();
    },
  };
});
