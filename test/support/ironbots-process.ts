import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Children still running; killed if this process exits first (a test runner tearing down its worker). */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** One JSON log line of an ironbots process (pino), or a plain line wrapped as `{ msg }`. */
export type LogEntry = { msg?: string; level?: number; fatal?: boolean; [key: string]: unknown };

/**
 * `node cli/ironbots.ts …` as a child process: its log lines are kept and can be waited for, and it can be
 * signalled like a process under systemd (SIGTERM, SIGKILL, SIGSTOP, SIGCONT).
 */
export class IronbotsProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly entries: LogEntry[] = [];
  /** stdout, for commands that print results there (`scan`, `queue stats`). */
  stdout = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly #waiters = new Set<() => void>();

  constructor(name: string, args: string[], env: Record<string, string>) {
    this.name = name;
    this.child = spawn(process.execPath, [path.join(repoRoot, 'cli/ironbots.ts'), ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/nonexistent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(this.child);
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      let entry: LogEntry;
      try {
        // The CLI reports what stopped it as one plain `ironbots: …` line.
        entry = line.startsWith('{')
          ? (JSON.parse(line) as LogEntry)
          : { msg: line, fatal: line.startsWith('ironbots: ') };
      } catch {
        entry = { msg: line };
      }
      this.entries.push(entry);
      this.#notify();
    });
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code, signal) => {
        live.delete(this.child);
        this.#exit = { code, signal };
        this.#notify();
        resolve(this.#exit);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.#exit === null;
  }

  /** The log as text, for failure messages. */
  logText(last = 40): string {
    return this.entries
      .slice(-last)
      .map((e) => JSON.stringify(e))
      .join('\n');
  }

  /** Resolves with the first log entry (already seen or coming) that matches, or null at the timeout. */
  async waitForLog(match: (entry: LogEntry) => boolean, timeoutMs: number): Promise<LogEntry | null> {
    const deadline = Date.now() + timeoutMs;
    let seen = 0;
    for (;;) {
      for (; seen < this.entries.length; seen++) if (match(this.entries[seen]!)) return this.entries[seen]!;
      if (!this.running || Date.now() >= deadline) return null;
      await this.#next(deadline - Date.now());
    }
  }

  /** Waits for `msg`; throws with the log if the process exits first or it does not come in time. */
  async expectLog(msg: string, timeoutMs: number): Promise<LogEntry> {
    const entry = await this.waitForLog((e) => e.msg === msg, timeoutMs);
    if (!entry)
      throw new Error(
        `${this.name}: no "${msg}" within ${timeoutMs} ms (${this.running ? 'still running' : `exited ${JSON.stringify(this.#exit)}`}):\n${this.logText()}`,
      );
    return entry;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** kill -9, and wait until it is gone. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (a stopped process gets SIGCONT too), then SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.signal('SIGTERM');
    this.signal('SIGCONT');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  #next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
