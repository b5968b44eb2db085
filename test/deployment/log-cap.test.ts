import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import { DeploymentConfigSchema } from '../../runner-agent/src/config/deployment-config.ts';
import { openDeployment } from '../../runner-agent/src/deployment/deployment.ts';
import type { LogStore } from '../../runner-agent/src/logs/log-store.ts';
import { runningJobMeta } from '../support/job-log-meta.ts';
import { startS3Server } from '../support/s3-server.ts';
import { withTempDir } from '../support/temp-dir.ts';

const MAX_BYTES = 2048;

/** Writes far more than the cap through the deployment's own log store and reads back what it kept. */
async function capped(store: LogStore): Promise<{ text: string; bytes: number; droppedBytes?: number }> {
  const writer = await store.create(runningJobMeta('capped-job'));
  for (let i = 0; i < 200; i++)
    writer.append(`output line ${String(i).padStart(4, '0')} ${'.'.repeat(40)}\n`);
  await writer.finish({ state: 'success' }, 'ironbots: Passed in 1.0 s [agent]');
  let text = '';
  for (let offset = 0; ;) {
    const chunk = (await store.read('capped-job', offset))!;
    text += chunk.data.toString('utf8');
    offset = chunk.nextOffset;
    if (chunk.complete || chunk.data.length === 0) break;
  }
  const meta = (await store.meta('capped-job'))!;
  return {
    text,
    bytes: Buffer.byteLength(text),
    ...(meta.droppedBytes ? { droppedBytes: meta.droppedBytes } : {}),
  };
}

describe('logs.maxBytes', () => {
  it('caps the filesystem log store the deployment opens, and the verdict still ends the log', async () => {
    const tmp = await withTempDir();
    const config = DeploymentConfigSchema.parse({
      stateDir: path.join(tmp.dir, 'state'),
      logs: { kind: 'filesystem', maxBytes: MAX_BYTES },
    });
    const deployment = await openDeployment(config, { logger: silentLogger(), processMetrics: false });
    try {
      const { text, bytes, droppedBytes } = await capped(deployment.logStore);
      expect(bytes).toBeLessThanOrEqual(MAX_BYTES);
      expect(text).toMatch(/\nironbots: log truncated[^\n]*\nironbots: Passed in 1\.0 s \[agent\]\n$/);
      expect(droppedBytes).toBeGreaterThan(0);
    } finally {
      await deployment.close();
      await tmp.remove();
    }
  });

  it('caps the S3 log store the deployment opens, and the verdict still ends the log', async () => {
    const tmp = await withTempDir();
    const s3 = await startS3Server('capped-logs');
    const config = DeploymentConfigSchema.parse({
      stateDir: path.join(tmp.dir, 'state'),
      logs: {
        kind: 's3',
        bucket: 'capped-logs',
        endpoint: s3.endpoint,
        forcePathStyle: true,
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        maxBytes: MAX_BYTES,
      },
    });
    const deployment = await openDeployment(config, { logger: silentLogger(), processMetrics: false });
    try {
      const { text, bytes, droppedBytes } = await capped(deployment.logStore);
      expect(bytes).toBeLessThanOrEqual(MAX_BYTES);
      expect(text).toMatch(/\nironbots: log truncated[^\n]*\nironbots: Passed in 1\.0 s \[agent\]\n$/);
      expect(droppedBytes).toBeGreaterThan(0);
    } finally {
      await deployment.close();
      await s3.stop();
      await tmp.remove();
    }
  });

  it('defaults to 50 MiB and refuses less than 1 KiB or a fraction of a byte, saying why', () => {
    const logs = (value: unknown) =>
      DeploymentConfigSchema.safeParse({ logs: { kind: 'filesystem', maxBytes: value } });
    expect(DeploymentConfigSchema.parse({}).logs.maxBytes).toBe(50 * 1024 * 1024);
    expect(DeploymentConfigSchema.parse({ logs: { kind: 's3', bucket: 'b3s' } }).logs.maxBytes).toBe(
      50 * 1024 * 1024,
    );
    expect(logs(1024).success).toBe(true);
    expect(logs(1023).error?.issues[0]?.message).toMatch(/at least 1024 bytes/);
    expect(logs(4096.5).error?.issues[0]?.message).toMatch(/whole number of bytes/);
    expect(logs('50 MiB').success).toBe(false);
  });
});
