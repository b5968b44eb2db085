/**
 * GitHub's primary rate limit, for tests that want it: a budget of requests per window (5,000 an hour for a
 * token), reported on every API answer in `x-ratelimit-*` headers, and `403 API rate limit exceeded` once it
 * is spent, until the window resets. A 304 answer to a conditional request is given back: GitHub does not
 * count it.
 */
export interface PrimaryRateLimitSettings {
  /** Requests per window. GitHub gives a token 5,000 an hour. */
  limit: number;
  /** What is left of the current window. Default: all of it. */
  remaining?: number;
  /** When the current window ends. Default: a whole window from now. */
  resetInSeconds?: number;
  /** How long each new window lasts. Default 3,600. */
  windowSeconds?: number;
}

export interface PrimaryRateLimitState {
  limit: number;
  remaining: number;
  /** Epoch milliseconds. */
  resetAt: number;
}

export class PrimaryRateLimit {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #clock: () => number;
  #remaining: number;
  #resetAt: number;

  constructor(settings: PrimaryRateLimitSettings, clock: () => number = Date.now) {
    const { limit } = settings;
    const remaining = settings.remaining ?? limit;
    const windowSeconds = settings.windowSeconds ?? 3_600;
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`rate limit: limit ${limit} is not ≥ 1`);
    if (!Number.isInteger(remaining) || remaining < 0 || remaining > limit)
      throw new Error(`rate limit: remaining ${remaining} is not between 0 and ${limit}`);
    if (!(windowSeconds > 0)) throw new Error(`rate limit: windowSeconds ${windowSeconds} is not > 0`);
    this.#limit = limit;
    this.#windowMs = windowSeconds * 1000;
    this.#clock = clock;
    this.#remaining = remaining;
    this.#resetAt = clock() + (settings.resetInSeconds ?? windowSeconds) * 1000;
  }

  get state(): PrimaryRateLimitState {
    this.#roll();
    return { limit: this.#limit, remaining: this.#remaining, resetAt: this.#resetAt };
  }

  /** Charges one request: the headers its answer carries, and whether it is refused (the budget is spent). */
  charge(): { refused: boolean; headers: Record<string, string> } {
    this.#roll();
    const refused = this.#remaining === 0;
    if (!refused) this.#remaining--;
    return { refused, headers: this.#headers() };
  }

  /** A charged request turned out free (a 304). */
  refund(): void {
    this.#remaining = Math.min(this.#limit, this.#remaining + 1);
  }

  #roll(): void {
    const now = this.#clock();
    if (now < this.#resetAt) return;
    this.#remaining = this.#limit;
    this.#resetAt = now + this.#windowMs;
  }

  #headers(): Record<string, string> {
    return {
      'x-ratelimit-limit': String(this.#limit),
      'x-ratelimit-remaining': String(this.#remaining),
      'x-ratelimit-used': String(this.#limit - this.#remaining),
      // Epoch seconds, rounded up: a client that waits until then finds the new window open.
      'x-ratelimit-reset': String(Math.ceil(this.#resetAt / 1000)),
      'x-ratelimit-resource': 'core',
    };
  }
}
