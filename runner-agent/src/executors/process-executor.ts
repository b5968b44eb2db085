import { spawn, type ChildProcess } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { mkdirSync, rmSync } from 'node:fs';
import { access, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { isAtomicWriteTempFile, readJsonStateFile, writeFileAtomicSync } from '../../../core/files.ts';
import { silentLogger, type Logger } from '../../../core/logger.ts';
import type {
  ExecutionIO,
  ExecutionOutcome,
  ExecutionRequest,
  ExecutionResult,
  Executor,
} from './executor.ts';
import { DEFAULT_JOB_PATH } from './job-environment.ts';
import { OUTPUT_FIFO_DIR_PREFIX, OutputFifo } from './output-fifo.ts';
import {
  liveGroupMembers,
  processesWithEnvironment,
  processStartTime,
  terminateProcesses,
  terminateProcessGroup,
} from './process-group.ts';

export interface ProcessExecutorOptions {
  /** Time between SIGTERM and SIGKILL when a job is stopped or leaves processes behind. Default 5 s. */
  killGraceMs?: number;
  /**
   * Where running jobs' process groups are recorded. Jobs run in their own group, so they survive a
   * `kill -9` of the agent; the next agent start kills what the records name (`reapLeftovers`).
   */
  leftoverDir?: string;
  /** Where a record that cannot be read back is reported. */
  logger?: Logger;
}

const ProcessGroupRecordSchema = z.object({
  pgid: z.number().int().positive(),
  jobId: z.string(),
  /** The environment entries that mark this run's processes, also those that left the group (jobMarker). */
  marker: z.array(z.string()).default([]),
  /** The leader's start time (clock ticks since boot): tells our process from a later one with its pid. */
  startTime: z.number().nullable(),
});
type ProcessGroupRecord = z.infer<typeof ProcessGroupRecordSchema>;

/**
 * After the job's processes are gone, how long its output pipe may stay open. Only a process that escaped
 * the process group (its own setsid) can hold them longer; we stop reading rather than wait for it.
 */
const STDIO_DRAIN_MS = 2_000;

type Resolution =
  | { kind: 'found'; file: string }
  | { kind: 'not-found' }
  | { kind: 'not-executable'; reason: 'permission denied' | 'is a directory' };

/**
 * Runs the command as a plain process on the agent's machine, in its own process group so that the command
 * and everything it starts can be stopped together. No isolation beyond a scrubbed environment: for trusted
 * jobs only.
 */
export class ProcessExecutor implements Executor {
  readonly name = 'process';
  readonly #killGraceMs: number;
  readonly #leftoverDir: string | undefined;
  readonly #logger: Logger;
  /** A FIFO made ahead for the next job's output (making one runs mkfifo); only with a leftoverDir. */
  #spareFifo: Promise<string> | undefined;

  constructor(options: ProcessExecutorOptions = {}) {
    this.#killGraceMs = options.killGraceMs ?? 5_000;
    this.#leftoverDir = options.leftoverDir;
    this.#logger = options.logger ?? silentLogger();
  }

  /** Kills the process groups of jobs whose agent died (kill -9, power cut of the agent's cgroup …). */
  async reapLeftovers(): Promise<void> {
    if (!this.#leftoverDir) return;
    const files = await readdir(this.#leftoverDir).catch(() => [] as string[]);
    await Promise.all(
      files.map(async (file) => {
        const full = path.join(this.#leftoverDir!, file);
        // A crash mid-write leaves the temporary file; the record it was to become never existed.
        if (isAtomicWriteTempFile(file)) return rm(full, { force: true });
        // The output pipe a dead agent made for a job it never ran.
        if (file.startsWith(OUTPUT_FIFO_DIR_PREFIX)) return rm(full, { recursive: true, force: true });
        if (!file.endsWith('.json')) return;
        // A torn record is removed with a warning: it must not keep the agent from starting.
        const record = await readJsonStateFile(full, ProcessGroupRecordSchema, this.#logger);
        if (!record) return;
        const leaderStart = processStartTime(record.pgid);
        // A live leader with another start time is a new process that got the pid: not ours.
        const ours = leaderStart === null || record.startTime === null || leaderStart === record.startTime;
        if (ours && (liveGroupMembers(record.pgid)?.length ?? 0) > 0) {
          await terminateProcessGroup(record.pgid, this.#killGraceMs);
        }
        await terminateProcesses(processesWithEnvironment(record.marker), this.#killGraceMs);
        await rm(full, { force: true });
      }),
    );
  }

  #record(pgid: number, jobId: string, marker: string[]): string | undefined {
    if (!this.#leftoverDir) return undefined;
    mkdirSync(this.#leftoverDir, { recursive: true });
    const file = path.join(this.#leftoverDir, `${pgid}.json`);
    const record: ProcessGroupRecord = { pgid, jobId, marker, startTime: processStartTime(pgid) };
    // Atomic: a crash mid-write must leave no torn record for the next start to trip over.
    writeFileAtomicSync(file, JSON.stringify(record));
    return file;
  }

  /**
   * The job's output pipe. With a leftoverDir, the next job's is made meanwhile (there, where the next
   * agent start removes it if this agent never uses it), so that mkfifo stays off a job's start.
   */
  async #openOutput(
    onChunk: (chunk: Buffer) => void,
    backlog: (() => Promise<void> | undefined) | undefined,
  ): Promise<OutputFifo> {
    const spare = this.#spareFifo;
    if (this.#leftoverDir) {
      mkdirSync(this.#leftoverDir, { recursive: true });
      this.#spareFifo = OutputFifo.make(this.#leftoverDir);
      this.#spareFifo.catch(() => undefined);
    }
    try {
      return OutputFifo.open(await (spare ?? OutputFifo.make()), onChunk, backlog);
    } catch (error) {
      if (!spare) throw error;
      // The spare is gone or could not be made: one made now.
      return OutputFifo.open(await OutputFifo.make(), onChunk, backlog);
    }
  }

  async labels(): Promise<string[]> {
    return ['executor:process'];
  }

  async run(request: ExecutionRequest, io: ExecutionIO): Promise<ExecutionResult> {
    const started = performance.now();
    const result = (outcome: ExecutionOutcome): ExecutionResult => ({
      outcome,
      durationMs: performance.now() - started,
    });
    if (io.signal.aborted) return result({ kind: 'cancelled' });

    try {
      if (!(await stat(request.workdir)).isDirectory()) throw new Error('not a directory');
    } catch (error) {
      return result({
        kind: 'infrastructure-error',
        message: `working directory ${request.workdir} is unusable: ${(error as Error).message}`,
      });
    }

    // Like a shell: a command that cannot run is the job's failure (127 / 126), not the machine's.
    const command = request.argv[0] ?? '';
    const resolved = await resolveCommand(command, request.env.PATH ?? DEFAULT_JOB_PATH, request.workdir);
    if (resolved.kind !== 'found') {
      const notFound = resolved.kind === 'not-found';
      const what = notFound ? 'command not found' : resolved.reason;
      io.onOutput(Buffer.from(`ironbots: ${what}: ${command}\n`));
      return result({ kind: 'exited', exitCode: notFound ? 127 : 126 });
    }
    if (io.signal.aborted) return result({ kind: 'cancelled' });

    let output: OutputFifo;
    try {
      output = await this.#openOutput(
        (chunk) => io.onOutput(io.transientChunks ? chunk : Buffer.from(chunk)),
        io.backlog && (() => io.backlog!()),
      );
    } catch (error) {
      return result({
        kind: 'infrastructure-error',
        message: `could not make the job's output pipe: ${(error as Error).message}`,
      });
    }
    if (io.signal.aborted) {
      output.stop();
      return result({ kind: 'cancelled' });
    }

    return new Promise<ExecutionResult>((resolve) => {
      let child: ChildProcess;
      try {
        child = spawn(resolved.file, request.argv.slice(1), {
          argv0: command,
          cwd: request.workdir,
          env: request.env,
          // stdout and stderr are one pipe: the log shows them in the order the job wrote them.
          stdio: ['ignore', output.writeFd, output.writeFd],
          // setsid(): the command leads a new process group that we can signal as a whole.
          detached: true,
          shell: false,
        });
      } catch (error) {
        output.stop();
        resolve(result(spawnFailure(command, error as NodeJS.ErrnoException, io)));
        return;
      } finally {
        // The child has its own copy now: the pipe ends when the job's processes have closed theirs.
        output.closeWriteEnd();
      }

      const pgid = child.pid;
      // What left the group (its own setsid) is found by this run's job id and attempt in its environment.
      const marker = jobMarker(request);
      const record = pgid === undefined ? undefined : this.#record(pgid, request.jobId, marker);
      let stopReason: 'timed-out' | 'cancelled' | undefined;
      let spawnError: NodeJS.ErrnoException | undefined;
      let termination: Promise<void> | undefined;
      const terminate = (): Promise<void> => {
        if (pgid === undefined) return Promise.resolve();
        termination ??= terminateProcessGroup(pgid, this.#killGraceMs).then(() =>
          terminateProcesses(processesWithEnvironment(marker), this.#killGraceMs),
        );
        return termination;
      };
      const stop = (reason: 'timed-out' | 'cancelled') => {
        stopReason ??= reason;
        void terminate();
      };
      // setTimeout cannot wait longer than 2^31-1 ms (it fires at once instead).
      const timer = setTimeout(() => stop('timed-out'), Math.min(request.timeoutMs, 2 ** 31 - 1));
      const onAbort = () => stop('cancelled');
      io.signal.addEventListener('abort', onAbort, { once: true });

      child.once('spawn', () => io.onStarted?.(performance.timeOrigin + performance.now()));
      child.once('error', (error: NodeJS.ErrnoException) => {
        spawnError = error;
      });
      // The command is done; a background process it left in its group must not outlive the job (nor keep
      // our pipe open).
      child.once('exit', () => {
        clearTimeout(timer);
        void terminate().then(() => {
          if (output.isClosed) return;
          const drain = setTimeout(() => {
            io.onOutput(
              Buffer.from('\nironbots: output still open after the job ended; stopped reading it\n'),
            );
            output.stop();
          }, STDIO_DRAIN_MS);
          void output.closed.then(() => clearTimeout(drain));
        });
      });
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        clearTimeout(timer);
        io.signal.removeEventListener('abort', onAbort);
        // A child that never started has no 'exit' to stop the reading: nothing can write to the pipe.
        if (spawnError) output.stop();
        void Promise.all([termination, output.closed]).then(() => {
          if (record) rmSync(record, { force: true });
          if (spawnError) resolve(result(spawnFailure(command, spawnError, io)));
          else if (stopReason) resolve(result({ kind: stopReason }));
          else if (code !== null) resolve(result({ kind: 'exited', exitCode: code }));
          // Killed by a signal nobody here sent: report it the way a shell does.
          else resolve(result({ kind: 'exited', exitCode: 128 + (os.constants.signals[signal!] ?? 0) }));
        });
      });
    });
  }
}

/**
 * The environment entries every process of one run of a job carries (the JobRunner sets IRONBOTS_JOB_ID
 * and IRONBOTS_ATTEMPT): two attempts of a job may run at once, and one's end must not stop the other.
 * Empty (nothing is looked for) when the request's environment has no job id of its own.
 */
function jobMarker(request: { jobId: string; env: Record<string, string> }): string[] {
  if (request.env.IRONBOTS_JOB_ID !== request.jobId) return [];
  const marker = [`IRONBOTS_JOB_ID=${request.jobId}`];
  if (request.env.IRONBOTS_ATTEMPT !== undefined)
    marker.push(`IRONBOTS_ATTEMPT=${request.env.IRONBOTS_ATTEMPT}`);
  return marker;
}

/** spawn's own errors; the checks before spawning catch the common cases, these are races and oddities. */
function spawnFailure(command: string, error: NodeJS.ErrnoException, io: ExecutionIO): ExecutionOutcome {
  const asShell: Record<string, [string, number]> = {
    ENOENT: ['command not found', 127],
    EACCES: ['permission denied', 126],
    ENOEXEC: ['cannot execute (exec format error)', 126],
  };
  const known = error.code ? asShell[error.code] : undefined;
  if (!known)
    return { kind: 'infrastructure-error', message: `could not start ${command}: ${error.message}` };
  io.onOutput(Buffer.from(`ironbots: ${known[0]}: ${command}\n`));
  return { kind: 'exited', exitCode: known[1] };
}

/**
 * execvp's lookup, but against the job's PATH rather than the agent's, and telling "not found" from "found
 * but not executable" the way a shell does.
 */
async function resolveCommand(command: string, searchPath: string, workdir: string): Promise<Resolution> {
  if (command === '') return { kind: 'not-found' };
  if (command.includes('/')) return checkExecutable(path.resolve(workdir, command));
  let denied: Resolution | undefined;
  for (const dir of searchPath.split(':')) {
    // An empty PATH entry means the working directory.
    const candidate = await checkExecutable(path.resolve(workdir, dir || '.', command));
    if (candidate.kind === 'found') return candidate;
    if (candidate.kind === 'not-executable' && candidate.reason === 'permission denied') denied ??= candidate;
  }
  return denied ?? { kind: 'not-found' };
}

async function checkExecutable(file: string): Promise<Resolution> {
  try {
    if ((await stat(file)).isDirectory()) return { kind: 'not-executable', reason: 'is a directory' };
  } catch {
    return { kind: 'not-found' };
  }
  try {
    await access(file, fsConstants.X_OK);
    return { kind: 'found', file };
  } catch {
    return { kind: 'not-executable', reason: 'permission denied' };
  }
}
