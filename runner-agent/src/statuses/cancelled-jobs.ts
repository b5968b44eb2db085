import { truncateDescription } from '../../../forge/forge.ts';
import { jobDedupKey, type Job } from '../jobs/job.ts';
import type { MessageStatus } from '../queue/queue.ts';
import type { JobRecords } from './job-records.ts';
import type { StatusPublisher } from './status-publisher.ts';

/**
 * The final status of a job cancelled before any agent ran it, for whoever ends it: the canceller at once
 * (the job API, `ironbots jobs cancel --config`), or the server's reconciler when that post never happened
 * or the job's agent vanished after the cancel.
 */
export interface CancelledRecordOptions {
  /** The job records and a publisher for them; null where statuses are not recorded (no forge). */
  statuses: { records: JobRecords; publisher: StatusPublisher | null } | null;
  /** Where a job's log is served, for the status's target URL; null when the deployment does not know. */
  logUrl: ((jobId: string) => string) | null;
  /** How long a canceller keeps trying to post the status before the reconciler takes over. Default 5 s. */
  publishHoldMs?: number;
}

/**
 * The final status of a cancelled job nobody is running: one no agent took, or one whose agent went away
 * (its lease ran out) after the cancel.
 */
export function cancelledDescription(status: MessageStatus<Job>): string {
  const reason = status.reason ?? 'by request';
  return truncateDescription(
    status.holder ? `Cancelled: ${reason} [${status.holder}]` : `Cancelled: ${reason}, before it started`,
  );
}

/**
 * Ends the job record of a cancelled message (creating it for a submitted job that never got one) unless it
 * ended already, e.g. by the agent that stopped it. With `publish`, the status is posted at once. True if
 * this call ended it.
 */
export async function endCancelledRecord(
  options: CancelledRecordOptions,
  status: MessageStatus<Job>,
  { publish }: { publish: boolean },
): Promise<boolean> {
  const job = status.message.payload;
  const key = jobDedupKey(job);
  const statuses = options.statuses;
  if (!statuses || !key || !job.repository || !job.sha) return false;
  const existing = await statuses.records.get(key);
  if (existing?.state === 'finished') return false;
  if (!existing) {
    const target = { repo: job.repository, sha: job.sha, context: job.context };
    await statuses.records.create(key, target, status.message.id);
  }
  const ended = await statuses.records.abandon(key, {
    state: 'error',
    description: cancelledDescription(status),
    ...(options.logUrl ? { targetUrl: `${options.logUrl(status.message.id)}.html` } : {}),
  });
  if (ended && publish && statuses.publisher) {
    await statuses.publisher.publishIfFree(
      key,
      `cancel/${status.message.id}`,
      options.publishHoldMs ?? 5_000,
    );
  }
  return ended;
}
