/**
 * Secret redaction for logs and statuses. Every secret the process holds (tokens, webhook secrets) is
 * registered once; anything written to a log or a status passes through `redact`.
 */

const REDACTED = '***';

export class SecretRegistry {
  readonly #secrets = new Set<string>();
  #version = 0;

  /** Secrets shorter than 4 characters are refused: redacting them would shred ordinary text. */
  add(secret: string | undefined | null): void {
    if (!secret) return;
    if (secret.length < 4) throw new Error('refusing to register a secret shorter than 4 characters');
    if (!this.#secrets.has(secret)) this.#version++;
    this.#secrets.add(secret);
  }

  /** For a short-lived secret (a runner's one-job registration): forgotten once nothing can print it. */
  remove(secret: string): void {
    if (this.#secrets.delete(secret)) this.#version++;
  }

  /** Changes whenever a secret is added or removed: lets a StreamRedactor keep its encoded copies. */
  get version(): number {
    return this.#version;
  }

  get longest(): number {
    let max = 0;
    for (const s of this.#secrets) max = Math.max(max, s.length);
    return max;
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  values(): string[] {
    return [...this.#secrets];
  }
}

/**
 * Redacts a byte stream (a job's output) whose secrets may be split across chunks, without decoding it:
 * a secret's UTF-8 bytes are found in the bytes, so output that is not valid UTF-8 passes through exactly
 * as written, and a chunk that contains no secret is handed on as it came (no copy). It holds back only a
 * tail that could be the start of a secret, so a live log shows everything else at once.
 */
export class StreamRedactor {
  readonly #registry: SecretRegistry;
  #pending: Buffer = EMPTY;
  #secrets: { list: readonly Buffer[]; longest: number } | undefined;
  #registryVersion = -1;

  constructor(registry: SecretRegistry) {
    this.#registry = registry;
  }

  /**
   * What can be shown of the stream so far, in pieces (views of `chunk` where it needed no change): a large
   * chunk is never copied just to be joined to a held-back tail.
   */
  push(chunk: Buffer): Buffer[] {
    const { list, longest } = this.#encodedSecrets();
    const pieces: Buffer[] = [];
    let data = chunk;
    if (this.#pending.length) {
      const held = this.#pending;
      this.#pending = EMPTY;
      if (list.length === 0) pieces.push(held);
      // Short: cheap to join, and it may still end inside a secret.
      else if (chunk.length < longest) data = Buffer.concat([held, chunk]);
      else {
        // Long enough to complete any secret that began in the held tail: one did, or the tail is output.
        const across = secretAcross(held, chunk, list);
        pieces.push(across ? Buffer.concat([held.subarray(0, across.start), REDACTED_BYTES]) : held);
        if (across) data = chunk.subarray(across.end);
      }
    }
    if (list.length === 0) {
      pieces.push(data);
      return pieces;
    }
    const redacted = redactBytes(data, list);
    const hold = possibleSecretStart(redacted, list, longest);
    // Copied: holding a view would keep the whole chunk (perhaps a buffer the caller reuses).
    this.#pending = hold ? Buffer.from(redacted.subarray(redacted.length - hold)) : EMPTY;
    pieces.push(redacted.subarray(0, redacted.length - hold));
    return pieces;
  }

  /** The held-back tail, redacted: the stream has ended. */
  end(): Buffer {
    const rest = redactBytes(this.#pending, this.#encodedSecrets().list);
    this.#pending = EMPTY;
    return rest;
  }

  #encodedSecrets(): { list: readonly Buffer[]; longest: number } {
    if (!this.#secrets || this.#registryVersion !== this.#registry.version) {
      // Longest first, as SecretRegistry.redact does: a secret that contains another is replaced whole.
      const list = this.#registry
        .values()
        .map((secret) => Buffer.from(secret))
        .sort((a, b) => b.length - a.length);
      this.#secrets = { list, longest: list[0]?.length ?? 0 };
      this.#registryVersion = this.#registry.version;
    }
    return this.#secrets;
  }
}

const EMPTY = Buffer.alloc(0);
const REDACTED_BYTES = Buffer.from(REDACTED);

/** Every occurrence of every secret replaced; `data` itself when there is none. */
function redactBytes(data: Buffer, secrets: readonly Buffer[]): Buffer {
  let out = data;
  for (const secret of secrets) {
    let at = out.indexOf(secret);
    if (at < 0) continue;
    const parts: Buffer[] = [];
    let from = 0;
    while (at >= 0) {
      parts.push(out.subarray(from, at), REDACTED_BYTES);
      from = at + secret.length;
      at = out.indexOf(secret, from);
    }
    parts.push(out.subarray(from));
    out = Buffer.concat(parts);
  }
  return out;
}

/**
 * The leftmost secret (the longest, of several there) that begins in `held` and ends in `chunk`: where it
 * starts in `held`, and where it ends in `chunk`.
 */
function secretAcross(
  held: Buffer,
  chunk: Buffer,
  secrets: readonly Buffer[],
): { start: number; end: number } | undefined {
  for (let start = 0; start < held.length; start++) {
    const inHeld = held.length - start;
    for (const secret of secrets)
      if (
        secret.length > inHeld &&
        held.compare(secret, 0, inHeld, start) === 0 &&
        chunk.compare(secret, inHeld, secret.length, 0, secret.length - inHeld) === 0
      )
        return { start, end: secret.length - inHeld };
  }
  return undefined;
}

/** Length of the longest tail of `data` that some secret begins with (shorter than that secret). */
function possibleSecretStart(data: Buffer, secrets: readonly Buffer[], longest: number): number {
  for (let start = Math.max(0, data.length - longest + 1); start < data.length; start++) {
    const byte = data[start];
    const tail = data.length - start;
    for (const secret of secrets)
      if (secret[0] === byte && secret.length > tail && data.compare(secret, 0, tail, start) === 0)
        return tail;
  }
  return 0;
}
