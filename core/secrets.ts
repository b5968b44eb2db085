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

  /** For a short-lived secret (a runner's one-job registration): forgotten once nothing can print it. */
  remove(secret: string): void {
    this.#secrets.delete(secret);
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
 * Redacts a stream of text whose secrets may be split across chunks. It holds back only a tail that could
 * be the start of a secret (so a live log shows everything else at once), and never splits a UTF-16
 * surrogate pair.
 */
export class StreamRedactor {
  readonly #registry: SecretRegistry;
  #pending = '';

  constructor(registry: SecretRegistry) {
    this.#registry = registry;
  }

  push(text: string): string {
    const redacted = this.#registry.redact(this.#pending + text);
    let cut = redacted.length - this.#possibleSecretStart(redacted);
    // Don't end on the first half of a surrogate pair: encoded alone it would become U+FFFD.
    const last = redacted.charCodeAt(cut - 1);
    if (cut > 0 && last >= 0xd800 && last <= 0xdbff) cut--;
    this.#pending = redacted.slice(cut);
    return redacted.slice(0, cut);
  }

  end(): string {
    const rest = this.#registry.redact(this.#pending);
    this.#pending = '';
    return rest;
  }

  /** Length of the longest tail of `text` that some secret begins with. */
  #possibleSecretStart(text: string): number {
    const secrets = this.#registry.values();
    for (let length = Math.min(text.length, this.#registry.longest - 1); length > 0; length--) {
      const tail = text.slice(text.length - length);
      if (secrets.some((secret) => secret.startsWith(tail))) return length;
    }
    return 0;
  }
}
