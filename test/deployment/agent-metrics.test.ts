import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import { freePort } from '../../emulators/free-port.ts';
import { DeploymentConfigSchema } from '../../runner-agent/src/config/deployment-config.ts';
import { openDeployment } from '../../runner-agent/src/deployment/deployment.ts';
import { requiredLabels, type Job } from '../../runner-agent/src/jobs/job.ts';
import { withTempDir } from '../support/temp-dir.ts';

const SCRAPER = 'agent-scraper-token-0123456789';

describe('an agent on a machine of its own', () => {
  it('serves its own /metrics on agent.listen, behind the scraper token, counting the jobs it ran', async () => {
    const tmp = await withTempDir();
    const port = await freePort();
    const config = DeploymentConfigSchema.parse({
      stateDir: path.join(tmp.dir, 'state'),
      metrics: { tokens: [SCRAPER] },
      agent: { name: 'lonely', listen: `127.0.0.1:${port}` },
    });
    const deployment = await openDeployment(config, { logger: silentLogger(), processMetrics: false });
    try {
      await deployment.startAgent();
      const job: Job = {
        context: 'unit',
        command: ['true'],
        labels: [],
        timeoutSeconds: 30,
        env: {},
        executor: 'process',
        trigger: { kind: 'api' },
        createdAt: new Date().toISOString(),
      };
      await deployment.jobs.enqueue(job, { labels: requiredLabels(job) });
      const url = `http://127.0.0.1:${port}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      await expect
        .poll(async () => (await fetch(url, { headers: { authorization: `Bearer ${SCRAPER}` } })).text(), {
          timeout: 15_000,
        })
        .toContain('ironbots_jobs_finished_total{state="success"} 1');
    } finally {
      await deployment.close();
      await tmp.remove();
    }
  });
});
