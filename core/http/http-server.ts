import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from 'find-my-way';
import type { Logger } from '../logger.ts';
import { isClientGone } from './body.ts';
import { sendError } from './responses.ts';

/**
 * Not `import http from 'node:http'`: an ES module namespace of node:http reads every export, and its lazy
 * WebSocket getters load Node's internal undici, ≈14 MB of RSS that no server here uses (Node 24).
 */
const http = process.getBuiltinModule('node:http');

/**
 * The paths a route serves, in find-my-way's notation (`/api/v1/jobs/:id`, `:id(^[a-z]+$)` for a pattern,
 * `/logs/*` for everything below), whatever the method: the route answers the methods it does not take itself
 * (405, with what it does take). `params` holds the path's parameters, decoded.
 */
export interface Route {
  paths: readonly string[];
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    params: Readonly<Record<string, string | undefined>>,
  ): void | Promise<void>;
}

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
  const { logger } = options;
  // find-my-way (Fastify's router) picks the route; a path no route serves is a 404.
  const router = Router();
  for (const route of options.routes)
    for (const path of route.paths) router.all(path, () => undefined, route);
  const timeouts = { ...DEFAULT_REQUEST_TIMEOUTS, ...options.timeouts };
  const serverOptions = {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
  };
  const server = http.createServer(serverOptions, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    void (async () => {
      const found = router.find(req.method as Router.HTTPMethod, url.pathname);
      if (found) return (found.store as Route).handle(req, res, url, found.params);
      req.resume();
      // The router matches no path it cannot decode: that one is the client's mistake, not a missing page.
      if (!decodable(url.pathname)) sendError(res, 400, `not a valid URL path: ${url.pathname}`);
      else sendError(res, 404, `no such endpoint: ${req.method} ${url.pathname}`);
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

/** `METHOD /exact/path`, handed to the handler; any other method is answered 405. */
export function exactRoute(
  method: string,
  pathname: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Route {
  return {
    paths: [pathname],
    async handle(req, res) {
      if (req.method !== method) {
        req.resume();
        sendError(res, 405, `${pathname} takes ${method}`, { allow: method });
        return;
      }
      await handler(req, res);
    },
  };
}

function decodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}
