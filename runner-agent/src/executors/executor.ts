/**
 * An executor runs one job's command somewhere (a host process, a podman container, a throw-away VM) and
 * reports how it ended. Every implementation passes test/executors/executor-contract.ts.
 */

export interface ExecutionRequest {
  jobId: string;
  /** argv; executors never hand it to a shell. */
  argv: string[];
  /** The job's checkout (may be empty); the command runs with it as working directory. */
  workdir: string;
  /** The complete environment of the command: executors add nothing from the agent's own environment. */
  env: Record<string, string>;
  timeoutMs: number;
  /** Image for container and VM executors. */
  image?: string;
  /** The VM executor's guest network: `user` (default; QEMU's user-mode network) or `none`. */
  network?: 'none' | 'user';
}

export interface ExecutionIO {
  /** stdout and stderr, interleaved in the order they arrive. */
  onOutput(chunk: Buffer): void;
  /**
   * The caller copies what it keeps of a chunk before onOutput returns, so the executor may hand out views
   * of a buffer it reads into again (no allocation per read). Unset: every chunk is the caller's to keep.
   */
  transientChunks?: boolean;
  /**
   * Asked after each chunk: a promise when the caller is behind (its log store is slower than the job), and
   * the executor reads no more output until it settles (the job waits on its pipe, as on a slow terminal).
   */
  backlog?(): Promise<void> | undefined;
  /** Called once when the command has actually started (epoch ms, from performance.timeOrigin + now()). */
  onStarted?(at: number): void;
  /** Abort to cancel: the command and everything it started is killed. */
  signal: AbortSignal;
  /** A line about how the command runs (e.g. the VM's accelerator) for the job log; not the command's output. */
  log?(line: string): void;
}

export type ExecutionOutcome =
  | { kind: 'exited'; exitCode: number }
  | { kind: 'timed-out' }
  | { kind: 'cancelled' }
  /** The executor itself failed (VM did not boot, container runtime broken): worth retrying elsewhere. */
  | { kind: 'infrastructure-error'; message: string };

export interface ExecutionResult {
  outcome: ExecutionOutcome;
  durationMs: number;
  /** How it ran, for the status description (e.g. `TCG` when a VM ran without KVM: never silently slow). */
  note?: string;
}

export interface Executor {
  readonly name: string;
  /** Labels this executor lets the agent offer, e.g. `executor:vm`, `kvm`. */
  labels(): Promise<string[]>;
  run(request: ExecutionRequest, io: ExecutionIO): Promise<ExecutionResult>;
  /** Remove what a previous, killed agent left behind (processes, overlays, containers). */
  reapLeftovers?(): Promise<number | void>;
  /**
   * While the agent runs: stops what runs with no live job behind it (a VM whose job this agent no longer
   * runs), and says how many it stopped. `liveJobIds` are the jobs the agent runs now.
   */
  reapOrphans?(liveJobIds: ReadonlySet<string>): Promise<number>;
}
