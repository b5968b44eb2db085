import type { IncomingMessage, ServerResponse } from 'node:http';

/** HTTP plumbing every emulator shares; each forge's own module adds its error shapes and pagination style. */

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** The whole request body, refused with `tooLarge()` once it passes `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A JSON object, or `malformed()`: forges refuse arrays and scalars as request bodies. */
export function parseJsonObject(text: string, malformed: () => Error): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed();
  return value as Record<string, unknown>;
}

/** One page of `all` by `page`/`per_page`, and the URL of any other page (every other query parameter kept). */
export function pageOf(
  url: URL,
  all: unknown[],
  defaultPerPage: number,
): { items: unknown[]; page: number; perPage: number; pages: number; at(n: number): string } {
  const perPage = Math.min(
    100,
    Math.max(1, Number(url.searchParams.get('per_page') ?? defaultPerPage) || defaultPerPage),
  );
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const pages = Math.max(1, Math.ceil(all.length / perPage));
  return {
    items: all.slice((page - 1) * perPage, page * perPage),
    page,
    perPage,
    pages,
    at(n) {
      const u = new URL(url);
      u.searchParams.set('page', String(n));
      u.searchParams.set('per_page', String(perPage));
      return u.toString();
    },
  };
}

/** Posts one webhook delivery; the answer's status, or the error that kept it from arriving. */
export async function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; error?: string }> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return { status: res.status };
  } catch (error) {
    return { status: 0, error: (error as Error).message };
  }
}

/**
 * Which webhook deliveries an emulator loses, as a forge whose deliveries time out or never leave does:
 * exactly `share` of them, spread evenly and deterministically (the k-th is lost when ⌊k·share⌋ grows), so
 * a test knows how many went missing and the same run loses the same ones.
 */
export class DeliveryLoss {
  #share = 0;
  #seen = 0;

  set(share: number): void {
    if (!(share >= 0 && share <= 1)) throw new Error(`a share of deliveries to lose is 0–1, not ${share}`);
    this.#share = share;
    this.#seen = 0;
  }

  /** Counts one delivery; true when it is to be lost. */
  next(): boolean {
    const k = this.#seen++;
    return Math.floor((k + 1) * this.#share) > Math.floor(k * this.#share);
  }
}
