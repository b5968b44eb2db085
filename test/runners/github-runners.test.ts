import { afterEach, describe, expect, it } from 'vitest';
import { runnerName } from '../../runner-agent/src/runners/jit-runner-launcher.ts';
import { IronbotsProcess } from '../support/ironbots-process.ts';
import { REPO, RunnerWorld, STANDIN } from '../support/runner-world.ts';

/**
 * Registered runners end to end in one process: the GitHub emulator queues workflow jobs and sends signed
 * `workflow_job` deliveries; the server turns them into runner jobs; the agent registers a JIT runner and
 * runs the stand-in runner (a process here; a VM in test/runners/*.vm-test.ts), which takes one job.
 */
describe('registered GitHub runners', () => {
  let world: RunnerWorld | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  const completed = (jobId: number) => async () => world!.emulator.workflowJob(jobId).status;

  it('runs a runs-on: [self-hosted, kvm] job on a just-in-time runner, once, and leaves no registration', async () => {
    world = await RunnerWorld.start();
    const { jobId } = await world.emulator.queueWorkflowJob({
      owner: REPO.owner,
      repo: REPO.name,
      jobName: 'integration',
      labels: ['self-hosted', 'kvm'],
      steps: [{ name: 'hello', run: 'echo "hello from $(hostname)"' }],
    });
    await expect.poll(completed(jobId), { timeout: 30_000 }).toBe('completed');
    const job = world.emulator.workflowJob(jobId);
    expect(job.conclusion).toBe('success');
    expect(job.runner_name).toMatch(/^ironbots-kvm-1-/);
    expect(job.log).toContain('hello from');
    expect(job.completions).toBe(1);
    await expect.poll(() => world!.ourRegistrations(), { timeout: 10_000 }).toEqual([]);
    const metrics = await world.metrics();
    expect(metrics).toMatch(
      /ironbots_runner_queued_to_vm_started_seconds_count\{labels="kvm,self-hosted"\} 1/,
    );
    expect(metrics).toMatch(
      /ironbots_runner_queued_to_job_started_seconds_count\{labels="kvm,self-hosted"\} 1/,
    );
  });

  it('says on the commit which labels nobody offers, instead of queueing forever', async () => {
    world = await RunnerWorld.start();
    const { jobId } = await world.emulator.queueWorkflowJob({
      owner: REPO.owner,
      repo: REPO.name,
      jobName: 'gpu-tests',
      labels: ['self-hosted', 'gpu'],
      steps: [{ run: 'true' }],
    });
    const sha = world.emulator.workflowJob(jobId).head_sha;
    await expect
      .poll(
        async () =>
          (await world!.forge.listCommitStatuses(REPO, sha)).find((s) => s.context === 'ironbots/runs-on'),
        {
          timeout: 15_000,
        },
      )
      .toMatchObject({
        state: 'error',
        description: expect.stringMatching(
          /gpu-tests: no ironbots agent offers gpu; on offer: kvm-1 \[.*kvm/,
        ),
      });
    expect(world.emulator.workflowJob(jobId).status).toBe('queued');
    expect(world.ourRegistrations()).toEqual([]);
  });

  it('ignores jobs for GitHub-hosted runners', async () => {
    world = await RunnerWorld.start();
    const { jobId } = await world.emulator.queueWorkflowJob({
      owner: REPO.owner,
      repo: REPO.name,
      labels: ['ubuntu-latest'],
      steps: [{ run: 'true' }],
    });
    await world.emulator.idle();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await world.deployment.jobs.stats()).queued + (await world.deployment.jobs.stats()).done).toBe(0);
    expect(world.emulator.workflowJob(jobId).status).toBe('queued');
  });

  it('recovers a job whose workflow_job webhook was lost, through the scanner', async () => {
    world = await RunnerWorld.start({ scanIntervalSeconds: 1 });
    world.emulator.loseWorkflowJobDeliveries(Infinity);
    const { jobId } = await world.emulator.queueWorkflowJob({
      owner: REPO.owner,
      repo: REPO.name,
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'echo recovered' }],
    });
    await expect.poll(completed(jobId), { timeout: 30_000 }).toBe('completed');
    expect(world.emulator.workflowJob(jobId)).toMatchObject({ conclusion: 'success', completions: 1 });
  });

  it('serves two queued jobs with two runners, each job once, a failing step failing only its job', async () => {
    world = await RunnerWorld.start();
    const { jobIds } = await world.emulator.queueWorkflowRun({
      owner: REPO.owner,
      repo: REPO.name,
      jobs: [
        { name: 'passes', labels: ['self-hosted', 'kvm'], steps: [{ run: 'sleep 1; echo ok' }] },
        { name: 'fails', labels: ['self-hosted', 'kvm'], steps: [{ run: 'sleep 1; exit 3' }] },
      ],
    });
    for (const id of jobIds) await expect.poll(completed(id), { timeout: 40_000 }).toBe('completed');
    expect(jobIds.map((id) => world!.emulator.workflowJob(id).conclusion).sort()).toEqual([
      'failure',
      'success',
    ]);
    expect(jobIds.map((id) => world!.emulator.workflowJob(id).completions)).toEqual([1, 1]);
    await expect.poll(() => world!.ourRegistrations(), { timeout: 10_000 }).toEqual([]);
  });

  it('stops the runner at once when the workflow run is cancelled', async () => {
    world = await RunnerWorld.start();
    const { runId, jobId } = await world.emulator.queueWorkflowJob({
      owner: REPO.owner,
      repo: REPO.name,
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'echo started; sleep 300' }],
    });
    await expect.poll(() => world!.emulator.workflowJob(jobId).log, { timeout: 30_000 }).toContain('started');
    world.emulator.cancelWorkflowRun(REPO.owner, REPO.name, runId);
    await expect.poll(completed(jobId), { timeout: 15_000 }).toBe('completed');
    expect(world.emulator.workflowJob(jobId)).toMatchObject({ conclusion: 'cancelled', completions: 1 });
    // The runner job ends (its process is gone) and its registration with it.
    await expect.poll(async () => (await world!.deployment.jobs.stats()).done, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => world!.ourRegistrations(), { timeout: 10_000 }).toEqual([]);
  });

  it('gives up on a runner that never comes online, tries once more, then fails the runner job clearly', async () => {
    // A "runner" that never talks to GitHub.
    world = await RunnerWorld.start({
      runners: { command: ['/bin/sh', '-c', 'sleep 600', 'never-registers'], registrationTimeoutSeconds: 1 },
    });
    await world.emulator.queueWorkflowJob({
      owner: REPO.owner,
      repo: REPO.name,
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'true' }],
    });
    await expect
      .poll(async () => (await world!.deployment.jobs.deadLetters()).map((d) => d.reason), {
        timeout: 40_000,
      })
      .toEqual([expect.stringMatching(/did not come online within 1 s \(tried twice\)/)]);
    await expect.poll(() => world!.ourRegistrations(), { timeout: 10_000 }).toEqual([]);
  });
});

