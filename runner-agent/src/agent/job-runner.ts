import { appendFile, cp, lstat, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ExecutionOutcome, Executor } from '../executors/executor.ts';
import { buildJobEnvironment } from '../executors/job-environment.ts';
import { formatBytes } from '../../../core/sizes.ts';
import { artifactPathProblem } from '../logs/artifact-path.ts';
import type { Job } from '../jobs/job.ts';
import { formatDuration } from '../jobs/status-text.ts';
import type { RunnerLauncher } from '../runners/jit-runner-launcher.ts';
import { checkoutCommit } from './checkout.ts';
import { readKnownIssues, type KnownIssue } from './known-issues.ts';

export interface JobRunnerOptions {
  executors: readonly Executor[];
  /** Per-job working directories are created below here and removed afterwards. */
  workRoot: string;
  /** Credentials for cloning the job's repository; null for public repositories or none at all. */
  gitCredentials(): { username: string; password: string } | null;
  /** The most a job's artifacts may add up to; files past it are not kept. Default 1 GiB. */
  maxArtifactBytes?: number;
  /** The most artifact files a job may keep. Default 1000. */
  maxArtifactFiles?: number;
  /** Runs GitHub Actions runner jobs (registered runners); without one they fail as an infrastructure error. */
  runners?: RunnerLauncher;
  /** How the log names a pull request's number: `#12` (GitHub, the default) or `!12` (a GitLab merge request). */
  pullRequestMark?: '#' | '!';
}

/** Where the files a job leaves in $IRONBOTS_ARTIFACTS go (the agent: its log store, beside the log). */
export interface ArtifactSink {
  /** Keeps the local file `file` as artifact `artifactPath`; a rejection is reported, never fatal to the job. */
  put(artifactPath: string, file: string): Promise<void>;
}

/**
 * $IRONBOTS_ARTIFACTS: a directory inside the working directory, because that is what every executor shares
 * with the job at the same path (a podman mount, a VM's 9p share); git is told to ignore it.
 */
export const ARTIFACTS_DIR = '.ironbots-artifacts';

/**
 * Where a cross-project job's infrastructure pull request is checked out ($IRONBOTS_INFRA_DIR): inside the
 * working directory for the same reason as the artifacts, and ignored by the project's git alike.
 */
export const INFRA_DIR = '.ironbots-infra';

/** One run of a job: what the agent leased, or what `ironbots run` made of a context. */
export interface JobRun {
  jobId: string;
  job: Job;
  /** Who runs it, for the log and the status text (an agent's name, or `local`). */
  runner: string;
  attempt: number;
  maxAttempts: number;
  /**
   * What the job works on: the job's commit (cloned), or a directory whose files are copied in
   * (`ironbots run` in a person's checkout, uncommitted changes included).
   */
  source?: { kind: 'commit' } | { kind: 'directory'; dir: string; files: readonly string[] };
  /** Every byte of the job's log: ironbots' own lines, the checkout's and the command's output. */
  output(chunk: Buffer | string): void;
  /**
   * `output` copies what it keeps of a chunk before returning, so executors may pass views of a buffer they
   * reuse (see ExecutionIO.transientChunks).
   */
  transientOutput?: boolean;
  /** See ExecutionIO.backlog: a promise pauses reading the command's output until it settles. */
  backlog?(): Promise<void> | undefined;
  onStarted?(at: number): void;
  /** Without one, what the job leaves in $IRONBOTS_ARTIFACTS goes with its working directory. */
  artifacts?: ArtifactSink;
  signal: AbortSignal;
}

export interface JobRunResult {
  outcome: ExecutionOutcome;
  /** The checkout's known infrastructure failures (.ironbots/known-issues.yml), read before it is removed. */
  knownIssues?: KnownIssue[];
  /** Something the executor wants the status to say, e.g. the VM's acceleration mode. */
  note?: string;
  durationMs: number;
}

/** What a finished run means for the commit status, infrastructure errors aside (those are retried). */
export interface Verdict {
  state: 'success' | 'failure' | 'error' | 'cancelled';
  description: string;
  exitCode?: number;
}

/**
 * Runs one job from start to end: working directory, checkout, executor, log. It knows nothing about
 * queues, leases or statuses, so the agent and `ironbots run` (a person debugging a context) run a job the
 * very same way.
 */
export class JobRunner {
  readonly #o: JobRunnerOptions;
  readonly #executors: Map<string, Executor>;

