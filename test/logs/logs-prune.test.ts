import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import { startServerRole } from '../../runner-agent/src/deployment/server-role.ts';
import { FilesystemLogStore } from '../../runner-agent/src/logs/filesystem-log-store.ts';
import type { Job } from '../../runner-agent/src/jobs/job.ts';
import type { WebhookDelivery } from '../../runner-agent/src/webhooks/delivery.ts';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import { runningJobMeta } from '../support/job-log-meta.ts';
import { withTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const ironbots = path.resolve(import.meta.dirname, '../../cli/bin/ironbots');
const DAY = 24 * 3_600_000;

/** One job that ended `daysAgo` days ago, with an artifact. */
async function jobEnded(store: FilesystemLogStore, jobId: string, daysAgo: number, scratch: string) {
  const at = Date.now() - daysAgo * DAY;
  const writer = await store.create({
    ...runningJobMeta(jobId),
    startedAt: new Date(at - 60_000).toISOString(),
  });
  writer.append(`${jobId}\n`);
  await writer.finish({ state: 'success', finishedAt: new Date(at).toISOString() });
  await writeFile(path.join(scratch, 'a.txt'), jobId);
  await store.putArtifact(jobId, 'a.txt', path.join(scratch, 'a.txt'));
}

describe('expiry of job logs and artifacts', () => {
  it('`ironbots logs prune` removes what ended before logs.retentionDays, or --older-than', async () => {
    const tmp = await withTempDir('ironbots-logs-prune-');
    try {
      const logsDir = path.join(tmp.dir, 'state', 'logs');
      const store = new FilesystemLogStore({ root: logsDir });
      await jobEnded(store, 'job-40-days', 40, tmp.dir);
      await jobEnded(store, 'job-10-days', 10, tmp.dir);
      await jobEnded(store, 'job-today', 0, tmp.dir);
      const config = path.join(tmp.dir, 'config.yml');
      await writeFile(config, `stateDir: ${tmp.dir}/state\nlogs:\n  kind: filesystem\n  retentionDays: 30\n`);

      const first = await run(ironbots, ['logs', 'prune', '--config', config]);
      expect(first.stdout).toMatch(
        /^removed the logs and artifacts of 1 job\(s\) that ended before .* \(30 days ago\)\n$/,
      );
      expect(await store.meta('job-40-days')).toBeNull();
      expect(await store.listArtifacts('job-10-days')).toEqual([{ path: 'a.txt', bytes: 11 }]);

      const second = await run(ironbots, ['logs', 'prune', '--older-than', '7', '--config', config]);
      expect(second.stdout).toMatch(/of 1 job\(s\).*\(7 days ago\)/);
      expect(await store.meta('job-10-days')).toBeNull();
      expect(await store.meta('job-today')).toMatchObject({ state: 'success' });

      const bad = await run(ironbots, ['logs', 'prune', '--older-than', 'soon', '--config', config]).catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect(bad).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('a number of days greater than 0'),
      });
    } finally {
      await tmp.remove();
    }
  });

  it('the server removes expired logs by itself', async () => {
    const tmp = await withTempDir('ironbots-logs-expiry-');
    const store = new FilesystemLogStore({ root: path.join(tmp.dir, 'logs') });
    const events = await SqliteQueue.open<WebhookDelivery>({
      path: path.join(tmp.dir, 'q.db'),
      name: 'events',
    });
    const jobs = await SqliteQueue.open<Job>({ path: path.join(tmp.dir, 'q.db'), name: 'jobs' });
    try {
      await jobEnded(store, 'job-old', 31, tmp.dir);
      await jobEnded(store, 'job-new', 1, tmp.dir);
      const role = await startServerRole({
        events,
        jobs,
        logStore: store,
        forge: null,
        webhookSecret: 'a-webhook-secret-of-some-length',
        apiTokens: [],
        trust: { trustedAuthors: [] },
        logger: silentLogger(),
        host: '127.0.0.1',
        port: 0,
        logExpiry: { retentionDays: 30, intervalMs: 50 },
      });
      try {
        await expect.poll(() => store.meta('job-old'), { timeout: 5_000 }).toBeNull();
        expect(await store.meta('job-new')).toMatchObject({ state: 'success' });
      } finally {
        await role.stop();
      }
    } finally {
      await events.close();
      await jobs.close();
      await tmp.remove();
    }
  });
});
