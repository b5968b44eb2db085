import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Octokit } from '@octokit/rest';
import { verify } from '@octokit/webhooks-methods';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { GitHubEmulator, type GitHubEmulatorOptions } from '../../emulators/github/github-emulator.ts';
import { writeStandinRunnerTarball } from '../../emulators/github/standin-runner.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { withTempDir } from '../support/temp-dir.ts';

const exec = promisify(execFile);
const TOKEN = 'ghp_actionsemulatortoken0123';
const SECRET = 'workflow-job-secret';
const SHA = 'c0ffee'.padEnd(40, '0');
/** Octokit logs every 4xx; these tests ask for them. */
const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

interface Delivery {
  event: string;
  verified: boolean;
  payload: {
    action: string;
    workflow_job: {
      id: number;
      status: string;
      conclusion: string | null;
      runner_name: string | null;
      runner_id: number | null;
      labels: string[];
    };
    repository: { full_name: string };
    sender: { login: string };
  };
}

let tmp: { dir: string; remove(): Promise<void> };
let tarball: { path: string; sha256: string };
let emulator: GitHubEmulator;
let octokit: Octokit;
let receiver: http.Server;
let deliveries: Delivery[];
const runners: ChildProcess[] = [];
let runnerCount = 0;

beforeAll(async () => {
  tmp = await withTempDir('ironbots-actions-emulator-');
  tarball = await writeStandinRunnerTarball(path.join(tmp.dir, 'dist'));
});

afterAll(async () => {
  await tmp.remove();
});

