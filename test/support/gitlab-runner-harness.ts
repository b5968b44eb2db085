import { GIT_ENV } from './git-fixture.ts';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** gitlab-runner's exit codes for the custom executor (executors/custom: 1 build failure, 2 system failure). */
export const BUILD_FAILURE_EXIT_CODE = 1;
export const SYSTEM_FAILURE_EXIT_CODE = 2;

/** What a job request returns (the parts the harness uses). */
interface JobResponse {
  id: number;
  token: string;
  variables: { key: string; value: string }[];
  steps: { name: string; script: string[] }[];
  git_info: { repo_url: string; sha: string };
  runner_info: { timeout: number };
  image: { name: string } | null;
}

export interface HarnessOptions {
  gitlabUrl: string;
  runnerToken: string;
  /** `config_args` after `gitlab-executor config` (the driver's options; later stages get them by job_env). */
  configArgs: string[];
  /** `[[runners]] shell`: the shell the scripts are written for. */
  shell: 'bash' | 'sh';
  /** `[[runners]] clone_url`: how the job's VM reaches GitLab's git. */
  cloneUrl?: string;
  concurrentId?: number;
  /** Extra environment of the driver processes (the host's, as gitlab-runner's own environment). */
  env?: Record<string, string>;
  /** Cancel the job (SIGTERM to the stage's process group) this long after `stage` started. */
  cancel?: { stage: string; afterMs: number };
  /** Play a gitlab-runner killed after this stage: no further stage, no cleanup, no final state. */
  dieAfter?: string;
  /** `exec_terminate_timeout`: SIGKILL after SIGTERM. */
  terminateTimeoutMs?: number;
}

export interface StageRun {
  stage: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface HarnessResult {
  jobId: number;
  config: Record<string, unknown>;
  prepare: StageRun;
  stages: StageRun[];
  cleanup: StageRun | undefined;
  /** What the harness reported to GitLab (undefined when it played a killed runner). */
  state: 'success' | 'failed' | undefined;
  failureReason: 'script_failure' | 'runner_system_failure' | undefined;
}

/**
 * Plays gitlab-runner with a custom executor whose driver is `ironbots gitlab-executor`: requests a job,
 * runs config → prepare → run × stages → cleanup as separate processes (each in a process group of its own,
 * with every CI variable as CUSTOM_ENV_*, the exit code variables and JOB_RESPONSE_FILE, the config's
 * job_env), writes each stage's script to a 0700 temp dir as gitlab-runner's shell writer does, streams
 * their output to the job's trace, and reports the job's state with gitlab-runner's failure reasons.
 */
export async function runOneJob(o: HarnessOptions): Promise<HarnessResult | undefined> {
  const api = async (method: string, route: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${o.gitlabUrl}/api/v4/${route}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const requested = await api('POST', 'jobs/request', { token: o.runnerToken, info: { executor: 'custom' } });
  if (requested.status === 204) return undefined;
  if (requested.status !== 201)
    throw new Error(`jobs/request: ${requested.status} ${await requested.text()}`);
  const job = (await requested.json()) as JobResponse;
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'gitlab-runner-custom-'));
  let traceLength = 0;
  let traceChain = Promise.resolve();
  const trace = (text: string) => {
    traceChain = traceChain.then(async () => {
      const bytes = Buffer.byteLength(text);
      if (!bytes) return;
      const response = await api('PATCH', `jobs/${job.id}/trace`, text, {
        'job-token': job.token,
        'content-range': `${traceLength}-${traceLength + bytes - 1}`,
        'content-type': 'text/plain',
      });
      if (response.status !== 202) throw new Error(`trace: ${response.status}`);
      traceLength += bytes;
    });
  };
  try {
    const responseFile = path.join(tmp, 'response.json');
    await writeFile(responseFile, JSON.stringify(job));
    const variables: Record<string, string> = Object.fromEntries(job.variables.map((v) => [v.key, v.value]));
    if (o.cloneUrl) {
      // clone_url: the repository URL with the runner's idea of where GitLab is.
      const repo = new URL(variables.CI_REPOSITORY_URL!);
      const clone = new URL(o.cloneUrl);
      repo.protocol = clone.protocol;
      repo.host = clone.host;
      variables.CI_REPOSITORY_URL = repo.toString();
    }
    const baseEnv: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/nonexistent',
      BUILD_FAILURE_EXIT_CODE: String(BUILD_FAILURE_EXIT_CODE),
      SYSTEM_FAILURE_EXIT_CODE: String(SYSTEM_FAILURE_EXIT_CODE),
      JOB_RESPONSE_FILE: responseFile,
      ...o.env,
    };
    const customEnv = (vars: Record<string, string>) =>
      Object.fromEntries(Object.entries(vars).map(([k, v]) => [`CUSTOM_ENV_${k}`, v]));
    trace('Running with gitlab-runner (ironbots test harness)\n');
    const configRun = await runDriver(
      ['config', ...o.configArgs],
      { ...baseEnv, ...customEnv(variables) },
      o,
    );
    if (configRun.exitCode !== 0) throw new Error(`config failed: ${configRun.stderr}`);
    const config = JSON.parse(configRun.stdout) as {
      builds_dir: string;
      job_env?: Record<string, string>;
      driver?: { name: string; version: string };
    };
    trace(`Using Custom executor with driver ${config.driver?.name} ${config.driver?.version}...\n`);
    const concurrentId = String(o.concurrentId ?? 0);
    const projectDir = path.posix.join(config.builds_dir, variables.CI_PROJECT_PATH!);
    Object.assign(variables, {
      CI_BUILDS_DIR: config.builds_dir,
      CI_PROJECT_DIR: projectDir,
      CI_CONCURRENT_ID: concurrentId,
      CI_CONCURRENT_PROJECT_ID: concurrentId,
      CI_RUNNER_SHORT_TOKEN: o.runnerToken.slice(5, 14),
      CI_SERVER: 'yes',
    });
    const env = { ...baseEnv, ...(config.job_env ?? {}), ...customEnv(variables) };
    const streamed = (chunk: string) => trace(chunk);