  constructor(options: JobRunnerOptions) {
    this.#o = options;
    this.#executors = new Map(options.executors.map((e) => [e.name, e]));
  }

  get #mark(): '#' | '!' {
    return this.#o.pullRequestMark ?? '#';
  }

  get executors(): Executor[] {
    return [...this.#executors.values()];
  }

  /** Never throws for anything the job or the machine does: every ending is an ExecutionOutcome. */
  async run(run: JobRun): Promise<JobRunResult> {
    const started = performance.now();
    const { job, jobId } = run;
    const line = (text: string) => run.output(`ironbots: ${text}\n`);
    const workdir = path.join(this.#o.workRoot, jobId);
    const finish = (outcome: ExecutionOutcome, note?: string): JobRunResult => ({
      outcome,
      ...(note ? { note } : {}),
      durationMs: performance.now() - started,
    });
    line(`job ${jobId} (${job.context}) on ${run.runner}, attempt ${run.attempt} of ${run.maxAttempts}`);
    if (job.infra)
      line(
        `infrastructure: ${job.infra.repository.owner}/${job.infra.repository.name}${this.#mark}${job.infra.pullRequest} at ${job.infra.sha}`,
      );
    const executor = this.#executors.get(job.executor);
    if (!executor)
      return finish({ kind: 'infrastructure-error', message: `no ${job.executor} executor here` });
    try {
      await mkdir(workdir, { recursive: true });
      if (job.runner) return await this.#runRunner(run, executor, workdir, line, finish);
      const prepared = await this.#prepare(run, workdir, line);
      if (prepared.kind !== 'exited') return finish(prepared);
      const artifacts = await makeArtifactsDir(workdir);
      line(`running ${JSON.stringify(job.command)} with the ${executor.name} executor`);
      const result = await executor.run(
        {
          jobId,
          argv: job.command,
          workdir,
          env: buildJobEnvironment({
            jobEnv: job.env,
            ci: {
              ...ciVariables(jobId, job),
              ...(job.infra ? infraVariables(job.infra, workdir) : {}),
              IRONBOTS_ATTEMPT: String(run.attempt),
              IRONBOTS_ARTIFACTS: artifacts,
            },
            home: workdir,
          }),
          timeoutMs: job.timeoutSeconds * 1000,
          ...(job.image ? { image: job.image } : {}),
          ...(job.network ? { network: job.network } : {}),
        },
        {
          onOutput: (chunk) => run.output(chunk),
          ...(run.transientOutput ? { transientChunks: true } : {}),
          ...(run.backlog ? { backlog: () => run.backlog!() } : {}),
          ...(run.onStarted ? { onStarted: run.onStarted } : {}),
          signal: run.signal,
          log: line,
        },
      );
      // Whatever the outcome: a failed job's screenshots and reports are what a person wants most.
      if (result.outcome.kind !== 'infrastructure-error') await this.#keepArtifacts(run, artifacts, line);
      const failed = result.outcome.kind === 'exited' && result.outcome.exitCode !== 0;
      const knownIssues = failed
        ? await readKnownIssues(workdir, (message) => line(`warning: ${message}`))
        : [];
      return { ...finish(result.outcome, result.note), ...(knownIssues.length ? { knownIssues } : {}) };
    } catch (error) {
      // A broken executor or a full disk: the machine's fault, never the job's.
      return finish({ kind: 'infrastructure-error', message: (error as Error).message });
    } finally {
      await rm(workdir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** A GitHub Actions runner job: no checkout of ours (the runner makes its own), the launcher's command. */
  async #runRunner(
    run: JobRun,
    executor: Executor,
    workdir: string,
    line: (text: string) => void,
    finish: (outcome: ExecutionOutcome, note?: string) => JobRunResult,
  ): Promise<JobRunResult> {
    const { job, jobId } = run;
    const launcher = this.#o.runners;
    if (!launcher)
      return finish({
        kind: 'infrastructure-error',
        message: 'this agent has no runners.github configuration',
      });
    const ended = await launcher.launch(
      {
        jobId,
        request: job.runner!,
        command: job.command,
        line,
        ...(run.onStarted ? { onStarted: run.onStarted } : {}),
        signal: run.signal,
      },
      ({ argv, env }, io) => {
        line(
          `starting the runner with the ${executor.name} executor${job.image ? ` (image ${job.image})` : ''}`,
        );
        return executor.run(
          {
            jobId,
            argv,
            workdir,
            env: buildJobEnvironment({
              jobEnv: { ...job.env, ...env },
              ci: { IRONBOTS: 'true', IRONBOTS_JOB_ID: jobId, IRONBOTS_ATTEMPT: String(run.attempt) },
              home: workdir,
            }),
            timeoutMs: job.timeoutSeconds * 1000,
            ...(job.image ? { image: job.image } : {}),
            ...(job.network ? { network: job.network } : {}),
          },
          {
            onOutput: (chunk) => run.output(chunk),
            ...(run.transientOutput ? { transientChunks: true } : {}),
            ...(run.backlog ? { backlog: () => run.backlog!() } : {}),
            onStarted: io.onStarted,
            signal: io.signal,
            log: line,
          },
        );
      },
    );
    return finish(ended.outcome, ended.note);
  }

  /**
   * Hands the regular files in the artifacts directory to the run's sink, within the size and count limits.
   * Symbolic links are never followed (a job's link could point anywhere on this machine), other special
   * files are skipped; each is said in the log, as is a file the sink could not keep.
   */
  async #keepArtifacts(run: JobRun, dir: string, line: (text: string) => void): Promise<void> {
    const maxBytes = this.#o.maxArtifactBytes ?? 1024 ** 3;
    const maxFiles = this.#o.maxArtifactFiles ?? 1000;
    const found = await artifactFiles(dir);
    if (found.length === 0) return;
    if (!run.artifacts) {
      line(
        `${found.length} file(s) in $IRONBOTS_ARTIFACTS are not kept here (only an agent keeps artifacts)`,
      );
      return;
    }
    let kept = 0;
    let keptBytes = 0;
    for (const file of found) {
      if (file.skip) {
        line(`not keeping artifact ${file.path}: ${file.skip}`);
        continue;
      }
      if (kept >= maxFiles || keptBytes + file.bytes > maxBytes) {
        line(
          `not keeping artifact ${file.path}: over the limit of ${maxFiles} files or ${formatBytes(maxBytes)} per job`,
        );
        continue;
      }
      try {
        await run.artifacts.put(file.path, path.join(dir, ...file.path.split('/')));
        kept++;
        keptBytes += file.bytes;
      } catch (error) {
        line(`warning: could not keep artifact ${file.path}: ${(error as Error).message}`);
      }
    }
    line(`kept ${kept} artifact(s), ${formatBytes(keptBytes)}`);
  }

  async #prepare(run: JobRun, workdir: string, line: (text: string) => void): Promise<ExecutionOutcome> {
    const { job } = run;
    const source = run.source ?? { kind: 'commit' };
    if (source.kind === 'directory') {
      line(`copying ${source.files.length} file(s) of ${source.dir}`);
      for (const file of source.files) {
        await cp(path.join(source.dir, file), path.join(workdir, file), {
          recursive: true,
          verbatimSymlinks: true,
        });
      }
      return { kind: 'exited', exitCode: 0 };
    }
    // A project tested for an infrastructure pull request: the status goes on that, the project is checked out.
    const tree =
      job.checkout ?? (job.repository && job.sha ? { repository: job.repository, sha: job.sha } : null);
    if (!tree) return { kind: 'exited', exitCode: 0 };
    if (job.checkout && job.repository && job.sha)
      line(
        `testing for ${job.repository.owner}/${job.repository.name} at ${job.sha} (its status goes there)`,
      );
    line(`checking out ${tree.repository.owner}/${tree.repository.name} at ${tree.sha}`);
    const project = await this.#checkout(run, tree.repository.cloneUrl, tree.sha, workdir);
    if (project.kind !== 'exited' || !job.infra) return project;
    const infra = job.infra;
    const infraDir = path.join(workdir, INFRA_DIR);
    line(
      `checking out ${infra.repository.owner}/${infra.repository.name}${this.#mark}${infra.pullRequest} at ${infra.sha} into $IRONBOTS_INFRA_DIR (${INFRA_DIR})`,
    );
    // Not part of the project's checkout: its `git status` does not see the other repository.
    await appendFile(path.join(workdir, '.git', 'info', 'exclude'), `/${INFRA_DIR}/\n`);
    await mkdir(infraDir);
    return this.#checkout(run, infra.repository.cloneUrl, infra.sha, infraDir);
  }

  /** One commit into `dir`; a failure is the infrastructure's (retried), or a cancellation. */
  #checkout(run: JobRun, cloneUrl: string, sha: string, dir: string): Promise<ExecutionOutcome> {
    return checkoutCommit({
      cloneUrl,
      sha,
      dir,
      credentials: this.#o.gitCredentials(),
      onOutput: (chunk) => run.output(chunk),
      signal: run.signal,
    }).then(
      () => ({ kind: 'exited', exitCode: 0 }) as ExecutionOutcome,
      (error: Error) =>
        run.signal.aborted
          ? ({ kind: 'cancelled' } as ExecutionOutcome)
          : ({ kind: 'infrastructure-error', message: error.message } as ExecutionOutcome),
    );
  }
}