afterEach(async () => {
  for (const child of runners.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await emulator?.stop();
  receiver?.close();
});

async function start(options: Partial<GitHubEmulatorOptions> = {}): Promise<void> {
  emulator = await GitHubEmulator.start({
    dataDir: path.join(tmp.dir, `forge-${++runnerCount}`),
    tokens: [TOKEN],
    ...options,
  });
  octokit = new Octokit({ auth: TOKEN, baseUrl: emulator.url, log: quiet });
  deliveries = [];
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      void verify(SECRET, body, String(req.headers['x-hub-signature-256'])).then((verified) => {
        deliveries.push({
          event: String(req.headers['x-github-event']),
          verified,
          payload: JSON.parse(body) as Delivery['payload'],
        });
        res.writeHead(202).end();
      });
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  for (const [owner, name] of [
    ['acme', 'widget'],
    ['acme', 'gadget'],
    ['other', 'thing'],
  ] as const) {
    await emulator.createRepository(owner, name);
    emulator.addWebhook(owner, name, {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      secret: SECRET,
      events: ['workflow_job'],
    });
  }
}

async function jitRunner(
  name: string,
  labels = ['self-hosted', 'kvm'],
  scope: { owner: string; repo: string } | { org: string } = { owner: 'acme', repo: 'widget' },
) {
  const body = { name, labels, runner_group_id: 1, work_folder: '_work' };
  const { data } =
    'org' in scope
      ? await octokit.rest.actions.generateRunnerJitconfigForOrg({ org: scope.org, ...body })
      : await octokit.rest.actions.generateRunnerJitconfigForRepo({ ...scope, ...body });
  return data;
}

interface RunningRunner {
  child: ChildProcess;
  output: () => string;
  errors: () => string;
  exited: Promise<number | null>;
}

/** The stand-in runner as GitHub's is installed: the tarball unpacked into a directory, then run.sh. */
async function startRunner(
  jitConfig: string,
  how: 'argument' | 'environment' = 'argument',
): Promise<RunningRunner> {
  const dir = path.join(tmp.dir, `runner-${++runnerCount}`);
  await exec('mkdir', ['-p', dir]);
  await exec('tar', ['-xzf', tarball.path, '-C', dir]);
  const child = spawn(path.join(dir, 'run.sh'), how === 'argument' ? ['--jitconfig', jitConfig] : [], {
    env: {
      PATH: process.env.PATH,
      HOME: tmp.dir,
      RUNNER_ALLOW_RUNASROOT: '1',
      ...(how === 'environment' ? { ACTIONS_RUNNER_INPUT_JITCONFIG: jitConfig } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  runners.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, errors: () => err, exited };
}

/** Waits (polling, no time limit of its own: the test's timeout is the limit) until `check` holds. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

function jobEvents(jobId: number): string[] {
  return deliveries
    .filter((d) => d.event === 'workflow_job' && d.payload.workflow_job.id === jobId)
    .map((d) => `${d.payload.action}:${d.payload.workflow_job.conclusion ?? '-'}`);
}

async function refused(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  return promise.then(
    () => ({ status: 0, message: 'succeeded' }),
    (error: { status: number; response?: { data?: { message?: string; documentation_url?: string } } }) => ({
      status: error.status,
      message: error.response?.data?.message ?? '',
      ...(error.response?.data?.documentation_url ? {} : { missingDocs: true }),
    }),
  );
}

describe('GitHub emulator: Actions runners and workflow jobs (REST)', () => {
  it('generates JIT configurations in GitHub’s shape, and refuses duplicates, bad bodies and no token', async () => {
    await start();
    const data = await jitRunner('vm-1', ['self-hosted', 'Linux', 'kvm']);
    expect(data.runner).toMatchObject({
      name: 'vm-1',
      os: 'linux',
      status: 'offline',
      busy: false,
      labels: [
        { name: 'self-hosted', type: 'read-only' },
        { name: 'Linux', type: 'read-only' },
        { name: 'kvm', type: 'custom' },
      ],
    });
    expect(typeof data.runner.labels[0]!.id).toBe('number');
    const config = JSON.parse(Buffer.from(data.encoded_jit_config, 'base64').toString()) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({ url: emulator.url, runnerId: data.runner.id, runnerName: 'vm-1' });
    expect(config.token).toMatch(/^\S{20,}$/);

    expect(await refused(jitRunner('vm-1'))).toEqual({
      status: 409,
      message: 'Already exists - A runner with the name vm-1 already exists.',
    });
    // The same name in another repository or the organization is another runner.
    await jitRunner('vm-1', ['self-hosted'], { owner: 'acme', repo: 'gadget' });
    await jitRunner('vm-1', ['self-hosted'], { org: 'acme' });
    const missingName = await refused(
      octokit.request('POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig' as string, {
        owner: 'acme',
        repo: 'widget',
        runner_group_id: 1,
        labels: ['self-hosted'],
      }),
    );
    expect(missingName).toEqual({ status: 422, message: 'Invalid request.\n\n"name" wasn\'t supplied.' });
    expect(await refused(jitRunner('vm-2', []))).toMatchObject({ status: 422, message: /at least 1 item/ });
    const anonymous = new Octokit({ baseUrl: emulator.url, log: quiet });
    expect(
      await refused(
        anonymous.rest.actions.generateRunnerJitconfigForRepo({
          owner: 'acme',
          repo: 'widget',
          name: 'x',
          runner_group_id: 1,
          labels: ['self-hosted'],
        }),
      ),
    ).toEqual({ status: 401, message: 'Bad credentials' });
    expect(
      await refused(octokit.rest.actions.listSelfHostedRunnersForOrg({ org: 'nobody-has-repos' })),
    ).toMatchObject({ status: 404 });
  });

  it('lists, pages, gets and deletes runners of a repository and of an organization', async () => {
    await start();
    const a = await jitRunner('a');
    await jitRunner('b');
    const org = await jitRunner('o', ['self-hosted'], { org: 'acme' });
    const page = await octokit.rest.actions.listSelfHostedRunnersForRepo({
      owner: 'acme',
      repo: 'widget',
      per_page: 1,
      page: 2,
    });
    expect(page.data.total_count).toBe(2);
    expect(page.data.runners.map((r) => r.name)).toEqual(['b']);
    expect(page.headers.link).toMatch(/rel="prev"/);
    const orgList = await octokit.rest.actions.listSelfHostedRunnersForOrg({ org: 'acme' });
    expect(orgList.data.runners.map((r) => [r.name, r.status, r.busy])).toEqual([['o', 'offline', false]]);
    expect(emulator.runners({ org: 'acme' }).map((r) => r.id)).toEqual([org.runner.id]);

    const got = await octokit.rest.actions.getSelfHostedRunnerForRepo({
      owner: 'acme',
      repo: 'widget',
      runner_id: a.runner.id,
    });
    expect(got.data).toMatchObject({ id: a.runner.id, name: 'a', status: 'offline', busy: false });
    // A repository runner is not the organization's, nor another repository's.
    expect(
      await refused(octokit.rest.actions.getSelfHostedRunnerForOrg({ org: 'acme', runner_id: a.runner.id })),
    ).toMatchObject({ status: 404 });

    const deleted = await octokit.rest.actions.deleteSelfHostedRunnerFromRepo({
      owner: 'acme',
      repo: 'widget',
      runner_id: a.runner.id,
    });
    expect(deleted.status).toBe(204);
    expect(
      await refused(
        octokit.rest.actions.getSelfHostedRunnerForRepo({
          owner: 'acme',
          repo: 'widget',
          runner_id: a.runner.id,
        }),
      ),
    ).toMatchObject({ status: 404 });
    expect(
      await refused(
        octokit.rest.actions.deleteSelfHostedRunnerFromRepo({
          owner: 'acme',
          repo: 'widget',
          runner_id: 999_999,
        }),
      ),
    ).toMatchObject({ status: 404 });
    expect(
      (await octokit.rest.actions.deleteSelfHostedRunnerFromOrg({ org: 'acme', runner_id: org.runner.id }))
        .status,
    ).toBe(204);
    expect(emulator.runners({ owner: 'acme', repo: 'widget' }).map((r) => r.name)).toEqual(['b']);
    // A deleted runner's name is free again.
    await jitRunner('a');
  });

  it('lists queued runs and their jobs in GitHub’s shapes, cancels them, and delivers workflow_job signed', async () => {
    await start();
    const copy = new GitWorkingCopy(path.join(tmp.dir, `work-${++runnerCount}`), {
      username: 'x-access-token',
      password: TOKEN,
    });
    await copy.init(emulator.cloneUrl('acme', 'widget'));
    await copy.writeFiles({ 'README.md': { content: 'hi\n' } });
    const head = await copy.commit('initial');
    await copy.push('main');
    const { runId, jobId } = await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'widget',
      workflowName: 'tests',
      jobName: 'unit',
      labels: ['self-hosted', 'kvm'],
      steps: [{ name: 'say hi', run: 'echo hi' }],
    });
    const second = await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'widget',
      sha: SHA,
      branch: 'feature',
      labels: ['self-hosted'],
      steps: [{ run: 'true' }],
    });

    const queued = await octokit.rest.actions.listWorkflowRunsForRepo({
      owner: 'acme',
      repo: 'widget',
      status: 'queued',
      per_page: 1,
    });
    expect(queued.data.total_count).toBe(2);
    // Newest first, as GitHub lists them.
    expect(queued.data.workflow_runs[0]).toMatchObject({
      id: second.runId,
      head_sha: SHA,
      head_branch: 'feature',
      status: 'queued',
      conclusion: null,
      run_attempt: 1,
      html_url: `${emulator.url}/acme/widget/actions/runs/${second.runId}`,
    });
    const jobs = await octokit.rest.actions.listJobsForWorkflowRun({
      owner: 'acme',
      repo: 'widget',
      run_id: runId,
      filter: 'latest',
    });
    expect(jobs.data.total_count).toBe(1);
    const job = jobs.data.jobs[0]!;
    expect(job).toMatchObject({
      id: jobId,
      run_id: runId,
      run_attempt: 1,
      head_sha: head,
      head_branch: 'main',
      name: 'unit',
      workflow_name: 'tests',
      status: 'queued',
      conclusion: null,
      labels: ['self-hosted', 'kvm'],
      runner_id: null,
      runner_name: null,
      runner_group_id: null,
      completed_at: null,
      html_url: `${emulator.url}/acme/widget/actions/runs/${runId}/job/${jobId}`,
      steps: [{ name: 'say hi', number: 1, status: 'queued', conclusion: null }],
    });
    expect(typeof job.created_at).toBe('string');
    // GitHub reports a job still waiting for a runner as started when it was queued.
    expect(job.started_at).toBe(job.created_at);
    const one = await octokit.rest.actions.getJobForWorkflowRun({
      owner: 'acme',
      repo: 'widget',
      job_id: jobId,
    });
    expect(one.data).toEqual(job);
    expect(
      await refused(
        octokit.rest.actions.getJobForWorkflowRun({ owner: 'acme', repo: 'gadget', job_id: jobId }),
      ),
    ).toMatchObject({ status: 404 });

    const cancel = await octokit.rest.actions.cancelWorkflowRun({
      owner: 'acme',
      repo: 'widget',
      run_id: runId,
    });
    expect(cancel.status).toBe(202);
    expect(emulator.workflowJob(jobId)).toMatchObject({
      status: 'completed',
      conclusion: 'cancelled',
      completions: 1,
    });
    expect(
      await refused(octokit.rest.actions.cancelWorkflowRun({ owner: 'acme', repo: 'widget', run_id: runId })),
    ).toEqual({ status: 409, message: 'Cannot cancel a workflow run that is completed.' });
    const completed = await octokit.rest.actions.listWorkflowRunsForRepo({
      owner: 'acme',
      repo: 'widget',
      status: 'completed',
    });
    expect(completed.data.workflow_runs.map((r) => [r.id, r.status, r.conclusion])).toEqual([
      [runId, 'completed', 'cancelled'],
    ]);

    await emulator.idle();
    expect(deliveries.every((d) => d.verified && d.event === 'workflow_job')).toBe(true);
    expect(jobEvents(jobId)).toEqual(['queued:-', 'completed:cancelled']);
    expect(jobEvents(second.jobId)).toEqual(['queued:-']);
    expect(deliveries[0]!.payload).toMatchObject({
      action: 'queued',
      workflow_job: { id: jobId, status: 'queued', labels: ['self-hosted', 'kvm'] },
      repository: { full_name: 'acme/widget' },
      sender: { login: 'developer' },
    });
  });

  it('loses workflow_job deliveries on request, while the API still lists the queued job', async () => {
    await start();
    emulator.loseWorkflowJobDeliveries(1, 'queued');
    const lost = await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'widget',
      sha: SHA,
      labels: ['x'],
      steps: [{ run: 'true' }],
    });
    const kept = await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'widget',
      sha: SHA,
      labels: ['x'],
      steps: [{ run: 'true' }],
    });
    await emulator.idle();
    expect(jobEvents(lost.jobId)).toEqual([]);
    expect(jobEvents(kept.jobId)).toEqual(['queued:-']);
    const queued = await octokit.rest.actions.listWorkflowRunsForRepo({
      owner: 'acme',
      repo: 'widget',
      status: 'queued',
    });
    expect(queued.data.workflow_runs.map((r) => r.id).sort()).toEqual([lost.runId, kept.runId].sort());
  });
});

describe('GitHub emulator: the stand-in runner, as a host process', () => {
  it('takes exactly one job, runs its steps, reports success, and is removed; a second start is refused', async () => {
    await start();
    const { jobId } = await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'widget',
      sha: SHA,
      labels: ['self-hosted', 'KVM'],
      steps: [
        { name: 'greet', run: 'echo "hello from $GITHUB_REPOSITORY at $GITHUB_SHA"' },
        { name: 'second', run: 'for i in 1 2 3; do echo "line $i"; done\necho done >&2' },
      ],
    });
    const other = await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'widget',
      sha: SHA,
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'echo second job' }],
    });
    const { runner, encoded_jit_config: config } = await jitRunner('runner-1');
    const process1 = await startRunner(config);
    expect(await process1.exited).toBe(0);
    const job = emulator.workflowJob(jobId);
    expect(job).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      runner_id: runner.id,
      runner_name: 'runner-1',
      runner_group_id: 1,
      completions: 1,
    });
    expect(job.log).toContain(`hello from acme/widget at ${SHA}\n`);
    expect(job.log).toContain('line 1\nline 2\nline 3\ndone\n');
    expect(process1.output()).toContain('line 3\n');
    expect(process1.output()).toMatch(/Job \d+ completed with result: Succeeded/);
    // One job per runner: the other stays queued, and the runner's registration is gone.
    expect(emulator.workflowJob(other.jobId).status).toBe('queued');
    expect(emulator.runners({ owner: 'acme', repo: 'widget' })).toEqual([]);
    await emulator.idle();
    expect(jobEvents(jobId)).toEqual(['queued:-', 'in_progress:-', 'completed:success']);
    const inProgress = deliveries.find((d) => d.payload.action === 'in_progress')!;
    expect(inProgress.payload.workflow_job).toMatchObject({ runner_id: runner.id, runner_name: 'runner-1' });

    const again = await startRunner(config, 'environment');
    expect(await again.exited).toBe(2);
    expect(again.errors()).toMatch(/JIT configuration was rejected \(HTTP 401\): .*removed after its job/);
    expect(emulator.workflowJob(other.jobId).status).toBe('queued');
  });

  it('waits for a job with its labels, and a failing step fails the job without running the next', async () => {
    await start();
    const { runner, encoded_jit_config: config } = await jitRunner('runner-f', ['self-hosted', 'kvm']);
    const running = await startRunner(config);
    await until(() => emulator.runners({ owner: 'acme', repo: 'widget' })[0]?.status === 'online');
    // Not its labels, not its repository: it keeps waiting.
    const unmatched = await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'widget',
      sha: SHA,
      labels: ['self-hosted', 'gpu'],
      steps: [{ run: 'true' }],
    });
    const elsewhere = await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'gadget',
      sha: SHA,
      labels: ['self-hosted'],
      steps: [{ run: 'true' }],
    });
    const { jobId } = await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'widget',
      sha: SHA,
      labels: ['kvm'],
      steps: [
        { name: 'fails', run: 'echo before; exit 3' },
        { name: 'never', run: 'echo should not run' },
      ],
    });
    expect(await running.exited).toBe(0);
    const job = emulator.workflowJob(jobId);
    expect(job).toMatchObject({ conclusion: 'failure', runner_id: runner.id, completions: 1 });
    expect(job.log).toContain('before\n##[error]Process completed with exit code 3.\n');
    expect(job.log).not.toContain('should not run');
    expect(emulator.workflowJob(unmatched.jobId).status).toBe('queued');
    expect(emulator.workflowJob(elsewhere.jobId).status).toBe('queued');
    await emulator.idle();
    expect(jobEvents(jobId)).toEqual(['queued:-', 'in_progress:-', 'completed:failure']);
  });

  it('kills the running step when the run is cancelled, and reports cancelled', async () => {
    await start();
    const pidFile = path.join(tmp.dir, `step-${++runnerCount}.pid`);
    const marker = path.join(tmp.dir, `after-sleep-${runnerCount}`);
    const { runId, jobId } = await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'widget',
      sha: SHA,
      labels: ['self-hosted'],
      steps: [
        { run: `echo $$ >${pidFile}; echo started; sleep 120; touch ${marker}` },
        { run: `touch ${marker}` },
      ],
    });
    const running = await startRunner((await jitRunner('runner-c', ['self-hosted'])).encoded_jit_config);
    await until(() => emulator.workflowJob(jobId).log.includes('started\n'));
    const busy = emulator.runners({ owner: 'acme', repo: 'widget' })[0]!;
    expect([busy.status, busy.busy]).toEqual(['online', true]);
    // GitHub refuses to delete a runner that runs a job.
    expect(
      await refused(
        octokit.rest.actions.deleteSelfHostedRunnerFromRepo({
          owner: 'acme',
          repo: 'widget',
          runner_id: busy.id,
        }),
      ),
    ).toEqual({ status: 422, message: 'Bad request - Runner "runner-c" is still running a job' });
    await octokit.rest.actions.cancelWorkflowRun({ owner: 'acme', repo: 'widget', run_id: runId });
    expect(emulator.workflowJob(jobId)).toMatchObject({ status: 'in_progress', cancelRequested: true });
    expect(await running.exited).toBe(0);
    expect(emulator.workflowJob(jobId)).toMatchObject({
      status: 'completed',
      conclusion: 'cancelled',
      completions: 1,
    });
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(readFile(marker)).rejects.toThrow();
    await emulator.idle();
    expect(jobEvents(jobId)).toEqual(['queued:-', 'in_progress:-', 'completed:cancelled']);
  });

  it('fails the job of a runner that stops answering, once, and shows the runner offline and idle', async () => {
    // Three heartbeats' time: a runner that is alive is never taken for lost.
    await start({ runnerOfflineAfterMs: 3_000 });
    const pidFile = path.join(tmp.dir, `step-${++runnerCount}.pid`);
    const { jobId } = await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'widget',
      sha: SHA,
      labels: ['self-hosted'],
      steps: [{ run: `echo $$ >${pidFile}; echo working; sleep 120` }],
    });
    const running = await startRunner((await jitRunner('runner-x', ['self-hosted'])).encoded_jit_config);
    await until(() => emulator.workflowJob(jobId).log.includes('working\n'));
    expect(emulator.workflowJob(jobId).status).toBe('in_progress');
    // The machine is gone: the runner and its step die without a word.
    running.child.kill('SIGKILL');
    process.kill(-Number((await readFile(pidFile, 'utf8')).trim()), 'SIGKILL');
    await until(() => emulator.workflowJob(jobId).status === 'completed');
    const job = emulator.workflowJob(jobId);
    expect(job).toMatchObject({ conclusion: 'failure', completions: 1 });
    expect(job.log).toMatch(/The self-hosted runner: runner-x lost communication with the server\./);
    expect(
      emulator.runners({ owner: 'acme', repo: 'widget' }).map((r) => [r.name, r.status, r.busy]),
    ).toEqual([['runner-x', 'offline', false]]);
    await emulator.idle();
    expect(jobEvents(jobId)).toEqual(['queued:-', 'in_progress:-', 'completed:failure']);
  });

  it('exits non-zero with a clear message for an expired, an unknown or an unreadable configuration', async () => {
    await start({ jitConfigTtlMs: 200 });
    const { encoded_jit_config: config } = await jitRunner('late');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const expired = await startRunner(config);
    expect(await expired.exited).toBe(2);
    expect(expired.errors()).toMatch(
      /standin runner late: the JIT configuration was rejected \(HTTP 401\): The JIT configuration of runner "late" expired unused/,
    );

    const forged = Buffer.from(
      JSON.stringify({ url: emulator.url, runnerId: 1, runnerName: 'forged', token: 'nope' }),
    ).toString('base64');
    const unknown = await startRunner(forged);
    expect(await unknown.exited).toBe(2);
    expect(unknown.errors()).toMatch(/HTTP 401\): No runner is registered with this JIT configuration/);

    const garbage = await startRunner('not base64 at all!');
    expect(await garbage.exited).not.toBe(0);
    expect(garbage.errors()).toMatch(/the JIT configuration cannot be read/);
  });

  it('a runner deleted while it waits for a job is told so, and exits non-zero', async () => {
    await start();
    const { runner, encoded_jit_config: config } = await jitRunner('idle-1');
    const waiting = await startRunner(config);
    await until(() => emulator.runners({ owner: 'acme', repo: 'widget' })[0]?.status === 'online');
    await octokit.rest.actions.deleteSelfHostedRunnerFromRepo({
      owner: 'acme',
      repo: 'widget',
      runner_id: runner.id,
    });
    expect(await waiting.exited).toBe(2);
    expect(waiting.errors()).toMatch(
      /rejected \(HTTP 401\): This runner registration is gone: runner "idle-1" was deleted/,
    );
    // A job queued afterwards is nobody's yet.
    const { jobId } = await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'widget',
      sha: SHA,
      labels: ['kvm'],
      steps: [{ run: 'true' }],
    });
    expect(emulator.workflowJob(jobId).status).toBe('queued');
  });

  it('org runners take jobs of any repository of the organization; two runners take one job each', async () => {
    await start();
    const widget = await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'widget',
      sha: SHA,
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'echo "$GITHUB_REPOSITORY"' }],
    });
    const gadget = await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'gadget',
      sha: SHA,
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'echo "$GITHUB_REPOSITORY"' }],
    });
    const foreign = await emulator.queueWorkflowJob({
      owner: 'other',
      repo: 'thing',
      sha: SHA,
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'true' }],
    });
    const one = await startRunner(
      (await jitRunner('org-1', ['self-hosted', 'kvm'], { org: 'acme' })).encoded_jit_config,
    );
    const two = await startRunner(
      (await jitRunner('org-2', ['self-hosted', 'kvm'], { org: 'acme' })).encoded_jit_config,
    );
    expect(await one.exited).toBe(0);
    expect(await two.exited).toBe(0);
    const jobs = [emulator.workflowJob(widget.jobId), emulator.workflowJob(gadget.jobId)];
    expect(jobs.map((j) => j.conclusion)).toEqual(['success', 'success']);
    expect(jobs.map((j) => j.runner_name).sort()).toEqual(['org-1', 'org-2']);
    expect(jobs.map((j) => j.log.trim().split('\n').at(-1))).toEqual(['acme/widget', 'acme/gadget']);
    expect(emulator.workflowJob(foreign.jobId).status).toBe('queued');
    expect(emulator.runners({ org: 'acme' })).toEqual([]);
  });
});
