import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent, type AgentEvent } from '../../runner-agent/src/agent/agent.ts';
import { ProcessExecutor } from '../../runner-agent/src/executors/process-executor.ts';
import { requiredLabels, type Job } from '../../runner-agent/src/jobs/job.ts';
import { FilesystemLogStore } from '../../runner-agent/src/logs/filesystem-log-store.ts';
import type { LogStore } from '../../runner-agent/src/logs/log-store.ts';
import { silentLogger } from '../../core/logger.ts';
import { SecretRegistry } from '../../core/secrets.ts';
import type { Queue } from '../../runner-agent/src/queue/queue.ts';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import { bareRepositoryWith } from '../support/git-fixture.ts';
import { RecordingForge } from '../support/recording-forge.ts';
import { withTempDir } from '../support/temp-dir.ts';

const AGENT_SECRET = 'agent-secret-token-0123456789';

let dir: string;
let forge: RecordingForge;
let jobs: Queue<Job>;
let logStore: FilesystemLogStore;
let secrets: SecretRegistry;
let events: AgentEvent[];
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const tmp = await withTempDir();
  dir = tmp.dir;
  forge = new RecordingForge();
  jobs = await SqliteQueue.open<Job>({
    path: path.join(dir, 'q.db'),
    name: 'jobs',
    tuning: { maxAttempts: 2, backoffBaseMs: 10, backoffCapMs: 10 },
  });
  secrets = new SecretRegistry();
  secrets.add(AGENT_SECRET);
  logStore = new FilesystemLogStore({ root: path.join(dir, 'logs'), secrets });
  events = [];
  process.env.IRONBOTS_AGENT_TEST_SECRET = AGENT_SECRET;
  cleanup = async () => {
    delete process.env.IRONBOTS_AGENT_TEST_SECRET;
    await jobs.close();
    await tmp.remove();
  };
});
afterEach(async () => cleanup());

function makeAgent(overrides: Partial<ConstructorParameters<typeof Agent>[0]> = {}) {
  return new Agent({
    name: 'test-agent',
    labels: ['x86_64'],
    jobs,
    executors: [new ProcessExecutor()],
    forge,
    logStore,
    logUrl: (id) => `http://127.0.0.1:9/logs/${id}`,
    workRoot: path.join(dir, 'work'),
    logger: silentLogger(),
    secrets,
    visibilityTimeoutMs: 30_000,
    supersededPollMs: 100,
    onEvent: (e) => events.push(e),
    ...overrides,
  });
}

