/** What registered runners report for metrics (observability/metrics.ts implements the observer). */
export type RunnerEvent =
  /** A workflow job started on one of our runners, `queuedForMs` after GitHub queued it. */
  | { type: 'job-started'; labels: string; queuedForMs: number }
  /** A runner's VM started, `queuedForMs` after its workflow job was queued. */
  | { type: 'vm-started'; labels: string; queuedForMs: number }
  /** How many registrations with our prefix the reaper saw alive, and how many ghosts it removed. */
  | { type: 'reaped'; alive: number; ghostsRemoved: number };

export interface RunnerObserver {
  observeRunner(event: RunnerEvent): void;
}
