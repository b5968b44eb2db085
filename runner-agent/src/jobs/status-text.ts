/**
 * Commit status descriptions, defined once: the planner writes them, the agent writes them, and the scanner
 * compares against them. (Cockpit's scanner once compared against a different text than its bots wrote,
 * and ran jobs twice.)
 */
export const NOT_YET_TESTED = 'Not yet tested';
/** A job submitted through the API under a cross-project context, before it starts. */
export const SUBMITTED_NOT_YET_TESTED = 'Not yet tested (submitted)';
/** A pull request from a fork by an author without write access: nothing runs until a maintainer approves. */
export const WAITING_FOR_APPROVAL = 'Waiting for approval';
/** What older versions said instead of WAITING_FOR_APPROVAL; read as the same. */
export const MANUAL_TESTING_REQUIRED = 'Manual testing required';
/**
 * The context of the status that approves a fork's head commit (`/approve`, or the approval label): bound to
 * that commit, so a new push needs a new approval. Only users with write access can post statuses.
 */
export const APPROVAL_CONTEXT = 'ironbots/approval';

export function isWaitingForApproval(description: string | undefined): boolean {
  return description === WAITING_FOR_APPROVAL || description === MANUAL_TESTING_REQUIRED;
}
export const IN_PROGRESS_PREFIX = 'In progress';
/** The context of the status that reports a broken `.ironbots.yml`. */
export const CONFIG_CONTEXT = 'ironbots/config';

export function inProgress(agent: string, mode?: string): string {
  return `${IN_PROGRESS_PREFIX} [${agent}]${mode ? ` (${mode})` : ''}`;
}

export function isInProgress(description: string | undefined): boolean {
  return description?.startsWith(`${IN_PROGRESS_PREFIX} [`) ?? false;
}

export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Who cancels and why, as the queue, the log and the status say it: "by alice (superseded by 1a2b3c4)". */
export function cancelReason(by: string, reason?: string): string {
  return `by ${by}${reason ? ` (${reason})` : ''}`;
}

/**
 * Why a pull request's jobs stop: a newer head (`null`: the pull request was closed). The server's cancel and
 * the agent's own check of the pull request word one event alike, so the final status reads the same
 * whichever comes first.
 */
export function supersededReason(newerHeadSha: string | null): string {
  return newerHeadSha ? `superseded by ${newerHeadSha.slice(0, 7)}` : 'the pull request was closed';
}
