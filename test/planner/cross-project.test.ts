import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError, type RepositoryId } from '../../forge/forge.ts';
import { silentLogger } from '../../core/logger.ts';
import {
  parseCrossProjectContext,
  parseProjectRequest,
  resolveInfraPullRequest,
  type CrossProjectPolicy,
} from '../../runner-agent/src/jobs/cross-project.ts';
import { jobDedupKey, type Job } from '../../runner-agent/src/jobs/job.ts';
import { inProgress, WAITING_FOR_APPROVAL, NOT_YET_TESTED } from '../../runner-agent/src/jobs/status-text.ts';
import { Planner, type PlannerForge } from '../../runner-agent/src/planner/planner.ts';
import type { Queue } from '../../runner-agent/src/queue/queue.ts';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import type { WebhookDelivery } from '../../runner-agent/src/webhooks/delivery.ts';
import { RecordingForge } from '../support/recording-forge.ts';
import { withTempDir } from '../support/temp-dir.ts';

const CONFIG = ['contexts:', '  unit:', '    run: [npm, test]', '    timeout: 600', ''].join('\n');
const POLICY: CrossProjectPolicy = { infraRepositories: ['acme/bots'], trustedAuthors: ['maintainer'] };

describe('cross-project context names', () => {
  it('reads <context>@<owner>/<repository>#<pull request>, scenario included', () => {
    expect(parseCrossProjectContext('fedora-40/devel@cockpit-project/bots#123')).toEqual({
      base: 'fedora-40/devel',
      infra: {
        owner: 'cockpit-project',
        name: 'bots',
        pullRequest: 123,
        reference: 'cockpit-project/bots#123',
      },
    });
    expect(parseCrossProjectContext('unit@acme/my.bots_2#1')).toMatchObject({
      infra: { name: 'my.bots_2' },
    });
  });

  it('reads GitLab’s form: a namespace whose groups nest, and a merge request as `!12` (or `#12`)', () => {
    expect(parseCrossProjectContext('unit@acme/infra/bots!12')).toEqual({
      base: 'unit',
      infra: { owner: 'acme/infra', name: 'bots', pullRequest: 12, reference: 'acme/infra/bots!12' },
    });
    expect(parseCrossProjectContext('unit@acme/infra/bots#12')).toMatchObject({
      infra: { owner: 'acme/infra', name: 'bots', pullRequest: 12 },
    });
    expect(parseCrossProjectContext('unit@my_group/sub.group/bots!1')).toMatchObject({
      infra: { owner: 'my_group/sub.group', name: 'bots' },
    });
  });

  it('refuses a name longer than a job’s context may be', () => {
    const long = `${'a'.repeat(90)}@acme/bots#1`;
    expect(parseCrossProjectContext(long)).toBe(`"${'a'.repeat(40)}…" is longer than 100 characters`);
    expect(parseCrossProjectContext(`${'a'.repeat(88)}@acme/bots#1`)).toMatchObject({
      infra: { name: 'bots' },
    });
  });

  it('leaves ordinary contexts alone, Cockpit’s other-repository form too', () => {
    for (const context of ['unit', 'fedora-40/devel', 'fedora-40@cockpit-project/cockpit'])
      expect(parseCrossProjectContext(context)).toBeNull();
  });

  it('refuses what only looks like one, shell metacharacters above all', () => {
    for (const context of [
      'unit@acme/bots;rm -rf ~#1',
      'unit@acme/$(reboot)#1',
      'unit@acme/`id`#1',
      'unit@acme/bots#0',
      'unit@acme/bots#12a',
      'unit@acme/bots#1#2',
      'unit@acme/..#1',
      'unit@-acme/bots#1',
      'unit@acme#1',
      '$(x)@acme/bots#1',
      '@acme/bots#1',
    ])
      expect(parseCrossProjectContext(context), context).toBe(
        `"${context}" is not <context>@<owner>/<repository>#<pull request>`,
      );
    for (const context of [
      'unit@acme/infra/$(reboot)!1',
      'unit@acme/../bots!1',
      'unit@acme//bots!1',
      'unit@acme/.hidden/bots!1',
      'unit@acme/bots!0',
      'unit@acme/bots!1!2',
      'unit@acme!1',
    ])
      expect(parseCrossProjectContext(context), context).toBe(
        `"${context}" is not <context>@<namespace>/<project>!<merge request>`,
      );
  });
});

