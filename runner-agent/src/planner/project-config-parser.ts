import { Worker } from 'node:worker_threads';
import { ProjectConfigError, type ProjectConfig } from './project-config.ts';

export interface ParseRequest {
  seq: number;
  text: string;
}

export type ParseReply =
  | { seq: number; config: ProjectConfig }
  | { seq: number; configError: { message: string; line: number | undefined; field: string | undefined } }
  | { seq: number; crash: string };

export interface ProjectConfigParserOptions {
  /** A parse that takes longer is the file's fault (the thread is replaced). Default 10 s. */
  timeoutMs?: number;
  /** Heap of the parser thread; a file that needs more is refused. Default 256 MB. */
  maxHeapMegabytes?: number;
}

/**
 * Parses project configs on a thread of their own, one at a time. The planner runs in the server process
 * next to the webhook receiver; a file at the limits takes a fraction of a second to parse, but whatever it
 * costs, the receiver's event loop keeps answering. A parse that runs out of time or memory is a
 * ProjectConfigError like any other problem with the file.
 */
export class ProjectConfigParser {
  readonly #timeoutMs: number;
  readonly #maxHeapMegabytes: number;
  #worker: Worker | undefined;
  #seq = 0;
  /** Parses run one after the other: a thread that must be killed takes only its own parse with it. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: ProjectConfigParserOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#maxHeapMegabytes = options.maxHeapMegabytes ?? 256;
  }

  parse(text: string): Promise<ProjectConfig> {
    const result = this.#tail.then(() => this.#parseNow(text));
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Stops the thread; a later parse starts a new one. */
  async close(): Promise<void> {
    await this.#tail;
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #thread(): Worker {
    if (!this.#worker) {
      this.#worker = new Worker(new URL('./project-config-thread.ts', import.meta.url), {
        resourceLimits: { maxOldGenerationSizeMb: this.#maxHeapMegabytes },
      });
      // An idle parser must not keep a finished process alive.
      this.#worker.unref();
    }
    return this.#worker;
  }

  #parseNow(text: string): Promise<ProjectConfig> {
    const worker = this.#thread();
    const seq = ++this.#seq;
    return new Promise<ProjectConfig>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        worker.unref();
      };
      const discardThread = () => {
        if (this.#worker === worker) this.#worker = undefined;
        void worker.terminate();
      };
      const onMessage = (reply: ParseReply) => {
        if (reply.seq !== seq) return;
        finish();
        if ('config' in reply) resolve(reply.config);
        else if ('configError' in reply) reject(rebuild(reply.configError));
        else reject(new Error(`project config parser failed: ${reply.crash}`));
      };
      const onError = (error: Error) => {
        finish();
        discardThread();
        // ERR_WORKER_OUT_OF_MEMORY: the file asked for more than any honest config needs.
        if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
          reject(
            new ProjectConfigError(
              `needs more than ${this.#maxHeapMegabytes} MB to parse`,
              undefined,
              undefined,
            ),
          );
        } else reject(error);
      };
      const onExit = (code: number) => {
        finish();
        discardThread();
        reject(new Error(`project config parser thread exited (${code})`));
      };
      const timer = setTimeout(() => {
        finish();
        discardThread();
        reject(
          new ProjectConfigError(
            `took longer than ${this.#timeoutMs / 1000} s to parse`,
            undefined,
            undefined,
          ),
        );
      }, this.#timeoutMs);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.ref();
      worker.postMessage({ seq, text } satisfies ParseRequest);
    });
  }
}

/** The error as the thread raised it: its message already names the file, line and field. */
function rebuild(error: { message: string; line: number | undefined; field: string | undefined }) {
  const rebuilt = new ProjectConfigError('', error.line, error.field);
  rebuilt.message = error.message;
  return rebuilt;
}
