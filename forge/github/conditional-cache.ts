/**
 * What conditional requests remember: per request (a list page), the ETag GitHub sent and what was read from
 * the answer, so that a `304 Not Modified` (which GitHub does not count against the rate limit) can be
 * answered from here. Bounded: the least recently used entry goes first.
 */
export class ConditionalCache {
  readonly #capacity: number;
  readonly #entries = new Map<string, unknown>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`conditional cache: capacity ${capacity} is not ≥ 1`);
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  get<T>(key: string): T | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value as T;
  }

  set<T>(key: string, value: T): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#capacity) break;
      this.#entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
