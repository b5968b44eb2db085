import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import { SecretRegistry } from '../../core/secrets.ts';
import { ForgeError } from '../../forge/forge.ts';
import { Agent } from '../../runner-agent/src/agent/agent.ts';
import { ProcessExecutor } from '../../runner-agent/src/executors/process-executor.ts';
import { jobDedupKey, requiredLabels, type Job } from '../../runner-agent/src/jobs/job.ts';
import { FilesystemLogStore } from '../../runner-agent/src/logs/filesystem-log-store.ts';
import { Planner } from '../../runner-agent/src/planner/planner.ts';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import { SqliteJobRecords } from '../../runner-agent/src/statuses/sqlite-job-records.ts';
import { StatusPublisher } from '../../runner-agent/src/statuses/status-publisher.ts';
import { StatusReconciler } from '../../runner-agent/src/statuses/status-reconciler.ts';
import { bareRepositoryWith } from '../support/git-fixture.ts';
import { RecordingForge } from '../support/recording-forge.ts';
import { withTempDir } from '../support/temp-dir.ts';

let dir: string;
let forge: RecordingForge;
let jobs: SqliteQueue<Job>;
let records: SqliteJobRecords;
let logStore: FilesystemLogStore;
let remove: () => Promise<void>;
let repo: { url: string; sha: string };

// Each run appends a line to runs.txt outside the checkout, so the test counts how often the command ran.
const FILES = {
  'run.sh': { executable: true, content: '#!/bin/sh\necho run >>"$RUNS"\nsleep "${2:-0}"\nexit "${1:-0}"\n' },
};

beforeEach(async () => {
  const tmp = await withTempDir();
  dir = tmp.dir;
  remove = tmp.remove;
  jobs = await SqliteQueue.open<Job>({
    path: path.join(dir, 'q.db'),
    name: 'jobs',
    tuning: { maxAttempts: 2, backoffBaseMs: 10, backoffCapMs: 10 },
  });
  records = new SqliteJobRecords({ path: path.join(dir, 'records.db') });
  logStore = new FilesystemLogStore({ root: path.join(dir, 'logs'), secrets: new SecretRegistry() });
  repo = await bareRepositoryWith(path.join(dir, 'git'), FILES);
  forge = new RecordingForge({ cloneUrl: repo.url });
  forge.addPull({ number: 1, headSha: repo.sha, headCloneUrl: repo.url });
});
afterEach(async () => {
  await jobs.close();
  await records.close();
  await remove();
});

function agent(name: string, options: Partial<ConstructorParameters<typeof Agent>[0]> = {}): Agent {
  return new Agent({
    name,
    labels: [],
    jobs,
    executors: [new ProcessExecutor()],
    forge,
    logStore,
    logUrl: (id) => `http://127.0.0.1:9/logs/${id}`,
    workRoot: path.join(dir, 'work', name),
    logger: silentLogger(),
    secrets: new SecretRegistry(),
    // No heartbeat gets through before the test's own short lease expires: the agent is as good as paused.
    visibilityTimeoutMs: 600_000,
    supersededPollMs: 600_000,
    records,
    statusHoldMs: 300,
    ...options,
  });
}

function job(args: string[] = []): Job {
  return {
    context: 'unit',
    command: ['./run.sh', ...args],
    labels: [],
    timeoutSeconds: 60,
    env: { RUNS: path.join(dir, 'runs.txt') },
    executor: 'process',
    repository: { owner: 'acme', name: 'widget', cloneUrl: repo.url },
    sha: repo.sha,
    pullRequest: 1,
    trigger: { kind: 'webhook' },
    createdAt: new Date().toISOString(),
  };
}

async function enqueue(j: Job, maxAttempts?: number): Promise<string> {
  const key = jobDedupKey(j)!;
  await records.create(key, { repo: j.repository!, sha: j.sha!, context: j.context });
  return (
    await jobs.enqueue(j, {
      dedupKey: key,
      labels: requiredLabels(j),
      ...(maxAttempts ? { maxAttempts } : {}),
    })
  ).id;
}

async function lease(a: Agent, visibilityTimeoutMs: number) {
  const l = await jobs.lease({ name: a.name, labels: await a.offeredLabels() }, { visibilityTimeoutMs });
  expect(l, 'a job to lease').not.toBeNull();
  return l!;
}

