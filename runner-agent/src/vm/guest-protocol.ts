import { randomBytes } from 'node:crypto';

/**
 * What the guest agent (guest/guest-agent.sh) reports on the ironbots.control port, one line each:
 * `booted <kernel>`, `ready` (waiting for `job …` or `session …`), `session-ready` (a session VM waits for
 * scripts), `started`, `exit N`, `error <why>`.
 */
export type ControlMessage =
  | { type: 'booted'; kernel: string }
  | { type: 'ready' }
  | { type: 'session-ready' }
  | { type: 'started' }
  | { type: 'exit'; code: number }
  | { type: 'error'; message: string };

export function parseControl(line: string): ControlMessage | undefined {
  const [word, ...rest] = line.trim().split(' ');
  if (word === 'booted') return { type: 'booted', kernel: rest.join(' ') };
  if (word === 'ready') return { type: 'ready' };
  if (word === 'session-ready') return { type: 'session-ready' };
  if (word === 'started') return { type: 'started' };
  if (word === 'exit' && /^\d+$/.test(rest[0] ?? '')) return { type: 'exit', code: Number(rest[0]) };
  if (word === 'error') return { type: 'error', message: rest.join(' ') };
  return undefined;
}

/**
 * Ends the guest's output of one command: unguessable, so no command output is taken for it by chance. One
 * line without a newline, starting with a character output rarely ends in, so nearly all output is passed on
 * without being held back.
 */
export function newTrailer(): string {
  return `<<ironbots-end-of-output ${randomBytes(16).toString('hex')}>>`;
}

/**
 * Passes a command's output on as it comes, except for an end that could be the start of the trailer, and
 * says when the trailer arrived: from then on the output is complete and later bytes are not the command's.
 */
export class OutputUntilTrailer {
  readonly #trailer: Buffer;
  readonly #onOutput: (chunk: Buffer) => void;
  #held = Buffer.alloc(0);
  #complete = false;

  constructor(trailer: string, onOutput: (chunk: Buffer) => void) {
    this.#trailer = Buffer.from(trailer);
    this.#onOutput = onOutput;
  }

  get complete(): boolean {
    return this.#complete;
  }

  /** Returns true once the trailer has arrived. */
  push(chunk: Buffer): boolean {
    if (this.#complete) return true; // a background process still writing after the command
    const data = this.#held.length ? Buffer.concat([this.#held, chunk]) : chunk;
    const end = data.indexOf(this.#trailer);
    if (end >= 0) {
      if (end > 0) this.#onOutput(data.subarray(0, end));
      this.#held = Buffer.alloc(0);
      this.#complete = true;
      return true;
    }
    const keep = trailerPrefixAtEnd(data, this.#trailer);
    if (data.length > keep) this.#onOutput(data.subarray(0, data.length - keep));
    this.#held = Buffer.from(data.subarray(data.length - keep));
    return false;
  }

  /** The VM went before the trailer came: pass on what is held back. */
  flush(): void {
    if (this.#held.length) this.#onOutput(this.#held);
    this.#held = Buffer.alloc(0);
  }
}

/** How many bytes at the end of data are the beginning of the trailer (and so must wait for more). */
function trailerPrefixAtEnd(data: Buffer, trailer: Buffer): number {
  for (let k = Math.min(data.length, trailer.length - 1); k > 0; k--)
    if (data.subarray(data.length - k).equals(trailer.subarray(0, k))) return k;
  return 0;
}
