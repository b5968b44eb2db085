import { mkdir, rm } from 'node:fs/promises';
import type { CommitState, CommitStatuses, GitAccess, PullRequests } from '../../../forge/forge.ts';
import type { Executor } from '../executors/executor.ts';
import type { Job } from '../jobs/job.ts';
import { inProgress } from '../jobs/status-text.ts';
import type { JobLogState, LogStore, LogWriter } from '../logs/log-store.ts';
import type { Logger } from '../../../core/logger.ts';
import type { SecretRegistry } from '../../../core/secrets.ts';
import { LeaseLostError, QueueClosedError, type Lease, type Queue } from '../queue/queue.ts';
import { JobRunner, verdictOf, type JobRunResult } from './job-runner.ts';
import { StatusReporter } from './status-reporter.ts';

export interface AgentOptions {
  name: string;
  /** Labels the machine offers (e.g. x86_64, public); the executors' own labels are added. */
  labels: readonly string[];
  jobs: Queue<Job>;
  executors: readonly Executor[];
  /** Where statuses go; null for an agent that only runs jobs without a commit. */
  forge: (CommitStatuses & PullRequests & GitAccess) | null;
  logStore: LogStore;
  /** The URL under which a job's live log is served: the status's target URL. */
  logUrl(jobId: string): string;
  /** Per-job checkouts are created below here and removed afterwards. */
  workRoot: string;
  logger: Logger;
  secrets: SecretRegistry;
  /** How many jobs run at once. Default 1. */
  concurrency?: number;
  /** A lease is extended every third of this while its job runs. Default 5 min. */
  visibilityTimeoutMs?: number;
  /** How often a running PR job checks whether its PR moved on or closed. Default 30 s. */
  supersededPollMs?: number;
  onEvent?: (event: AgentEvent) => void;
}

export type AgentEvent =
  | { type: 'leased'; jobId: string; context: string; at: number; enqueuedAt: number }
  | { type: 'started'; jobId: string; at: number }
  | { type: 'finished'; jobId: string; state: JobLogState | 'retry'; description: string; at: number };

export interface JobReport {
  jobId: string;
  state: JobLogState | 'retry';
  description: string;
  exitCode?: number;
}

/**
 * Takes jobs whose labels it satisfies, runs each in its executor, streams the log to the log store and
 * reports commit statuses: `In progress [agent]` → success / failure / error. A failure of the machinery
 * (checkout, VM boot) is retried on another attempt; a failing test is not.
 */
export class Agent {
  readonly #o: AgentOptions;
  readonly #runner: JobRunner;
  readonly #visibilityTimeoutMs: number;
  #offered: string[] = [];
  #stopping = new AbortController();
  readonly #running = new Map<string, AbortController>();
  #loops: Promise<void>[] = [];