const runs = async () =>
  (await readFile(path.join(dir, 'runs.txt'), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
const finals = () => forge.statusesFor(repo.sha, 'unit').filter((s) => s.state !== 'pending');
const last = () => forge.statusesFor(repo.sha, 'unit').at(-1);

function reconciler() {
  return new StatusReconciler({
    records,
    jobs,
    publisher: new StatusPublisher({ forge, records, logger: silentLogger(), backoffBaseMs: 10 }),
    logger: silentLogger(),
    logUrl: (id) => `http://127.0.0.1:9/logs/${id}`,
    intervalMs: 50,
  });
}

describe('exactly one correct final status', () => {
  it('an agent that lost its lease mid-job posts nothing over the newer attempt’s result', async () => {
    await enqueue(job(['1', '1']));
    const paused = agent('paused');
    const stale = await lease(paused, 200);
    const staleRun = paused.runLease(stale); // fails after 1 s, long after its 200 ms lease ran out
    await new Promise((r) => setTimeout(r, 400));
    // The job is handed out again; this attempt runs the same command, which exits 1 as well, but the
    // status the test expects is the second attempt's own.
    const fresh = agent('fresh');
    const report = await fresh.runLease(await lease(fresh, 60_000));
    expect(report.state).toBe('failure');
    expect((await staleRun).state).toBe('overtaken');
    expect(finals().map((s) => s.description)).toEqual([expect.stringMatching(/\[fresh\]$/)]);
    expect(last()?.description).toMatch(/^Failed \(exit code 1\) .*\[fresh\]$/);
  });

  it('a job whose outcome was recorded is not run again when its message comes back: only republished', async () => {
    const id = await enqueue(job());
    const a = agent('a');
    const first = await lease(a, 150);
    // The agent records the outcome, then dies before the ack: simulated by finishing the record by hand.
    const key = jobDedupKey(job())!;
    const claim = await records.claim(
      key,
      { repo: { owner: 'acme', name: 'widget' }, sha: repo.sha, context: 'unit' },
      id,
      'a',
    );
    await records.finish(
      key,
      (claim as { epoch: number }).epoch,
      { state: 'success', description: 'Passed in 1.0 s [a]' },
      { holder: 'dead', until: 0 },
    );
    expect(first.message.id).toBe(id);
    await new Promise((r) => setTimeout(r, 250));
    const b = agent('b');
    const report = await b.runLease(await lease(b, 60_000));
    expect(report.state).toBe('success');
    expect(await runs()).toBe(0);
    expect(finals().map((s) => s.description)).toEqual(['Passed in 1.0 s [a]']);
    expect((await jobs.state(id))?.state).toBe('done');
  });

  it('a job dead-lettered because every attempt’s lease expired ends with an error naming why', async () => {
    const id = await enqueue(job(), 1);
    const a = agent('a');
    await lease(a, 50); // the agent "dies": never runs, never acks
    await new Promise((r) => setTimeout(r, 100));
    expect((await jobs.state(id))?.state).toBe('dead');
    const pass = await reconciler().pass();
    expect(pass).toMatchObject({ abandoned: 1, published: 1 });
    expect(finals().map((s) => [s.state, s.description])).toEqual([
      ['error', expect.stringMatching(/^Gave up after 1 attempt\(s\): lease expired/)],
    ]);
    expect((await reconciler().pass()).abandoned).toBe(0);
    expect(finals()).toHaveLength(1);
  });

  it('a job cancelled while its agent was gone for good ends with one error naming who cancelled it', async () => {
    const id = await enqueue(job());
    const a = agent('a');
    await lease(a, 100); // the agent "dies" with the job: never runs, never acks
    expect((await jobs.cancel(id, 'by alice')).outcome).toBe('cancelling');
    await new Promise((r) => setTimeout(r, 200));
    expect((await jobs.state(id))?.state).toBe('cancelled');
    expect(await reconciler().pass()).toMatchObject({ abandoned: 1, published: 1 });
    expect(finals().map((s) => [s.state, s.description])).toEqual([['error', 'Cancelled: by alice [a]']]);
    expect((await reconciler().pass()).abandoned).toBe(0);
    expect(finals()).toHaveLength(1);
  });

  it('a running job its agent stops on a cancel ends with the agent’s one error status, never the reconciler’s', async () => {
    const id = await enqueue(job(['0', '30']));
    const a = agent('a', { visibilityTimeoutMs: 60_000, cancelCheckMs: 50 });
    const running = a.runLease(await lease(a, 60_000));
    await expect.poll(runs, { timeout: 10_000 }).toBe(1);
    expect((await jobs.cancel(id, 'by bob')).outcome).toBe('cancelling');
    const report = await running;
    expect(report).toMatchObject({ state: 'cancelled', description: 'Cancelled: by bob [a]' });
    expect((await jobs.state(id))?.state).toBe('cancelled');
    expect(await reconciler().pass()).toMatchObject({ abandoned: 0 });
    expect(finals().map((s) => [s.state, s.description])).toEqual([['error', 'Cancelled: by bob [a]']]);
  });

  it('a final status the forge refused during an outage is posted once the forge is back, exactly once', async () => {
    await enqueue(job());
    const a = agent('a');
    const l = await lease(a, 60_000);
    forge.failWith = new ForgeError('Service Unavailable', 503);
    const report = await a.runLease(l);
    expect(report.state).toBe('success');
    expect(finals()).toHaveLength(0);
    // The agent's hold on publishing ends; the server's reconciler takes over.
    await new Promise((r) => setTimeout(r, 350));
    const r = reconciler();
    expect((await r.pass()).pending).toBe(1);
    forge.failWith = null;
    expect((await r.pass()).published).toBe(1);
    expect((await r.pass()).published).toBe(0);
    expect(finals().map((s) => s.state)).toEqual(['success']);
    expect(await runs()).toBe(1);
  });

  it('the planner never posts "Not yet tested" over a context that has a job, and republishes a recorded outcome the forge lost', async () => {
    forge.setFile(repo.sha, '.ironbots.yml', 'contexts:\n  unit:\n    run: [./run.sh]\n');
    const planner = new Planner({
      forge,
      jobs,
      logger: silentLogger(),
      records,
      publisher: new StatusPublisher({ forge, records, logger: silentLogger() }),
    });
    const pr = forge.pulls.get(1)!;
    await planner.planPullRequest(forge.repository, pr, 'webhook');
    expect(forge.statusesFor(repo.sha, 'unit').map((s) => s.description)).toEqual(['Not yet tested']);
    // A scan while the job is queued: the forge shows no status yet (say it lags), the record says there is a job.
    forge.statusLog.length = 0;
    const scan = await planner.planPullRequest(forge.repository, pr, 'scan');
    expect(scan).toMatchObject({ kind: 'planned', skipped: ['unit'] });
    expect(forge.statusLog).toHaveLength(0);
    // The job runs; then a stale "In progress" lands after the final status. The next scan repairs it.
    const a = agent('a');
    await a.runLease(await lease(a, 60_000));
    await forge.setCommitStatus(forge.repository, repo.sha, {
      state: 'pending',
      context: 'unit',
      description: 'In progress [ghost]',
    });
    await planner.planPullRequest(forge.repository, pr, 'scan');
    expect(last()).toMatchObject({
      state: 'success',
      description: expect.stringMatching(/^Passed in .* \[a\]$/),
    });
    expect(
      forge.statusesFor(repo.sha, 'unit').filter((s) => s.description === 'Not yet tested'),
    ).toHaveLength(0);
  });
});

describe('a second publisher', () => {
  it('posts nothing when the forge already shows the recorded outcome (the first post landed)', async () => {
    await enqueue(job());
    const a = agent('a');
    await a.runLease(await lease(a, 60_000));
    expect(finals()).toHaveLength(1);
    // A scanner that read the forge before the post landed asks for the outcome to be published again.
    await records.markUnpublished(jobDedupKey(job())!);
    const publisher = new StatusPublisher({ forge, records, logger: silentLogger() });
    expect(await publisher.publishIfFree(jobDedupKey(job())!, 'scanner', 1_000)).toBe(true);
    expect(finals()).toHaveLength(1);
    expect((await records.get(jobDedupKey(job())!))!.publishedAt).not.toBeNull();
  });
});
