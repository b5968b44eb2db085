import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';

/**
 * A QMP (QEMU Machine Protocol) session on a socket qemu connected to: newline-delimited JSON, one command at
 * a time, asynchronous events ignored.
 */
export class Qmp {
  readonly #socket: Socket;
  readonly #waiting: Array<{ resolve(value: unknown): void; reject(error: Error): void }> = [];
  readonly #ready: Promise<void>;
  #closed = false;

  constructor(socket: Socket) {
    this.#socket = socket;
    let greeted: () => void;
    let gone: (error: Error) => void;
    this.#ready = new Promise((resolve, reject) => {
      greeted = resolve;
      gone = reject;
    });
    // Whoever waits for the greeting hears of a qemu that died first (an unwaited rejection is no error).
    this.#ready.catch(() => undefined);
    const lines = createInterface({ input: socket });
    // A reset is qemu going away: the close below says so to whoever waits.
    lines.on('error', () => undefined);
    lines.on('line', (line) => {
      let message: { QMP?: unknown; return?: unknown; error?: { desc: string }; event?: string };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        return;
      }
      if (message.QMP) return greeted();
      if (message.event) return;
      const waiter = this.#waiting.shift();
      if (!waiter) return;
      if (message.error) waiter.reject(new Error(`qmp: ${message.error.desc}`));
      else waiter.resolve(message.return);
    });
    socket.on('error', () => undefined);
    socket.once('close', () => {
      this.#closed = true;
      gone(new Error('qmp: qemu closed the monitor'));
      for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error('qmp: qemu closed the monitor'));
    });
  }

  /** Waits for the greeting and leaves capabilities negotiation mode. */
  async start(): Promise<void> {
    await this.#ready;
    await this.execute('qmp_capabilities');
  }

  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('qmp: qemu closed the monitor'));
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({ resolve: resolve as (value: unknown) => void, reject });
      this.#socket.write(`${JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}) })}\n`);
    });
  }

  /** Polls until `done` says the value is final; throws on timeout. */
  async until<T>(command: string, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const value = await this.execute<T>(command);
      if (done(value)) return value;
      if (performance.now() > deadline)
        throw new Error(`${what}: not done within ${Math.round(timeoutMs / 1000)} s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