describe('project requests on an infrastructure pull request (the other direction)', () => {
  it('reads <context>@<owner>/<project> for a listed project, with the listed spelling', () => {
    expect(parseProjectRequest('fedora-40/devel@ACME/Widget', ['acme/widget'])).toEqual({
      base: 'fedora-40/devel',
      project: { owner: 'acme', name: 'widget' },
    });
    // GitLab: a project in a subgroup.
    expect(parseProjectRequest('unit@acme/apps/widget', ['acme/apps/widget'])).toEqual({
      base: 'unit',
      project: { owner: 'acme/apps', name: 'widget' },
    });
  });

  it('refuses a project not listed, and is no request for other names', () => {
    expect(parseProjectRequest('unit@acme/other', ['acme/widget'])).toBe(
      'acme/other is not a project infrastructure pull requests are tested with (server.infraProjects)',
    );
    for (const context of [
      'unit',
      'unit@node20',
      'unit@acme/widget#1',
      'unit@acme/w;reboot',
      'unit@acme/$(x)',
    ])
      expect(parseProjectRequest(context, ['acme/widget']), context).toBeNull();
  });
});

describe('resolving the infrastructure pull request', () => {
  let bots: RecordingForge;
  const request = (pullRequest: number, repo: RepositoryId = { owner: 'acme', name: 'bots' }) => ({
    ...repo,
    pullRequest,
  });

  beforeEach(() => {
    bots = new RecordingForge({ owner: 'acme', name: 'bots', cloneUrl: 'http://127.0.0.1:1/acme/bots.git' });
  });

  it('gives the head commit and the repository’s own clone URL of an open pull request', async () => {
    const sha = bots.push('new-images', 'VERSION', '2\n');
    bots.addPull({ number: 12, headSha: sha, headRef: 'new-images', author: 'anyone' });
    expect(await resolveInfraPullRequest(bots, request(12), POLICY)).toEqual({
      kind: 'ok',
      infra: {
        repository: { owner: 'acme', name: 'bots', cloneUrl: 'http://127.0.0.1:1/acme/bots.git' },
        pullRequest: 12,
        sha,
      },
    });
    // GitHub's names are not case-sensitive, and neither is the allowlist.
    const policy = { ...POLICY, infraRepositories: ['Acme/Bots'] };
    expect((await resolveInfraPullRequest(bots, request(12), policy)).kind).toBe('ok');
  });

  it('refuses a repository not on the allowlist without asking the forge', async () => {
    bots.failWith = new ForgeError('must not be asked', 500);
    expect(await resolveInfraPullRequest(bots, request(1, { owner: 'acme', name: 'other' }), POLICY)).toEqual(
      {
        kind: 'refused',
        reason: 'acme/other is not an allowed infrastructure repository (server.infraRepositories)',
      },
    );
    expect(
      await resolveInfraPullRequest(bots, request(1), { infraRepositories: [], trustedAuthors: [] }),
    ).toMatchObject({ kind: 'refused' });
  });

  it('refuses a missing repository, a missing or closed pull request', async () => {
    bots.addPull({ number: 3, headSha: 'c'.repeat(40), state: 'closed' });
    const policy = { ...POLICY, infraRepositories: ['acme/bots', 'acme/gone'] };
    expect(
      [
        await resolveInfraPullRequest(bots, request(1, { owner: 'acme', name: 'gone' }), policy),
        await resolveInfraPullRequest(bots, request(99), policy),
        await resolveInfraPullRequest(bots, request(3), policy),
      ].map((r) => (r.kind === 'refused' ? r.reason : r.kind)),
    ).toEqual([
      'repository acme/gone does not exist',
      'acme/bots#99 does not exist',
      'acme/bots#3 is closed',
    ]);
  });

  it('refuses a fork’s pull request unless its author is trusted, a deleted fork’s too', async () => {
    const sha = 'f'.repeat(40);
    const fork = { headSha: sha, headCloneUrl: 'http://127.0.0.1:1/mallory/bots.git' };
    bots.addPull({ number: 5, ...fork, author: 'mallory' });
    bots.addPull({ number: 6, ...fork, author: 'maintainer' });
    bots.addPull({ number: 7, headSha: sha, headRepositoryDeleted: true, author: 'mallory' });
    expect(await resolveInfraPullRequest(bots, request(5), POLICY)).toEqual({
      kind: 'refused',
      reason: 'acme/bots#5 is from a fork by mallory, who is not a trusted author',
    });
    expect(await resolveInfraPullRequest(bots, request(7), POLICY)).toMatchObject({ kind: 'refused' });
    // A trusted author's fork is fetched from the repository itself, which keeps its head.
    expect(await resolveInfraPullRequest(bots, request(6), POLICY)).toMatchObject({
      kind: 'ok',
      infra: { repository: { cloneUrl: 'http://127.0.0.1:1/acme/bots.git' }, sha },
    });
  });

  it('throws a forge outage, to be retried', async () => {
    bots.failWith = new ForgeError('GET /repos/acme/bots: 502 Bad Gateway', 502);
    await expect(resolveInfraPullRequest(bots, request(1), POLICY)).rejects.toThrow('502');
  });
});

