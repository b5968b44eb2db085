import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Whether a request carries `Authorization: Bearer <token>` with one of `tokens`. Digests are compared in
 * constant time, against every configured token, so neither timing nor an early exit tells which came close.
 */
export function bearerTokenCheck(tokens: readonly string[]): (req: IncomingMessage) => boolean {
  const digests = tokens.map(digest);
  return (req) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return false;
    const presented = digest(match[1]!);
    return digests.reduce((ok, d) => timingSafeEqual(d, presented) || ok, false);
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
