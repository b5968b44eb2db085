import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Route } from '../../../core/http/http-server.ts';
import { sendError, sendJson } from '../../../core/http/responses.ts';
import { artifactPathProblem } from './artifact-path.ts';
import { isValidJobId } from './job-id.ts';
import type { LogStore } from './log-store.ts';
import { logViewerPage } from './log-viewer.ts';

export interface LogHttpOptions {
  /** How often a follower looks for new output. Default 200 ms. */
  pollIntervalMs?: number;
  /**
   * A follower whose log has not grown for this long is ended, so a log that never completes (its agent
   * died) does not hold a connection forever; clients resume with `?follow=1&offset=<bytes received>`.
   * Default 30 min.
   */
  followIdleTimeoutMs?: number;
}

/**
 * Serves job logs from a log store:
 *  - `GET /logs/<jobId>[?offset=N]`: the log so far as text/plain, with `X-Ironbots-Log-Complete` and
 *    `X-Ironbots-Job-State`;
 *  - `GET /logs/<jobId>?follow=1[&offset=N]`: the same, streamed until the log is complete;
 *  - `GET /logs/<jobId>/meta`: the job's meta as JSON;
 *  - `GET /logs/<jobId>.html`: the viewer (log-viewer.ts), a self-contained page that follows the log;
 *  - `GET /logs/<jobId>/artifacts`: the job's artifacts as JSON (`[{ path, bytes }]`);
 *  - `GET /logs/<jobId>/artifacts/<path>`: one artifact, always as a download (it is the job's output).
 * A job id therefore cannot end in `.html` and still have its log served under that name.
 */
export function logHttpRoute(store: LogStore, options: LogHttpOptions = {}): Route {
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const followIdleTimeoutMs = options.followIdleTimeoutMs ?? 30 * 60_000;

  return { paths: ['/logs/*'], handle: (req, res, url) => serveLogs(req, res, url) };

  function serveLogs(req: IncomingMessage, res: ServerResponse, url: URL): void {
    req.resume();

    let rest = url.pathname.slice('/logs/'.length);
    let view: 'log' | 'meta' | 'html' | 'artifacts' | 'artifact' = 'log';
    let artifactPath = '';
    const artifactsAt = rest.indexOf('/artifacts');
    if (
      artifactsAt >= 0 &&
      (rest.length === artifactsAt + '/artifacts'.length || rest[artifactsAt + '/artifacts'.length] === '/')
    ) {
      const after = rest.slice(artifactsAt + '/artifacts'.length);
      rest = rest.slice(0, artifactsAt);
      if (after === '' || after === '/') view = 'artifacts';
      else {
        view = 'artifact';
        try {
          artifactPath = after
            .slice(1)
            .split('/')
            .map((segment) => decodeURIComponent(segment))
            .join('/');
        } catch {
          artifactPath = '';
        }
      }
    } else if (rest.endsWith('/meta')) {
      view = 'meta';
      rest = rest.slice(0, -'/meta'.length);
    } else if (rest.endsWith('.html')) {
      view = 'html';
      rest = rest.slice(0, -'.html'.length);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'logs are read with GET', { allow: 'GET, HEAD' });
      return;
    }
    let jobId: string;
    try {
      jobId = decodeURIComponent(rest);
    } catch {
      jobId = '';
    }
    if (!isValidJobId(jobId)) {
      sendError(res, 400, 'invalid job id');
      return;
    }
    const offset = parseOffset(url.searchParams.get('offset'));
    if (offset === null) {
      sendError(res, 400, 'offset must be a non-negative integer');
      return;
    }
    const follow = ['1', 'true'].includes(url.searchParams.get('follow') ?? '') && req.method === 'GET';

    if (view === 'artifact' && artifactPathProblem(artifactPath)) {
      sendError(res, 400, 'invalid artifact path');
      return;
    }
    const handling =
      view === 'artifacts'
        ? serveArtifactList(store, jobId, res)
        : view === 'artifact'
          ? serveArtifact(store, jobId, artifactPath, req.method === 'HEAD', res)
          : view === 'meta'
            ? serveMeta(store, jobId, res)
            : view === 'html'
              ? serveViewer(store, jobId, res)
              : serveLog(store, jobId, offset, res, follow ? { pollIntervalMs, followIdleTimeoutMs } : null);
    handling.catch(() => {
      if (!res.headersSent) sendError(res, 500, 'could not read the log');
      else res.destroy();
    });
  }
}

