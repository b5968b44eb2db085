import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.ts';
import { isClientGone } from './body.ts';
import { sendError } from './responses.ts';

/**
 * Not `import http from 'node:http'`: an ES module namespace of node:http reads every export, and its lazy
 * WebSocket getters load Node's internal undici, ≈14 MB of RSS that no server here uses (Node 24).
 */
const http = process.getBuiltinModule('node:http');

/** A route answers the request and returns true, or returns false when the URL is not its own. */
export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

export interface RunningHttpServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * How long a client may take to send a request. Slow senders (slowloris) hold a connection and its buffers;
 * past these they are cut off with 408. Nothing here limits how long a response may stream (log followers).
 */
export interface RequestTimeouts {
  /** From connection to the end of the request headers. Default 15 s. */
  headersMs?: number;
  /** From connection to the end of the request body. Default 60 s (GitHub itself gives up after 10 s). */
  requestMs?: number;
  /** How often connections are checked against the two above. Default 1 s. */
  checkIntervalMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUTS = { headersMs: 15_000, requestMs: 60_000, checkIntervalMs: 1_000 };

export async function startHttpServer(options: {
  routes: Route[];
  logger: Logger;
  host?: string;
  port?: number;
  timeouts?: RequestTimeouts;
}): Promise<RunningHttpServer> {
  const { routes, logger } = options;
  const timeouts = { ...DEFAULT_REQUEST_TIMEOUTS, ...options.timeouts };
  const serverOptions = {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
  };
  const server = http.createServer(serverOptions, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    void (async () => {
      for (const route of routes) if (await route(req, res, url)) return;
      req.resume();
      sendError(res, 404, `no such endpoint: ${req.method} ${url.pathname}`);
    })().catch((error: unknown) => {
      // A client that hung up or was cut off is routine (and cheap to provoke): not an error of ours.
      if (isClientGone(error, req)) {
        logger.debug({ err: error, method: req.method, path: url.pathname }, 'client went away');
        res.destroy();
        return;
      }
      logger.error({ err: error, method: req.method, path: url.pathname }, 'request failed');
      if (!res.headersSent) sendError(res, 500, 'internal error');
      else res.destroy();
    });
  });
  // Webhook senders and log followers keep connections open; don't let them hold a shutdown up.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Matches `METHOD /exact/path` and hands the request to the handler. */
export function exactRoute(
  method: string,
  pathname: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Route {
  return async (req, res, url) => {
    if (url.pathname !== pathname) return false;
    if (req.method !== method) {
      req.resume();
      sendError(res, 405, `${pathname} takes ${method}`, { allow: method });
      return true;
    }
    await handler(req, res);
    return true;
  };
}
