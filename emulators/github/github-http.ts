import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pageOf, parseJsonObject, readBody } from '../http.ts';

/** What the GitHub emulator's API modules share: errors, JSON replies and bodies, GitHub's pagination. */

/** An error answered in GitHub's shape: `{message, documentation_url, …extra}`. */
export class GitHubApiError extends Error {
  readonly status: number;
  readonly extra: Record<string, unknown>;
  constructor(status: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }
}

const JSON_BODY_LIMIT = 10 * 1024 * 1024;

/**
 * A JSON answer as GitHub sends it. A 200 to a GET carries a weak ETag over its body; a GET whose
 * If-None-Match names that ETag gets 304 with no body instead, which GitHub does not count against the rate
 * limit: the budget the `x-ratelimit-*` headers already charged for it is given back in them (the emulator
 * gives back its own count once the answer is sent).
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  const req = res.req as IncomingMessage | undefined;
  if (status === 200 && req?.method === 'GET') {
    const etag = weakEtag(text);
    if (etagMatches(req.headers['if-none-match'], etag)) {
      const remaining = res.getHeader('x-ratelimit-remaining');
      const used = res.getHeader('x-ratelimit-used');
      if (remaining !== undefined) res.setHeader('x-ratelimit-remaining', String(Number(remaining) + 1));
      if (used !== undefined) res.setHeader('x-ratelimit-used', String(Math.max(0, Number(used) - 1)));
      res.writeHead(304, { etag });
      res.end();
      return;
    }
    headers = { ...headers, etag };
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

/** GitHub's ETags are weak validators of the body: `W/"<hex digest>"`. */
export function weakEtag(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('hex').slice(0, 40)}"`;
}

/** If-None-Match: `*`, or a list of ETags compared weakly (a strong tag matches its weak twin). */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

/** A JSON object body; an empty body is `{}`, anything else GitHub's 400 "Problems parsing JSON". */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (
    await readBody(req, JSON_BODY_LIMIT, () => new GitHubApiError(413, 'Payload too large'))
  ).toString('utf8');
  if (!text.trim()) return {};
  return parseJsonObject(text, () => new GitHubApiError(400, 'Problems parsing JSON'));
}

/** GitHub's page-based pagination: `per_page` (default 30, at most 100), `page`, and a Link header. */
export function paginate(url: URL, all: unknown[]): { items: unknown[]; link: string | null } {
  const { items, page, pages: last, at } = pageOf(url, all, 30);
  const links = [];
  if (page > 1) links.push(`<${at(Math.min(page - 1, last))}>; rel="prev"`);
  if (page < last) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
  if (page > 1) links.push(`<${at(1)}>; rel="first"`);
  return { items, link: links.length ? links.join(', ') : null };
}

/** Answers 200 with one page of `all`, as `paginate` cuts it. */
export function sendPage(res: ServerResponse, url: URL, all: unknown[]): void {
  const { items, link } = paginate(url, all);
  sendJson(res, 200, items, link ? { link } : {});
}