describe('planning cross-project contexts', () => {
  let project: RecordingForge;
  let bots: RecordingForge;
  let forge: PlannerForge;
  let jobs: Queue<Job>;
  let planner: Planner;
  let cleanup: () => Promise<void>;
  let projectSha: string;
  let projectMainSha: string;
  let botsSha: string;

  beforeEach(async () => {
    const tmp = await withTempDir();
    project = new RecordingForge();
    bots = new RecordingForge({ owner: 'acme', name: 'bots', cloneUrl: 'http://127.0.0.1:1/acme/bots.git' });
    // One forge with two repositories: each call goes to the repository it names.
    forge = new Proxy(project, {
      get: (target, name: keyof RecordingForge) => {
        const method = target[name];
        if (typeof method !== 'function') return method;
        return (repo: RepositoryId, ...rest: unknown[]) =>
          (repo.name === 'bots' ? bots : project)[name as 'getRepository'](repo, ...(rest as []));
      },
    }) as PlannerForge;
    jobs = await SqliteQueue.open<Job>({ path: path.join(tmp.dir, 'q.db'), name: 'jobs' });
    planner = new Planner({
      forge,
      jobs,
      logger: silentLogger(),
      trust: { trustedAuthors: ['maintainer'], infraRepositories: ['acme/bots'], projects: ['acme/widget'] },
    });
    projectMainSha = project.push('main', '.ironbots.yml', CONFIG);
    projectSha = project.push('topic', 'README.md', 'changed\n');
    project.addPull({ number: 3, headSha: projectSha, headRef: 'topic' });
    botsSha = bots.push('new-images', 'VERSION', '2\n');
    bots.addPull({ number: 12, headSha: botsSha, headRef: 'new-images' });
    cleanup = async () => {
      await jobs.close();
      await tmp.remove();
    };
  });
  afterEach(async () => cleanup());

  const ask = (context: string, sha = projectSha) =>
    project.setCommitStatus(project.repository, sha, {
      state: 'pending',
      context,
      description: NOT_YET_TESTED,
    });

  async function drain(): Promise<Job[]> {
    const out = [];
    for (;;) {
      const lease = await jobs.lease(
        { name: 't', labels: ['executor:process'] },
        { visibilityTimeoutMs: 60_000 },
      );
      if (!lease) return out;
      out.push(lease.message.payload);
      await jobs.ack(lease);
    }
  }

  const statusDelivery = (
    context: string,
    description: string,
    sha = projectSha,
    repo = project.repository,
  ): WebhookDelivery => {
    return {
      forge: 'github',
      deliveryId: `d-${context}-${description}`,
      event: 'status',
      receivedAt: new Date().toISOString(),
      payload: {
        sha,
        context,
        state: 'pending',
        description,
        repository: {
          name: repo.name,
          full_name: `${repo.owner}/${repo.name}`,
          owner: { login: repo.owner },
          clone_url: repo.cloneUrl,
          html_url: repo.htmlUrl,
          default_branch: 'main',
        },
      },
    };
  };

  it('a scan plans a request whose status webhook was lost: the project’s context, the infrastructure head recorded', async () => {
    await ask('unit@acme/bots#12');
    await planner.scanRepository(project.repository);
    const planned = await drain();
    expect(planned.map((j) => j.context).sort()).toEqual(['unit', 'unit@acme/bots#12']);
    expect(planned.find((j) => j.infra)).toMatchObject({
      context: 'unit@acme/bots#12',
      command: ['npm', 'test'],
      timeoutSeconds: 600,
      repository: { owner: 'acme', name: 'widget' },
      sha: projectSha,
      pullRequest: 3,
      infra: {
        repository: { owner: 'acme', name: 'bots', cloneUrl: 'http://127.0.0.1:1/acme/bots.git' },
        pullRequest: 12,
        sha: botsSha,
      },
    });
    // The request is the status: nothing is posted over it.
    expect(project.statusesFor(projectSha, 'unit@acme/bots#12').map((s) => s.description)).toEqual([
      NOT_YET_TESTED,
    ]);
  });

  it('runs a request once per infrastructure head: asking again after the pull request moved runs again', async () => {
    await ask('unit@acme/bots#12');
    await planner.handleDelivery(statusDelivery('unit@acme/bots#12', NOT_YET_TESTED));
    await planner.handleDelivery(statusDelivery('unit@acme/bots#12', NOT_YET_TESTED));
    const first = (await drain()).filter((j) => j.infra);
    expect(first.map((j) => j.infra!.sha)).toEqual([botsSha]);

    const moved = bots.push('new-images', 'VERSION', '3\n');
    await planner.handleDelivery(statusDelivery('unit@acme/bots#12', NOT_YET_TESTED));
    const second = (await drain()).filter((j) => j.infra);
    expect(second.map((j) => j.infra!.sha)).toEqual([moved]);
    expect(jobDedupKey(second[0]!)).toBe(`acme/widget@${projectSha}#unit@acme/bots#12+${moved}`);
  });

  it('ignores every other status without a request to the forge, our own included', async () => {
    project.failWith = new ForgeError('must not be asked', 500);
    bots.failWith = project.failWith;
    for (const [context, description] of [
      ['unit@acme/bots#12', inProgress('agent-1')],
      ['unit@acme/bots#12', 'Not yet tested (submitted)'],
      ['unit', NOT_YET_TESTED],
    ] as const)
      expect(await planner.handleDelivery(statusDelivery(context, description))).toEqual({
        kind: 'ignored',
        reason: 'status: not a cross-project request',
      });
  });

  it('refuses, with an error status, a request on a commit that is no open pull request’s head', async () => {
    const other = 'e'.repeat(40);
    await ask('unit@acme/bots#12', other);
    await planner.handleDelivery(statusDelivery('unit@acme/bots#12', NOT_YET_TESTED, other));
    expect(project.statusesFor(other).map((s) => [s.state, s.description])).toEqual([
      ['pending', NOT_YET_TESTED],
      ['error', 'Not run: eeeeeee is not the head of an open pull request'],
    ]);
    expect(await drain()).toEqual([]);
  });

  it('refuses a request on a pull request without a project file, by webhook or by the full scan', async () => {
    const bare = 'f'.repeat(40);
    project.addPull({ number: 9, headSha: bare, headRef: 'no-config' });
    await ask('unit@acme/bots#12', bare);
    await planner.handleDelivery(statusDelivery('unit@acme/bots#12', NOT_YET_TESTED, bare));
    const refusal = ['error', 'Not run: there is no .ironbots.yml at fffffff'];
    expect(project.statusesFor(bare).map((s) => [s.state, s.description])).toEqual([
      ['pending', NOT_YET_TESTED],
      refusal,
    ]);
    // A request whose webhook was lost: the full round answers it, an ordinary round does not look.
    await ask('lint@acme/bots#12', bare);
    await planner.scanRepository(project.repository);
    expect(project.statusesFor(bare).filter((s) => s.context.startsWith('lint@')).length).toBe(1);
    await planner.scanRepository(project.repository, { full: true });
    expect(
      project
        .statusesFor(bare)
        .filter((s) => s.context.startsWith('lint@'))
        .map((s) => [s.state, s.description]),
    ).toEqual([
      ['pending', NOT_YET_TESTED],
      ['error', 'Not run: there is no .ironbots.yml at fffffff'],
    ]);
    expect((await drain()).filter((job) => job.sha === bare)).toEqual([]);
  });

  it('refuses an untrusted fork’s infrastructure pull request with a status saying why', async () => {
    bots.addPull({
      number: 13,
      headSha: 'f'.repeat(40),
      headCloneUrl: 'http://127.0.0.1:1/mallory/bots.git',
      author: 'mallory',
    });
    await ask('unit@acme/bots#13');
    await planner.handleDelivery(statusDelivery('unit@acme/bots#13', NOT_YET_TESTED));
    expect(project.statusesFor(projectSha, 'unit@acme/bots#13').map((s) => [s.state, s.description])).toEqual(
      [
        ['pending', NOT_YET_TESTED],
        ['error', 'Not run: acme/bots#13 is from a fork by mallory, who is not a trusted author'],
      ],
    );
    expect((await drain()).filter((j) => j.infra)).toEqual([]);
  });

  it('lets a request on an untrusted project pull request wait for a human like its other contexts', async () => {
    const forkSha = project.push('fork-topic', '.ironbots.yml', CONFIG);
    project.addPull({
      number: 4,
      headSha: forkSha,
      headRef: 'fork-topic',
      headCloneUrl: 'http://127.0.0.1:1/mallory/widget.git',
      author: 'mallory',
    });
    await ask('unit@acme/bots#12', forkSha);
    const result = await planner.handleDelivery(statusDelivery('unit@acme/bots#12', NOT_YET_TESTED, forkSha));
    expect(result.kind).toBe('untrusted');
    expect(project.statusesFor(forkSha, 'unit@acme/bots#12').map((s) => s.description)).toEqual([
      NOT_YET_TESTED,
      WAITING_FOR_APPROVAL,
    ]);
    expect(await drain()).toEqual([]);
  });

  it('plans a project’s default branch for an infrastructure pull request, its status on that pull request', async () => {
    await bots.setCommitStatus(bots.repository, botsSha, {
      state: 'pending',
      context: 'unit@acme/widget',
      description: NOT_YET_TESTED,
    });
    await planner.handleDelivery(
      statusDelivery('unit@acme/widget', NOT_YET_TESTED, botsSha, bots.repository),
    );
    expect(await drain()).toMatchObject([
      {
        context: 'unit@acme/widget',
        command: ['npm', 'test'],
        repository: { owner: 'acme', name: 'bots' },
        sha: botsSha,
        pullRequest: 12,
        checkout: { repository: { owner: 'acme', name: 'widget' }, sha: projectMainSha },
        infra: { repository: { owner: 'acme', name: 'bots' }, pullRequest: 12, sha: botsSha },
      },
    ]);
    // A scan of the infrastructure repository (no .ironbots.yml of its own) finds the same request: no second job.
    await planner.scanRepository(bots.repository);
    expect(await drain()).toEqual([]);
  });

  it('lets a project request on an untrusted fork’s infrastructure pull request wait for a human', async () => {
    const forkSha = 'f'.repeat(40);
    bots.files.set(forkSha, new Map());
    bots.addPull({
      number: 13,
      headSha: forkSha,
      headCloneUrl: 'http://127.0.0.1:1/mallory/bots.git',
      author: 'mallory',
    });
    await bots.setCommitStatus(bots.repository, forkSha, {
      state: 'pending',
      context: 'unit@acme/widget',
      description: NOT_YET_TESTED,
    });
    await planner.handleDelivery(
      statusDelivery('unit@acme/widget', NOT_YET_TESTED, forkSha, bots.repository),
    );
    expect(bots.statusesFor(forkSha).map((s) => s.description)).toEqual([
      NOT_YET_TESTED,
      WAITING_FOR_APPROVAL,
    ]);
    expect(await drain()).toEqual([]);
  });
});