    const prepare = await runDriver(['prepare'], env, o, streamed);
    const stages: StageRun[] = [];
    let outcome: 'success' | 'script_failure' | 'runner_system_failure' = 'success';
    let stopped = false;
    const verdict = (run: StageRun): typeof outcome => {
      if (run.exitCode === 0) return 'success';
      if (run.exitCode === BUILD_FAILURE_EXIT_CODE) return 'script_failure';
      return 'runner_system_failure';
    };
    if (prepare.exitCode !== 0) outcome = 'runner_system_failure';
    if (o.dieAfter === 'prepare') return undefined;
    const scripts = stageScripts(job, variables, o.shell);
    const runStage = async (stage: string): Promise<StageRun> => {
      trace(`Executing "${stage}" stage of the job script\n`);
      const file = path.join(tmp, `script-${stage}`);
      await writeFile(file, scripts[stage]!, { mode: 0o700 });
      const run = await runDriver(
        ['run', file, stage],
        { ...env },
        o,
        streamed,
        o.cancel?.stage === stage ? o.cancel.afterMs : undefined,
      );
      stages.push(run);
      if (run.signal || o.cancel?.stage === stage) stopped = true;
      return run;
    };
    if (outcome === 'success') {
      for (const stage of ['prepare_script', 'get_sources', 'step_script']) {
        const run = await runStage(stage);
        if (o.dieAfter === stage) return undefined;
        outcome = verdict(run);
        if (outcome !== 'success' || stopped) break;
      }
      if (!stopped && outcome !== 'runner_system_failure') {
        if (scripts.after_script) await runStage('after_script');
        await runStage(outcome === 'success' ? 'upload_artifacts_on_success' : 'upload_artifacts_on_failure');
        await runStage('cleanup_file_variables');
      }
    }
    const cleanup = await runDriver(['cleanup'], env, o, streamed);
    if (outcome !== 'success') trace(`ERROR: Job failed: ${outcome}\n`);
    else trace('Job succeeded\n');
    await traceChain;
    const state = outcome === 'success' ? 'success' : 'failed';
    const put = await api('PUT', `jobs/${job.id}`, {
      token: job.token,
      state,
      ...(outcome === 'success' ? {} : { failure_reason: outcome }),
    });
    if (put.status !== 200) throw new Error(`PUT jobs/${job.id}: ${put.status} ${await put.text()}`);
    return {
      jobId: job.id,
      config: config as Record<string, unknown>,
      prepare,
      stages,
      cleanup,
      state,
      failureReason: outcome === 'success' ? undefined : outcome,
    };
  } finally {
    await traceChain.catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * The scripts gitlab-runner's shell writer makes for each stage, simplified: every variable exported, errexit,
 * `$ command` echoed before each of the job's lines, the job's work in $CI_PROJECT_DIR.
 */
function stageScripts(job: JobResponse, variables: Record<string, string>, shell: 'bash' | 'sh') {
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const header = [
    shell === 'bash' ? 'set -eo pipefail' : 'set -e',
    ...Object.entries(variables).map(([k, v]) => `export ${k}=${q(v)}`),
  ].join('\n');
  const commands = (lines: string[]) => lines.flatMap((line) => [`echo ${q(`$ ${line}`)}`, line]).join('\n');
  const steps = Object.fromEntries(job.steps.map((s) => [s.name, s.script]));
  const gitStrategy = variables.GIT_STRATEGY ?? 'clone';
  const scripts: Record<string, string> = {
    prepare_script: `${header}\necho "Running on $(hostname)..."\n`,
    get_sources:
      gitStrategy === 'none'
        ? `${header}\necho 'Skipping Git repository setup'\nmkdir -p "$CI_PROJECT_DIR"\n`
        : `${header}\necho "Fetching changes..."\nrm -rf "$CI_PROJECT_DIR"\nmkdir -p "$(dirname "$CI_PROJECT_DIR")"\n` +
          `git clone -q "$CI_REPOSITORY_URL" "$CI_PROJECT_DIR"\ncd "$CI_PROJECT_DIR"\n` +
          `git -c advice.detachedHead=false checkout -q ${q(job.git_info.sha)}\necho "Checking out \${CI_COMMIT_SHA%????????????????????????????????}"\n`,
    step_script: `${header}\ncd "$CI_PROJECT_DIR"\n${commands(steps.script ?? [])}\n`,
    upload_artifacts_on_success: `${header}\n: nothing to upload\n`,
    upload_artifacts_on_failure: `${header}\n: nothing to upload\n`,
    cleanup_file_variables: `${header}\nrm -rf "$CI_PROJECT_DIR.tmp"\n`,
  };
  if (steps.after_script)
    scripts.after_script = `${header}\ncd "$CI_PROJECT_DIR"\n${commands(steps.after_script)}\n`;
  return scripts;
}

/**
 * One driver process, as gitlab-runner runs it: its own process group; SIGTERM to the group after cancelMs,
 * SIGKILL after the terminate timeout. stdout and stderr go to the trace as they come.
 */
function runDriver(
  args: string[],
  env: Record<string, string>,
  o: HarnessOptions,
  onOutput?: (chunk: string) => void,
  cancelMs?: number,
): Promise<StageRun> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'cli/ironbots.ts'), 'gitlab-executor', ...args],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onOutput?.(d.toString());
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onOutput?.(d.toString());
    });
    const group = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // gone
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const cancelTimer =
      cancelMs === undefined
        ? undefined
        : setTimeout(() => {
            group('SIGTERM');
            killTimer = setTimeout(() => group('SIGKILL'), o.terminateTimeoutMs ?? 30_000);
          }, cancelMs);
    child.once('close', (exitCode, signal) => {
      clearTimeout(cancelTimer);
      clearTimeout(killTimer);
      resolve({ stage: args[0] === 'run' ? args[2]! : args[0]!, exitCode, signal, stdout, stderr });
    });
  });
}

/** Pushes one commit holding `files` to `main` of a project on the emulator, with git over smart HTTP. */
export async function pushProject(
  gitlabUrl: string,
  token: string,
  fullPath: string,
  files: Record<string, string>,
): Promise<string> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { mkdir } = await import('node:fs/promises');
  const run = promisify(execFile);
  const work = await mkdtemp(path.join(os.tmpdir(), 'gitlab-push-'));
  const env = GIT_ENV;
  try {
    const git = (...args: string[]) => run('git', ['-C', work, ...args], { env });
    await git('init', '--quiet', '--initial-branch', 'main');
    for (const [name, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(work, name)), { recursive: true });
      await writeFile(path.join(work, name), content);
    }
    await git('add', '--all');
    await git('commit', '--quiet', '-m', 'the project');
    const url = new URL(`${gitlabUrl}/${fullPath}.git`);
    url.username = 'oauth2';
    url.password = token;
    await git('push', '--quiet', url.toString(), 'main');
    return (await git('rev-parse', 'HEAD')).stdout.trim();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