describe('registered GitHub runners, more cases', () => {
  let world: RunnerWorld | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  it('works as a GitHub App installation, with tokens the forge client makes and renews itself', async () => {
    world = await RunnerWorld.start({ auth: 'app' });
    const { jobId } = await world.emulator.queueWorkflowJob({
      owner: REPO.owner,
      repo: REPO.name,
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'echo as an app' }],
    });
    await expect.poll(() => world!.emulator.workflowJob(jobId).status, { timeout: 30_000 }).toBe('completed');
    expect(world.emulator.workflowJob(jobId)).toMatchObject({ conclusion: 'success', completions: 1 });
    // One installation token for all those calls: it is cached until it nears expiry, not made per request.
    expect(world.emulator.appTokensIssued).toBe(1);
    // The private key and the token are secrets of the deployment: never in a log.
    expect(world.deployment.secrets.redact(world.options.app!.privateKey)).not.toContain('PRIVATE KEY');
  });

  it('reconciles by counts: a runner may take another job than the one it was started for', async () => {
    world = await RunnerWorld.start({ scanIntervalSeconds: 1 });
    // The first job's webhook is lost: the second job's runner, started first, takes the first job (GitHub
    // hands a runner any queued job its labels fit); the scan then starts a runner for what is left.
    world.emulator.loseWorkflowJobDeliveries(1);
    const first = await world.emulator.queueWorkflowJob({
      owner: REPO.owner,
      repo: REPO.name,
      jobName: 'first',
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'echo first' }],
    });
    const second = await world.emulator.queueWorkflowJob({
      owner: REPO.owner,
      repo: REPO.name,
      jobName: 'second',
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'echo second' }],
    });
    for (const { jobId } of [first, second])
      await expect
        .poll(() => world!.emulator.workflowJob(jobId).status, { timeout: 30_000 })
        .toBe('completed');
    for (const { jobId } of [first, second])
      expect(world.emulator.workflowJob(jobId)).toMatchObject({ conclusion: 'success', completions: 1 });
    // Two runners for two jobs, and none left over.
    const names = [first, second].map(({ jobId }) => world!.emulator.workflowJob(jobId).runner_name);
    expect(new Set(names).size).toBe(2);
    await expect.poll(() => world!.ourRegistrations(), { timeout: 10_000 }).toEqual([]);
    await expect
      .poll(
        async () =>
          (await world!.deployment.jobs.stats()).queued + (await world!.deployment.jobs.stats()).leased,
        {
          timeout: 10_000,
        },
      )
      .toBe(0);
  });

  it('registers organisation runners when scope is organization', async () => {
    world = await RunnerWorld.start({ runners: { scope: 'organization' } });
    const { jobId } = await world.emulator.queueWorkflowJob({
      owner: REPO.owner,
      repo: REPO.name,
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'echo org runner' }],
    });
    await expect.poll(() => world!.emulator.workflowJob(jobId).status, { timeout: 30_000 }).toBe('completed');
    expect(world.emulator.workflowJob(jobId)).toMatchObject({ conclusion: 'success', completions: 1 });
    await expect
      .poll(() => world!.emulator.runners({ org: REPO.owner }).map((r: { name: string }) => r.name), {
        timeout: 10_000,
      })
      .toEqual([]);
  });

  it('retries once with a new registration when the runner is refused its expired configuration, then says so', async () => {
    // The runner starts 2 s late, after its configuration expired (1 s unused).
    world = await RunnerWorld.start({
      emulator: { jitConfigTtlMs: 1_000 },
      runners: { command: ['/bin/sh', '-c', 'sleep 2; exec "$0" "$@"', STANDIN] },
    });
    const { jobId } = await world.emulator.queueWorkflowJob({
      owner: REPO.owner,
      repo: REPO.name,
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'true' }],
    });
    await expect
      .poll(async () => (await world!.deployment.jobs.deadLetters()).map((d) => d.reason), {
        timeout: 60_000,
      })
      .toEqual([expect.stringMatching(/exited with code \d+ before it came online.*\(tried twice\)/)]);
    expect(world.emulator.workflowJob(jobId).status).toBe('queued');
    await expect.poll(() => world!.ourRegistrations(), { timeout: 10_000 }).toEqual([]);
  });

  it('stops a runner that came online after its job was cancelled, once no queued job fits it', async () => {
    // The runner comes online 2 s late; the run is cancelled meanwhile.
    world = await RunnerWorld.start({
      runners: { command: ['/bin/sh', '-c', 'sleep 2; exec "$0" "$@"', STANDIN], idleTimeoutSeconds: 1 },
    });
    const { runId, jobId } = await world.emulator.queueWorkflowJob({
      owner: REPO.owner,
      repo: REPO.name,
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'true' }],
    });
    await expect.poll(() => world!.ourRegistrations().length, { timeout: 15_000 }).toBe(1);
    world.emulator.cancelWorkflowRun(REPO.owner, REPO.name, runId);
    expect(world.emulator.workflowJob(jobId)).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    await expect.poll(async () => (await world!.deployment.jobs.stats()).done, { timeout: 20_000 }).toBe(1);
    expect(await world.deployment.jobs.deadLetters()).toEqual([]);
    expect(world.ourRegistrations()).toEqual([]);
  });
});

