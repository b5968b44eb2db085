import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { withTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);

export const TOKEN = 'release-test-token-0123456789';
export const READ_ONLY_TOKEN = 'release-read-only-token-0123456789';
export const OWNER = 'acme';
export const REPO = 'widget';

const GIT_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
};

/**
 * The GitHub emulator with one repository, acme/widget, and a temporary directory for assets. Tags reach
 * the emulator the way they reach GitHub: pushed over git.
 */
export class GitHubReleaseWorld {
  readonly emulator: GitHubEmulator;
  readonly dir: string;
  readonly #remove: () => Promise<void>;

  private constructor(emulator: GitHubEmulator, dir: string, remove: () => Promise<void>) {
    this.emulator = emulator;
    this.dir = dir;
    this.#remove = remove;
  }

  static async start(): Promise<GitHubReleaseWorld> {
    const tmp = await withTempDir('ironbots-release-gh-');
    const emulator = await GitHubEmulator.start({
      dataDir: path.join(tmp.dir, 'forge'),
      tokens: [TOKEN, READ_ONLY_TOKEN],
    });
    emulator.releases.readOnlyTokens.add(READ_ONLY_TOKEN);
    await emulator.createRepository(OWNER, REPO);
    await mkdir(path.join(tmp.dir, 'assets'));
    return new GitHubReleaseWorld(emulator, tmp.dir, tmp.remove);
  }

  get assetDir(): string {
    return path.join(this.dir, 'assets');
  }

  /** Pushes the branch and tags of a local repository, as a maintainer does. */
  async push(repoDir: string, ...refs: string[]): Promise<void> {
    const url = new URL(this.emulator.cloneUrl(OWNER, REPO));
    url.username = 'x-access-token';
    url.password = TOKEN;
    await run('git', ['-C', repoDir, 'push', '--quiet', url.toString(), ...refs], { env: GIT_ENV });
  }

  /** A repository with one commit and a lightweight tag, pushed; for tests that do not verify signatures. */
  async pushTaggedCommit(tag: string): Promise<string> {
    const work = path.join(this.dir, `work-${tag}`);
    const env = {
      ...GIT_ENV,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
    };
    await run('git', ['init', '--quiet', '--initial-branch', 'main', work], { env });
    await run('git', ['-C', work, 'commit', '--quiet', '--allow-empty', '-m', 'release me'], { env });
    await run('git', ['-C', work, 'tag', tag], { env });
    await this.push(work, 'main', `refs/tags/${tag}`);
    return (await run('git', ['-C', work, 'rev-parse', 'HEAD'], { env })).stdout.trim();
  }

  releases() {
    return this.emulator.releases.releasesOf(OWNER, REPO);
  }

  async stop(): Promise<void> {
    await this.emulator.stop();
    await this.#remove();
  }
}
