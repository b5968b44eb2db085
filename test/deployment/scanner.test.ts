import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import type { Repository } from '../../forge/forge.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { Scanner } from '../../runner-agent/src/deployment/scanner.ts';
import type { Job } from '../../runner-agent/src/jobs/job.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { Planner } from '../../runner-agent/src/planner/planner.ts';
import { SqlitePlannedHeads } from '../../runner-agent/src/planner/sqlite-planned-heads.ts';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import type { GitHubRunnerSettings } from '../../runner-agent/src/runners/github-runner-settings.ts';
import { RunnerDemand } from '../../runner-agent/src/runners/runner-demand.ts';
import { capturingLogger } from '../support/capturing-logger.ts';
import { withTempDir } from '../support/temp-dir.ts';

const TOKEN = 'ghp_scannertoken0123456789';

const RUNNERS: GitHubRunnerSettings = {
  scope: 'repository',
  runnerGroupId: 1,
  claimLabels: ['self-hosted'],
  implicitLabels: ['self-hosted', 'linux', 'x64'],
  executor: 'process',
  command: ['/opt/actions-runner/run.sh'],
  timeoutMinutes: 60,
  namePrefix: 'ironbots-',
  registrationTimeoutSeconds: 300,
  idleTimeoutSeconds: 300,
  pollSeconds: 10,
  reapIntervalSeconds: 300,
};

/**
 * The server's scanner against the GitHub emulator: pull requests and registered runners' queued workflow
 * jobs re-read with conditional requests, and rounds skipped while the rate limit is under the reserve.
 */
