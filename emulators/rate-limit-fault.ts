/** A rate limit a test switches on in an emulator: the next API requests are refused as the forge does. */
export interface RateLimitFault {
  /** 429 (default), or 403, which GitHub also answers a secondary rate limit with. */
  status?: 403 | 429;
  /** The Retry-After header, in seconds; left out, the answer has none. */
  retryAfterSeconds?: number;
  /** How many API requests in a row are refused. Default 1. */
  times?: number;
}

export interface RateLimitAnswer {
  status: 403 | 429;
  headers: Record<string, string>;
}

/** The rate limits switched on in one emulator, used up one refused request at a time. */
export class RateLimitFaults {
  readonly #pending: { status: 403 | 429; retryAfterSeconds: number | undefined; left: number }[] = [];
  #refused = 0;

  add(fault: RateLimitFault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error(`rate limit fault: times ${times} is not ≥ 1`);
    const wait = fault.retryAfterSeconds;
    if (wait !== undefined && !(Number.isInteger(wait) && wait >= 0))
      throw new Error(`rate limit fault: retryAfterSeconds ${wait} is not a whole number ≥ 0`);
    this.#pending.push({ status: fault.status ?? 429, retryAfterSeconds: wait, left: times });
  }

  /** How many requests were refused so far. */
  get refused(): number {
    return this.#refused;
  }

  /** The answer that refuses this request, or null when no rate limit is switched on. */
  take(): RateLimitAnswer | null {
    const fault = this.#pending[0];
    if (!fault) return null;
    if (--fault.left === 0) this.#pending.shift();
    this.#refused++;
    return {
      status: fault.status,
      headers:
        fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) },
    };
  }
}
