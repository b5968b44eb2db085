import type { IncomingMessage, ServerResponse } from 'node:http';

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

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** A JSON object body; an empty body is `{}`, anything else GitHub's 400 "Problems parsing JSON". */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > JSON_BODY_LIMIT) throw new GitHubApiError(413, 'Payload too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new GitHubApiError(400, 'Problems parsing JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new GitHubApiError(400, 'Problems parsing JSON');
  return value as Record<string, unknown>;
}

/** GitHub's page-based pagination: `per_page` (default 30, at most 100), `page`, and a Link header. */
export function paginate(url: URL, all: unknown[]): { items: unknown[]; link: string | null } {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const at = (n: number) => {
    const u = new URL(url);
    u.searchParams.set('page', String(n));
    u.searchParams.set('per_page', String(perPage));
    return u.toString();
  };
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
