import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';

/** An object read by name: its id, type and bytes. */
export interface GitObject {
  sha: string;
  type: string;
  content: Buffer;
}

/** A reader with nothing asked for this long ends its git process; the next question starts one again. */
const IDLE_MS = 2_000;

interface Question {
  resolve(object: GitObject | null): void;
  reject(error: Error): void;
}

/** One `git cat-file --batch` and the questions it has yet to answer. */
interface BatchProcess {
  git: ChildProcessByStdio<Writable, Readable, null>;
  waiting: Question[];
}

/**
 * Reads objects from a repository through one long-running `git cat-file --batch`, as git servers do:
 * starting a git process per object costs 5–10 ms in a large Node process (fork copies its page tables),
 * and a scan of hundreds of pull requests reads several objects for each. Answers come in the order asked.
 *
 * Names are ids, `<commit id>^{commit}` or `<commit id>:<path>`: an object named by id never changes. Objects
 * pushed while the process runs are found too (git looks for new packs when an object is missing).
 */
export class GitObjectReader {
  readonly #dir: string;
  readonly #env: Record<string, string>;
  #current: BatchProcess | null = null;
  #idle: NodeJS.Timeout | null = null;

  constructor(dir: string, env: Record<string, string>) {
    this.#dir = dir;
    this.#env = env;
  }

  /** The object `name` names, or null when it names none. Names with a line break are refused. */
  read(name: string): Promise<GitObject | null> {
    if (/[\n\r\0]/.test(name)) return Promise.resolve(null);
    const batch = this.#process();
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
    return new Promise((resolve, reject) => {
      batch.waiting.push({ resolve, reject });
      batch.git.stdin.write(`${name}\n`);
    });
  }

  /** Ends the git process; what it was asked already is still answered. */
  close(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
    this.#current?.git.stdin.end();
    this.#current = null;
  }

  #process(): BatchProcess {
    if (this.#current) return this.#current;
    const git = spawn('git', ['cat-file', '--batch'], {
      cwd: this.#dir,
      env: this.#env,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    // Neither the process nor its pipes keep a finished test or emulator alive.
    git.unref();
    (git.stdin as unknown as Socket).unref();
    (git.stdout as unknown as Socket).unref();
    const batch: BatchProcess = { git, waiting: [] };
    const parse = answers(batch.waiting, () => {
      if (this.#current !== batch || batch.waiting.length > 0 || this.#idle) return;
      this.#idle = setTimeout(() => this.close(), IDLE_MS);
      this.#idle.unref();
    });
    git.stdout.on('data', parse);
    const fail = (error: Error) => {
      if (this.#current === batch) this.#current = null;
      for (const question of batch.waiting.splice(0)) question.reject(error);
    };
    git.on('error', fail);
    git.on('close', (code) => fail(new Error(`git cat-file --batch exited with ${code}`)));
    git.stdin.on('error', () => undefined);
    this.#current = batch;
    return batch;
  }
}

/**
 * A parser of cat-file's output that answers `waiting` in order: `<id> <type> <size>\n<bytes>\n`, or
 * `<name> missing\n` (or `ambiguous`, …) for no such object. Calls `drained` when nothing is left waiting.
 */
function answers(waiting: Question[], drained: () => void): (chunk: Buffer) => void {
  let chunks: Buffer[] = [];
  let length = 0;
  /** The header of the answer whose bytes are still coming. */
  let body: { sha: string; type: string; size: number } | null = null;
  return (chunk) => {
    chunks.push(chunk);
    length += chunk.length;
    for (;;) {
      if (!body) {
        const buffered = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
        chunks = [buffered];
        const eol = buffered.indexOf(10);
        if (eol < 0) break;
        const header = buffered.subarray(0, eol).toString('utf8');
        chunks = [buffered.subarray(eol + 1)];
        length -= eol + 1;
        const match = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(header);
        if (!match) {
          waiting.shift()?.resolve(null);
          continue;
        }
        body = { sha: match[1]!, type: match[2]!, size: Number(match[3]) };
      }
      // The bytes and the line break after them.
      if (length < body.size + 1) break;
      const buffered = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
      const content = Buffer.from(buffered.subarray(0, body.size));
      chunks = [buffered.subarray(body.size + 1)];
      length -= body.size + 1;
      waiting.shift()?.resolve({ sha: body.sha, type: body.type, content });
      body = null;
    }
    if (waiting.length === 0) drained();
  };
}
