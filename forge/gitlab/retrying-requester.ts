import {
  createRequesterFn,
  getMatchingRateLimiter,
  GitbeakerRequestError,
  GitbeakerTimeoutError,
  type RateLimiters,
  type RequestOptions,
  type ResourceOptions,
  type RequesterType,
} from '@gitbeaker/requester-utils';
import type { Logger } from 'pino';

export interface RetryPolicy {
  /** How often an answer of 502, 503 or 504 is retried. */
  retries: number;
  /** A 429 that asks for a longer wait than this fails at once instead of waiting. */
  maxRateLimitWaitSeconds: number;
  /** One second of waiting, in ms: tests shrink it. */
  secondMs: number;
  logger?: Logger | undefined;
}

/** Why a request is tried again: a rate limit, or a gateway that could not reach GitLab. */
const RATE_LIMITED = 429;
const GATEWAY_FAILURES = new Set([502, 503, 504]);

/**
 * gitbeaker's requester with GitLab's Retry-After honoured. gitbeaker's own retries a 429 or 502 ten times
 * within half a second, whatever GitLab asks, and then drops the answer (status and headers). This one
 * waits as long as a 429's Retry-After (or RateLimit-Reset) says and tries once more, or fails at once with
 * the 429 when that is longer than allowed; gateway failures are retried after 1, 4, 9… seconds.
 * Everything else (parsing, gitbeaker's client-side rate limiters, error shapes) is as in @gitbeaker/rest.
 */
export function retryingRequester(policy: RetryPolicy): (options: ResourceOptions) => RequesterType {
  return createRequesterFn((_service, options) => Promise.resolve(options), handlerWith(policy));
}

type HandlerOptions = RequestOptions & { rateLimiters?: RateLimiters };

function handlerWith(policy: RetryPolicy) {
  return async (endpoint: string, options?: Record<string, unknown>) => {
    const { rateLimiters, agent, asStream, prefixUrl, searchParams, method, ...init } = (options ??
      {}) as HandlerOptions;
    const rateLimit = getMatchingRateLimiter(endpoint, rateLimiters, method);
    const base = prefixUrl === undefined || prefixUrl.endsWith('/') ? prefixUrl : `${prefixUrl}/`;
    const url = new URL(endpoint, base);
    url.search = searchParams ?? '';
    // GitLab serves archives from another origin after a redirect; gitbeaker asks for this mode there.
    const mode = endpoint.includes('repository/archive') ? ('same-origin' as const) : undefined;
    let rateLimitRetries = 0;
    for (let gatewayRetries = 0; ;) {
      const request = new Request(url, { ...(init as RequestInit), ...(method ? { method } : {}), mode });
      await rateLimit();
      const response = await fetch(
        request,
        ...(agent ? [{ dispatcher: agent } as unknown as RequestInit] : []),
      ).catch((error: unknown) => {
        const name = (error as Error).name;
        if (name === 'TimeoutError' || name === 'AbortError')
          throw new GitbeakerTimeoutError('Query timeout was reached');
        throw error;
      });
      if (response.ok) return parseResponse(response, asStream ?? false);

      let waitSeconds: number | null = null;
      if (response.status === RATE_LIMITED) {
        const asked = askedWaitSeconds(response.headers) ?? 60;
        const retrying = rateLimitRetries < 1 && asked <= policy.maxRateLimitWaitSeconds;
        policy.logger?.warn(
          { retryAfterSeconds: asked, method: request.method, url: endpoint, retrying },
          `GitLab rate limit hit${retrying ? `, retrying once in ${asked} s` : asked > policy.maxRateLimitWaitSeconds ? `, giving up: the wait is longer than ${policy.maxRateLimitWaitSeconds} s` : ', giving up'}`,
        );
        if (retrying) {
          rateLimitRetries++;
          waitSeconds = asked;
        }
      } else if (GATEWAY_FAILURES.has(response.status) && gatewayRetries < policy.retries) {
        gatewayRetries++;
        waitSeconds = Math.min(askedWaitSeconds(response.headers) ?? gatewayRetries ** 2, 60);
      }
      if (waitSeconds === null) throw await requestError(request, response);
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, waitSeconds * policy.secondMs));
    }
  };
}

/**
 * Seconds to wait as the answer says: Retry-After (seconds or an HTTP date), else GitLab's RateLimit-Reset
 * (a Unix time); null when it says neither.
 */
export function askedWaitSeconds(headers: Headers, now = Date.now()): number | null {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - now) / 1000));
  }
  const reset = headers.get('ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) - Math.floor(now / 1000));
  return null;
}

/** As @gitbeaker/rest reads an answer: JSON, text, or a Blob; a stream when asked. */
async function parseResponse(response: Response, asStream: boolean) {
  const headers = Object.fromEntries(response.headers.entries());
  const { status } = response;
  if (asStream) return { body: response.body, headers, status };
  if (status === 204) return { body: null, headers, status };
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  let body: unknown;
  if (contentType === 'application/json') body = ((await response.json()) as unknown) || {};
  else if (contentType.startsWith('text/')) body = (await response.text()) || '';
  else body = await response.blob();
  return { body, headers, status } as Awaited<ReturnType<RequesterType['get']>>;
}

/** gitbeaker's request error: GitLab's `error` or `message` (or the text), with the request and response. */
async function requestError(request: Request, response: Response): Promise<GitbeakerRequestError> {
  const content = await response.text();
  let description = content;
  if (response.headers.get('content-type')?.includes('application/json')) {
    try {
      const parsed = JSON.parse(content) as { error?: unknown; message?: unknown } | null;
      const property = parsed?.error || parsed?.message || '';
      description = typeof property === 'string' ? property : JSON.stringify(property);
    } catch {
      // Not JSON after all: the text is the description.
    }
  }
  return new GitbeakerRequestError(description, { cause: { description, request, response } });
}
