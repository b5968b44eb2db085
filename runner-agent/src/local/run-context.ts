import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../../../core/logger.ts';
import { JobRunner, verdictOf, type Verdict } from '../agent/job-runner.ts';
import { createExecutors, ensureLocalBusyboxImage, LOCAL_BUSYBOX_IMAGE } from '../deployment/executors.ts';
import { ensureLocalVmImage } from '../deployment/vm-setup.ts';
import type { ExecutorName, Job } from '../jobs/job.ts';
import { jobFromContext, parseProjectConfig, PROJECT_CONFIG_PATH } from '../planner/project-config.ts';
import { defaultCacheDir } from '../vm/debian-kernel.ts';

const run = promisify(execFile);

export interface RunContextOptions {
  /** The project directory: its `.ironbots.yml` and its files (uncommitted changes included). */
  dir: string;
  context: string;
  /** Run in this executor instead of the context's own. */
  executor?: ExecutorName;
  /** Run in this image instead of the context's own (podman image, or VM image name / blob). */
  image?: string;
  /** Executor state (podman storage, VM overlays) lives here; default the ironbots cache. */
  stateDir?: string;
  /** The job's log, byte for byte as the agent would store it. */
  output(chunk: Buffer | string): void;
  /** Lines about preparing the run (image builds), for a person. */
  print(line: string): void;
  logger: Logger;
  signal: AbortSignal;
}

/** How `ironbots run` ended; `usage` is a problem with the request itself (exit 2). */
export type RunContextResult =
  | { kind: 'verdict'; verdict: Verdict }
  | { kind: 'infrastructure-error'; message: string }
  | { kind: 'usage'; message: string };

/**
 * Runs one context of a project's `.ironbots.yml` on this machine through the agent's JobRunner, with no
 * server and no queue: the command a person uses to debug what the infrastructure runs. The job works on a
 * copy of the project's files (what git would commit plus uncommitted changes; ignored files stay out).
 */
export async function runContext(options: RunContextOptions): Promise<RunContextResult> {
  const dir = path.resolve(options.dir);
  const configFile = path.join(dir, PROJECT_CONFIG_PATH);
  if (!existsSync(configFile)) return { kind: 'usage', message: `${dir} has no ${PROJECT_CONFIG_PATH}` };
  let job: Job;
  try {
    const config = parseProjectConfig(await readFile(configFile, 'utf8'));
    const spec = config.contexts[options.context];
    if (!spec)
      return {
        kind: 'usage',
        message: `no context "${options.context}" in ${PROJECT_CONFIG_PATH}; it defines: ${Object.keys(config.contexts).join(', ')}`,
      };
    job = {
      ...jobFromContext(options.context, spec, { kind: 'api', ref: 'ironbots run' }, new Date()),
      ...(options.executor ? { executor: options.executor } : {}),
      ...(options.image ? { image: options.image } : {}),
    };
  } catch (error) {
    return { kind: 'usage', message: (error as Error).message };
  }

  const stateDir = path.resolve(options.stateDir ?? path.join(defaultCacheDir(), 'run'));
  const executorsDir = path.join(stateDir, 'executors');
  const workRoot = await mkdtemp(path.join(os.tmpdir(), 'ironbots-run-'));
  try {
    const executors = await createExecutors([job.executor], executorsDir, options.logger);
    if (!executors.length)
      return {
        kind: 'infrastructure-error',
        message: `the ${job.executor} executor does not work on this machine`,
      };
    // Without an image of its own, a context runs in the image `ironbots local` uses for that executor.
    if (job.executor === 'podman' && !job.image) {
      options.print(`no image set: using ${LOCAL_BUSYBOX_IMAGE}, built from this machine's busybox`);
      await ensureLocalBusyboxImage(executorsDir);
      job.image = LOCAL_BUSYBOX_IMAGE;
    }
    if (job.executor === 'vm' && !job.image) {
      options.print('no image set: using the local debian-busybox VM image');
      job.image = await ensureLocalVmImage({ print: options.print });
    }
    await mkdir(workRoot, { recursive: true });
    const runner = new JobRunner({ executors, workRoot, gitCredentials: () => null });
    const result = await runner.run({
      jobId: randomUUID(),
      job,
      runner: 'local',
      attempt: 1,
      maxAttempts: 1,
      source: { kind: 'directory', dir, files: await projectFiles(dir) },
      output: options.output,
      signal: options.signal,
    });
    if (result.outcome.kind === 'infrastructure-error')
      return { kind: 'infrastructure-error', message: result.outcome.message };
    return {
      kind: 'verdict',
      verdict: verdictOf(result.outcome, {
        job,
        runner: 'local',
        durationMs: result.durationMs,
        ...(result.note ? { note: result.note } : {}),
        cancelReason: options.signal.reason,
      }),
    };
  } catch (error) {
    return { kind: 'infrastructure-error', message: (error as Error).message };
  } finally {
    await rm(workRoot, { recursive: true, force: true });
  }
}

/** What git would commit, plus untracked files that are not ignored; every file outside git otherwise. */
async function projectFiles(dir: string): Promise<string[]> {
  try {
    const { stdout } = await run(
      'git',
      ['-C', dir, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      { maxBuffer: 256 * 1024 * 1024 },
    );
    // A tracked file deleted in the working tree is not part of what the person runs.
    return [...new Set(stdout.split('\0').filter(Boolean))].filter((f) => existsSync(path.join(dir, f)));
  } catch {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => !e.isDirectory())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
  }
}
