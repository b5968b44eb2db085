import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import packageJson from '../../package.json' with { type: 'json' };
import { SqliteAgentRegistry } from '../../runner-agent/src/agents/sqlite-agent-registry.ts';
import { DeploymentConfigSchema } from '../../runner-agent/src/config/deployment-config.ts';
import { openDeployment, type Deployment } from '../../runner-agent/src/deployment/deployment.ts';
import { jobDedupKey, requiredLabels, type Job } from '../../runner-agent/src/jobs/job.ts';
import { withTempDir } from '../support/temp-dir.ts';

const TOKEN = 'dashboard-test-token-0123456789';
const HOSTILE_CONTEXT = `<script>window.pwned = 1</script>unit"'&`;
const HOSTILE_DESCRIPTION = `<img src=x onerror="window.pwned = 2">Failed: 3 tests`;
const HOSTILE_REASON = '<b>boom</b> after 1 attempt';
const HOSTILE_CANCEL = 'by <b>mallory</b>';
/** Where the screenshot is left for people to look at; the test inspects it itself. */
const SCREENSHOT = path.join(os.tmpdir(), 'ironbots-dashboard.png');

function job(context: string, labels: string[], sha: string): Job {
  return {
    context,
    command: ['true'],
    labels,
    timeoutSeconds: 60,
    env: {},
    executor: 'process',
    repository: { owner: 'acme', name: 'widget', cloneUrl: 'http://127.0.0.1:1/acme/widget.git' },
    sha,
    trigger: { kind: 'webhook' },
    createdAt: new Date().toISOString(),
  };
}

/** A record and a queued message for the job, as the planner makes them. */
async function plan(deployment: Deployment, j: Job, options: { maxAttempts?: number } = {}): Promise<string> {
  const key = jobDedupKey(j)!;
  const { id } = await deployment.jobs.enqueue(j, { labels: requiredLabels(j), dedupKey: key, ...options });
  await deployment.records.create(key, { repo: j.repository!, sha: j.sha!, context: j.context }, id);
  return id;
}

async function openServer(dir: string, dashboard: { public: boolean }) {
  const config = DeploymentConfigSchema.parse({
    stateDir: dir,
    server: { listen: '127.0.0.1:0', webhookSecret: 'webhook-secret', apiTokens: [TOKEN], dashboard },
    agent: { name: 'builder-1', labels: ['x86_64'], executors: ['process'] },
  });
  const deployment = await openDeployment(config, { logger: silentLogger(), processMetrics: false });
  const server = await deployment.startServer();
  return { deployment, url: server.url };
}

/** Share of pixels whose colour is close to the given one. */
function share(png: PNG, match: (r: number, g: number, b: number) => boolean): number {
  let hits = 0;
  for (let i = 0; i < png.data.length; i += 4)
    if (match(png.data[i]!, png.data[i + 1]!, png.data[i + 2]!)) hits++;
  return hits / (png.width * png.height);
}

