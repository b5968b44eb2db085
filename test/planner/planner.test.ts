import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError } from '../../forge/forge.ts';
import type { Job } from '../../runner-agent/src/jobs/job.ts';
import {
  CONFIG_CONTEXT,
  inProgress,
  APPROVAL_CONTEXT,
  MANUAL_TESTING_REQUIRED,
  NOT_YET_TESTED,
  WAITING_FOR_APPROVAL,
} from '../../runner-agent/src/jobs/status-text.ts';
import { silentLogger } from '../../core/logger.ts';
import { isTransientForgeFailure, Planner } from '../../runner-agent/src/planner/planner.ts';
import type { Queue } from '../../runner-agent/src/queue/queue.ts';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import type { WebhookDelivery } from '../../runner-agent/src/webhooks/delivery.ts';
import { RecordingForge } from '../support/recording-forge.ts';
import { withTempDir } from '../support/temp-dir.ts';

const SHA = 'a'.repeat(40);
const CONFIG = [
  'contexts:',
  '  unit:',
  '    run: [npm, test]',
  '  fedora-40:',
  '    run: [test/verify]',
  '    labels: [kvm]',
  '    executor: vm',
  '    image: fedora-40',
  '    priority: 3',
  '',
].join('\n');

function pullRequestDelivery(
  forge: RecordingForge,
  overrides: {
    action?: string;
    sha?: string;
    author?: string;
    headCloneUrl?: string;
    /** The fork was deleted: GitHub sends `head.repo: null`. */
    forkDeleted?: boolean;
  } = {},
): WebhookDelivery {
  const repo = forge.repository;
  const repoJson = {
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: { login: repo.owner },
    clone_url: repo.cloneUrl,
    html_url: repo.htmlUrl,
    default_branch: 'main',
  };
  return {
    forge: 'github',
    deliveryId: 'd-1',
    event: 'pull_request',
    receivedAt: new Date().toISOString(),
    payload: {
      action: overrides.action ?? 'opened',
      number: 7,
      repository: repoJson,
      pull_request: {
        number: 7,
        state: 'open',
        title: 'Add feature',
        body: null,
        html_url: `${repo.htmlUrl}/pull/7`,
        user: { login: overrides.author ?? 'alice' },
        head: {
          sha: overrides.sha ?? SHA,
          ref: 'feature',
          repo: overrides.forkDeleted
            ? null
            : { ...repoJson, clone_url: overrides.headCloneUrl ?? repo.cloneUrl },
        },
        base: { ref: 'main' },
      },
    },
  };
}

let forge: RecordingForge;
let jobs: Queue<Job>;
let planner: Planner;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const tmp = await withTempDir();
  forge = new RecordingForge();
  jobs = await SqliteQueue.open<Job>({ path: path.join(tmp.dir, 'q.db'), name: 'jobs' });
  planner = new Planner({ forge, jobs, logger: silentLogger(), trust: { trustedAuthors: ['maintainer'] } });
  cleanup = async () => {
    await jobs.close();
    await tmp.remove();
  };
});
afterEach(async () => cleanup());

async function drain(): Promise<{ job: Job; labels: string[]; priority: number }[]> {
  const out = [];
  for (;;) {
    const lease = await jobs.lease(
      { name: 't', labels: ['kvm', 'executor:vm', 'executor:process', 'canary'] },
      { visibilityTimeoutMs: 60_000 },
    );
    if (!lease) return out;
    out.push({ job: lease.message.payload, labels: lease.message.labels, priority: lease.message.priority });
    await jobs.ack(lease);
  }
}

