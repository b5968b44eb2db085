import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GitLabEmulator } from '../../emulators/gitlab/gitlab-emulator.ts';
import {
  BUILD_FAILURE_EXIT_CODE,
  pushProject,
  runOneJob,
  SYSTEM_FAILURE_EXIT_CODE,
  type HarnessOptions,
} from '../support/gitlab-runner-harness.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { qemuProcessesUnder, testImage, vmToolsPresent } from '../executors/vm-test-image.ts';

// TCG boots take seconds, longer when the machine is busy.
const VM_TEST_TIMEOUT = 240_000;
vi.setConfig({ testTimeout: VM_TEST_TIMEOUT, hookTimeout: VM_TEST_TIMEOUT });

const TOKEN = 'maintainer-token';
const repoRoot = path.resolve(import.meta.dirname, '../..');

describe.skipIf(!vmToolsPresent)(
  'ironbots gitlab-executor (busybox VMs, driven as gitlab-runner does)',
  () => {
    let emulator: GitLabEmulator;
    let tmp: { dir: string; remove(): Promise<void> };
    let runner: { id: number; token: string };
    let image: string;
    let stateDir: string;

    beforeAll(async () => {
      tmp = await withTempDir('ironbots-gitlab-executor-');
      stateDir = path.join(tmp.dir, 'state');
      image = (await testImage()).path;
      emulator = await GitLabEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
      await emulator.createProject('acme', 'widget', { defaultBranch: 'main' });
      await pushProject(emulator.url, TOKEN, 'acme/widget', { 'README.md': 'a widget\n' });
      runner = emulator.registerRunner({ tags: ['kvm'] });
    });
    afterAll(async () => {
      await emulator?.stop();
      for (const pid of qemuProcessesUnder(tmp.dir)) process.kill(pid, 'SIGKILL');
      await tmp?.remove();
    });

    /** busybox has sh, no git: the jobs skip the checkout (GIT_STRATEGY: none). */
    function harness(extra: Partial<HarnessOptions> = {}, configArgs: string[] = []): HarnessOptions {
      return {
        gitlabUrl: emulator.url,
        runnerToken: runner.token,
        shell: 'sh',
        configArgs: [
          ...['--state-dir', stateDir, '--image', image, '--shell', 'sh', '--memory', '256'],
          ...['--accelerator', 'tcg', ...configArgs],
        ],
        ...extra,
      };
    }

    /** The stages gitlab-runner runs for a job whose step_script exits `script`, each with its exit code. */
    function stagesOf(script: number): [string, number][] {
      return [
        ['prepare_script', 0],
        ['get_sources', 0],
        ['step_script', script],
        ['after_script', 0],
        [script === 0 ? 'upload_artifacts_on_success' : 'upload_artifacts_on_failure', 0],
        ['cleanup_file_variables', 0],
      ];
    }

    async function expectNothingLeft() {
      expect(qemuProcessesUnder(stateDir)).toEqual([]);
      expect(await readdir(path.join(stateDir, 'gitlab-jobs')).catch(() => [])).toEqual([]);
    }

    it('runs every stage in one VM, in gitlab-runner’s order, and the job succeeds with its trace', async () => {
      const job = await emulator.createCiJob('acme/widget', {
        tags: ['kvm'],
        script: [
          'echo "job $CI_JOB_ID in $(cat /etc/ironbots-image | cut -d" " -f1)"',
          'echo kept > /root/state',
        ],
        afterScript: ['echo "after: $(cat /root/state)"'],
        variables: { GIT_STRATEGY: 'none' },
        image: 'node:24',
      });
      const result = await runOneJob(harness({}, ['--accelerator', 'auto']));
      expect(result?.jobId).toBe(job.id);
      expect(result!.config).toMatchObject({
        builds_dir: '/builds',
        cache_dir: '/cache',
        builds_dir_is_shared: false,
        driver: { name: 'ironbots' },
        shell: 'sh',
        job_env: expect.objectContaining({
          IRONBOTS_GITLAB_STATE_DIR: stateDir,
          IRONBOTS_GITLAB_SHELL: 'sh',
        }),
      });
      expect(result!.prepare.exitCode).toBe(0);
      // The job's image: is a container image, not one of ours: the default, said so.
      expect(result!.prepare.stdout).toMatch(
        /the job's image "node:24" is not one of this runner's VM images/,
      );
      expect(result!.prepare.stdout).toMatch(/VM ready for job \d+ \((KVM|TCG, no KVM: slow)\)/);
      expect(result!.stages.map((s) => [s.stage, s.exitCode])).toEqual(stagesOf(0));
      expect(result!.cleanup?.exitCode).toBe(0);
      const done = emulator.ciJob(job.id)!;
      expect(done.status).toBe('success');
      expect(done.trace).toContain(`job ${job.id} in ironbots-test\n`);
      // A file written by step_script is there for after_script: the same VM.
      expect(done.trace).toContain('after: kept\n');
      expect(done.trace).toContain('$ echo kept > /root/state\n');
      await expectNothingLeft();
    });

    it('a background process a stage leaves running (a service) does not stop the next stage’s output', async () => {
      // It keeps the stage's output open: the guest must not need to open the output port again.
      const job = await emulator.createCiJob('acme/widget', {
        tags: ['kvm'],
        script: ['sleep 300 &', 'echo "service started"'],
        afterScript: ['echo "after: $(pidof sleep >/dev/null && echo service still up)"'],
        variables: { GIT_STRATEGY: 'none' },
      });
      const result = await runOneJob(harness());
      expect(result!.stages.map((s) => [s.stage, s.exitCode])).toEqual(stagesOf(0));
      const done = emulator.ciJob(job.id)!;
      expect(done.status).toBe('success');
      expect(done.trace).toContain('service started\n');
      expect(done.trace).toContain('after: service still up\n');
      await expectNothingLeft();
    });

    it('a failing script is a build failure, and after_script still runs in the same VM', async () => {
      const job = await emulator.createCiJob('acme/widget', {
        tags: ['kvm'],
        // The guest agent's control port is its descriptor 3: a script that forges "exit 0" there reaches nothing.
        script: ['echo written > /root/mark', 'echo "exit 0" >&3 2>/dev/null || true', 'false', 'echo never'],
        afterScript: ['echo "after: $(cat /root/mark)"'],
        variables: { GIT_STRATEGY: 'none' },
      });
      const result = await runOneJob(harness());
      expect(result!.stages.map((s) => [s.stage, s.exitCode])).toEqual(stagesOf(BUILD_FAILURE_EXIT_CODE));
      const done = emulator.ciJob(job.id)!;
      expect(done.status).toBe('failed');
      expect(done.failureReason).toBe('script_failure');
      expect(done.trace).toContain('after: written\n');
      expect(done.trace).not.toContain('never\n');
      await expectNothingLeft();
    });

    it('a stage that runs past the job’s timeout: VM killed, system failure, a clear message', async () => {
      const job = await emulator.createCiJob('acme/widget', {
        tags: ['kvm'],
        script: ['echo sleeping', 'sleep 600'],
        variables: { GIT_STRATEGY: 'none' },
        timeout: 15,
      });
      const result = await runOneJob(harness());
      const step = result!.stages.find((s) => s.stage === 'step_script')!;
      expect(step.exitCode).toBe(SYSTEM_FAILURE_EXIT_CODE);
      expect(step.stderr).toMatch(/step_script ran past the job's timeout of 15 s: the VM is killed/);
      // Killed by run itself, before cleanup came.
      expect(result!.stages.map((s) => s.stage)).toEqual(['prepare_script', 'get_sources', 'step_script']);
      const done = emulator.ciJob(job.id)!;
      expect(done).toMatchObject({ status: 'failed', failureReason: 'runner_system_failure' });
      await expectNothingLeft();
    });

    it('SIGTERM mid-stage (a cancel) kills the VM at once: system failure, nothing left after cleanup', async () => {
      const job = await emulator.createCiJob('acme/widget', {
        tags: ['kvm'],
        script: ['echo started; sleep 600'],
        variables: { GIT_STRATEGY: 'none' },
      });
      const result = await runOneJob(harness({ cancel: { stage: 'step_script', afterMs: 4_000 } }));
      const step = result!.stages.find((s) => s.stage === 'step_script')!;
      // It exits by itself on SIGTERM, before gitlab-runner's SIGKILL would come.
      expect(step.signal).toBeNull();
      expect(step.exitCode).toBe(SYSTEM_FAILURE_EXIT_CODE);
      expect(step.stdout).toContain('started\n');
      expect(step.stderr).toMatch(/step_script was stopped \(SIGTERM/);
      expect(result!.cleanup?.exitCode).toBe(0);
      expect(emulator.ciJob(job.id)!.failureReason).toBe('runner_system_failure');
      await expectNothingLeft();
    });

    it('a VM that does not boot fails prepare with the system failure code and leaves nothing', async () => {
      const job = await emulator.createCiJob('acme/widget', { tags: ['kvm'], script: ['true'] });
      const result = await runOneJob(
        harness({}, ['--kernel-arguments', 'rdinit=/no/such/init', '--saved-states', 'off']),
      );
      expect(result!.prepare.exitCode).toBe(SYSTEM_FAILURE_EXIT_CODE);
      expect(result!.prepare.stderr).toMatch(
        /ironbots: cannot start the job's VM: the VM stopped while starting/,
      );
      expect(result!.stages).toEqual([]);
      expect(emulator.ciJob(job.id)!.failureReason).toBe('runner_system_failure');
      await expectNothingLeft();
    });

    it('the VM of a killed gitlab-runner (no cleanup) is reaped by the next prepare', async () => {
      await emulator.createCiJob('acme/widget', {
        tags: ['kvm'],
        script: ['true'],
        variables: { GIT_STRATEGY: 'none' },
        timeout: 1,
      });
      expect(await runOneJob(harness({ dieAfter: 'prepare' }, ['--reap-grace', '0']))).toBeUndefined();
      expect(qemuProcessesUnder(stateDir)).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await emulator.createCiJob('acme/widget', {
        tags: ['kvm'],
        script: ['true'],
        variables: { GIT_STRATEGY: 'none' },
      });
      const next = await runOneJob(harness({}, ['--reap-grace', '0']));
      expect(next!.prepare.stdout).toMatch(
        /reaped the VM of r\d+-c0-j\d+: its timeout of 1 s passed 0 s ago/,
      );
      expect(next!.prepare.stdout).toContain('reaped 1 leftover VM(s)');
      expect(next!.state).toBe('success');
      await expectNothingLeft();
    });

    describe('bad input', () => {
      function driver(args: string[], env: Record<string, string>) {
        const result = spawnSync(
          process.execPath,
          [path.join(repoRoot, 'cli/ironbots.ts'), 'gitlab-executor', ...args],
          {
            env: {
              PATH: process.env.PATH,
              HOME: process.env.HOME,
              IRONBOTS_GITLAB_STATE_DIR: stateDir,
              ...env,
            },
            encoding: 'utf8',
          },
        );
        return { code: result.status, stderr: result.stderr, stdout: result.stdout };
      }
      const runnerEnv = {
        BUILD_FAILURE_EXIT_CODE: String(BUILD_FAILURE_EXIT_CODE),
        SYSTEM_FAILURE_EXIT_CODE: String(SYSTEM_FAILURE_EXIT_CODE),
        CUSTOM_ENV_CI_JOB_ID: '999',
      };

      it('an unknown stage, a missing script: the system failure code under gitlab-runner, 2 by hand', () => {
        const unknown = driver(['run', '/etc/hostname', 'build_everything'], runnerEnv);
        expect(unknown.code).toBe(SYSTEM_FAILURE_EXIT_CODE);
        expect(unknown.stderr).toMatch(/unknown stage "build_everything"/);
        const missing = driver(['run', path.join(tmp.dir, 'no-such-script'), 'step_script'], runnerEnv);
        expect(missing.code).toBe(SYSTEM_FAILURE_EXIT_CODE);
        expect(missing.stderr).toMatch(/the script .*no-such-script of stage step_script does not exist/);
        const byHand = driver(['run'], { CUSTOM_ENV_CI_JOB_ID: '999' });
        expect(byHand.code).toBe(2);
        expect(byHand.stderr).toMatch(/run needs two arguments/);
      });

      it('no CUSTOM_ENV_CI_JOB_ID: says so, for every stage', () => {
        for (const stage of ['prepare', 'cleanup']) {
          const byHand = driver([stage], {});
          expect(byHand.code).toBe(2);
          expect(byHand.stderr).toMatch(/CUSTOM_ENV_CI_JOB_ID is not set/);
        }
        const underRunner = driver(['cleanup'], { SYSTEM_FAILURE_EXIT_CODE: '7' });
        expect(underRunner.code).toBe(7);
      });

      it('run without a prepared VM is a system failure that says so; cleanup of nothing is fine', () => {
        const run = driver(['run', '/etc/hostname', 'step_script'], runnerEnv);
        expect(run.code).toBe(SYSTEM_FAILURE_EXIT_CODE);
        expect(run.stderr).toMatch(/no VM was prepared for job 999 .*: prepare must run and succeed first/);
        const cleanup = driver(['cleanup'], runnerEnv);
        expect(cleanup.code).toBe(0);
        expect(cleanup.stdout).toBe('nothing to clean up for job 999\n');
      });
    });
  },
);