describe('the dashboard, behind a token, in a real Chromium', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let deployment: Deployment;
  let url: string;
  let browser: Browser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    tmp = await withTempDir('ironbots-dashboard-');
    ({ deployment, url } = await openServer(tmp.dir, { public: false }));
    // A real agent registers itself (it offers x86_64, so it takes none of the jobs below).
    await deployment.startAgent();
    // A host that stopped heartbeating five minutes ago.
    const past = new SqliteAgentRegistry({
      path: path.join(tmp.dir, 'agents.db'),
      clock: () => Date.now() - 300_000,
    });
    await past.heartbeat(
      { name: 'vm-host', labels: ['executor:vm', 'kvm'], mode: 'kvm', version: '0.0.1', runningJobs: [] },
      { starting: true },
    );
    await past.close();

    ids.hostile = await plan(deployment, job(HOSTILE_CONTEXT, ['gpu'], 'a'.repeat(40)));
    ids.gpu = await plan(deployment, job('lint', ['gpu'], 'a'.repeat(40)));
    ids.gpuKvm = await plan(deployment, job('integration', ['gpu', 'kvm'], 'b'.repeat(40)));

    // Running on a remote agent: leased and claimed.
    const running = job('arm-build', ['arm64'], 'c'.repeat(40));
    ids.running = await plan(deployment, running);
    const lease = await deployment.jobs.lease(
      { name: 'arm-agent', labels: ['arm64', 'executor:process'] },
      { visibilityTimeoutMs: 600_000 },
    );
    expect(lease?.message.id).toBe(ids.running);
    await deployment.records.claim(
      jobDedupKey(running)!,
      { repo: running.repository!, sha: running.sha!, context: running.context },
      ids.running,
      'arm-agent',
    );

    // Cancelled before it ran, by somebody whose name is markup.
    ids.cancelled = await plan(deployment, job('nightly', ['gpu'], 'f'.repeat(40)));
    await deployment.jobs.cancel(ids.cancelled, HOSTILE_CANCEL);

    // Dead-lettered after its only attempt.
    ids.dead = await plan(deployment, job('doomed', ['doomed'], 'd'.repeat(40)), { maxAttempts: 1 });
    const doomed = await deployment.jobs.lease(
      { name: 'arm-agent', labels: ['doomed', 'executor:process'] },
      { visibilityTimeoutMs: 60_000 },
    );
    await deployment.jobs.nack(doomed!, { reason: HOSTILE_REASON, retry: false });

    // A failure recorded for a finished job.
    const failed = job(HOSTILE_CONTEXT, [], 'e'.repeat(40));
    await deployment.records.create(
      jobDedupKey(failed)!,
      { repo: failed.repository!, sha: failed.sha!, context: failed.context },
      'job-failed-1',
    );
    await deployment.records.abandon(jobDedupKey(failed)!, {
      state: 'failure',
      description: HOSTILE_DESCRIPTION,
    });

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await deployment?.close();
    await tmp?.remove();
  });

  it('answers 401 without the token or with a wrong one, and is read-only', async () => {
    const bare = await fetch(`${url}/`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toBe('Bearer');
    expect(
      (await fetch(`${url}/`, { headers: { authorization: 'Bearer not-the-token-at-all' } })).status,
    ).toBe(401);
    const post = await fetch(`${url}/`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(post.status).toBe(405);
  });

  it('shows queue depth per label set, running jobs with live logs, agents, dead letters and failures', async () => {
    const context = await browser.newContext({
      extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` },
      viewport: { width: 1280, height: 900 },
    });
    try {
      const page = await context.newPage();
      const response = await page.goto(`${url}/`);
      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe('ironbots dashboard');
      expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('10');

      const depth = await page
        .locator('#queue-depth tbody tr')
        .evaluateAll((rows) =>
          rows.map((row) => [...row.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent!.trim())),
        );
      expect(depth).toEqual([
        ['executor:process gpu', '2'],
        ['executor:process gpu kvm', '1'],
      ]);
      expect(
        (await page.locator('#queue-stats tbody tr').first().locator('th, td').allTextContents()).map((t) =>
          t.trim(),
        ),
      ).toEqual(['jobs', '3', '1', '0', '1', '1']);

      const running = page.locator('#running tbody tr');
      expect(await running.count()).toBe(1);
      expect(await running.locator('td').allTextContents()).toEqual([
        ids.running,
        'arm-build',
        `acme/widget@cccccccc`,
        'arm-agent',
        '1',
        'live log',
      ]);
      expect(await running.locator('a.log').getAttribute('href')).toBe(`/logs/${ids.running}.html`);

      const agents = await page.locator('#agents tbody tr').evaluateAll((rows) =>
        rows.map((row) => ({
          name: row.querySelector('.agent-name')!.textContent,
          mode: row.querySelector('.mode')!.textContent,
          version: row.querySelector('.version')!.textContent,
          silent: row.querySelector('.silent') !== null,
          labels: [...row.querySelectorAll('.label')].map((l) => l.textContent),
        })),
      );
      expect(agents).toEqual([
        {
          name: 'builder-1',
          mode: 'no VMs',
          version: packageJson.version,
          silent: false,
          // Every agent offers its version as a label too (version:<v>), for jobs that need one.
          labels: ['executor:process', `version:${packageJson.version}`, 'x86_64'],
        },
        { name: 'vm-host', mode: 'KVM', version: '0.0.1', silent: true, labels: ['executor:vm', 'kvm'] },
      ]);

      expect(await page.locator('#dead-letters .context').allTextContents()).toEqual(['doomed']);
      expect(await page.locator('#dead-letters .reason').allTextContents()).toEqual([HOSTILE_REASON]);
      expect(await page.locator('#cancelled .context').allTextContents()).toEqual(['nightly']);
      expect(await page.locator('#cancelled .reason').allTextContents()).toEqual([HOSTILE_CANCEL]);
      expect(await page.locator('#cancelled a.log').getAttribute('href')).toBe(`/logs/${ids.cancelled}.html`);
      expect(await page.locator('#failures .description').allTextContents()).toEqual([HOSTILE_DESCRIPTION]);
      expect(await page.locator('#failures .failure').allTextContents()).toEqual(['failure']);
      expect(await page.locator('#failures .context').allTextContents()).toEqual([HOSTILE_CONTEXT]);

      // Untrusted text is text: it made no element and ran nothing.
      expect(await page.locator('#queue-depth, #running').count()).toBe(2);
      expect(await page.locator('script, img, b').count()).toBe(0);
      expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();

      const png = PNG.sync.read(await page.screenshot({ fullPage: true }));
      await writeFile(SCREENSHOT, PNG.sync.write(png));
      expect(png.width).toBe(1280);
      expect(png.height).toBeGreaterThan(600);
      // Mostly a white page, with dark text and the tables' header shading rendered.
      expect(share(png, (r, g, b) => r > 245 && g > 245 && b > 245)).toBeGreaterThan(0.5);
      expect(share(png, (r, g, b) => r < 80 && g < 80 && b < 80)).toBeGreaterThan(0.005);
      expect(share(png, (r, g, b) => r === 0xee && g === 0xee && b === 0xff)).toBeGreaterThan(0.005);
      // The silent agent's heartbeat is drawn in red.
      const silent = PNG.sync.read(await page.locator('#agents .silent').screenshot());
      expect(share(silent, (r, g, b) => r > 140 && g < 60 && b < 60)).toBeGreaterThan(0.02);
    } finally {
      await context.close();
    }
  });
});

describe('a public dashboard', () => {
  it('is served without a token when server.dashboard.public says so', async () => {
    const tmp = await withTempDir('ironbots-dashboard-');
    const { deployment, url } = await openServer(tmp.dir, { public: true });
    try {
      const res = await fetch(`${url}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await res.text()).toContain('nothing waits');
      // The agent is listed while it runs and gone once it stopped cleanly.
      const agent = await deployment.startAgent();
      expect(await (await fetch(`${url}/`)).text()).toContain('<td class="agent-name">builder-1</td>');
      await agent.stop();
      expect(await (await fetch(`${url}/`)).text()).toContain('no agent has registered');
    } finally {
      await deployment.close();
      await tmp.remove();
    }
  });
});