describe('ironbots runners list|reap', () => {
  let world: RunnerWorld | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  it('shows the registrations ironbots made and removes the ghosts among them, as the server would', async () => {
    world = await RunnerWorld.start({ agent: false, runners: { reapIntervalSeconds: 3600 } });
    const scope = { repo: REPO };
    // A registration an agent made an hour ago whose VM never came: a ghost. One made now: still booting.
    const hourAgo = runnerName('ironbots-', 'gone-agent', Date.now() - 3_600_000);
    const fresh = runnerName('ironbots-', 'kvm-1', Date.now());
    await world.forge.createJitRunner(scope, { name: hourAgo, labels: ['self-hosted', 'kvm'] });
    await world.forge.createJitRunner(scope, { name: fresh, labels: ['self-hosted', 'kvm'] });
    await world.forge.createJitRunner(scope, { name: 'someone-elses-runner', labels: ['self-hosted'] });
    await world.emulator.queueWorkflowJob({
      owner: REPO.owner,
      repo: REPO.name,
      jobName: 'waiting',
      labels: ['self-hosted', 'gpu'],
      steps: [{ run: 'true' }],
    });
    const config = await world.writeConfigFile();
    const list = new IronbotsProcess('runners list', ['runners', 'list', '--config', config], {});
    expect((await list.exited).code).toBe(0);
    expect(list.stdout).toContain('acme/widget: 2 runner(s) of ironbots');
    expect(list.stdout).toContain(hourAgo);
    expect(list.stdout).toMatch(new RegExp(`${fresh}.*offline`));
    expect(list.stdout).not.toContain('someone-elses-runner');
    expect(list.stdout).toMatch(
      /acme\/widget: 1 queued workflow job\(s\)\n.*waiting.*runs-on \[self-hosted, gpu\]/,
    );

    const reap = new IronbotsProcess('runners reap', ['runners', 'reap', '--config', config], {});
    expect((await reap.exited).code).toBe(0);
    expect(reap.stdout).toContain('removed 1 ghost registration(s); 1 registration(s) of ironbots remain');
    expect(
      world.emulator
        .runners({ owner: REPO.owner, repo: REPO.name })
        .map((r: { name: string }) => r.name)
        .sort(),
    ).toEqual([fresh, 'someone-elses-runner'].sort());
  });
});