/**
 * The commit status a run earns: `Passed in 12 s [agent]`, `Failed (exit code 1) in 3.0 s [agent]` … The tag
 * names the runner (and the executor's note) so a person knows where to look.
 */
export function verdictOf(
  outcome: Exclude<ExecutionOutcome, { kind: 'infrastructure-error' }>,
  run: { job: Job; runner: string; durationMs: number; note?: string; cancelReason?: unknown },
): Verdict {
  const tag = run.note ? `[${run.runner}, ${run.note}]` : `[${run.runner}]`;
  const took = formatDuration(run.durationMs);
  switch (outcome.kind) {
    case 'exited':
      return outcome.exitCode === 0
        ? { state: 'success', description: `Passed in ${took} ${tag}`, exitCode: 0 }
        : {
            state: 'failure',
            description: `Failed (exit code ${outcome.exitCode}) in ${took} ${tag}`,
            exitCode: outcome.exitCode,
          };
    case 'timed-out':
      return { state: 'failure', description: `Timed out after ${run.job.timeoutSeconds} s ${tag}` };
    case 'cancelled': {
      const reason = run.cancelReason instanceof Error ? run.cancelReason.message : 'by request';
      return { state: 'cancelled', description: `Cancelled: ${reason} ${tag}` };
    }
  }
}

