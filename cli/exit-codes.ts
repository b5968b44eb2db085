/**
 * Exit codes of every ironbots command, documented in the README: 0 done, 1 what it ran failed (a job, a
 * release, a check), 2 a usage error (a flag or input that cannot work), 3 the infrastructure failed or could
 * not be reached (a server, a broker, a forge: retrying later may help), 130 interrupted.
 */
export const EXIT = { passed: 0, failed: 1, usage: 2, infrastructure: 3, interrupted: 130 } as const;

/** Socket and DNS errors: the other side is down or not there, not a fault of what was asked. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** Whether an error, or one it was caused by, says something could not be reached. */
export function isUnreachable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    if (name === 'TimeoutError') return true;
  }
  return false;
}
