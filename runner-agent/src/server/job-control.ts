import type { Logger } from '../../../core/logger.ts';
import type { Job } from '../jobs/job.ts';
import { cancelReason } from '../jobs/status-text.ts';
import type { LogStore } from '../logs/log-store.ts';
import type { MessageState, MessageStatus, Queue } from '../queue/queue.ts';
import {
  cancelledDescription,
  endCancelledRecord,
  type CancelledRecordOptions,
} from '../statuses/cancelled-jobs.ts';

/**
 * Listing and cancelling jobs: what `GET /api/v1/jobs`, `POST /api/v1/jobs/<id>/cancel` and
 * `ironbots jobs list|cancel --config …` share.
 *
 * Cancelling a queued job ends it here and now: the queue never delivers it, and its job record ends with
 * `error "Cancelled: …"`, which is posted to the forge at once (or by the server's reconciler, which also
 * catches a cancel whose post never happened), so a pull request never shows "Not yet tested" forever.
 * Cancelling a running job only marks it: its agent learns it on its next lease extension, stops the
 * executor and records the one final status itself.
 */

/** How jobs are listed: the queue's states, a leased job being `running`. */
export const LISTED_STATES = ['queued', 'running', 'done', 'dead', 'cancelled'] as const;
export type ListedState = (typeof LISTED_STATES)[number];

export interface JobSummary {
  id: string;
  context: string;
  /** owner/name, for a job that tests a commit. */
  repository?: string;
  sha?: string;
  pullRequest?: number;
  /** `cancelling`: running, and cancelled; its agent stops it. */
  state: ListedState | 'cancelling';
  attempt: number;
  /** The agent that runs it, or ran it last. */
  agent?: string;
  /** ISO time. */
  enqueuedAt: string;
  /** Why it died, or who cancelled it. */
  reason?: string;
}

export function summarizeJob(status: MessageStatus<Job>): JobSummary {
  const job = status.message.payload;
  const state: JobSummary['state'] =
    status.state === 'leased'
      ? status.cancelRequested !== undefined
        ? 'cancelling'
        : 'running'
      : status.state;
  const reason = status.cancelRequested ?? status.reason;
  return {
    id: status.message.id,
    context: job.context,
    ...(job.repository ? { repository: `${job.repository.owner}/${job.repository.name}` } : {}),
    ...(job.sha ? { sha: job.sha } : {}),
    ...(job.pullRequest ? { pullRequest: job.pullRequest } : {}),
    state,
    attempt: status.message.attempt,
    ...(status.holder ? { agent: status.holder } : {}),
    enqueuedAt: new Date(status.message.enqueuedAt).toISOString(),
    ...(reason ? { reason } : {}),
  };
}

export function queueStateOf(state: ListedState): MessageState {
  return state === 'running' ? 'leased' : state;
}

export async function listJobs(
  jobs: Queue<Job>,
  options: { state?: ListedState; limit: number },
): Promise<JobSummary[]> {
  const listed = await jobs.list({
    limit: options.limit,
    ...(options.state ? { state: queueStateOf(options.state) } : {}),
  });
  return listed.map(summarizeJob);
}

export interface JobControlOptions extends CancelledRecordOptions {
  jobs: Queue<Job>;
  logStore: LogStore;
  logger: Logger;
}

export type CancelJobResult =
  | { kind: 'unknown' }
  /** It had ended already: `job.state` says how. */
  | { kind: 'finished'; job: JobSummary }
  /** It was queued: it never runs, and its final status is posted. */
  | { kind: 'cancelled'; job: JobSummary; description: string }
  /** It is running: its agent stops it and posts the final status. */
  | { kind: 'cancelling'; job: JobSummary };

export async function cancelJob(
  options: JobControlOptions,
  id: string,
  reason: string,
): Promise<CancelJobResult> {
  const result = await options.jobs.cancel(id, reason);
  if (result.outcome === 'unknown') return { kind: 'unknown' };
  const job = summarizeJob(result.status);
  if (result.outcome === 'finished') return { kind: 'finished', job };
  options.logger.info({ jobId: id, context: job.context, reason, outcome: result.outcome }, 'job cancelled');
  if (result.outcome === 'cancelling') return { kind: 'cancelling', job };
  const description = cancelledDescription(result.status);
  await writeCancelledLog(options, result.status, description).catch((error: unknown) =>
    options.logger.warn({ err: error, jobId: id }, 'could not write the cancelled job’s log'),
  );
  // A failure here is not the canceller's: the reconciler ends the record and posts the status later.
  await endCancelledRecord(options, result.status, { publish: true }).catch((error: unknown) =>
    options.logger.warn({ err: error, jobId: id }, 'could not post the cancelled job’s status yet'),
  );
  return { kind: 'cancelled', job, description };
}

/** A job that never ran still gets a log saying what happened to it: its status links there. */
async function writeCancelledLog(
  options: Pick<JobControlOptions, 'logStore'>,
  status: MessageStatus<Job>,
  description: string,
): Promise<void> {
  const job = status.message.payload;
  if (await options.logStore.meta(status.message.id)) return;
  const now = new Date().toISOString();
  const writer = await options.logStore.create({
    jobId: status.message.id,
    context: job.context,
    state: 'running',
    agent: 'none',
    attempt: status.message.attempt,
    startedAt: now,
    ...(job.repository ? { repository: `${job.repository.owner}/${job.repository.name}` } : {}),
    ...(job.sha ? { sha: job.sha } : {}),
    ...(job.pullRequest ? { pullRequest: job.pullRequest } : {}),
  });
  await writer.finish({ state: 'cancelled', description, finishedAt: now }, `ironbots: ${description}`);
}

/**
 * Cancels the jobs of a pull request that no longer need to run: those of another head than `keepSha`
 * (the pull request moved on), or all of them (`keepSha` null: it was closed or merged). A queued one never
 * starts; a running one is stopped by its agent. Returns how many were cancelled.
 */
export async function cancelSupersededJobs(
  options: JobControlOptions,
  pullRequest: { owner: string; name: string; number: number },
  keepSha: string | null,
  reason: string,
): Promise<number> {
  let cancelled = 0;
  for (const state of ['queued', 'leased'] as const) {
    for (const status of await options.jobs.list({ state, limit: SUPERSEDE_SCAN_LIMIT })) {
      const job = status.message.payload;
      if (
        job.pullRequest !== pullRequest.number ||
        job.repository?.owner !== pullRequest.owner ||
        job.repository.name !== pullRequest.name ||
        (keepSha !== null && job.sha === keepSha)
      )
        continue;
      if (status.cancelRequested !== undefined) continue;
      const result = await cancelJob(options, status.message.id, cancelReason('ironbots', reason));
      if (result.kind === 'cancelled' || result.kind === 'cancelling') cancelled++;
    }
  }
  return cancelled;
}

/** The newest queued and running jobs looked at for a superseded pull request. */
const SUPERSEDE_SCAN_LIMIT = 1000;
