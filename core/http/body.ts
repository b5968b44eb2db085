import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`request body is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** The shared allowance for bodies in memory is used up by other requests. */
export class BodyBudgetExhaustedError extends Error {
  constructor(budget: number) {
    super(`more than ${budget} bytes of request bodies are being received; retry later`);
    this.name = 'BodyBudgetExhaustedError';
  }
}

/** The sender stopped sending before the body was complete. */
export class BodyIdleTimeoutError extends Error {
  constructor(idleMs: number) {
    super(`no body bytes for ${idleMs} ms`);
    this.name = 'BodyIdleTimeoutError';
  }
}

/**
 * A cap on the bytes of request bodies held in memory at once, across all requests that share it: many
 * slow or hostile senders then cost at most `limit` bytes, however many connections they open.
 */
export class ByteBudget {
  readonly limit: number;
  #held = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  get held(): number {
    return this.#held;
  }

  tryReserve(bytes: number): boolean {
    if (this.#held + bytes > this.limit) return false;
    this.#held += bytes;
    return true;
  }

  release(bytes: number): void {
    this.#held = Math.max(0, this.#held - bytes);
  }
}

export interface ReadBodyOptions {
  /** Every chunk as it arrives, e.g. to hash the body while it streams. */
  onChunk?: (chunk: Buffer) => void;
  /**
   * Bytes are reserved here before they are kept (the declared Content-Length at once, else chunk by chunk)
   * and released only by `release()` of the result, or when reading fails.
   */
  budget?: ByteBudget;
  /** The longest pause between two chunks; a sender that stalls longer is cut off. */
  idleTimeoutMs?: number;
}

export interface BodyRead {
  body: Buffer;
  /** Gives the body's share of the budget back; call once the body is no longer needed. */
  release(): void;
}

/**
 * Reads a request body up to `limit` bytes. A declared Content-Length over the limit fails before a byte is
 * read; a body that grows past the limit while streaming fails as soon as it does.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const { body } = await readBodyWithin(req, limit);
  return body;
}

/** `readBody` with a shared budget, an idle timeout and a look at every chunk. */
export async function readBodyWithin(
  req: IncomingMessage,
  limit: number,
  options: ReadBodyOptions = {},
): Promise<BodyRead> {
  const { budget } = options;
  const declared = Number(req.headers['content-length']);
  const hasDeclared = req.headers['content-length'] !== undefined && Number.isFinite(declared);
  if (hasDeclared && declared > limit) throw new BodyTooLargeError(limit);
  let reserved = 0;
  const reserve = (bytes: number) => {
    if (!budget) return;
    if (!budget.tryReserve(bytes)) throw new BodyBudgetExhaustedError(budget.limit);
    reserved += bytes;
  };
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    budget?.release(reserved);
  };
  if (hasDeclared) reserve(declared);

  let idleTimer: NodeJS.Timeout | undefined;
  let idleError: BodyIdleTimeoutError | undefined;
  // One timer, pushed back on every chunk (refresh() costs less than a new timer per chunk).
  const armIdleTimer = () => {
    if (options.idleTimeoutMs === undefined) return;
    if (idleTimer) idleTimer.refresh();
    else
      idleTimer = setTimeout(() => {
        idleError = new BodyIdleTimeoutError(options.idleTimeoutMs!);
        req.destroy(idleError);
      }, options.idleTimeoutMs);
  };

  const chunks: Buffer[] = [];
  let size = 0;
  try {
    armIdleTimer();
    // Listeners, not `for await`: an async iterator costs a promise and a turn per chunk, on the path every
    // webhook delivery takes.
    await new Promise<void>((resolve, reject) => {
      const fail = (error: unknown) => {
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', fail);
        req.off('close', onClose);
        reject(error);
      };
      const onData = (chunk: Buffer) => {
        try {
          armIdleTimer();
          size += chunk.length;
          if (size > limit) throw new BodyTooLargeError(limit);
          if (size > reserved) reserve(size - reserved);
          options.onChunk?.(chunk);
          chunks.push(chunk);
        } catch (error) {
          req.pause();
          fail(error);
        }
      };
      const onEnd = () => {
        req.off('data', onData);
        req.off('error', fail);
        req.off('close', onClose);
        resolve();
      };
      // A connection that closes before the end is the client going away (what the iterator reported as
      // ERR_STREAM_PREMATURE_CLOSE).
      const onClose = () => {
        if (!req.readableEnded) fail(req.errored ?? prematureClose());
      };
      req.on('data', onData);
      req.once('end', onEnd);
      req.once('error', fail);
      req.once('close', onClose);
    });
  } catch (error) {
    release();
    throw idleError ?? error;
  } finally {
    clearTimeout(idleTimer);
  }
  return { body: Buffer.concat(chunks, size), release };
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/**
 * Whether a request failed because its client went away (closed the connection, or was cut off by a
 * server timeout): nothing to answer and nothing wrong on our side.
 */
export function isClientGone(error: unknown, req: IncomingMessage): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (
    error instanceof BodyIdleTimeoutError ||
    code === 'ECONNRESET' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    (req.destroyed && (error as Error | undefined)?.message === 'aborted')
  );
}