  constructor(options: AgentOptions) {
    this.#o = options;
    this.#runner = new JobRunner({
      executors: options.executors,
      workRoot: options.workRoot,
      gitCredentials: () => options.forge?.gitCredentials() ?? null,
    });
    this.#visibilityTimeoutMs = options.visibilityTimeoutMs ?? 300_000;
  }

  get name(): string {
    return this.#o.name;
  }

  /** Everything the agent offers: its own labels plus what its executors bring (executor:vm, kvm …). */
  async offeredLabels(): Promise<string[]> {
    const labels = new Set(this.#o.labels);
    for (const executor of this.#runner.executors) for (const l of await executor.labels()) labels.add(l);
    return [...labels].sort();
  }

  async start(): Promise<void> {
    for (const executor of this.#runner.executors) await executor.reapLeftovers?.();
    await rm(this.#o.workRoot, { recursive: true, force: true });
    await mkdir(this.#o.workRoot, { recursive: true });
    this.#offered = await this.offeredLabels();
    this.#o.logger.info({ agent: this.name, labels: this.#offered }, 'agent started');
    const slots = Math.max(1, this.#o.concurrency ?? 1);
    this.#loops = Array.from({ length: slots }, () => this.#loop());
  }

  /** Stops taking jobs; running jobs are cancelled and handed back to the queue for another agent. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    for (const controller of this.#running.values()) controller.abort(new AgentStoppingError());
    await Promise.all(this.#loops);
  }

  async #loop(): Promise<void> {
    const signal = this.#stopping.signal;
    while (!signal.aborted) {
      let lease: Lease<Job> | null;
      try {
        lease = await this.#o.jobs.lease(
          { name: this.name, labels: this.#offered },
          { visibilityTimeoutMs: this.#visibilityTimeoutMs, waitMs: 5_000, signal },
        );
      } catch (error) {
        if (error instanceof QueueClosedError || signal.aborted) return;
        this.#o.logger.error({ err: error }, 'leasing failed; retrying');
        await new Promise((r) => setTimeout(r, 1_000));
        continue;
      }
      if (lease) await this.runLease(lease);
    }
  }

  /** Runs one leased job to its end. Never throws: every way a job can end becomes a status and a log. */
  async runLease(lease: Lease<Job>): Promise<JobReport> {
    const jobId = lease.message.id;
    const job = lease.message.payload;
    const { attempt, maxAttempts } = lease.message;
    const log = this.#o.logger.child({ jobId, context: job.context, attempt });
    const started = performance.now();
    this.#o.onEvent?.({
      type: 'leased',
      jobId,
      context: job.context,
      at: performance.timeOrigin + started,
      enqueuedAt: lease.message.enqueuedAt,
    });

    const reporter = new StatusReporter({
      forge: this.#o.forge,
      target: job.repository && job.sha ? { repo: job.repository, sha: job.sha } : null,
      logger: log,
      secrets: this.#o.secrets,
    });
    const cancel = new AbortController();
    this.#running.set(jobId, cancel);

    let writer: LogWriter | undefined;
    let report: JobReport;
    const heartbeat = this.#heartbeat(lease, cancel, log);
    const supersededWatch = this.#watchSuperseded(job, cancel, log);
    try {
      writer = await this.#o.logStore.create({
        jobId,
        context: job.context,
        state: 'running',
        agent: this.name,
        attempt,
        startedAt: new Date().toISOString(),
      });
      void reporter.post({
        state: 'pending',
        context: job.context,
        description: inProgress(this.name),
        targetUrl: this.#o.logUrl(jobId),
      });
      const output = writer;
      const result = await this.#runner.run({
        jobId,
        job,
        runner: `agent ${this.name}`,
        attempt,
        maxAttempts,
        output: (chunk) => output.append(chunk),
        onStarted: (at) => this.#o.onEvent?.({ type: 'started', jobId, at }),
        signal: cancel.signal,
      });
      report = await this.#conclude(lease, result, cancel.signal.reason, writer, reporter);
      writer.append(`ironbots: ${report.description}\n`);
    } catch (error) {
      // A bug or a broken store: never lose the job over it.
      log.error({ err: error }, 'job failed inside the agent');
      report = await this.#conclude(
        lease,
        {
          outcome: { kind: 'infrastructure-error', message: (error as Error).message },
          durationMs: performance.now() - started,
        },
        undefined,
        writer,
        reporter,
      ).catch(() => ({ jobId, state: 'error' as const, description: 'agent error' }));
    } finally {
      clearInterval(heartbeat);
      clearInterval(supersededWatch);
      this.#running.delete(jobId);
    }
    await writer
      ?.finish({
        state: report.state === 'retry' ? 'error' : report.state,
        description: report.description,
        ...(report.exitCode !== undefined ? { exitCode: report.exitCode } : {}),
      })
      .catch((error: unknown) => log.error({ err: error }, 'could not finish the job log'));
    await reporter.settled();
    this.#o.onEvent?.({
      type: 'finished',
      jobId,
      state: report.state,
      description: report.description,
      at: Date.now(),
    });
    log.info({ state: report.state, description: report.description }, 'job finished');
    return report;
  }

  async #conclude(
    lease: Lease<Job>,
    result: JobRunResult,
    cancelReason: unknown,
    writer: LogWriter | undefined,
    reporter: StatusReporter,
  ): Promise<JobReport> {
    const jobId = lease.message.id;
    const job = lease.message.payload;
    const { outcome } = result;
    const post = (state: CommitState, description: string) =>
      reporter.post({ state, context: job.context, description, targetUrl: this.#o.logUrl(jobId) });

    if (cancelReason instanceof AgentStoppingError) {
      // The agent is going away: hand the job back untouched so another agent runs it.
      await this.#o.jobs.nack(lease, { reason: 'agent stopped', retry: true }).catch(() => undefined);
      return { jobId, state: 'retry', description: `Interrupted: agent ${this.name} stopped [${this.name}]` };
    }
    if (outcome.kind === 'infrastructure-error') {
      writer?.append(`ironbots: infrastructure error: ${outcome.message}\n`);
      const { attempt, maxAttempts } = lease.message;
      if (attempt < maxAttempts) {
        const nacked = await this.#o.jobs.nack(lease, { reason: outcome.message, retry: true });
        if (nacked.outcome === 'retry') {
          const description = `Retrying after infrastructure error (attempt ${attempt} of ${maxAttempts}): ${outcome.message}`;
          await post('pending', description);
          return { jobId, state: 'retry', description };
        }
      } else {
        await this.#o.jobs.nack(lease, { reason: outcome.message, retry: false }).catch(() => undefined);
      }
      const description = `Error: ${outcome.message} [${this.name}]`;
      await post('error', description);
      return { jobId, state: 'error', description };
    }
    const verdict = verdictOf(outcome, {
      job,
      runner: this.name,
      durationMs: result.durationMs,
      ...(result.note ? { note: result.note } : {}),
      cancelReason,
    });
    await post(verdict.state === 'cancelled' ? 'error' : verdict.state, verdict.description);
    await this.#o.jobs.ack(lease).catch((error: unknown) => {
      // The job ran longer than its lease without a heartbeat getting through: another agent may run it too.
      if (error instanceof LeaseLostError) this.#o.logger.warn({ jobId }, error.message);
      else throw error;
    });
    return { jobId, ...verdict };
  }

  #heartbeat(lease: Lease<Job>, cancel: AbortController, log: Logger): NodeJS.Timeout {
    let current = lease;
    const timer = setInterval(
      () => {
        this.#o.jobs.extend(current, this.#visibilityTimeoutMs).then(
          (extended) => {
            current = extended;
            Object.assign(lease, { token: extended.token, expiresAt: extended.expiresAt });
          },
          (error: unknown) => {
            if (error instanceof LeaseLostError) {
              log.warn('lease lost: the job was handed to another agent; cancelling here');
              cancel.abort(new Error('lease lost to another agent'));
            } else log.warn({ err: error }, 'could not extend lease');
          },
        );
      },
      Math.max(50, Math.floor(this.#visibilityTimeoutMs / 3)),
    );
    timer.unref();
    return timer;
  }

  /** A PR job is pointless once its PR is closed or has a newer head: cancel it and free the machine. */
  #watchSuperseded(job: Job, cancel: AbortController, log: Logger): NodeJS.Timeout | undefined {
    const forge = this.#o.forge;
    if (!forge || !job.repository || !job.pullRequest || !job.sha) return undefined;
    const timer = setInterval(() => {
      forge.getPullRequest(job.repository!, job.pullRequest!).then(
        (pr) => {
          if (pr.state !== 'open') cancel.abort(new Error(`pull request #${pr.number} was closed`));
          else if (pr.headSha !== job.sha)
            cancel.abort(new Error(`pull request moved on to ${pr.headSha.slice(0, 7)}`));
        },
        (error: unknown) => log.debug({ err: error }, 'could not check whether the PR moved on'),
      );
    }, this.#o.supersededPollMs ?? 30_000);
    timer.unref();
    return timer;
  }
}

class AgentStoppingError extends Error {
  constructor() {
    super('agent stopping');
    this.name = 'AgentStoppingError';
  }
}
