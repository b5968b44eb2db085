import type { IncomingMessage, ServerResponse } from 'node:http';
import { pageOf, parseJsonObject, readBody as readBodyUpTo, sendJson as sendJsonReply } from '../http.ts';

/** What the emulator's GitLab API modules share: GitLab's error bodies, JSON replies, pages and bodies. */

/** GitLab's error bodies are `{message}` from the application or `{error}` from parameter validation. */
export class GitLabApiError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  constructor(status: number, body: Record<string, unknown>) {
    super(JSON.stringify(body));
    this.status = status;
    this.body = body;
  }
}

const JSON_BODY_LIMIT = 10 * 1024 * 1024;

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonReply(res, status, body, { 'content-type': 'application/json', ...headers });
}

/** GitLab's offset pagination: X-Page, X-Next-Page, X-Total… headers and a Link header with every query kept. */
export function sendPage(res: ServerResponse, url: URL, all: unknown[]): void {
  const { items, page, perPage, pages: totalPages, at } = pageOf(url, all, 20);
  const links = [];
  if (page > 1) links.push(`<${at(page - 1)}>; rel="prev"`);
  if (page < totalPages) links.push(`<${at(page + 1)}>; rel="next"`);
  links.push(`<${at(1)}>; rel="first"`, `<${at(totalPages)}>; rel="last"`);
  sendJson(res, 200, items, {
    'x-page': String(page),
    'x-per-page': String(perPage),
    'x-next-page': page < totalPages ? String(page + 1) : '',
    'x-prev-page': page > 1 ? String(page - 1) : '',
    'x-total': String(all.length),
    'x-total-pages': String(totalPages),
    link: links.join(', '),
  });
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return readBodyUpTo(req, limit, () => new GitLabApiError(413, { message: '413 Request Entity Too Large' }));
}

/** A JSON or form body; nested values (a release's `assets.links`) only come as JSON. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req, JSON_BODY_LIMIT)).toString('utf8');
  if (!text) return {};
  if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(text));
  return parseJsonObject(
    text,
    () => new GitLabApiError(400, { error: 'The provided content-type is not supported.' }),
  );
}

/**
 * Parameters from a JSON or form body, as strings (Grape coerces them the same way): a list such as
 * `labels` becomes comma-separated, another object its JSON.
 */
export async function readParams(req: IncomingMessage): Promise<Record<string, string>> {
  return Object.fromEntries(
    Object.entries(await readJson(req)).flatMap(([k, v]) =>
      v === null || v === undefined
        ? []
        : [[k, Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v)]],
    ),
  );
}