async function makeArtifactsDir(workdir: string): Promise<string> {
  const dir = path.join(workdir, ARTIFACTS_DIR);
  await mkdir(dir, { recursive: true });
  // Not part of the checkout: `git status` and `git clean -n` in the job do not see it.
  await appendFile(path.join(workdir, '.git', 'info', 'exclude'), `/${ARTIFACTS_DIR}/\n`).catch(
    () => undefined,
  );
  return dir;
}

interface FoundArtifact {
  path: string;
  bytes: number;
  /** Why it is not kept, for anything but a regular file. */
  skip?: string;
}

/** Every entry below `dir`, sorted by path, looked at with lstat: links are reported, not followed. */
async function artifactFiles(dir: string): Promise<FoundArtifact[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  const found: FoundArtifact[] = [];
  for (const entry of entries.sort()) {
    const info = await lstat(path.join(dir, entry)).catch(() => null);
    if (!info || info.isDirectory()) continue;
    const artifactPath = entry.split(path.sep).join('/');
    const problem = artifactPathProblem(artifactPath);
    found.push({
      path: artifactPath,
      bytes: info.size,
      ...(info.isSymbolicLink()
        ? { skip: 'a symbolic link (links are not followed)' }
        : !info.isFile()
          ? { skip: 'not a regular file' }
          : problem
            ? { skip: `its name has ${problem}` }
            : {}),
    });
  }
  return found;
}

/** Where the infrastructure pull request of a cross-project job is, and which commit of it. */
function infraVariables(infra: NonNullable<Job['infra']>, workdir: string): Record<string, string> {
  return {
    IRONBOTS_INFRA_DIR: path.join(workdir, INFRA_DIR),
    IRONBOTS_INFRA_REPOSITORY: `${infra.repository.owner}/${infra.repository.name}`,
    IRONBOTS_INFRA_PULL_REQUEST: String(infra.pullRequest),
    IRONBOTS_INFRA_SHA: infra.sha,
  };
}

/** What a job can learn about itself, like GitHub's GITHUB_* variables. */
function ciVariables(jobId: string, job: Job): Record<string, string> {
  const vars: Record<string, string> = {
    IRONBOTS: 'true',
    IRONBOTS_JOB_ID: jobId,
    IRONBOTS_CONTEXT: job.context,
  };
  // What is checked out in the working directory; its pull request only when the status goes on it.
  const tree = job.checkout ?? job;
  if (tree.repository) vars.IRONBOTS_REPOSITORY = `${tree.repository.owner}/${tree.repository.name}`;
  if (tree.sha) vars.IRONBOTS_SHA = tree.sha;
  if (job.pullRequest && !job.checkout) vars.IRONBOTS_PULL_REQUEST = String(job.pullRequest);
  return vars;
}
