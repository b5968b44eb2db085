import type { RepositoryId } from '../../../forge/forge.ts';

/**
 * What the scanner remembers of each open pull request: the head commit it last planned, and whether
 * nothing was left to do there. A pull request whose head is unchanged and settled costs the scanner no
 * request beyond its page of the (conditional) list; any other is planned as before. Losing this memory
 * only costs requests: planning is idempotent, so a forgotten pull request is simply planned again.
 *
 * Kept in the shared state store beside the job records (SQLite or PostgreSQL), so that a restarted or
 * second server remembers too. Every implementation passes test/planner/planned-heads-contract.ts.
 */
export interface PlannedHead {
  number: number;
  headSha: string;
  /**
   * Nothing is left to do at this head: every context's job ended and the forge showed its outcome, or
   * there is nothing to run (no or a broken `.ironbots.yml`, an author waiting for a human).
   */
  settled: boolean;
  /** Epoch milliseconds of the last change. */
  updatedAt: number;
}

export interface PlannedHeads {
  /** Everything remembered of the repository's pull requests, by number. */
  list(repo: RepositoryId): Promise<Map<number, PlannedHead>>;
  /** Remembers (or replaces) what the scanner found for one pull request. */
  remember(repo: RepositoryId, head: Omit<PlannedHead, 'updatedAt'>): Promise<void>;
  /** Forgets the repository's pull requests that are not in `open` (closed since); says how many. */
  forgetAllBut(repo: RepositoryId, open: readonly number[]): Promise<number>;
  close(): Promise<void>;
}

/** Owner and name as stored: GitHub and GitLab do not tell their cases apart. */
export function repositoryKey(repo: RepositoryId): { owner: string; name: string } {
  return { owner: repo.owner.toLowerCase(), name: repo.name.toLowerCase() };
}
