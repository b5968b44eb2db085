import * as core from '@actions/core';
import { errorMessage } from './errors.ts';
import { SecretRegistry } from './secrets.ts';

/** Where a message points in the repository: becomes a file=/line= annotation on the workflow run. */
export interface Annotation {
  file?: string;
  line?: number;
  title?: string;
}

/**
 * What the actions log through: plain human lines, notices (worth a look, nothing wrong), warnings and
 * errors that may point at a file, debug lines shown only when asked for, and groups (one per build, push or
 * command) that fold in the workflow log.
 */
export interface ActionLog {
  info(message: string): void;
  notice(message: string): void;
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
 * ::debug::, which the runner shows only with RUNNER_DEBUG / step debugging on). Each secret is registered
 * with the runner (::add-mask::) and blotted out here too, so no line of ours carries it either way.
 */
export function actionsLog(secretValues: ReadonlyArray<string | undefined> = []): ActionLog {
  const secrets = new SecretRegistry();
  for (const secret of secretValues) {
    if (!secret) continue;
    core.setSecret(secret);
    secrets.add(secret);
  }
  const redact = (text: string) => secrets.redact(text);
  return {
    info: (message) => core.info(redact(message)),
    notice: (message) => core.notice(redact(message)),
    warn: (message, annotation) => core.warning(redact(message), annotationProperties(annotation)),
    error: (message, annotation) => core.error(redact(message), annotationProperties(annotation)),
    debug: (message) => core.debug(redact(message)),
    group: (name, run) => core.group(redact(name), run),
  };
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
