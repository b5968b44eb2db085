import type { RepositoryId } from '../../../forge/forge.ts';

/**
 * The durable truth about one job (one commit and context): who may run it now, and how it ended.
 *
 * Every status we post derives from it. A job's outcome is recorded here *before* it is published, so a
 * crash between the two loses nothing (the outcome is published again, never re-run), and every write is
 * fenced by the claim's epoch, so an agent that lost its lease (paused, partitioned) can record nothing and
 * post nothing over a newer attempt's result.
 */
export interface JobTarget {
  repo: RepositoryId;
  sha: string;
  context: string;
}

export type FinalState = 'success' | 'failure' | 'error';

export interface FinalOutcome {
  state: FinalState;
  description: string;
  targetUrl?: string;
}

export interface JobRecord {
  /** One per commit and context (jobDedupKey). */
  key: string;
  target: JobTarget;
  /** The queue message that runs it, once known. */
  jobId: string | null;
  /** Bumped by every claim; the holder of the newest epoch is the only one whose writes count. */
  epoch: number;
  holder: string | null;
  state: 'open' | 'finished';
  outcome: FinalOutcome | null;
  /** When the recorded outcome was last confirmed on the forge; null while it still has to be posted. */
  publishedAt: number | null;
  /** Who may post the outcome until when, so two publishers never post it twice at once. */
  publishing: { holder: string; until: number } | null;
  createdAt: number;
  updatedAt: number;
}

export type Claim = { kind: 'run'; epoch: number } | { kind: 'finished'; record: JobRecord };

export interface JobRecords {
  /** Creates the record unless it exists; `created` says whether this call made it. */
  create(key: string, target: JobTarget, jobId?: string): Promise<{ created: boolean; record: JobRecord }>;
  get(key: string): Promise<JobRecord | null>;
  /**
   * Takes the job for a new attempt: a new epoch that fences every older holder out. A finished record is
   * not claimed (the job must not run again); the caller republishes it instead. Creates a missing record.
   */
  claim(key: string, target: JobTarget, jobId: string, holder: string): Promise<Claim>;
  /** True while `epoch` is the newest claim of an open record: the holder may still post progress. */
  isCurrent(key: string, epoch: number): Promise<boolean>;
  /**
   * Records the outcome if `epoch` is still the newest claim and the record is open (compare-and-set), and
   * gives the holder the right to publish it until `publishUntil`. False: overtaken, record nothing, post nothing.
   */
  finish(
    key: string,
    epoch: number,
    outcome: FinalOutcome,
    publisher: { holder: string; until: number },
  ): Promise<boolean>;
  /** Ends an open record whatever its epoch (a dead-lettered job); false if it was already finished. */
  abandon(key: string, outcome: FinalOutcome): Promise<boolean>;
  /** Takes the right to publish a finished, unpublished outcome if nobody holds it (or their hold ended). */
  takePublishing(key: string, holder: string, until: number): Promise<JobRecord | null>;
  /** The outcome is on the forge; the publishing right is released. */
  markPublished(key: string, holder: string): Promise<void>;
  /** The forge no longer shows the recorded outcome (e.g. a stale write landed after it): publish it again. */
  markUnpublished(key: string): Promise<void>;
  /** Finished records whose outcome still has to be posted and whose publishing right is free (or `holder`'s). */
  unpublished(now: number, options?: { holder?: string; limit?: number }): Promise<JobRecord[]>;
  /** Open records created before `before` (for jobs that may have been lost before they were queued). */
  openSince(before: number, limit?: number): Promise<JobRecord[]>;
  /** The most recently finished records, newest first (the dashboard's recent failures and passes). */
  recentlyFinished(limit?: number): Promise<JobRecord[]>;
  /** Gives a finished record a fresh start (`ironbots queue redrive`): the job may run again. */
  reopen(key: string): Promise<void>;
  close(): Promise<void>;
}
