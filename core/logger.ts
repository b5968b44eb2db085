import { pino, type Logger } from 'pino';
import type { SecretRegistry } from './secrets.ts';

export type { Logger };

/**
 * Structured logs (JSON lines on stderr by default). Every string that reaches the output passes through the
 * secret registry, so a token in an error message or a URL is never printed.
 */
export function createLogger(options: {
  name: string;
  secrets: SecretRegistry;
  level?: string;
  destination?: NodeJS.WritableStream;
}): Logger {
  const { secrets } = options;
  const destination = options.destination ?? process.stderr;
  const redactingStream = {
    write(line: string): void {
      destination.write(secrets.redact(line));
    },
  };
  return pino(
    {
      name: options.name,
      level: options.level ?? process.env.IRONBOTS_LOG_LEVEL ?? 'info',
      redact: {
        paths: ['token', '*.token', 'secret', '*.secret', 'password', '*.password', 'headers.authorization'],
        censor: '***',
      },
    },
    redactingStream,
  );
}

/** A logger that drops everything, for tests and benchmarks that measure something else. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
