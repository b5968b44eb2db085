import { spawn } from 'node:child_process';
import { gitCredentialsEnv } from '../../../forge/git-credentials.ts';

export interface CheckoutRequest {
  cloneUrl: string;
  sha: string;
  /** An empty directory; the checkout goes there. */
  dir: string;
  credentials: { username: string; password: string } | null;
  onOutput(chunk: Buffer): void;
  signal: AbortSignal;
}

export class CheckoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckoutError';
  }
}

/**
 * Checks out exactly one commit. Credentials travel in git's environment as an HTTP header, never in the
 * URL (which git prints and stores in .git/config, where the job could read it).
 */
export async function checkoutCommit(request: CheckoutRequest): Promise<void> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: request.dir,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    LANG: 'C.UTF-8',
    ...gitCredentialsEnv(request.credentials),
  };
  const git = (args: string[]) => runGit(args, request, env);
  await git(['init', '--quiet', request.dir]);
  await git(['-C', request.dir, 'remote', 'add', 'origin', request.cloneUrl]);
  // Forges allow fetching a commit by id; fall back to all branches and pull (GitHub) or merge request
  // (GitLab) refs for servers that don't.
  const bySha = await git([
    '-C',
    request.dir,
    'fetch',
    '--quiet',
    '--no-tags',
    '--depth=1',
    'origin',
    request.sha,
  ]).then(
    () => true,
    () => false,
  );
  if (!bySha) {
    await git([
      '-C',
      request.dir,
      'fetch',
      '--quiet',
      '--no-tags',
      'origin',
      '+refs/heads/*:refs/remotes/origin/*',
      '+refs/pull/*/head:refs/remotes/origin/pull/*',
      '+refs/merge-requests/*/head:refs/remotes/origin/merge-requests/*',
    ]);
  }
  await git([
    '-C',
    request.dir,
    '-c',
    'advice.detachedHead=false',
    'checkout',
    '--quiet',
    '--detach',
    request.sha,
  ]);
}

function runGit(args: string[], request: CheckoutRequest, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { env, stdio: ['ignore', 'pipe', 'pipe'], signal: request.signal });
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => request.onOutput(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      request.onOutput(chunk);
    });
    child.on('error', (error) => reject(new CheckoutError(`git ${args[args.length - 1]}: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else {
        const detail = Buffer.concat(stderr).toString('utf8').trim().split('\n').pop() ?? '';
        reject(
          new CheckoutError(
            `git ${args.find((a) => !a.startsWith('-') && a !== request.dir)} failed (exit ${code}): ${detail}`,
          ),
        );
      }
    });
  });
}
