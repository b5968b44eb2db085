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

  /** What can be shown of the stream so far; a view of `chunk` when it needed no change. */
  push(chunk: Buffer): Buffer {
    const { list, longest } = this.#encodedSecrets();
    const data = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    if (list.length === 0) {
      this.#pending = EMPTY;
      return data;
    }
    const redacted = redactBytes(data, list);
    const hold = possibleSecretStart(redacted, list, longest);
    // Copied: holding a view would keep the whole chunk (perhaps a buffer the caller reuses).
    this.#pending = hold ? Buffer.from(redacted.subarray(redacted.length - hold)) : EMPTY;
    return redacted.subarray(0, redacted.length - hold);
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