function job(overrides: Partial<Job>): Job {
  return {
    context: 'unit',
    command: ['true'],
    labels: [],
    timeoutSeconds: 30,
    env: {},
    executor: 'process',
    trigger: { kind: 'api' },
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

async function enqueue(j: Job): Promise<string> {
  return (await jobs.enqueue(j, { labels: requiredLabels(j) })).id;
}

async function runNext(agent: Agent) {
  const lease = await jobs.lease(
    { name: agent.name, labels: await agent.offeredLabels() },
    { visibilityTimeoutMs: 30_000 },
  );
  expect(lease, 'a job to run').not.toBeNull();
  return agent.runLease(lease!);
}

async function logText(jobId: string): Promise<string> {
  return (await logStore.read(jobId))!.data.toString('utf8');
}

const SCRIPT = {
  'check.sh': {
    executable: true,
    content:
      '#!/bin/sh\necho "checked out $(cat VERSION) as $IRONBOTS_SHA"\necho "secret: ${IRONBOTS_AGENT_TEST_SECRET:-absent}"\nexit ${1:-0}\n',
  },
  VERSION: { content: '2.0\n' },
};

describe('agent', () => {
  it('checks out the commit, runs the command and reports In progress → success with the log URL', async () => {
    const repo = await bareRepositoryWith(path.join(dir, 'git'), SCRIPT);
    const id = await enqueue(
      job({
        command: ['./check.sh'],
        repository: { owner: 'acme', name: 'widget', cloneUrl: repo.url },
        sha: repo.sha,
        pullRequest: 1,
      }),
    );
    forge.addPull({ number: 1, headSha: repo.sha });
    const report = await runNext(makeAgent());
    expect(report.state).toBe('success');
    const statuses = forge.statusesFor(repo.sha, 'unit');
    expect(statuses.map((s) => [s.state, s.description])).toEqual([
      ['pending', 'In progress [test-agent]'],
      ['success', expect.stringMatching(/^Passed in .* \[test-agent\]$/)],
    ]);
    // Statuses link the HTML viewer; the log's meta carries the commit and pull request it links to.
    expect(statuses.every((s) => s.targetUrl === `http://127.0.0.1:9/logs/${id}.html`)).toBe(true);
    const log = await logText(id);
    expect(log).toContain(`checked out 2.0 as ${repo.sha}`);
    // The agent's environment never reaches the job.
    expect(log).toContain('secret: absent');
    expect(await logStore.meta(id)).toMatchObject({
      state: 'success',
      exitCode: 0,
      agent: 'test-agent',
      repository: 'acme/widget',
      sha: repo.sha,
      pullRequest: 1,
      commitUrl: `${repo.url.replace(/\.git$/, '')}/commit/${repo.sha}`,
      pullRequestUrl: `${repo.url.replace(/\.git$/, '')}/pull/1`,
    });
    expect((await jobs.state(id))?.state).toBe('done');
    expect(events.map((e) => e.type)).toEqual(['leased', 'started', 'finished']);
  });

  it('keeps what the job leaves in $IRONBOTS_ARTIFACTS beside its log, never following a link', async () => {
    const repo = await bareRepositoryWith(path.join(dir, 'git'), SCRIPT);
    const id = await enqueue(
      job({
        command: [
          'sh',
          '-c',
          [
            'mkdir -p "$IRONBOTS_ARTIFACTS/shots"',
            'echo report >"$IRONBOTS_ARTIFACTS/report.txt"',
            'printf png >"$IRONBOTS_ARTIFACTS/shots/login.png"',
            'ln -s /etc/passwd "$IRONBOTS_ARTIFACTS/passwd"',
            // The checkout does not see it.
            'test -z "$(git status --porcelain)" && echo clean checkout',
            'exit 3',
          ].join('; '),
        ],
        repository: { owner: 'acme', name: 'widget', cloneUrl: repo.url },
        sha: repo.sha,
      }),
    );
    const report = await runNext(makeAgent());
    expect(report.state).toBe('failure');
    expect(await logStore.listArtifacts(id)).toEqual([
      { path: 'report.txt', bytes: 7 },
      { path: 'shots/login.png', bytes: 3 },
    ]);
    const read = (await logStore.readArtifact(id, 'report.txt'))!;
    expect(Buffer.concat(await read.body.toArray()).toString()).toBe('report\n');
    const log = await logText(id);
    expect(log).toContain('clean checkout');
    expect(log).toContain('not keeping artifact passwd: a symbolic link (links are not followed)');
    expect(log).toContain('kept 2 artifact(s), 10 B');
  });

  it('keeps artifacts within the limits, retries a failing store, and never fails the job over them', async () => {
    let failuresLeft = 2;
    const flaky: LogStore = {
      create: (meta) => logStore.create(meta),
      read: (jobId, offset) => logStore.read(jobId, offset),
      meta: (jobId) => logStore.meta(jobId),
      listArtifacts: (jobId) => logStore.listArtifacts(jobId),
      readArtifact: (jobId, artifactPath) => logStore.readArtifact(jobId, artifactPath),
      prune: (before) => logStore.prune(before),
      putArtifact: async (jobId, artifactPath, file) => {
        if (artifactPath === 'never.txt') throw new Error('the store is down');
        if (artifactPath === 'flaky.txt' && failuresLeft-- > 0) throw new Error('a moment’s outage');
        return logStore.putArtifact(jobId, artifactPath, file);
      },
    };
    const id = await enqueue(
      job({
        command: [
          'sh',
          '-c',
          'cd "$IRONBOTS_ARTIFACTS" && echo a >flaky.txt && echo b >never.txt && echo c >x-one.txt && echo d >y-two.txt',
        ],
      }),
    );
    const report = await runNext(makeAgent({ logStore: flaky, artifacts: { maxFiles: 2, retryDelayMs: 1 } }));
    expect(report.state).toBe('success');
    expect(failuresLeft).toBe(-1);
    expect((await logStore.listArtifacts(id)).map((a) => a.path)).toEqual(['flaky.txt', 'x-one.txt']);
    const log = await logText(id);
    expect(log).toContain('warning: could not keep artifact never.txt: the store is down');
    expect(log).toContain('not keeping artifact y-two.txt: over the limit of 2 files');
    expect(log).toMatch(/Passed in/);
  });

  it('starts its closing line on a line of its own when the job’s output does not end with a newline', async () => {
    const id = await enqueue(job({ command: ['printf', 'no newline at the end'] }));
    await runNext(makeAgent());
    expect(await logText(id)).toMatch(/no newline at the end\nironbots: Passed in /);
  });

  it('ends a log cut at its cap with the verdict; bytes before it as written, a split secret redacted', async () => {
    const capped = new FilesystemLogStore({
      root: path.join(dir, 'capped-logs'),
      secrets,
      maxLogBytes: 4096,
    });
    const half = AGENT_SECRET.length / 2;
    const id = await enqueue(
      job({
        command: [
          'sh',
          '-c',
          // Invalid UTF-8, then the secret in two writes, then far more than the cap.
          `printf '\\377\\376 token='; printf '%s' "$A"; sleep 0.2; printf '%s\\n' "$B"; head -c 1000000 /dev/zero | tr '\\0' y`,
        ],
        env: { A: AGENT_SECRET.slice(0, half), B: AGENT_SECRET.slice(half) },
      }),
    );
    const report = await runNext(makeAgent({ logStore: capped }));
    expect(report.state).toBe('success');
    const bytes = (await capped.read(id))!.data;
    expect(bytes.length).toBeLessThanOrEqual(4096);
    expect(bytes.includes(Buffer.from('\xff\xfe token=***\nyyy', 'latin1'))).toBe(true);
    const text = bytes.toString('utf8');
    expect(text).not.toContain(AGENT_SECRET.slice(0, half));
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.at(-2)).toMatch(/^ironbots: Passed in .* \[test-agent\]$/);
    expect(lines.at(-3)).toMatch(/^ironbots: log truncated: it reached the limit of 4096 bytes/);
    expect((await capped.meta(id))!.droppedBytes).toBeGreaterThan(990_000);
  });

  it('reports a failing command as failure with its exit code, and does not retry it', async () => {
    const repo = await bareRepositoryWith(path.join(dir, 'git'), SCRIPT);
    const id = await enqueue(
      job({
        command: ['./check.sh', '3'],
        repository: { owner: 'acme', name: 'widget', cloneUrl: repo.url },
        sha: repo.sha,
      }),
    );
    const report = await runNext(makeAgent());
    expect(report).toMatchObject({
      state: 'failure',
      description: expect.stringMatching(/^Failed \(exit code 3\) in /),
    });
    expect(forge.statusesFor(repo.sha).at(-1)).toMatchObject({ state: 'failure' });
    expect((await jobs.state(id))?.state).toBe('done');
    expect(await logStore.meta(id)).toMatchObject({ state: 'failure', exitCode: 3 });
  });

  it('fails a job that runs past its timeout', async () => {
    const id = await enqueue(job({ command: ['sleep', '30'], timeoutSeconds: 1 }));
    const report = await runNext(makeAgent());
    expect(report).toMatchObject({ state: 'failure', description: 'Timed out after 1 s [test-agent]' });
    expect((await jobs.state(id))?.state).toBe('done');
  });

  it('retries an infrastructure failure, then gives up with an error status and a dead letter', async () => {
    const sha = 'd'.repeat(40);
    const broken = job({
      repository: { owner: 'acme', name: 'widget', cloneUrl: `file://${dir}/does-not-exist.git` },
      sha,
    });
    const id = await enqueue(broken);
    const agent = makeAgent();
    const first = await runNext(agent);
    expect(first.state).toBe('retry');
    expect(forge.statusesFor(sha).at(-1)).toMatchObject({
      state: 'pending',
      description: expect.stringMatching(/^Retrying after infrastructure error \(attempt 1 of 2\)/),
    });
    await new Promise((r) => setTimeout(r, 50));
    const second = await runNext(agent);
    expect(second.state).toBe('error');
    expect(forge.statusesFor(sha).at(-1)).toMatchObject({
      state: 'error',
      description: expect.stringMatching(/^Error: git/),
    });
    expect((await jobs.state(id))?.state).toBe('dead');
    expect(await logText(id)).toMatch(/infrastructure error/);
  });

  it('cancels a running PR job when the PR moves on', async () => {
    const repo = await bareRepositoryWith(path.join(dir, 'git'), SCRIPT);
    forge.addPull({ number: 9, headSha: repo.sha });
    const id = await enqueue(
      job({
        command: ['sleep', '30'],
        pullRequest: 9,
        sha: repo.sha,
        repository: { owner: 'acme', name: 'widget', cloneUrl: repo.url },
      }),
    );
    const agent = makeAgent();
    const running = runNext(agent);
    await new Promise((r) => setTimeout(r, 300));
    forge.addPull({ number: 9, headSha: 'f'.repeat(40) });
    const report = await running;
    expect(report.state).toBe('cancelled');
    expect(report.description).toMatch(/^Cancelled: by ironbots \(superseded by fffffff\)/);
    expect((await jobs.state(id))?.state).toBe('done');
  });

  it('redacts registered secrets from the job log', async () => {
    const id = await enqueue(job({ command: ['sh', '-c', 'echo "token=$T"'], env: { T: AGENT_SECRET } }));
    await runNext(makeAgent());
    const log = await logText(id);
    expect(log).toContain('token=***');
    expect(log).not.toContain(AGENT_SECRET);
  });

  it('only offers labels it has: a kvm job waits for a kvm agent', async () => {
    await enqueue(job({ labels: ['kvm'] }));
    const agent = makeAgent();
    expect(await agent.offeredLabels()).toEqual(['executor:process', 'x86_64']);
    const lease = await jobs.lease(
      { name: 'a', labels: await agent.offeredLabels() },
      { visibilityTimeoutMs: 1000 },
    );
    expect(lease).toBeNull();
    const kvmAgent = makeAgent({ labels: ['x86_64', 'kvm'] });
    expect((await runNext(kvmAgent)).state).toBe('success');
  });

  it('runs queued jobs by itself once started, and hands a running job back when stopped', async () => {
    const agent = makeAgent();
    await agent.start();
    const quick = await enqueue(job({ command: ['true'] }));
    const slow = await enqueue(job({ context: 'slow', command: ['sleep', '30'] }));
    await waitFor(async () => (await jobs.state(quick))?.state === 'done');
    await waitFor(() => events.some((e) => e.type === 'started' && e.jobId === slow));
    await agent.stop();
    expect((await jobs.state(slow))?.state).toBe('queued');
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
