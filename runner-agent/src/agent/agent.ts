import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import {
  truncateDescription,
  type CommitState,
  type CommitStatuses,
  type GitAccess,
  type PullRequests,
} from '../../../forge/forge.ts';
import type { Executor } from '../executors/executor.ts';
import { jobDedupKey, type Job } from '../jobs/job.ts';
import { cancelReason, inProgress, supersededReason } from '../jobs/status-text.ts';
import type { JobLogMeta, JobLogState, LogStore, LogWriter } from '../logs/log-store.ts';
import type { Logger } from '../../../core/logger.ts';
import type { SecretRegistry } from '../../../core/secrets.ts';
import { LeaseLostError, QueueClosedError, type Lease, type Queue } from '../queue/queue.ts';
import { JobRunner, verdictOf, type ArtifactSink, type JobRunResult } from './job-runner.ts';
import type { FinalState, JobRecords } from '../statuses/job-records.ts';
import { StatusPublisher } from '../statuses/status-publisher.ts';
import { StatusReporter } from './status-reporter.ts';
import { issueRef, matchKnownIssue, OutputTail } from './known-issues.ts';
import { modeFromLabels, type AgentRegistry } from '../agents/agent-registry.ts';
import type { RunnerLauncher } from '../runners/jit-runner-launcher.ts';
import type { RunnerReaper } from '../runners/runner-reaper.ts';

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
  /**
   * A running job's lease is extended at least this often (more often than a third of the visibility timeout
   * asks for): the extend is how the agent learns that somebody cancelled the job. Default 10 s.
   */
  cancelCheckMs?: number;
  onEvent?: (event: AgentEvent) => void;
  /** Where outcomes are recorded before they are published; null: statuses are posted directly, unfenced. */
  records?: JobRecords | null;
  /** How long the agent keeps retrying a final status before the server's reconciler takes it over. Default 30 s. */
  statusHoldMs?: number;
  /** Where the agent registers and heartbeats (labels, mode, version, running jobs); none: it does not. */
  registry?: { store: AgentRegistry; version: string; heartbeatMs?: number } | null;
  /** Limits on what a job keeps from $IRONBOTS_ARTIFACTS. Defaults: 1 GiB, 1000 files. */
  artifacts?: { maxBytes?: number; maxFiles?: number; retryDelayMs?: number };
  /**
   * Registered runners: the launcher runs GitHub Actions runner jobs; the reaper removes this agent's ghost
   * registrations at start and every `reapIntervalMs`.
   */
  runners?: { launcher: RunnerLauncher; reaper: RunnerReaper; reapIntervalMs: number } | null;
  /** How often executors are asked to stop what runs with no live job (reapOrphans). Default 5 min. */
  orphanReapMs?: number;
}

export type AgentEvent =
  | { type: 'leased'; jobId: string; context: string; at: number; enqueuedAt: number; attempt: number }
  | { type: 'started'; jobId: string; at: number }
  /** A failed job's log matched a known infrastructure failure of its project. */
  | { type: 'known-issue'; jobId: string; issue: string }
  /** What an executor found running with no live job behind it (a killed agent's VMs, orphans) and stopped. */
  | { type: 'leftovers'; executor: string; count: number }
  | {
      type: 'finished';
      jobId: string;
      state: JobLogState | 'retry' | 'overtaken';
      description: string;
      at: number;
    };

export interface JobReport {
  jobId: string;
  /** overtaken: a newer attempt owns the job; this one recorded and posted nothing. */
  state: JobLogState | 'retry' | 'overtaken';
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
  readonly #publisher: StatusPublisher | null;
  readonly #statusHoldMs: number;
  readonly #visibilityTimeoutMs: number;
  #offered: string[] = [];
  #stopping = new AbortController();
  /** Aborted by drain(): the lease loops take no new job, while running jobs go on to their end. */
  #draining = new AbortController();
  readonly #running = new Map<string, AbortController>();
  #loops: Promise<void>[] = [];
  #heartbeatTimer: NodeJS.Timeout | null = null;
  #reapTimer: NodeJS.Timeout | null = null;
  #orphanTimer: NodeJS.Timeout | null = null;
  #reaping: Promise<unknown> = Promise.resolve();
  /** The heartbeat in flight, awaited before deregistering so a late one cannot register the agent again. */
  #lastBeat: Promise<void> = Promise.resolve();