async function serveArtifactList(store: LogStore, jobId: string, res: ServerResponse): Promise<void> {
  const meta = await store.meta(jobId);
  if (!meta) return sendError(res, 404, `no log for job ${jobId}`);
  sendJson(res, 200, await store.listArtifacts(jobId), { 'cache-control': 'no-store' });
}

async function serveArtifact(
  store: LogStore,
  jobId: string,
  artifactPath: string,
  headOnly: boolean,
  res: ServerResponse,
): Promise<void> {
  const artifact = await store.readArtifact(jobId, artifactPath);
  if (!artifact) return sendError(res, 404, `job ${jobId} has no artifact ${artifactPath}`);
  const name = artifactPath.split('/').at(-1)!;
  res.writeHead(200, {
    // Whatever it is (HTML, SVG, a script), a browser saves it instead of rendering it on this origin.
    'content-type': 'application/octet-stream',
    'content-length': artifact.bytes,
    'content-disposition': `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "sandbox; default-src 'none'",
    'cache-control': 'no-store',
  });
  if (headOnly) {
    artifact.body.destroy();
    res.end();
    return;
  }
  await pipeline(artifact.body, res);
}

async function serveMeta(store: LogStore, jobId: string, res: ServerResponse): Promise<void> {
  const meta = await store.meta(jobId);
  if (!meta) return sendError(res, 404, `no log for job ${jobId}`);
  sendJson(res, 200, meta, { 'cache-control': 'no-store' });
}

async function serveLog(
  store: LogStore,
  jobId: string,
  offset: number,
  res: ServerResponse,
  follow: { pollIntervalMs: number; followIdleTimeoutMs: number } | null,
): Promise<void> {
  const meta = await store.meta(jobId);
  const first = meta && (await store.read(jobId, offset));
  if (!meta || !first) return sendError(res, 404, `no log for job ${jobId}`);

  // Headers describe the first piece; for a log longer than one read the body still carries all of it.
  res.writeHead(200, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    // The log is the job's output, possibly HTML: never let a browser render it.
    'x-content-type-options': 'nosniff',
    'x-ironbots-log-complete': String(first.complete),
    'x-ironbots-job-state': meta.state,
  });
  const closed = new AbortController();
  res.once('close', () => closed.abort());

  let chunk = first;
  let lastGrowth = performance.now();
  while (!closed.signal.aborted) {
    if (chunk.data.length > 0) {
      lastGrowth = performance.now();
      if (!res.write(chunk.data)) await drained(res);
    }
    if (chunk.complete) break;
    if (chunk.data.length === 0) {
      if (!follow || performance.now() - lastGrowth >= follow.followIdleTimeoutMs) break;
      try {
        await sleep(follow.pollIntervalMs, undefined, { signal: closed.signal });
      } catch {
        break; // the client went away
      }
    }
    const next = await store.read(jobId, chunk.nextOffset);
    if (!next) break;
    chunk = next;
  }
  res.end();
}

async function serveViewer(store: LogStore, jobId: string, res: ServerResponse): Promise<void> {
  const meta = await store.meta(jobId);
  if (!meta) return sendError(res, 404, `no log for job ${jobId}`);
  const nonce = randomBytes(16).toString('base64');
  const page = await logViewerPage(meta, nonce);
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy':
      // ansi_up colours with style attributes; its text is escaped, so they carry nothing but colours.
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; style-src-attr 'unsafe-inline'; ` +
      `connect-src 'self'; ` +
      `base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  });
  res.end(page);
}

function parseOffset(value: string | null): number | null {
  if (value === null || value === '') return 0;
  if (!/^\d+$/.test(value)) return null;
  const offset = Number(value);
  return Number.isSafeInteger(offset) ? offset : null;
}

/** Waits until the client has taken what was written, or has gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
