import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ActionLog } from '../../core/action-log.ts';
import { errorMessage } from '../../core/errors.ts';
import type { IssueTracker, RepositoryId } from '../../forge/forge.ts';
import type { ChangeDetector } from './git-changes.ts';
import type { RefreshSettings } from './inputs.ts';
import type { ContainerEngine, StepOutcome } from './podman-engine.ts';
import type { RegistryClient } from './registry-client.ts';

/**
 * The container-refresh core: on a pull request, build (only if the directory changed) and test, never push;
 * on a schedule, build → test → push a dated tag → move `latest`, with one issue on the forge while it fails;
 * rollback moves `latest` back to the previous dated tag. Every outside thing is injected.
 */

export interface RefreshDeps {
  engine: ContainerEngine;
  registry: RegistryClient;
  changes: ChangeDetector;
  /** null: no issue handling (no token); the result says so. */
  forge: IssueTracker | null;
  repository: RepositoryId | null;
  now: () => Date;
  /** Each build, test and push is a group of its own, holding what podman printed. */
  log: ActionLog;
  /** Where this run's log is, for the issue. */
  runUrl?: string;
  /** Strings never to put in an issue (tokens, passwords). */
  secrets?: string[];
}

export type FailedStep = 'build' | 'test' | 'pull' | 'push';

export interface RefreshResult {
  mode: RefreshSettings['mode'];
  outcome: 'tested' | 'published' | 'rolled-back' | 'failed';
  /** Whether the image was built here (false: the published one was tested). */
  built: boolean;
  /** The dated tag pushed (publish), or the tag `latest` now points at (rollback). */
  tag?: string;
  digest?: string;
  failedStep?: FailedStep;
  /** What went wrong, one line. */
  error?: string;
  /** The failure issue opened or updated, or closed after a success. */
  issue?: { number: number; url: string; action: 'opened' | 'updated' | 'closed' };
}

export const DATED_TAG = /^(\d{4}-\d{2}-\d{2})(?:-(\d+))?$/;

/** Today's tag (UTC): YYYY-MM-DD, or YYYY-MM-DD-N when N-1 runs already published today. */
export function nextDatedTag(existing: string[], now: Date): string {
  const today = now.toISOString().slice(0, 10);
  let highest = 0;
  for (const tag of existing) {
    const match = DATED_TAG.exec(tag);
    if (match?.[1] === today) highest = Math.max(highest, match[2] ? Number(match[2]) : 1);
  }
  return highest === 0 ? today : `${today}-${highest + 1}`;
}

/** Dated tags oldest first: by date, then by run number (the bare date being run 1). */
export function sortDatedTags(tags: string[]): string[] {
  const key = (tag: string) => {
    const match = DATED_TAG.exec(tag)!;
    return [match[1]!, match[2] ? Number(match[2]) : 1] as const;
  };
  return tags
    .filter((t) => DATED_TAG.test(t))
    .sort((a, b) => {
      const [da, na] = key(a);
      const [db, nb] = key(b);
      return da === db ? na - nb : da < db ? -1 : 1;
    });
}

export function issueTitle(plan: Pick<RefreshSettings, 'registry' | 'image'>): string {
  return `container-refresh: ${plan.registry}/${plan.image} is failing`;
}

