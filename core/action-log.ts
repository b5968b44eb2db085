import * as core from '@actions/core';
import { errorMessage } from './errors.ts';
import type { SecretRegistry } from './secrets.ts';

/** Where a message points in the repository: becomes a file=/line= annotation on the workflow run. */
export interface Annotation {
  file?: string;
  line?: number;
  title?: string;
}

/**
 * What the actions log through: plain human lines, warnings and errors that may point at a file, debug lines
 * shown only when asked for, and groups (one per build, push or command) that fold in the workflow log.
 */
export interface ActionLog {
  info(message: string): void;
  warn(message: string, annotation?: Annotation): void;
  error(message: string, annotation?: Annotation): void;
  debug(message: string): void;
  group<T>(name: string, run: () => Promise<T>): Promise<T>;
}

function annotationProperties(annotation: Annotation | undefined): core.AnnotationProperties {
  if (!annotation) return {};
  return {
    ...(annotation.file ? { file: annotation.file } : {}),
    ...(annotation.line ? { startLine: annotation.line } : {}),
    ...(annotation.title ? { title: annotation.title } : {}),
  };
}

/**
 * The log of an action on a runner: workflow commands through @actions/core (::warning file=…::, ::group::,
 * ::debug::, which the runner shows only with RUNNER_DEBUG / step debugging on). Secrets registered with
 * core.setSecret are masked by the runner; `secrets` also covers a value that was never registered there.
 */
export function actionsLog(secrets?: SecretRegistry): ActionLog {
  const redact = (text: string) => (secrets ? secrets.redact(text) : text);
  return {
    info: (message) => core.info(redact(message)),
    warn: (message, annotation) => core.warning(redact(message), annotationProperties(annotation)),
    error: (message, annotation) => core.error(redact(message), annotationProperties(annotation)),
    debug: (message) => core.debug(redact(message)),
    group: (name, run) => core.group(redact(name), run),
  };
}

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

/** Appends Markdown to the job summary; a run outside a runner (no GITHUB_STEP_SUMMARY) has none. */
export async function writeJobSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown, true).write();
}

/**
 * Runs an action's main. A failure fails the step with its message (an ::error:: line) and says so in the
 * job summary too, so a failed run is as visible on the run's page as a successful one.
 */
export async function runActionStep(title: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    const message = errorMessage(error);
    core.setFailed(message);
    const fence = '`'.repeat(Math.max(3, ...[...message.matchAll(/`+/g)].map((m) => m[0].length + 1)));
    await writeJobSummary(`### ${title} failed\n\n${fence}text\n${message}\n${fence}\n`).catch(
      (summaryError: unknown) =>
        core.warning(`could not write the job summary: ${errorMessage(summaryError)}`),
    );
  }
}

/**
 * A child process's output into the log, line by line, keeping the last lines for the error of a failed
 * command. `stream()` gives one data handler per stream (a line split across chunks stays one line).
 */
export class CommandOutput {
  readonly tail: string[] = [];
  readonly #log: ActionLog | undefined;
  readonly #keep: number;
  readonly #partials: string[] = [];

  constructor(log: ActionLog | undefined, keep = 20) {
    this.#log = log;
    this.#keep = keep;
  }

  stream(): (chunk: Buffer) => void {
    const index = this.#partials.push('') - 1;
    return (chunk) => {
      const lines = (this.#partials[index] + chunk.toString('utf8')).split('\n');
      this.#partials[index] = lines.pop() ?? '';
      for (const line of lines) this.#line(line);
    };
  }

  /** Logs what is left of unterminated last lines; call once the process has closed. */
  flush(): void {
    for (const [index, partial] of this.#partials.entries()) {
      if (partial) this.#line(partial);
      this.#partials[index] = '';
    }
  }

  /** The error text's end: a newline and the last lines, or nothing when the command printed nothing. */
  tailText(): string {
    return this.tail.length ? `\n${this.tail.join('\n')}` : '';
  }

  #line(line: string): void {
    this.#log?.info(line);
    this.tail.push(line);
    if (this.tail.length > this.#keep) this.tail.shift();
  }
}