describe('Scanner', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let emulator: GitHubEmulator;
  let forge: GitHubForge;
  let repository: Repository;
  let jobs: SqliteQueue<Job>;
  let plannedHeads: SqlitePlannedHeads;

  beforeEach(async () => {
    tmp = await withTempDir();
    emulator = await GitHubEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
    await emulator.createRepository('acme', 'gadget');
    forge = new GitHubForge({ token: TOKEN, baseUrl: emulator.url, retries: 0, throttle: false });
    // Two pull requests without a `.ironbots.yml`: settled by their first scan.
    const copy = new GitWorkingCopy(path.join(tmp.dir, 'work'), forge.gitCredentials());
    await copy.init(emulator.cloneUrl('acme', 'gadget'));
    await copy.writeFiles({ 'README.md': { content: 'gadget\n' } });
    await copy.commit('main');
    await copy.push('main');
    for (const branch of ['one', 'two']) {
      await copy.checkoutNewBranch(branch);
      await copy.writeFiles({ [`${branch}.txt`]: { content: `${branch}\n` } });
      await copy.commit(branch);
      await copy.push(branch);
      await forge.createPullRequest(
        { owner: 'acme', name: 'gadget' },
        { title: branch, head: branch, base: 'main' },
      );
    }
    repository = await forge.getRepository({ owner: 'acme', name: 'gadget' });
    await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'gadget',
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'true' }],
    });
    jobs = await SqliteQueue.open<Job>({ path: path.join(tmp.dir, 'state', 'queue.db'), name: 'jobs' });
    plannedHeads = new SqlitePlannedHeads({ path: path.join(tmp.dir, 'state', 'planned-heads.db') });
  });

  afterEach(async () => {
    await jobs.close();
    await plannedHeads.close();
    await emulator.stop();
    await tmp.remove();
  });

  function scanner(options: { clock?: () => number; reservePercent?: number } = {}) {
    const { logger, entries } = capturingLogger('info');
    const scanner = new Scanner({
      planner: new Planner({ forge, jobs, logger: silentLogger(), plannedHeads }),
      runnerDemand: new RunnerDemand({
        forge,
        jobs,
        agents: null,
        settings: RUNNERS,
        logger: silentLogger(),
      }),
      repositories: [repository],
      logger,
      rateLimit: { figures: () => forge.rateLimit(), reservePercent: options.reservePercent ?? 10 },
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const skips = () => entries().filter((e) => e.msg.startsWith('scan skipped'));
    return { scanner, skips };
  }

  it('re-reads an unchanged repository with one 304 for its pull requests and one for its queued runs', async () => {
    const { scanner: s } = scanner();
    emulator.resetRequestCounts();
    expect(await s.round()).toEqual({
      kind: 'scanned',
      full: true,
      repositories: 1,
      pullRequests: 2,
      replanned: 0,
      unchanged: 0,
    });
    expect(emulator.requestCounts().notModified).toBe(0);
    expect(await jobs.stats()).toMatchObject({ queued: 1 });

    emulator.resetRequestCounts();
    expect(await s.round()).toMatchObject({ kind: 'scanned', pullRequests: 2, unchanged: 2 });
    expect(emulator.requestCounts()).toEqual({
      total: 2,
      notModified: 2,
      endpoints: {
        'GET /repos/acme/gadget/actions/runs': { total: 1, notModified: 1 },
        'GET /repos/acme/gadget/pulls': { total: 1, notModified: 1 },
      },
    });
    // The workflow job still waits: its runner job is the one queued before, not a second one.
    expect(await jobs.stats()).toMatchObject({ queued: 1 });

    // A newly queued workflow job changes the runs list: read in full, and it gets its runner job.
    await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'gadget',
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'true' }],
    });
    emulator.resetRequestCounts();
    await s.round();
    expect(emulator.requestCounts().endpoints['GET /repos/acme/gadget/actions/runs']).toEqual({
      total: 1,
      notModified: 0,
    });
    expect(await jobs.stats()).toMatchObject({ queued: 2 });
  });

  it('skips its rounds while the rate limit is under the reserve, says so once a round, and scans again after the reset', async () => {
    let now = Date.now();
    const { scanner: s, skips } = scanner({ clock: () => now });
    await s.round();
    // 400 of 5,000 left: under the 10 % reserve. The scanner learns it from its next answers (304s).
    emulator.setPrimaryRateLimit({ limit: 5000, remaining: 400, resetInSeconds: 1800 });
    expect(await s.round()).toMatchObject({ kind: 'scanned' });
    expect(forge.rateLimit()).toMatchObject({ limit: 5000, remaining: 400 });
    expect(skips()).toEqual([]);

    emulator.resetRequestCounts();
    const skipped = await s.round();
    expect(skipped).toEqual({
      kind: 'skipped',
      repositories: 0,
      limit: 5000,
      remaining: 400,
      reserve: 500,
      resetAt: forge.rateLimit()!.resetAt,
    });
    expect(await s.round()).toMatchObject({ kind: 'skipped' });
    expect(emulator.requestCounts().total).toBe(0);
    expect(skips()).toHaveLength(2);
    expect(skips()[0]).toMatchObject({
      level: 40,
      remaining: 400,
      limit: 5000,
      reserve: 500,
      resetAt: new Date(forge.rateLimit()!.resetAt).toISOString(),
    });
    expect(skips()[0]!.msg).toMatch(/400 of 5000 forge API requests left, under the reserve of 500/);

    // The window resets (the emulator's and the scanner's clocks both move past it): scanning resumes.
    emulator.setPrimaryRateLimit({ limit: 5000, resetInSeconds: 3600 });
    now = forge.rateLimit()!.resetAt + 1;
    expect(await s.round()).toMatchObject({ kind: 'scanned', unchanged: 2 });
    expect(emulator.requestCounts().total).toBe(2);
    expect(forge.rateLimit()).toMatchObject({ remaining: 5000 });
    expect(skips()).toHaveLength(2);
  });

  it('never skips with no reserve, however low the rate limit', async () => {
    emulator.setPrimaryRateLimit({ limit: 5000, remaining: 10, resetInSeconds: 1800 });
    const { scanner: s, skips } = scanner({ reservePercent: 0 });
    await s.round();
    expect(forge.rateLimit()).toMatchObject({ remaining: expect.any(Number) });
    expect(forge.rateLimit()!.remaining).toBeLessThan(10);
    expect(await s.round()).toMatchObject({ kind: 'scanned' });
    expect(skips()).toEqual([]);
  });
});
