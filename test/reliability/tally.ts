import type { CommitStatus } from '../../forge/forge.ts';
import type { ContextSpec } from '../support/deployment-world.ts';

export type FinalState = 'success' | 'failure' | 'error';

/** What one context of one trial should end with, and what the harness saw of it. */
export interface ContextObservation {
  context: string;
  /** The job's true result (see `trueResult`). */
  expected: FinalState;
  /** Every status of the context on the forge, oldest first. */
  history: Pick<CommitStatus, 'state' | 'description'>[];
  /** When the command of this context started (epoch ms, from its markers). */
  starts: number[];
  /** When the forge first accepted a final status for this context (epoch ms, from the proxy), if ever. */
  firstFinalAcceptedAt: number | null;
}

/**
 * The counts the reliability suite asserts on, for one context. Each defect is counted once:
 * - lost: the newest status is not final (or there is none): the PR waits forever.
 * - duplicated: the final attempt's verdict was posted more than once. The final attempt is everything
 *   after the last pending status; duplicated means that stretch holds two or more (non-pending) statuses,
 *   e.g. `success` by the agent that took over and then `error "lease lost"` by the stale one. A final
 *   status that is followed by pending and then a final again is counted as a regression, not here.
 * - wrong: the newest status is final but differs from the job's true result.
 * - reruns: how many times the command started after a final status of the context had been accepted by
 *   the forge, i.e. ran again although its outcome was already recorded and published.
 * - regressions: how many times a final status was followed by a pending one (`Not yet tested`,
 *   `In progress` of a re-run …): the PR went back from a verdict to waiting.
 */
export interface ContextTally {
  context: string;
  lost: number;
  duplicated: number;
  wrong: number;
  reruns: number;
  regressions: number;
}

export interface Counts {
  trials: number;
  contexts: number;
  lost: number;
  duplicated: number;
  wrong: number;
  reruns: number;
  regressions: number;
  /** Job processes still alive after every ironbots process was stopped (killed by the harness). */
  orphans: number;
}

const FINAL = new Set(['success', 'failure', 'error']);

export function tallyContext(observation: ContextObservation): ContextTally {
  const { history } = observation;
  const newest = history.at(-1);
  const lost = !newest || !FINAL.has(newest.state) ? 1 : 0;
  const wrong = !lost && newest!.state !== observation.expected ? 1 : 0;
  const lastPending = history.findLastIndex((s) => s.state === 'pending');
  const duplicated = history.length - (lastPending + 1) >= 2 ? 1 : 0;
  let regressions = 0;
  for (let i = 1; i < history.length; i++)
    if (history[i]!.state === 'pending' && FINAL.has(history[i - 1]!.state)) regressions++;
  const acceptedAt = observation.firstFinalAcceptedAt;
  const reruns = acceptedAt === null ? 0 : observation.starts.filter((at) => at > acceptedAt).length;
  return { context: observation.context, lost, duplicated, wrong, reruns, regressions };
}

/** The job's true result: what its command says (exit 0 → success), unless the scenario knows better. */
export function trueResult(spec: ContextSpec): FinalState {
  return spec.expected ?? (spec.exitCode === 0 ? 'success' : 'failure');
}

export function emptyCounts(): Counts {
  return { trials: 0, contexts: 0, lost: 0, duplicated: 0, wrong: 0, reruns: 0, regressions: 0, orphans: 0 };
}

export function addTally(counts: Counts, tally: ContextTally): void {
  counts.contexts++;
  counts.lost += tally.lost;
  counts.duplicated += tally.duplicated;
  counts.wrong += tally.wrong;
  counts.reruns += tally.reruns;
  counts.regressions += tally.regressions;
}

export function isDefective(tally: ContextTally): boolean {
  return tally.lost + tally.duplicated + tally.wrong + tally.reruns + tally.regressions > 0;
}

const COLUMNS = [
  'trials',
  'contexts',
  'lost',
  'duplicated',
  'wrong',
  'reruns',
  'regressions',
  'orphans',
] as const;

/** A plain-text table, one row per scenario. */
export function formatTable(rows: { scenario: string; counts: Counts }[]): string {
  const header = ['scenario', ...COLUMNS];
  const body = rows.map((r) => [r.scenario, ...COLUMNS.map((c) => String(r.counts[c]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
