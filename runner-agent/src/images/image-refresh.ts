import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type {
  GitAccess,
  PullRequest,
  PullRequests,
  Repositories,
  RepositoryFiles,
  RepositoryId,
} from '../../../forge/forge.ts';
import type { ImageBuilder, ImageBuildIO } from './image-builder.ts';
import {
  assertImageName,
  blobName,
  formatImageReference,
  parseBlobName,
  parseImageReference,
} from './image-reference.ts';
import type { ImageStore, TransferIO } from './image-store.ts';
import { gitCredentialsEnv } from '../../../forge/git-credentials.ts';
import { tickTask } from '../../../forge/task-list.ts';

const run = promisify(execFile);

export interface ImageRefreshOptions {
  name: string;
  builder: ImageBuilder;
  store: ImageStore;
  forge: Repositories & RepositoryFiles & PullRequests & GitAccess;
  /** The repository whose `images/<name>` the pull request updates. */
  repo: RepositoryId;
  /** Scratch space for the build and the git working copy; removed afterwards. */
  workDir: string;
  io: ImageBuildIO;
  /**
   * A pull request of the repository whose `- [ ] image-refresh <name>` task this run does: the change is
   * committed onto its branch instead of a pull request of its own, and the box ticked.
   */
  pullRequest?: number;
  /** Upload progress (a terminal bar, or nothing). */
  uploadProgress?: TransferIO['progress'];
  now?: Date;
}

export type ImageRefreshResult =
  | { kind: 'current'; blob: string }
  | { kind: 'existing-pull-request'; blob: string; pullRequest: PullRequest }
  | { kind: 'opened-pull-request'; blob: string; pullRequest: PullRequest; branch: string }
  /** A task of `pullRequest`: `commit` is what was pushed to its branch (null: it had the blob already). */
  | { kind: 'task-done'; blob: string; pullRequest: PullRequest; commit: string | null; ticked: boolean };

/** How often a push onto a pull request's branch that moved meanwhile is tried again on its new head. */
const PUSH_ATTEMPTS = 3;

export const REFRESH_BRANCH_PREFIX = 'image-refresh/';

/**
 * The weekly image refresh: build the image, boot-test it, upload it, and propose it in a pull request that
 * changes `images/<name>`, so the project's own tests run against the new image before anyone merges it.
 * Nothing is pushed unless the image booted and is in the store. Re-running while a refresh pull request for
 * the same blob is open changes nothing, and a branch already pointing at this blob is left alone.
 */
