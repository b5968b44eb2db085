import type { ActionLog, Annotation } from '../core/action-log.ts';
import type { SecretRegistry } from '../core/secrets.ts';

/**
 * The same log as human text for a terminal or a GitLab job: `warning: file:line: …`, a `── name` line
 * opening each group. Debug lines only with `debug` (default: RUNNER_DEBUG=1 or IRONBOTS_LOG_LEVEL=debug).
 */
export function textLog(
  write: (line: string) => void,
  options: { secrets?: SecretRegistry; debug?: boolean } = {},
): ActionLog {
  const { secrets } = options;
  const debug =
    options.debug ?? (process.env.RUNNER_DEBUG === '1' || process.env.IRONBOTS_LOG_LEVEL === 'debug');
  const emit = (text: string) => write(secrets ? secrets.redact(text) : text);
  const where = (annotation: Annotation | undefined) =>
    annotation?.file ? `${annotation.file}${annotation.line ? `:${annotation.line}` : ''}: ` : '';
  return {
    info: (message) => emit(message),
    notice: (message) => emit(`notice: ${message}`),
    warn: (message, annotation) => emit(`warning: ${where(annotation)}${message}`),
    error: (message, annotation) => emit(`error: ${where(annotation)}${message}`),
    debug: (message) => {
      if (debug) emit(`debug: ${message}`);
    },
    group: async (name, run) => {
      emit(`── ${name}`);
      return run();
    },
  };
}

/** A text log on stderr: what a CLI twin prints while stdout carries its result. */
export function terminalLog(secrets?: SecretRegistry): ActionLog {
  return textLog((line) => process.stderr.write(`${line}\n`), secrets ? { secrets } : {});
}

/** A log that keeps nothing, for tests that look at something else. */
export function silentLog(): ActionLog {
  return textLog(() => undefined, { debug: false });
}