describe('planner', () => {
  it('plans one job per context with "Not yet tested" statuses', async () => {
    forge.setFile(SHA, '.ironbots.yml', CONFIG);
    const result = await planner.handleDelivery(pullRequestDelivery(forge));
    expect(result.kind).toBe('planned');
    expect(forge.statusLog.map((s) => [s.context, s.state, s.description])).toEqual([
      ['unit', 'pending', NOT_YET_TESTED],
      ['fedora-40', 'pending', NOT_YET_TESTED],
    ]);
    const planned = await drain();
    // Priority first: fedora-40 has priority 3.
    expect(planned.map((p) => p.job.context)).toEqual(['fedora-40', 'unit']);
    expect(planned[0]).toMatchObject({
      labels: ['executor:vm', 'kvm'],
      priority: 3,
      job: {
        command: ['test/verify'],
        executor: 'vm',
        image: 'fedora-40',
        sha: SHA,
        pullRequest: 7,
        repository: { owner: 'acme', name: 'widget', cloneUrl: forge.repository.cloneUrl },
        trigger: { kind: 'webhook' },
      },
    });
    expect(planned[1]!.labels).toEqual(['executor:process']);
  });

  it('is idempotent: the same PR planned again creates no job and overwrites no status', async () => {
    forge.setFile(SHA, '.ironbots.yml', CONFIG);
    await planner.handleDelivery(pullRequestDelivery(forge));
    await forge.setCommitStatus(forge.repository, SHA, {
      state: 'pending',
      context: 'unit',
      description: inProgress('a1'),
    });
    const before = forge.statusLog.length;
    const again = await planner.handleDelivery(pullRequestDelivery(forge, { action: 'synchronize' }));
    expect(again).toMatchObject({ kind: 'planned', skipped: ['unit'] });
    // fedora-40 still says "Not yet tested": re-enqueued, but the queue already has it.
    expect(again.kind === 'planned' && again.jobs).toEqual([
      expect.objectContaining({ context: 'fedora-40', duplicate: true }),
    ]);
    expect(forge.statusLog.length).toBe(before);
    expect((await drain()).length).toBe(2);
  });

  it('reports a broken .ironbots.yml as an error status naming line and field, and plans nothing', async () => {
    forge.setFile(SHA, '.ironbots.yml', 'contexts:\n  unit:\n    run: npm test\n');
    const result = await planner.handleDelivery(pullRequestDelivery(forge));
    expect(result.kind).toBe('config-error');
    expect(forge.statusLog).toEqual([
      expect.objectContaining({
        context: CONFIG_CONTEXT,
        state: 'error',
        description: expect.stringMatching(/^\.ironbots\.yml line 3: contexts\.unit\.run: /),
      }),
    ]);
    expect(await drain()).toEqual([]);
  });

  it('ignores a PR without .ironbots.yml, other events and other actions', async () => {
    expect(await planner.handleDelivery(pullRequestDelivery(forge))).toMatchObject({ kind: 'ignored' });
    forge.setFile(SHA, '.ironbots.yml', CONFIG);
    expect(await planner.handleDelivery(pullRequestDelivery(forge, { action: 'labeled' }))).toMatchObject({
      kind: 'ignored',
    });
    expect(await planner.handleDelivery({ ...pullRequestDelivery(forge), event: 'issues' })).toMatchObject({
      kind: 'ignored',
    });
    expect(
      await planner.handleDelivery({ ...pullRequestDelivery(forge), payload: { action: 'opened' } }),
    ).toMatchObject({
      kind: 'ignored',
      reason: expect.stringMatching(/not understood/),
    });
    expect(forge.statusLog).toEqual([]);
  });

  it("waits for a human on a PR from an untrusted fork, but plans a trusted author's", async () => {
    forge.setFile(SHA, '.ironbots.yml', CONFIG);
    const fork = { headCloneUrl: 'http://127.0.0.1:1/mallory/widget.git' };
    const result = await planner.handleDelivery(pullRequestDelivery(forge, { ...fork, author: 'mallory' }));
    expect(result.kind).toBe('untrusted');
    expect(forge.statusLog.map((s) => s.description)).toEqual([WAITING_FOR_APPROVAL, WAITING_FOR_APPROVAL]);
    expect(await drain()).toEqual([]);

    const other = 'b'.repeat(40);
    forge.setFile(other, '.ironbots.yml', CONFIG);
    const trusted = await planner.handleDelivery(
      pullRequestDelivery(forge, { ...fork, author: 'maintainer', sha: other }),
    );
    expect(trusted.kind).toBe('planned');
    expect((await drain()).map((p) => p.job.repository?.cloneUrl)).toEqual([
      fork.headCloneUrl,
      fork.headCloneUrl,
    ]);
  });

  it('tests a fork of an author with write access, and an approved head, replacing "Waiting for approval"', async () => {
    forge.setFile(SHA, '.ironbots.yml', CONFIG);
    const fork = { headCloneUrl: 'http://127.0.0.1:1/carol/widget.git', author: 'carol' };
    forge.writers.add('carol');
    expect((await planner.handleDelivery(pullRequestDelivery(forge, fork))).kind).toBe('planned');
    expect((await drain()).length).toBe(2);

    // mallory's head waits (a status of an older version says the same), then an approval status lets it run.
    const other = 'b'.repeat(40);
    forge.setFile(other, '.ironbots.yml', CONFIG);
    const mallory = { ...fork, author: 'mallory', sha: other };
    await forge.setCommitStatus(forge.repository, other, {
      state: 'pending',
      context: 'unit',
      description: MANUAL_TESTING_REQUIRED,
    });
    expect((await planner.handleDelivery(pullRequestDelivery(forge, mallory))).kind).toBe('untrusted');
    expect(await drain()).toEqual([]);
    await forge.setCommitStatus(forge.repository, other, {
      state: 'success',
      context: APPROVAL_CONTEXT,
      description: 'Approved by maintainer',
    });
    const before = forge.statusLog.length;
    expect((await planner.handleDelivery(pullRequestDelivery(forge, mallory))).kind).toBe('planned');
    expect(forge.statusLog.slice(before).map((s) => [s.context, s.description])).toEqual([
      ['unit', NOT_YET_TESTED],
      ['fedora-40', NOT_YET_TESTED],
    ]);
    expect((await drain()).map((p) => p.job.context).sort()).toEqual(['fedora-40', 'unit']);
  });

  it('does not trust a PR whose fork was deleted as a branch of the base repository', async () => {
    forge.setFile(SHA, '.ironbots.yml', CONFIG);
    const result = await planner.handleDelivery(
      pullRequestDelivery(forge, { forkDeleted: true, author: 'mallory' }),
    );
    expect(result.kind).toBe('untrusted');
    expect(await drain()).toEqual([]);
    // The commits are still reachable from the base repository: a trusted author's PR runs from there.
    const other = 'b'.repeat(40);
    forge.setFile(other, '.ironbots.yml', CONFIG);
    const trusted = await planner.handleDelivery(
      pullRequestDelivery(forge, { forkDeleted: true, author: 'maintainer', sha: other }),
    );
    expect(trusted.kind).toBe('planned');
    expect((await drain()).map((p) => p.job.repository?.cloneUrl)).toEqual([
      forge.repository.cloneUrl,
      forge.repository.cloneUrl,
    ]);
  });

  it('scans open PRs and recovers those whose webhook was lost', async () => {
    forge.setFile(SHA, '.ironbots.yml', CONFIG);
    forge.addPull({ number: 3, headSha: SHA });
    forge.addPull({ number: 4, headSha: 'c'.repeat(40), state: 'closed' });
    const results = await planner.scanRepository(forge.repository);
    expect([...results.keys()]).toEqual([3]);
    expect(results.get(3)).toMatchObject({ kind: 'planned' });
    expect((await drain()).map((p) => p.job.trigger.kind)).toEqual(['scan', 'scan']);
  });

  it('classifies forge failures: outages retry, refusals do not', () => {
    expect(isTransientForgeFailure(new ForgeError('down', 502))).toBe(true);
    expect(isTransientForgeFailure(new ForgeError('rate limited', 429))).toBe(true);
    expect(isTransientForgeFailure(new ForgeError('forbidden', 403))).toBe(false);
    expect(isTransientForgeFailure(new Error('ECONNRESET'))).toBe(true);
  });
});

