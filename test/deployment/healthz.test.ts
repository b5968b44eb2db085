import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import { DeploymentConfigSchema } from '../../runner-agent/src/config/deployment-config.ts';
import { openDeployment } from '../../runner-agent/src/deployment/deployment.ts';
import { withTempDir } from '../support/temp-dir.ts';

describe('GET /healthz', () => {
  it('asks the queues, the job records and the log store for real, and answers 503 naming what failed', async () => {
    const tmp = await withTempDir();
    const config = DeploymentConfigSchema.parse({
      stateDir: path.join(tmp.dir, 'state'),
      server: { listen: '127.0.0.1:0', webhookSecret: 'healthz-secret-123', scanIntervalSeconds: 0 },
    });
    const deployment = await openDeployment(config, { logger: silentLogger(), processMetrics: false });
    try {
      const server = await deployment.startServer();
      const healthy = await fetch(`${server.url}/healthz`);
      expect(healthy.status).toBe(200);
      expect(await healthy.json()).toEqual({
        ok: true,
        checks: { events: 'ok', jobs: 'ok', logs: 'ok', records: 'ok' },
      });
      // The job queue goes away under the server (a broker connection lost for good, a database closed).
      await deployment.jobs.close();
      const sick = await fetch(`${server.url}/healthz`);
      expect(sick.status).toBe(503);
      const body = (await sick.json()) as { ok: boolean; checks: Record<string, string> };
      expect(body.ok).toBe(false);
      expect(body.checks).toMatchObject({ events: 'ok', logs: 'ok', records: 'ok' });
      expect(body.checks.jobs).toMatch(/closed/);
    } finally {
      await deployment.close();
      await tmp.remove();
    }
  });
});