export async function refreshContainer(plan: RefreshSettings, deps: RefreshDeps): Promise<RefreshResult> {
  if (plan.mode === 'rollback') return rollback(plan, deps);
  const containerfile = checkDirectory(plan);
  const published = `${plan.registry}/${plan.image}:latest`;
  // Unique per run: two runs on one machine (or one podman store) must not remove each other's image.
  const candidate = `localhost/ironbots-refresh/${plan.image}:${deps.now().getTime().toString(36)}-${randomBytes(4).toString('hex')}`;
  if (plan.mode === 'pr') {
    const change = await deps.changes(plan.directory, plan.baseRef);
    deps.log.info(change.reason);
    let image = candidate;
    let built = change.changed;
    if (!built) {
      deps.log.info(`testing the published image ${published}`);
      const pulled = await deps.engine.pull(published);
      if (pulled.ok) image = published;
      else {
        deps.log.warn(`could not pull ${published}; building it instead`);
        built = true;
      }
    }
    try {
      if (built) {
        const build = await deps.log.group(`build ${plan.directory}`, () =>
          deps.engine.build(plan.directory, containerfile, candidate),
        );
        if (!build.ok) return failed(plan, built, 'build', build);
      }
      const test = await deps.log.group(`test: ${plan.testCommand}`, () =>
        deps.engine.test(image, plan.testCommand),
      );
      if (!test.ok) return failed(plan, built, 'test', test);
      // Never a push on a pull request: whatever the branch holds is not reviewed yet.
      return { mode: 'pr', outcome: 'tested', built };
    } finally {
      if (built) await deps.engine.removeImage(candidate);
    }
  }

  try {
    const build = await deps.log.group(`build ${plan.directory}`, () =>
      deps.engine.build(plan.directory, containerfile, candidate),
    );
    if (!build.ok) return await reportFailure(plan, deps, failed(plan, true, 'build', build), build.log);
    const test = await deps.log.group(`test: ${plan.testCommand}`, () =>
      deps.engine.test(candidate, plan.testCommand),
    );
    if (!test.ok) return await reportFailure(plan, deps, failed(plan, true, 'test', test), test.log);
    let tag: string;
    try {
      tag = nextDatedTag(await deps.registry.listTags(plan.image), deps.now());
    } catch (error) {
      const message = errorMessage(error);
      return await reportFailure(
        plan,
        deps,
        failed(plan, true, 'push', { ok: false, log: message }),
        message,
      );
    }
    // The dated tag first, by digest; `latest` moves only once that tag is complete in the registry.
    const pushed = await deps.log.group(`push ${plan.registry}/${plan.image}:${tag}`, () =>
      deps.engine.push(candidate, `${plan.registry}/${plan.image}:${tag}`),
    );
    if (!pushed.ok || !pushed.digest)
      return await reportFailure(plan, deps, failed(plan, true, 'push', pushed), pushed.log);
    let moveLog = '';
    try {
      const manifest = await deps.registry.getManifest(plan.image, pushed.digest);
      if (!manifest) throw new Error(`the registry has no manifest ${pushed.digest} after the push`);
      await deps.registry.putManifest(plan.image, 'latest', manifest);
    } catch (error) {
      moveLog = `${errorMessage(error)}\n${tag} was pushed (${pushed.digest}); latest was not moved.`;
    }
    if (moveLog)
      return await reportFailure(
        plan,
        deps,
        failed(plan, true, 'push', { ok: false, log: moveLog }),
        moveLog,
      );
    deps.log.info(
      `published ${plan.registry}/${plan.image}:${tag} (${pushed.digest}) and moved latest to it`,
    );
    const result: RefreshResult = {
      mode: 'publish',
      outcome: 'published',
      built: true,
      tag,
      digest: pushed.digest,
    };
    return await closeIssue(plan, deps, result);
  } finally {
    await deps.engine.removeImage(candidate);
  }
}

function checkDirectory(plan: RefreshSettings): string {
  if (!existsSync(plan.directory) || !statSync(plan.directory).isDirectory())
    throw new Error(`input directory: ${plan.directory} is not a directory`);
  const candidates = plan.containerfile ? [plan.containerfile] : ['Containerfile', 'Dockerfile'];
  const found = candidates.find((f) => existsSync(path.join(plan.directory, f)));
  if (!found)
    throw new Error(`input directory: ${plan.directory} has no ${candidates.join(' or ')} to build`);
  return found;
}

function failed(
  plan: RefreshSettings,
  built: boolean,
  step: FailedStep,
  outcome: StepOutcome,
): RefreshResult {
  const lastLine = outcome.log.trim().split('\n').at(-1) ?? '';
  return {
    mode: plan.mode,
    outcome: 'failed',
    built,
    failedStep: step,
    error: `${step} failed${lastLine ? `: ${lastLine.slice(0, 300)}` : ''}`,
  };
}