describe('planner, canary agents', () => {
  async function withRegistry(agents: { name: string; labels: string[]; lastHeartbeat: number }[]) {
    const registry = {
      list: async () =>
        agents.map((a) => ({
          ...a,
          mode: null,
          version: '0.2.0',
          runningJobs: [],
          startedAt: a.lastHeartbeat,
        })),
    };
    return registry;
  }

  it('gives the canary percent of jobs the canary label while a live canary agent is registered', async () => {
    forge.setFile(SHA, '.ironbots.yml', CONFIG);
    const agents = await withRegistry([
      { name: 'new', labels: ['canary', 'kvm'], lastHeartbeat: Date.now() },
    ]);
    const all = new Planner({ forge, jobs, logger: silentLogger(), canary: { percent: 100, agents } });
    await all.handleDelivery(pullRequestDelivery(forge));
    // Only an agent that offers canary can take them now.
    expect(
      await jobs.lease(
        { name: 'old', labels: ['kvm', 'executor:vm', 'executor:process'] },
        { visibilityTimeoutMs: 60_000 },
      ),
    ).toBeNull();
    const leased = await jobs.lease(
      { name: 'new', labels: ['canary', 'kvm', 'executor:vm', 'executor:process'] },
      { visibilityTimeoutMs: 60_000 },
    );
    expect(leased?.message.labels).toContain('canary');
  });

  it('gives none the canary label at 0 %, and none when the canary agents are all gone', async () => {
    forge.setFile(SHA, '.ironbots.yml', CONFIG);
    const stale = await withRegistry([
      { name: 'new', labels: ['canary'], lastHeartbeat: Date.now() - 3_600_000 },
    ]);
    await new Planner({
      forge,
      jobs,
      logger: silentLogger(),
      canary: { percent: 100, agents: stale },
    }).handleDelivery(pullRequestDelivery(forge));
    const zero = await withRegistry([{ name: 'new', labels: ['canary'], lastHeartbeat: Date.now() }]);
    await new Planner({
      forge,
      jobs,
      logger: silentLogger(),
      canary: { percent: 0, agents: zero },
    }).handleDelivery(pullRequestDelivery(forge, { sha: 'b'.repeat(40) }));
    const planned = await drain();
    expect(planned.length).toBeGreaterThan(0);
    expect(planned.flatMap((p) => p.labels)).not.toContain('canary');
  });

  it('chooses by each job’s key, about the percent of many', async () => {
    // A canary that keeps heartbeating: 200 plans can outlast one heartbeat's liveness on a loaded machine,
    // and then the later ones would find no live canary and choose none (seen: 27 of 200).
    const canaryAgent = { name: 'new', labels: ['canary'], lastHeartbeat: Date.now() };
    const agents = await withRegistry([canaryAgent]);
    let canary = 0;
    for (let i = 0; i < 200; i++) {
      canaryAgent.lastHeartbeat = Date.now();
      const sha = i.toString(16).padStart(40, '0');
      forge.setFile(sha, '.ironbots.yml', 'contexts:\n  unit:\n    run: [npm, test]\n');
      await new Planner({
        forge,
        jobs,
        logger: silentLogger(),
        canary: { percent: 25, agents },
      }).handleDelivery(pullRequestDelivery(forge, { sha }));
    }
    for (const p of await drain()) if (p.labels.includes('canary')) canary++;
    // 25 % of 200, give or take what a hash of 200 keys gives.
    expect(canary).toBeGreaterThan(30);
    expect(canary).toBeLessThan(70);
  }, 180_000); // 200 plans, each with a config parse: minutes on a loaded 2-core machine
});
