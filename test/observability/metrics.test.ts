import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHttpServer } from '../../core/http/http-server.ts';
import { Metrics } from '../../runner-agent/src/observability/metrics.ts';
import { silentLogger } from '../../core/logger.ts';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import { withTempDir } from '../support/temp-dir.ts';

describe('metrics', () => {
  it('serves queue depth, webhook outcomes, job startup and job duration in Prometheus text format', async () => {
    const tmp = await withTempDir();
    const jobs = await SqliteQueue.open<string>({ path: path.join(tmp.dir, 'q.db'), name: 'jobs' });
    await jobs.enqueue('a');
    await jobs.enqueue('b');
    await jobs.lease({ name: 'x', labels: [] }, { visibilityTimeoutMs: 1000 });
    const metrics = new Metrics({ queues: [jobs as SqliteQueue<unknown>], defaultMetrics: false });
    metrics.observeDelivery('pull_request', 'queued');
    metrics.observeDelivery('pull_request', 'bad-signature');
    metrics.observeAgent({
      type: 'leased',
      jobId: 'j',
      context: 'c',
      at: 10_000,
      enqueuedAt: 9_000,
      attempt: 1,
    });
    metrics.observeAgent({
      type: 'leased',
      jobId: 'k',
      context: 'c',
      at: 10_000,
      enqueuedAt: 9_000,
      attempt: 2,
    });
    metrics.observeAgent({ type: 'started', jobId: 'j', at: 10_500 });
    metrics.observeAgent({ type: 'finished', jobId: 'j', state: 'success', description: 'ok', at: 13_000 });

    const scraper = 'scraper-token-0123456789';
    const server = await startHttpServer({
      logger: silentLogger(),
      routes: [metrics.route({ public: false, tokens: [scraper] })],
    });
    // Without the scraper's token (or with another): nothing.
    for (const headers of [{}, { authorization: 'Bearer not-the-scraper-token-01234' }]) {
      const refused = await fetch(`${server.url}/metrics`, { headers });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      expect(await refused.text()).not.toContain('ironbots_');
    }
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${scraper}` } });
    const text = await res.text();
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    expect(text).toContain('ironbots_queue_messages{queue="jobs",state="queued"} 1');
    expect(text).toContain('ironbots_queue_messages{queue="jobs",state="leased"} 1');
    expect(text).toContain('ironbots_webhook_deliveries_total{event="pull_request",outcome="queued"} 1');
    expect(text).toContain(
      'ironbots_webhook_deliveries_total{event="pull_request",outcome="bad-signature"} 1',
    );
    expect(text).toContain('ironbots_job_startup_duration_seconds_sum 1.5');
    expect(text).toContain('ironbots_job_duration_seconds_sum{state="success"} 3');
    expect(text).toContain('ironbots_jobs_finished_total{state="success"} 1');
    // The error budgets: retries, and queue waits over five minutes (the 300 s bucket).
    expect(text).toContain('ironbots_job_attempts_total{attempt="first"} 1');
    expect(text).toContain('ironbots_job_attempts_total{attempt="retry"} 1');
    expect(text).toContain('ironbots_job_startup_duration_seconds_bucket{le="300"} 1');
    await server.close();
    // Public: anyone may read it.
    const open = await startHttpServer({
      logger: silentLogger(),
      routes: [metrics.route({ public: true, tokens: [] })],
    });
    expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
    await open.close();
    await jobs.close();
    await tmp.remove();
  });
});
