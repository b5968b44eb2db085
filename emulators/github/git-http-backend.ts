import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { GIT_ENV } from './bare-repository.ts';

/**
 * Serves git's smart HTTP protocol by running `git http-backend` as a CGI program: real clones, fetches and
 * pushes, exactly as git speaks them. Resolves with the CGI status once the response is complete
 * (500 when git failed, 499 when the client went away first).
 */
export function serveGitHttp(
  req: IncomingMessage,
  res: ServerResponse,
  options: { projectRoot: string; pathInfo: string; query: string; remoteUser?: string; logger?: Logger },
): Promise<number> {
  return new Promise((resolve) => {
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    };
    const optional: Record<string, string | undefined> = {
      REMOTE_USER: options.remoteUser,
      CONTENT_LENGTH: header('content-length'),
      // http-backend inflates gzip request bodies (git sends them for large fetch negotiations).
      HTTP_CONTENT_ENCODING: header('content-encoding'),
      // Protocol v2 is negotiated through this header.
      GIT_PROTOCOL: header('git-protocol'),
    };
    const env: Record<string, string> = {
      ...GIT_ENV,
      GIT_PROJECT_ROOT: options.projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      PATH_INFO: options.pathInfo,
      REQUEST_METHOD: req.method ?? 'GET',
      QUERY_STRING: options.query,
      CONTENT_TYPE: header('content-type') ?? '',
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      ...Object.fromEntries(Object.entries(optional).filter((e): e is [string, string] => !!e[1])),
    };
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    req.pipe(child.stdin);
    child.stdin.on('error', () => undefined);
    // A client that hangs up mid-transfer must not leave git waiting for input.
    res.on('close', () => {
      if (!res.writableFinished) child.kill();
    });

    let head = Buffer.alloc(0);
    let headersDone = false;
    let status = 200;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const crlf = head.indexOf('\r\n\r\n');
      const lf = head.indexOf('\n\n');
      const end = crlf !== -1 && (lf === -1 || crlf < lf) ? crlf : lf;
      if (end === -1) return;
      const separator = end === crlf ? 4 : 2;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon === -1) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        // CGI's Status header becomes the HTTP status line.
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
        else headers[name] = value;
      }
      headersDone = true;
      res.writeHead(status, headers);
      res.write(head.subarray(end + separator));
    });
    const stderr: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    let settled = false;
    const finish = (code: number | null, error?: Error) => {
      if (settled) return;
      settled = true;
      const message = error?.message ?? Buffer.concat(stderr).toString('utf8').trim();
      if (!headersDone) {
        options.logger?.error({ code, err: message, path: options.pathInfo }, 'git http-backend failed');
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`git http-backend failed\n`);
        }
        resolve(500);
        return;
      }
      if (message) options.logger?.debug({ code, stderr: message }, 'git http-backend');
      res.end();
      resolve(res.destroyed && !res.writableFinished ? 499 : code === 0 ? status : 500);
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code));
  });
}
