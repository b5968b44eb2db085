import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../core/logger.ts';
import { SecretRegistry } from '../../core/secrets.ts';

/** A real logger whose JSON lines are kept for the test to look at. */
export function capturingLogger(level = 'debug'): {
  logger: Logger;
  entries: () => { level: number; msg: string; [key: string]: unknown }[];
} {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ name: 'test', secrets: new SecretRegistry(), level, destination });
  return {
    logger,
    entries: () => lines.map((line) => JSON.parse(line) as { level: number; msg: string }),
  };
}
