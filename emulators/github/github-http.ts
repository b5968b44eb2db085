import type { IncomingMessage, ServerResponse } from 'node:http';
import { pageOf, parseJsonObject, readBody, sendJson } from '../http.ts';

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

export { sendJson };

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
