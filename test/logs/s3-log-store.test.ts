import { describe, expect, it } from 'vitest';
import { S3LogStore } from '../../runner-agent/src/logs/s3-log-store.ts';
import { SecretRegistry } from '../../core/secrets.ts';
import { startS3Server } from '../support/s3-server.ts';
import { runningJobMeta } from '../support/job-log-meta.ts';
import { logStoreContract } from './log-store-contract.ts';

logStoreContract('S3 (against a local S3-compatible server)', async ({ secrets, maxLogBytes }) => {
  const s3 = await startS3Server('ironbots-logs');
  return {
    store: new S3LogStore({
      client: s3.client,
      bucket: 'ironbots-logs',
      secrets,
      maxLogBytes,
      flushIntervalMs: 50,
    }),
    cleanup: s3.stop,
  };
});

describe('S3 log store specifics', () => {
  it('uploads output in chunks and reads across chunk boundaries from any offset', async () => {
    const s3 = await startS3Server('logs');
    const store = new S3LogStore({
      client: s3.client,
      bucket: 'logs',
      secrets: new SecretRegistry(),
      chunkBytes: 1024,
      maxReadBytes: 1500,
    });
    const writer = await store.create(runningJobMeta('job-1'));
    const lines = Array.from(
      { length: 200 },
      (_, i) => `line ${String(i).padStart(3, '0')} ${'x'.repeat(20)}\n`,
    );
    for (const line of lines) writer.append(line);
    await writer.finish({ state: 'success', exitCode: 0 });
    const expected = lines.join('');
    let text = '';
    let offset = 0;
    let reads = 0;
    for (;;) {
      const chunk = (await store.read('job-1', offset))!;
      text += chunk.data.toString('utf8');
      offset = chunk.nextOffset;
      reads++;
      if (chunk.complete) break;
    }
    expect(text).toBe(expected);
    expect(reads).toBeGreaterThan(1);
    expect((await store.read('job-1', 2000))!.data.toString('utf8')).toBe(expected.slice(2000, 3500));
    await s3.stop();
  });

  it('continues the log of a retried job after the earlier attempt', async () => {
    const s3 = await startS3Server('logs');
    const store = new S3LogStore({ client: s3.client, bucket: 'logs' });
    const first = await store.create(runningJobMeta('job-2'));
    first.append('attempt 1\n');
    await first.finish({ state: 'error' });
    const second = await store.create({ ...runningJobMeta('job-2'), attempt: 2 });
    second.append('attempt 2\n');
    await second.finish({ state: 'success' });
    expect((await store.read('job-2'))!.data.toString()).toBe('attempt 1\nattempt 2\n');
    expect(await store.meta('job-2')).toMatchObject({ state: 'success', attempt: 2 });
    await s3.stop();
  });
});
