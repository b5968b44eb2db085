/**
 * Secret redaction for logs and statuses. Every secret the process holds (tokens, webhook secrets) is
 * registered once; anything written to a log or a status passes through `redact`.
 */

const REDACTED = '***';

export class SecretRegistry {
  readonly #secrets = new Set<string>();

  /** Secrets shorter than 4 characters are refused: redacting them would shred ordinary text. */
  add(secret: string | undefined | null): void {
    if (!secret) return;
    if (secret.length < 4) throw new Error('refusing to register a secret shorter than 4 characters');
    this.#secrets.add(secret);
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
 * Redacts a stream of text whose secrets may be split across chunks: it holds back the last
 * (longest secret - 1) characters until more text arrives or the stream ends.
 */
export class StreamRedactor {
  readonly #registry: SecretRegistry;
  #pending = '';

  constructor(registry: SecretRegistry) {
    this.#registry = registry;
  }

  push(text: string): string {
    const combined = this.#pending + text;
    const keep = Math.max(0, this.#registry.longest - 1);
    if (keep === 0) {
      this.#pending = '';
      return combined;
    }
    const redacted = this.#registry.redact(combined);
    // Hold back a tail that could be the beginning of a secret; never split a replacement marker.
    let cut = Math.max(0, redacted.length - keep);
    const marker = redacted.lastIndexOf(REDACTED, cut);
    if (marker !== -1 && marker + REDACTED.length > cut) cut = marker + REDACTED.length;
    this.#pending = redacted.slice(cut);
    return redacted.slice(0, cut);
  }

  end(): string {
    const rest = this.#registry.redact(this.#pending);
    this.#pending = '';
    return rest;
  }
}