/** The newest lines of a log, small enough for an issue body, with secrets blotted out. */
export function logExcerpt(log: string, secrets: string[] = [], maxLines = 80, maxChars = 20_000): string {
  let text = log;
  for (const secret of secrets.filter((s) => s.length >= 4)) text = text.split(secret).join('***');
  let lines = text.replace(/\r/g, '').trimEnd().split('\n').slice(-maxLines);
  lines = lines.map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l));
  let excerpt = lines.join('\n');
  if (excerpt.length > maxChars) excerpt = excerpt.slice(-maxChars);
  // A fence longer than any run of backticks in the log keeps the log from closing it.
  const longest = Math.max(2, ...[...excerpt.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${excerpt}\n${fence}`;
}

async function reportFailure(
  plan: RefreshSettings,
  deps: RefreshDeps,
  result: RefreshResult,
  log: string,
): Promise<RefreshResult> {
  if (!deps.forge || !deps.repository) {
    deps.log.warn('no forge token: the failure is not reported in an issue');
    return result;
  }
  const title = issueTitle(plan);
  const body = [
    `The scheduled refresh of \`${plan.registry}/${plan.image}\` failed at the **${result.failedStep}** step ` +
      `on ${deps.now().toISOString()}. Nothing was published by this run: \`latest\` still points at the last ` +
      `image that passed.`,
    '',
    ...(deps.runUrl ? [`Run: ${deps.runUrl}`, ''] : []),
    `Test command: \`${plan.testCommand.replace(/`/g, "'")}\``,
    '',
    'The end of the log:',
    '',
    logExcerpt(log, deps.secrets),
    '',
    '_Kept up to date by ironbots container-refresh; closed by the next successful refresh._',
  ].join('\n');
  try {
    const open = await deps.forge.findOpenIssue(deps.repository, title);
    const issue = open
      ? await deps.forge.updateIssue(deps.repository, open.number, { body })
      : await deps.forge.createIssue(deps.repository, { title, body, labels: [plan.issueLabel] });
    return {
      ...result,
      issue: { number: issue.number, url: issue.htmlUrl, action: open ? 'updated' : 'opened' },
    };
  } catch (error) {
    deps.log.warn(`could not open or update the failure issue: ${errorMessage(error)}`);
    return result;
  }
}

async function closeIssue(
  plan: RefreshSettings,
  deps: RefreshDeps,
  result: RefreshResult,
): Promise<RefreshResult> {
  if (!deps.forge || !deps.repository) return result;
  try {
    const open = await deps.forge.findOpenIssue(deps.repository, issueTitle(plan));
    if (!open) return result;
    await deps.forge.updateIssue(deps.repository, open.number, {
      body: `${open.body}\n\n---\nFixed: ${deps.now().toISOString()} published \`${plan.registry}/${plan.image}:${result.tag}\` (${result.digest})${deps.runUrl ? ` in ${deps.runUrl}` : ''}.`,
    });
    const closed = await deps.forge.closeIssue(deps.repository, open.number);
    return { ...result, issue: { number: closed.number, url: closed.htmlUrl, action: 'closed' } };
  } catch (error) {
    // The image is published; a forge hiccup must not turn that into a failed step.
    deps.log.warn(`published, but could not close the failure issue: ${errorMessage(error)}`);
    return result;
  }
}

async function rollback(plan: RefreshSettings, deps: RefreshDeps): Promise<RefreshResult> {
  const latest = await deps.registry.getManifest(plan.image, 'latest');
  if (!latest) throw new Error(`${plan.registry}/${plan.image} has no latest tag to roll back`);
  const dated = sortDatedTags(await deps.registry.listTags(plan.image));
  const digests = new Map<string, string>();
  const digestOf = async (tag: string) => {
    if (!digests.has(tag)) digests.set(tag, (await deps.registry.getManifest(plan.image, tag))?.digest ?? '');
    return digests.get(tag)!;
  };
  // Newest first: the dated tag latest points at, then the next older one with another image.
  let current = -1;
  for (let i = dated.length - 1; i >= 0; i--) {
    if ((await digestOf(dated[i]!)) === latest.digest) {
      current = i;
      break;
    }
  }
  if (current === -1)
    throw new Error(`latest (${latest.digest}) is none of the dated tags; roll back by hand`);
  for (let i = current - 1; i >= 0; i--) {
    const tag = dated[i]!;
    if ((await digestOf(tag)) === latest.digest) continue;
    const manifest = await deps.registry.getManifest(plan.image, tag);
    if (!manifest) continue;
    await deps.registry.putManifest(plan.image, 'latest', manifest);
    deps.log.info(`latest moved from ${dated[current]} back to ${tag} (${manifest.digest})`);
    return { mode: 'rollback', outcome: 'rolled-back', built: false, tag, digest: manifest.digest };
  }
  throw new Error(`latest is ${dated[current]}, the oldest dated tag: there is nothing to roll back to`);
}
