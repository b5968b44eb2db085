import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { GitAccess, PullRequest, PullRequests, RepositoryId } from '../../forge/forge.ts';
import { readLockfile, type Lockfile } from './cache-key.ts';
import { restore, save, type NpmCacheContext } from './npm-cache.ts';
import { gitCredentialsEnv } from '../../forge/git-credentials.ts';

const run = promisify(execFile);

/**
 * `update` mode, for a schedule: make sure the cache holds this lockfile's tree (restore, else npm ci, then
 * save), and optionally run `npm update` (within package.json's ranges), run the tests on the result and,
 * when they pass, push the new lockfile to a branch and open (or refresh) one pull request for it.
 */
export interface UpdateOptions extends NpmCacheContext {
  /** Runs npm in the project directory; the action passes the runner's npm, tests their own registry. */
  npm(args: string[]): Promise<void>;
  /** The project's tests, as a shell command run in the project directory. */
  testCommand: string;
  /** The tests' environment: without the write token (see third-party-env.ts). Default this process's. */
  commandEnv?: NodeJS.ProcessEnv;
  pullRequest?: PullRequestTarget;
}

export interface PullRequestTarget {
  forge: PullRequests & GitAccess;
  repo: RepositoryId;
  base: string;
  branch: string;
  /** Where git pushes the branch, e.g. https://github.com/acme/widget.git; credentials come from the forge. */
  remoteUrl: string;
}

export interface UpdateResult {
  key: string;
  /** True when this run saved the tree (false: the store already had it). */
  refreshed: boolean;
  /** Packages whose locked version `npm update` changed, e.g. "ib-left 1.0.0 → 1.1.0". */
  changes: string[];
  pullRequest?: PullRequest;
}

export class UpdateTestsFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpdateTestsFailedError';
  }
}

const LOCKFILE = 'package-lock.json';

export async function update(options: UpdateOptions): Promise<UpdateResult> {
  const { log, projectDir } = options;
  // No post step follows an update to unmount a mounted tree (and npm update rewrites it anyway).
  const restored = await restore(
    options.mount ? { ...options, mount: { ...options.mount, unpackOnly: true } } : options,
  );
  await restored.oldTreeRemoved;
  if (!restored.hit) {
    log.info('installing with npm ci to refresh the cache');
    await options.npm(['ci']);
  }
  const saved = await save(options);
  const result: UpdateResult = { key: saved.key, refreshed: saved.saved, changes: [] };
  if (!options.pullRequest) return result;

  const before = (await readLockfile(path.join(projectDir, LOCKFILE))).lockfile;
  // A schedule must see what was published since the npm cache last asked the registry.
  await options.npm(['update', '--prefer-online']);
  const after = (await readLockfile(path.join(projectDir, LOCKFILE))).lockfile;
  result.changes = lockfileChanges(before, after);
  if (!result.changes.length) {
    log.info('npm update changed no locked version; no pull request');
    return result;
  }
  log.info(`npm update changed: ${result.changes.join(', ')}`);

  const tests = await log.group(`tests: ${options.testCommand}`, async () => {
    const ran = await runShell(options.testCommand, projectDir, options.commandEnv);
    for (const line of ran.output.trimEnd().split('\n')) log.info(line);
    return ran;
  });
  if (tests.code !== 0) {
    throw new UpdateTestsFailedError(
      `the tests (${options.testCommand}) failed after npm update (${result.changes.join(', ')}), so no pull request was opened; last output:\n${tests.output.slice(-2000)}`,
    );
  }
  // The pull request's own CI then restores instead of installing.
  await save(options);
  result.pullRequest = await pushAndPropose(options, options.pullRequest, result.changes);
  return result;
}

/** What changed between two lockfiles, per package path, in a stable order. */
export function lockfileChanges(before: Lockfile, after: Lockfile): string[] {
  const changes: string[] = [];
  const keys = [...new Set([...Object.keys(before.packages), ...Object.keys(after.packages)])].sort();
  for (const key of keys) {
    if (!key.startsWith('node_modules/')) continue;
    const name = key.replace(/^.*node_modules\//, '');
    const [from, to] = [before.packages[key]?.version, after.packages[key]?.version];
    if (from === to) continue;
    const where =
      key.split('node_modules/').length > 2
        ? ` (under ${key.slice(0, key.lastIndexOf('/node_modules/'))})`
        : '';
    changes.push(`${name} ${from ?? '(new)'} → ${to ?? '(removed)'}${where}`);
  }
  return changes;
}

async function pushAndPropose(
  options: UpdateOptions,
  target: PullRequestTarget,
  changes: string[],
): Promise<PullRequest> {
  const git = gitIn(options.projectDir, target.forge.gitCredentials());
  const top = await git('rev-parse', '--show-toplevel');
  const lockfile = path.relative(top, path.join(options.projectDir, LOCKFILE)) || LOCKFILE;
  await git('checkout', '--quiet', '-B', target.branch);
  await git('add', '--', lockfile);
  await git(
    'commit',
    '--quiet',
    '-m',
    `npm update: ${changes.length} locked version(s)\n\n${changes.join('\n')}\n`,
  );
  // The branch is the bot's own: each run replaces it with a fresh update on the current base.
  await git('push', '--quiet', '--force', target.remoteUrl, `HEAD:refs/heads/${target.branch}`);
  options.log.info(`pushed ${target.branch} to ${target.remoteUrl}`);

  const title = `npm update: ${changes.length === 1 ? changes[0] : `${changes.length} locked versions`}`;
  const body = [
    'Locked versions moved by `npm update` (within the ranges of package.json):',
    '',
    ...changes.map((c) => `- ${c}`),
    '',
    `\`${options.testCommand}\` passed on the updated tree. Opened by ironbots npm-cache (update mode).`,
  ].join('\n');
  const open = await target.forge.findOpenPullRequest(target.repo, target.branch);
  if (open) {
    options.log.info(`updating pull request #${open.number}`);
    return target.forge.updatePullRequest(target.repo, open.number, { title, body });
  }
  const created = await target.forge.createPullRequest(target.repo, {
    title,
    head: target.branch,
    base: target.base,
    body,
  });
  options.log.info(`opened pull request #${created.number}: ${created.htmlUrl}`);
  return created;
}

/** git in the project's checkout; the token goes in an HTTP header through the environment, never a URL. */
function gitIn(dir: string, credentials: { username: string; password: string } | null) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? 'ironbots',
    GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? 'ironbots@users.noreply.github.com',
    GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? 'ironbots',
    GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? 'ironbots@users.noreply.github.com',
  };
  Object.assign(env, gitCredentialsEnv(credentials));
  return async (...args: string[]): Promise<string> => {
    try {
      return (await run('git', ['-C', dir, ...args], { env })).stdout.trim();
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new Error(`git ${args[0]} failed: ${stderr || (error as Error).message}`, { cause: error });
    }
  };
}

async function runShell(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('sh', ['-c', command], { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