export async function refreshImage(options: ImageRefreshOptions): Promise<ImageRefreshResult> {
  const { name, forge, repo, io } = options;
  assertImageName(name);
  // Refused before building: a task of a pull request that cannot take the commit is not worth the build.
  if (options.pullRequest !== undefined) await taskPullRequest(options, options.pullRequest);
  const scratch = await mkdtemp(path.join(options.workDir, `refresh-${name}-`));
  try {
    io.log(`building image ${name}`);
    const built = await options.builder.build(name, path.join(scratch, 'build'), io);
    if (built.name !== name) throw new Error(`the builder built image "${built.name}", not "${name}"`);
    const blob = blobName(name, built.sha256);
    io.log(`built ${blob} (${built.bytes} bytes); boot-testing it`);
    await options.builder.bootTest(built, io);
    io.log(`boot test passed; uploading to ${options.store.description}`);
    await options.store.upload(built.path, blob, {
      ...(options.uploadProgress ? { progress: options.uploadProgress } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
    });

    const repository = await forge.getRepository(repo);
    const file = `images/${name}`;
    if (options.pullRequest !== undefined)
      return await commitToPullRequest(options, options.pullRequest, blob, path.join(scratch, 'repository'));
    const onDefault = await forge.getFileContent(repo, file, repository.defaultBranch);
    if (onDefault !== null && referencedBlob(name, onDefault) === blob) {
      io.log(`${repository.defaultBranch} already uses ${blob}`);
      return { kind: 'current', blob };
    }
    const refreshes = (await forge.listOpenPullRequests(repo)).filter((pr) =>
      pr.headRef.startsWith(`${REFRESH_BRANCH_PREFIX}${name}-`),
    );
    for (const pr of refreshes) {
      const content = await forge.getFileContent(repo, file, pr.headSha);
      if (content !== null && referencedBlob(name, content) === blob) {
        io.log(`pull request #${pr.number} already proposes ${blob}: ${pr.htmlUrl}`);
        return { kind: 'existing-pull-request', blob, pullRequest: pr };
      }
    }

    const branch = `${REFRESH_BRANCH_PREFIX}${name}-${(options.now ?? new Date()).toISOString().slice(0, 10)}`;
    const credentials = forge.gitCredentials();
    const git = gitIn(path.join(scratch, 'repository'), credentials);
    await run(
      'git',
      [
        'clone',
        '--quiet',
        '--depth',
        '1',
        '--branch',
        repository.defaultBranch,
        repository.cloneUrl,
        git.dir,
      ],
      {
        env: git.env,
      },
    );
    await mkdir(path.join(git.dir, 'images'), { recursive: true });
    await writeFile(path.join(git.dir, file), formatImageReference(parseBlobName(blob)));
    await git.run('add', '--', file);
    await git.run('commit', '--quiet', '-m', `images: refresh ${name}\n\n${file} → ${blob}`);
    // The branch is the bot's own: a second refresh on the same day replaces its earlier, superseded build.
    await git.run('push', '--quiet', '--force', 'origin', `HEAD:refs/heads/${branch}`);
    io.log(`pushed ${branch}`);

    const body = [
      `Refreshes the \`${name}\` VM image: \`${file}\` now names \`${blob}\`.`,
      '',
      `- size: ${built.bytes} bytes`,
      `- sha256: \`${built.sha256}\``,
      `- store: ${options.store.description}`,
      '- boot test: passed',
      '',
      "This pull request's tests run against the new image; merge it when they pass.",
    ].join('\n');
    const title = `images: refresh ${name}`;
    const existing = await forge.findOpenPullRequest(repo, branch);
    const pullRequest = existing
      ? await forge.updatePullRequest(repo, existing.number, { title, body })
      : await forge.createPullRequest(repo, { title, head: branch, base: repository.defaultBranch, body });
    io.log(`${existing ? 'updated' : 'opened'} pull request #${pullRequest.number}: ${pullRequest.htmlUrl}`);
    // Older refreshes of this image are superseded: one open refresh pull request per image.
    for (const old of refreshes.filter((pr) => pr.number !== pullRequest.number)) {
      await forge.createIssueComment(repo, old.number, `Superseded by #${pullRequest.number} (${blob}).`);
      await forge.closePullRequest(repo, old.number);
      io.log(`closed pull request #${old.number}, superseded`);
    }
    return { kind: 'opened-pull-request', blob, pullRequest, branch };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The pull request of a task, if the run may push to its branch: open, and a branch of `repo` itself. */
async function taskPullRequest(options: ImageRefreshOptions, number: number): Promise<PullRequest> {
  const { forge, repo } = options;
  const [repository, pr] = await Promise.all([forge.getRepository(repo), forge.getPullRequest(repo, number)]);
  const named = `${repo.owner}/${repo.name}`;
  if (pr.state !== 'open') throw new Error(`pull request #${number} of ${named} is closed`);
  if (pr.headRepositoryDeleted || pr.headCloneUrl !== repository.cloneUrl)
    throw new Error(
      `pull request #${number} is from a branch outside ${named} (${pr.headCloneUrl}); the refresh pushes only to branches of ${named}`,
    );
  return pr;
}

/**
 * The task `- [ ] image-refresh <name>` of a pull request: `images/<name>` naming `blob` is committed onto its
 * branch (fast-forward only: a branch that moved meanwhile is fetched and the commit made again on its new
 * head), then exactly that box is ticked in a description read just before, the rest left byte for byte.
 */
async function commitToPullRequest(
  options: ImageRefreshOptions,
  number: number,
  blob: string,
  dir: string,
): Promise<ImageRefreshResult> {
  const { name, forge, repo, io } = options;
  const file = `images/${name}`;
  const pr = await taskPullRequest(options, number);
  const commit = await pushOntoBranch({
    dir,
    url: pr.headCloneUrl,
    branch: pr.headRef,
    credentials: forge.gitCredentials(),
    io,
    change: async (git, head) => {
      const content = await readFile(path.join(dir, file), 'utf8').catch(() => null);
      if (content !== null && referencedBlob(name, content) === blob) {
        io.log(`${pr.headRef} at ${head.slice(0, 7)} already uses ${blob}`);
        return false;
      }
      await mkdir(path.join(dir, 'images'), { recursive: true });
      await writeFile(path.join(dir, file), formatImageReference(parseBlobName(blob)));
      await git('add', '--', file);
      await git('commit', '--quiet', '-m', `images: refresh ${name}\n\n${file} → ${blob}`);
      return true;
    },
  });
  if (commit) io.log(`pushed ${commit.slice(0, 7)} onto ${pr.headRef} of pull request #${number}`);
  const text = `image-refresh ${name}`;
  const current = await forge.getPullRequest(repo, number);
  const ticked = tickTask(current.body, text);
  if (ticked === null) io.log(`the description of #${number} has no unticked box \`${text}\``);
  else {
    await forge.updatePullRequest(repo, number, { body: ticked });
    io.log(`ticked \`${text}\` in the description of #${number}`);
  }
  return {
    kind: 'task-done',
    blob,
    pullRequest: ticked === null ? current : { ...current, body: ticked },
    commit,
    ticked: ticked !== null,
  };
}

/**
 * Makes a commit on `branch` of `url` and pushes it, fast-forward only: the branch's head is fetched into a
 * fresh repository at `dir`, `change` commits on it (or says there is nothing to commit), and a branch that
 * moved meanwhile is fetched again and `change` made anew on its new head, at most `attempts` times.
 * Returns the commit pushed, or null when there was nothing to commit.
 */
export async function pushOntoBranch(options: {
  dir: string;
  url: string;
  branch: string;
  credentials: { username: string; password: string } | null;
  io: Pick<ImageBuildIO, 'log'>;
  change: (git: (...args: string[]) => Promise<string>, head: string) => Promise<boolean>;
  attempts?: number;
}): Promise<string | null> {
  const { dir, url, branch, io } = options;
  const attempts = options.attempts ?? PUSH_ATTEMPTS;
  const git = gitIn(dir, options.credentials);
  const text = async (...args: string[]) => (await git.run(...args)).stdout.trim();
  await run('git', ['init', '--quiet', dir], { env: git.env });
  for (let attempt = 1; ; attempt++) {
    await git.run('fetch', '--quiet', '--depth', '1', url, `refs/heads/${branch}`);
    await git.run('checkout', '--quiet', '--force', '-B', 'work', 'FETCH_HEAD');
    if (!(await options.change(text, await text('rev-parse', 'HEAD')))) return null;
    const pushed = await git
      .run('push', '--quiet', url, `HEAD:refs/heads/${branch}`)
      .then(() => true)
      .catch((error: { stderr?: string }) => {
        // Anything but a branch that moved on (credentials, protection) will not get better by retrying.
        if (!/\((non-fast-forward|fetch first)\)/.test(error.stderr ?? '')) throw error;
        return false;
      });
    if (pushed) return text('rev-parse', 'HEAD');
    if (attempt >= attempts)
      throw new Error(`${branch} kept moving while pushing onto it; gave up after ${attempts} attempts`);
    io.log(`${branch} moved on meanwhile; committing again on its new head`);
  }
}

function referencedBlob(name: string, content: string): string | null {
  try {
    return parseImageReference(name, content).blob;
  } catch {
    return null;
  }
}

/** git with the forge's credentials as an HTTP header from the environment, never in a URL or on disk. */
function gitIn(dir: string, credentials: { username: string; password: string } | null) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    LANG: 'C.UTF-8',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'ironbots',
    GIT_AUTHOR_EMAIL: 'ironbots@users.noreply.github.com',
    GIT_COMMITTER_NAME: 'ironbots',
    GIT_COMMITTER_EMAIL: 'ironbots@users.noreply.github.com',
  };
  Object.assign(env, gitCredentialsEnv(credentials));
  return {
    dir,
    env,
    run: (...args: string[]) => run('git', ['-C', dir, ...args], { env }),
  };
}