  constructor(options: AgentOptions) {
    this.#o = options;
    this.#statusHoldMs = options.statusHoldMs ?? 30_000;
    this.#publisher =
      options.records && options.forge
        ? new StatusPublisher({ forge: options.forge, records: options.records, logger: options.logger })
        : null;
    this.#runner = new JobRunner({
      executors: options.executors,
      workRoot: options.workRoot,
      gitCredentials: () => options.forge?.gitCredentials() ?? null,
      ...(isGitLab(options.forge) ? { pullRequestMark: '!' as const } : {}),
      ...(options.artifacts?.maxBytes !== undefined ? { maxArtifactBytes: options.artifacts.maxBytes } : {}),
      ...(options.artifacts?.maxFiles !== undefined ? { maxArtifactFiles: options.artifacts.maxFiles } : {}),
      ...(options.runners ? { runners: options.runners.launcher } : {}),
    });
    this.#visibilityTimeoutMs = options.visibilityTimeoutMs ?? 300_000;
  }

  get name(): string {
    return this.#o.name;
  }

  /**
   * Artifacts go beside the job's log. A store that fails is tried twice more (it may be a moment's outage);
   * after that the file is reported lost in the log, and the job's verdict stands either way.
   */
  #artifactSink(jobId: string, log: Logger): ArtifactSink {
    const delayMs = this.#o.artifacts?.retryDelayMs ?? 1_000;
    return {
      put: async (artifactPath, file) => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await this.#o.logStore.putArtifact(jobId, artifactPath, file);
          } catch (error) {
            log.warn({ err: error, artifactPath, attempt }, 'could not store an artifact');
            if (attempt >= 3) throw error;
            await new Promise((resolve) => setTimeout(resolve, delayMs * attempt));
          }
        }
      },
    };
  }

  /** Everything the agent offers: its own labels plus what its executors bring (executor:vm, kvm …). */
  async offeredLabels(): Promise<string[]> {
    const labels = new Set(this.#o.labels);
    // Its version, so jobs (and people) can tell agents of a new release from the rest.
    if (this.#o.registry) labels.add(`version:${this.#o.registry.version}`);
    for (const executor of this.#runner.executors) for (const l of await executor.labels()) labels.add(l);
    return [...labels].sort();
  }

  async start(): Promise<void> {
    for (const executor of this.#runner.executors) {
      const count = await executor.reapLeftovers?.();
      if (count) this.#o.onEvent?.({ type: 'leftovers', executor: executor.name, count });
    }
    await rm(this.#o.workRoot, { recursive: true, force: true });
    await mkdir(this.#o.workRoot, { recursive: true });
    // VMs with no live job behind them, every few minutes (a job's end that failed to stop its VM).
    this.#orphanTimer = setInterval(() => {
      this.#reaping = this.#reaping.then(() => this.#reapOrphans());
    }, this.#o.orphanReapMs ?? 300_000);
    this.#orphanTimer.unref();
    const runners = this.#o.runners;
    if (runners) {
      // Registrations a killed run of this agent left behind go before any new one is made.
      await this.#reapRunners();
      this.#reapTimer = setInterval(() => {
        this.#reaping = this.#reaping.then(() => this.#reapRunners());
      }, runners.reapIntervalMs);
      this.#reapTimer.unref();
    }
    this.#offered = await this.offeredLabels();
    this.#o.logger.info({ agent: this.name, labels: this.#offered }, 'agent started');
    const slots = Math.max(1, this.#o.concurrency ?? 1);
    this.#loops = Array.from({ length: slots }, () => this.#loop());
    const registry = this.#o.registry;
    if (registry) {
      await this.#beat(true);
      this.#heartbeatTimer = setInterval(() => this.#beatSoon(), registry.heartbeatMs ?? 10_000);
    }
  }

  async #reapOrphans(): Promise<void> {
    for (const executor of this.#runner.executors) {
      if (!executor.reapOrphans) continue;
      try {
        const count = await executor.reapOrphans(new Set(this.#running.keys()));
        if (count) {
          this.#o.logger.warn({ executor: executor.name, count }, 'stopped VMs with no live job');
          this.#o.onEvent?.({ type: 'leftovers', executor: executor.name, count });
        }
      } catch (error) {
        this.#o.logger.warn({ err: error, executor: executor.name }, 'reaping orphans failed');
      }
    }
  }

  /** The forge being unreachable costs a warning; the next round tries again. */
  async #reapRunners(): Promise<void> {
    try {
      const { alive, removed } = await this.#o.runners!.reaper.reap();
      if (removed) this.#o.logger.info({ alive, removed }, 'ghost runner registrations removed');
    } catch (error) {
      this.#o.logger.warn({ err: error }, 'reaping runner registrations failed');
    }
  }

  #beatSoon(): void {
    if (this.#stopping.signal.aborted) return;
    this.#lastBeat = this.#lastBeat.then(() => this.#beat(false));
  }

  /** A registry that cannot be reached costs a warning, never a job: the agent keeps working. */
  async #beat(starting: boolean): Promise<void> {
    const registry = this.#o.registry!;
    try {
      await registry.store.heartbeat(
        {
          name: this.name,
          labels: this.#offered,
          mode: modeFromLabels(this.#offered),
          version: registry.version,
          runningJobs: [...this.#running.keys()],
        },
        { starting },
      );
    } catch (error) {
      this.#o.logger.warn({ err: error }, 'agent heartbeat failed');
    }
  }

  /** The jobs running now, by id. */
  get runningJobs(): string[] {
    return [...this.#running.keys()];
  }

  /**
   * Stops taking jobs and waits until the running ones have ended as usual (statuses posted, leases acked).
   * A stop() meanwhile hands them back at once instead. The agent stays registered until stop().
   */
  async drain(): Promise<void> {
    this.#draining.abort();
    await Promise.all(this.#loops);
  }

  /** Stops taking jobs; running jobs are cancelled and handed back to the queue for another agent. */
  async stop(): Promise<void> {
    this.#draining.abort();
    this.#stopping.abort();
    if (this.#heartbeatTimer) clearInterval(this.#heartbeatTimer);
    if (this.#reapTimer) clearInterval(this.#reapTimer);
    if (this.#orphanTimer) clearInterval(this.#orphanTimer);
    for (const controller of this.#running.values()) controller.abort(new AgentStoppingError());
    await Promise.all(this.#loops);
    await this.#reaping;
    if (this.#o.registry) {
      await this.#lastBeat;
      await this.#o.registry.store
        .deregister(this.name)
        .catch((error: unknown) => this.#o.logger.warn({ err: error }, 'agent deregistration failed'));
    }
  }

  async #loop(): Promise<void> {
    // Only the wait for a lease is cut short by a drain; a job already leased runs on.
    const signal = AbortSignal.any([this.#stopping.signal, this.#draining.signal]);
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

  /** Runs one leased job to its end. Never throws: every way a job can end becomes a record, a status and a log. */
  async runLease(lease: Lease<Job>): Promise<JobReport> {
    const jobId = lease.message.id;
    const job = lease.message.payload;
    const { attempt, maxAttempts } = lease.message;
    const log = this.#o.logger.child({ jobId, context: job.context, attempt });
    const started = performance.now();
    this.#o.onEvent?.({
      type: 'leased',
      jobId,
      attempt,
      context: job.context,
      at: performance.timeOrigin + started,
      enqueuedAt: lease.message.enqueuedAt,
    });

    const fence = await this.#claim(lease, log);
    if (fence.kind === 'done') return fence.report;
    const reporter = new StatusReporter({
      forge: this.#o.forge,
      target: job.repository && job.sha ? { repo: job.repository, sha: job.sha } : null,
      logger: log,
      secrets: this.#o.secrets,
    });
    // Progress is posted only while this attempt is the newest claim: a paused agent that lost its lease
    // must not put "In progress" over what a newer attempt concluded.
    const progress = (state: CommitState, description: string) =>
      reporter.post(
        { state, context: job.context, description, targetUrl: viewerUrl(this.#o.logUrl(jobId)) },
        fence.kind === 'claimed' ? () => this.#o.records!.isCurrent(fence.key, fence.epoch) : undefined,
      );
    const cancel = new AbortController();
    this.#running.set(jobId, cancel);
    if (this.#o.registry) this.#beatSoon();

    let writer: LogWriter | undefined;
    let report: JobReport;
    let closingLine: string | undefined;
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
        ...commitLinks(job, this.#o.forge),
      });
      // Posted before the command starts (for at most a few seconds): a post still in flight when this
      // process is frozen would land, stale, whenever it thaws; one that landed before the job ran cannot.
      await Promise.race([
        progress('pending', inProgress(this.name)),
        new Promise((resolve) => setTimeout(resolve, IN_PROGRESS_WAIT_MS).unref()),
      ]);
      const output = writer;
      const tail = new OutputTail();
      const result = await this.#runner.run({
        jobId,
        job,
        runner: `agent ${this.name}`,
        attempt,
        maxAttempts,
        // The tail and the log writer copy what they keep: executors may reuse their read buffer.
        transientOutput: true,
        // A log store slower than the job holds the job back rather than filling this process's memory.
        backlog: () => output.backlog(),
        output: (chunk) => {
          tail.push(chunk);
          output.append(chunk);
        },
        onStarted: (at) => this.#o.onEvent?.({ type: 'started', jobId, at }),
        artifacts: this.#artifactSink(jobId, log),
        signal: cancel.signal,
      });
      report = await this.#conclude(
        lease,
        fence,
        result,
        cancel.signal.reason,
        writer,
        reporter,
        progress,
        log,
        tail,
      );
      // The writer starts it on a line of its own when the job's last line lacks its newline.
      closingLine = `ironbots: ${report.description}`;
    } catch (error) {
      // A bug or a broken store: never lose the job over it.
      log.error({ err: error }, 'job failed inside the agent');
      report = await this.#conclude(
        lease,
        fence,
        {
          outcome: { kind: 'infrastructure-error', message: (error as Error).message },
          durationMs: performance.now() - started,
        },
        undefined,
        writer,
        reporter,
        progress,
        log,
      ).catch(() => ({ jobId, state: 'error' as const, description: 'agent error' }));
    } finally {
      clearInterval(heartbeat);
      clearInterval(supersededWatch);
      this.#running.delete(jobId);
      if (this.#o.registry) this.#beatSoon();
    }
    await writer
      ?.finish(
        {
          state: report.state === 'retry' || report.state === 'overtaken' ? 'error' : report.state,
          description: report.description,
          ...(report.exitCode !== undefined ? { exitCode: report.exitCode } : {}),
        },
        closingLine,
      )
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

  /**
   * Claims the job's record for this attempt. A job whose outcome is already recorded is not run again: its
   * lease is acked and the recorded outcome republished (a crash between recording and acking lands here).
   */
  async #claim(lease: Lease<Job>, log: Logger): Promise<Fence | { kind: 'done'; report: JobReport }> {
    const job = lease.message.payload;
    const jobId = lease.message.id;
    const key = jobDedupKey(job);
    const records = this.#o.records;
    if (!records || !key || !job.repository || !job.sha) return { kind: 'unfenced' };
    const target = { repo: job.repository, sha: job.sha, context: job.context };
    let claim;
    try {
      claim = await records.claim(key, target, jobId, this.name);
    } catch (error) {
      log.error({ err: error }, 'could not claim the job record; handing the job back');
      await this.#o.jobs
        .nack(lease, { reason: `job record unavailable: ${(error as Error).message}`, retry: true })
        .catch(() => undefined);
      return { kind: 'done', report: { jobId, state: 'retry', description: 'job record unavailable' } };
    }
    if (claim.kind === 'run') return { kind: 'claimed', key, epoch: claim.epoch };
    const outcome = claim.record.outcome!;
    log.info(
      { state: outcome.state },
      'outcome already recorded: republishing it, not running the job again',
    );
    await this.#o.jobs.ack(lease).catch((error: unknown) => log.warn({ err: error }, 'could not ack'));
    await this.#publishRecorded(key, `${this.name}/${jobId}/republish/${randomUUID()}`, log);
    return { kind: 'done', report: { jobId, state: outcome.state, description: outcome.description } };
  }

  async #publishRecorded(key: string, holder: string, log: Logger): Promise<void> {
    if (!this.#publisher) return;
    const published = await this.#publisher
      .publishIfFree(key, holder, this.#statusHoldMs, this.#stopping.signal)
      .catch((error: unknown) => {
        log.error({ err: error }, 'could not publish the recorded outcome; the server will');
        return false;
      });
    if (published === false) log.warn("final status not posted yet: the server's reconciler takes it over");
  }

  async #conclude(
    lease: Lease<Job>,
    fence: Fence,
    result: JobRunResult,
    cancelReason: unknown,
    writer: LogWriter | undefined,
    reporter: StatusReporter,
    progress: (state: CommitState, description: string) => Promise<void>,
    log: Logger,
    /** The end of the job's output, matched against the project's known issues when it failed. */
    tail?: OutputTail,
  ): Promise<JobReport> {
    const jobId = lease.message.id;
    const job = lease.message.payload;
    const { outcome } = result;

    if (cancelReason instanceof AgentStoppingError) {
      // The agent is going away: hand the job back untouched so another agent runs it.
      await this.#o.jobs.nack(lease, { reason: 'agent stopped', retry: true }).catch(() => undefined);
      return { jobId, state: 'retry', description: `Interrupted: agent ${this.name} stopped [${this.name}]` };
    }
    if (cancelReason instanceof LeaseLostCancel) {
      // Another attempt owns the job now; it will record and post the outcome. Nothing from here.
      return { jobId, state: 'overtaken', description: `Stopped: the lease was lost [${this.name}]` };
    }
    let final: { state: FinalState | 'cancelled'; description: string; exitCode?: number };
    if (cancelReason instanceof CancelRequested && outcome.kind === 'infrastructure-error') {
      // Stopping it broke something on the way (a VM torn down mid-boot): still the cancel the user asked for.
      final = { state: 'cancelled', description: `Cancelled: ${cancelReason.message} [${this.name}]` };
    } else if (outcome.kind === 'infrastructure-error') {
      writer?.append(`ironbots: infrastructure error: ${outcome.message}\n`);
      const { attempt, maxAttempts } = lease.message;
      if (attempt < maxAttempts) {
        const description = `Retrying after infrastructure error (attempt ${attempt} of ${maxAttempts}): ${outcome.message}`;
        // Posted before the nack: once the job is back in the queue, the next attempt's statuses come last.
        await progress('pending', description);
        const nacked = await this.#o.jobs.nack(lease, { reason: outcome.message, retry: true });
        if (nacked.outcome === 'retry') return { jobId, state: 'retry', description };
      }
      final = { state: 'error', description: `Error: ${outcome.message} [${this.name}]` };
    } else {
      const verdict = verdictOf(outcome, {
        job,
        runner: this.name,
        durationMs: result.durationMs,
        ...(result.note ? { note: result.note } : {}),
        cancelReason,
      });
      final = verdict;
      const known =
        verdict.state === 'failure' && result.knownIssues && tail
          ? matchKnownIssue(result.knownIssues, tail.text())
          : undefined;
      if (known) {
        const { attempt, maxAttempts } = lease.message;
        const ref = issueRef(known.issue);
        // Attempts are the queue's: retries beyond its limit would dead-letter the job, not run it.
        const allowed = Math.min(known.retries + 1, maxAttempts);
        writer?.append(`ironbots: the log matches known issue ${known.issue}\n`);
        this.#o.onEvent?.({ type: 'known-issue', jobId, issue: known.issue });
        if (attempt < allowed) {
          const description = `Retrying: known issue ${ref} (attempt ${attempt} of ${allowed})`;
          await progress('pending', description);
          const nacked = await this.#o.jobs.nack(lease, {
            reason: `known issue ${known.issue}`,
            retry: true,
          });
          if (nacked.outcome === 'retry') return { jobId, state: 'retry', description };
        }
        final = { ...verdict, description: `Known issue ${ref}: ${verdict.description}` };
      }
    }
    const description = truncateDescription(this.#o.secrets.redact(final.description));
    const report: JobReport = { jobId, ...final, description };
    // A cancelled job shows as an error on the forge, which has no cancelled state.
    const forgeState: FinalState = final.state === 'cancelled' ? 'error' : final.state;
    const settle = async () => {
      if (outcome.kind === 'infrastructure-error' && final.state !== 'cancelled')
        await this.#o.jobs.nack(lease, { reason: outcome.message, retry: false }).catch(() => undefined);
      else
        await this.#o.jobs.ack(lease).catch((error: unknown) => {
          // The job outlived its lease: the queue hands it out again, and the next claim finds it finished.
          if (error instanceof LeaseLostError) log.warn(error.message);
          else throw error;
        });
    };

    if (fence.kind === 'unfenced') {
      await reporter.post({
        state: forgeState,
        context: job.context,
        description,
        targetUrl: viewerUrl(this.#o.logUrl(jobId)),
      });
      await settle();
      return report;
    }
    // Recorded first, then acked, then published: a crash anywhere in between loses nothing and runs nothing twice.
    const holder = `${this.name}/${jobId}/${fence.epoch}`;
    const won = await this.#o.records!.finish(
      fence.key,
      fence.epoch,
      { state: forgeState, description, targetUrl: viewerUrl(this.#o.logUrl(jobId)) },
      { holder, until: Date.now() + this.#statusHoldMs },
    );
    if (!won) {
      log.warn('overtaken: a newer attempt owns this job; recording and posting nothing');
      return { jobId, state: 'overtaken', description: `Overtaken by a newer attempt [${this.name}]` };
    }
    await settle();
    // "In progress" must land before the final status.
    await reporter.settled();
    const record = await this.#o.records!.get(fence.key);
    if (record && this.#publisher) {
      const published = await this.#publisher
        .publish(record, holder, Date.now() + this.#statusHoldMs, this.#stopping.signal)
        .catch(() => false);
      if (!published) log.warn("final status not posted yet: the server's reconciler takes it over");
    }
    return report;
  }

  #heartbeat(lease: Lease<Job>, cancel: AbortController, log: Logger): NodeJS.Timeout {
    let current = lease;
    const timer = setInterval(
      () => {
        this.#o.jobs.extend(current, this.#visibilityTimeoutMs).then(
          (extended) => {
            current = extended;
            Object.assign(lease, { token: extended.token, expiresAt: extended.expiresAt });
            if (extended.cancelRequested !== undefined && !cancel.signal.aborted) {
              log.info({ reason: extended.cancelRequested }, 'job cancelled: stopping it');
              cancel.abort(new CancelRequested(extended.cancelRequested));
            }
          },
          (error: unknown) => {
            if (error instanceof LeaseLostError) {
              log.warn('lease lost: the job was handed to another agent; cancelling here');
              cancel.abort(new LeaseLostCancel());
            } else log.warn({ err: error }, 'could not extend lease');
          },
        );
      },
      Math.max(50, Math.min(Math.floor(this.#visibilityTimeoutMs / 3), this.#o.cancelCheckMs ?? 10_000)),
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
          const newerHead = pr.state !== 'open' ? null : pr.headSha !== job.sha ? pr.headSha : undefined;
          if (newerHead !== undefined)
            cancel.abort(new CancelRequested(cancelReason('ironbots', supersededReason(newerHead))));
        },
        (error: unknown) => log.debug({ err: error }, 'could not check whether the PR moved on'),
      );
    }, this.#o.supersededPollMs ?? 30_000);
    timer.unref();
    return timer;
  }
}

/** How long a job waits for its "In progress" status before it starts anyway (a slow forge must not stall it). */
const IN_PROGRESS_WAIT_MS = 5_000;

/** Somebody cancelled the job (`ironbots jobs cancel`, the job API); the message says who and why. */
class CancelRequested extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CancelRequested';
  }
}

class LeaseLostCancel extends Error {
  constructor() {
    super('lease lost to another agent');
    this.name = 'LeaseLostCancel';
  }
}

/** How this attempt's writes are fenced: by its claim on the job record, or not at all (jobs without a commit). */
type Fence = { kind: 'claimed'; key: string; epoch: number } | { kind: 'unfenced' };

class AgentStoppingError extends Error {
  constructor() {
    super('agent stopping');
    this.name = 'AgentStoppingError';
  }
}

/** Statuses link the live HTML viewer, which follows a running job, rather than the plain-text log. */
function viewerUrl(logUrl: string): string {
  return `${logUrl}.html`;
}

/** Whether the agent's forge is GitLab (merge requests, `!12`), as far as the forge says. */
function isGitLab(forge: AgentOptions['forge']): boolean {
  return forge !== null && 'kind' in forge && forge.kind === 'gitlab';
}

/** The commit and pull request a job's log links to; web pages derived from the clone URL. */
function commitLinks(job: Job, forge: AgentOptions['forge']): Pick<JobLogMeta, LinkedFields> {
  if (!job.repository) return {};
  const gitlab = isGitLab(forge);
  const pullPage = (web: string, number: number) =>
    gitlab ? `${web}/-/merge_requests/${number}` : `${web}/pull/${number}`;
  const web = job.repository.cloneUrl.replace(/\.git$/, '');
  const links: Pick<JobLogMeta, LinkedFields> = {
    repository: `${job.repository.owner}/${job.repository.name}`,
  };
  if (job.infra)
    Object.assign(links, {
      infra: `${job.infra.repository.owner}/${job.infra.repository.name}${gitlab ? '!' : '#'}${job.infra.pullRequest}`,
      infraSha: job.infra.sha,
      infraUrl: pullPage(job.infra.repository.cloneUrl.replace(/\.git$/, ''), job.infra.pullRequest),
    });
  if (job.sha) Object.assign(links, { sha: job.sha, commitUrl: `${web}/commit/${job.sha}` });
  if (job.pullRequest) {
    links.pullRequest = job.pullRequest;
    links.pullRequestUrl = pullPage(web, job.pullRequest);
  }
  return links;
}

type LinkedFields =
  'repository' | 'sha' | 'pullRequest' | 'commitUrl' | 'pullRequestUrl' | 'infra' | 'infraSha' | 'infraUrl';
