import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitLabEmulator } from '../../emulators/gitlab/gitlab-emulator.ts';
import { GitHubReleaseWorld, OWNER, REPO, TOKEN } from './github-release-world.ts';
import { SigningFixture, type SshKey } from './signing-fixture.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const GITLAB_TOKEN = 'glpat-releasecommand012345678';
const GITLAB_REPORTER_TOKEN = 'glpat-reportercommand01234567';

let fixture: SigningFixture;
let github: GitHubReleaseWorld;
let gitlab: GitLabEmulator;
let releaser: SshKey;

/** `ironbots release` as a GitLab CI job runs it: CI_* variables, tokens in the environment only. */
async function ironbotsRelease(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'cli/ironbots.ts'), 'release', ...args], {
    cwd: fixture.repo,
    env: {
      PATH: process.env.PATH,
      HOME: fixture.dir,
      CI: 'true',
      CI_SERVER_URL: gitlab.url,
      CI_PROJECT_PATH: 'acme/widget',
      IRONBOTS_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

async function gitlabReleases(): Promise<
  Array<{ tag_name: string; assets: { links: Array<{ name: string }> } }>
> {
  const response = await fetch(`${gitlab.url}/api/v4/projects/acme%2Fwidget/releases`, {
    headers: { 'PRIVATE-TOKEN': GITLAB_TOKEN },
  });
  return (await response.json()) as Array<{ tag_name: string; assets: { links: Array<{ name: string }> } }>;
}

beforeAll(async () => {
  fixture = await SigningFixture.create();
  github = await GitHubReleaseWorld.start();
  gitlab = await GitLabEmulator.start({
    dataDir: path.join(github.dir, 'gitlab'),
    tokens: [GITLAB_TOKEN],
    reporterTokens: [GITLAB_REPORTER_TOKEN],
  });
  await gitlab.createProject('acme', 'widget');
  releaser = await fixture.sshKey('releaser');
  await fixture.sshTag('1.0', releaser, '1.0', '- released from GitLab CI');
  await fixture.sshTag('1.1', releaser, '1.1', '- all or nothing');
  await fixture.run('sh', [
    '-c',
    `printf 'release@example.invalid %s\\n' "$(cat ${releaser.publicKeyFile})" > ${fixture.repo}/allowed_signers`,
  ]);
  const url = new URL(`${gitlab.url}/acme/widget.git`);
  url.username = 'oauth2';
  url.password = GITLAB_TOKEN;
  await run('git', ['-C', fixture.repo, 'push', '--quiet', url.toString(), 'main', '--tags'], {
    env: fixture.env,
  });
  await github.push(fixture.repo, 'main', '--tags');
});

afterAll(async () => {
  await gitlab?.stop();
  await github?.stop();
  await fixture?.dispose();
});

const BUILD = `sh -c 'mkdir -p dist && echo widget > dist/widget.tar.gz'`;

describe('ironbots release', () => {
  it('releases CI_COMMIT_TAG to GitLab from a GitLab CI job, trusting an allowed_signers file', async () => {
    const result = await ironbotsRelease(
      [
        '--targets',
        'gitlab',
        '--allowed-signers-file',
        'allowed_signers',
        '--build',
        BUILD,
        '--assets',
        'dist/*',
      ],
      { CI_COMMIT_TAG: '1.0', IRONBOTS_GITLAB_TOKEN: GITLAB_TOKEN },
    );
    expect(result.stderr).not.toContain(GITLAB_TOKEN);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Release 1.0');
    expect(result.stdout).toMatch(/gitlab: http/);
    const [release] = (await gitlabReleases()).filter((r) => r.tag_name === '1.0');
    expect(release!.assets.links.map((l) => l.name).sort()).toEqual(['SHA256SUMS', 'widget.tar.gz']);
  });

  it('GitHub and GitLab: a GitLab token that cannot write stops both, and the GitHub draft is rolled back', async () => {
    const result = await ironbotsRelease(
      [
        '1.1',
        '--targets',
        'github,gitlab',
        '--repository',
        `${OWNER}/${REPO}`,
        '--api-url',
        github.emulator.url,
        '--allowed-signers-file',
        'allowed_signers',
        '--build',
        BUILD,
        '--assets',
        'dist/*',
      ],
      { GITHUB_TOKEN: TOKEN, IRONBOTS_GITLAB_TOKEN: GITLAB_REPORTER_TOKEN },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /ironbots: nothing was released: gitlab could not prepare .*rolled back github/,
    );
    expect(github.releases().filter((r) => r.tagName === '1.1')).toEqual([]);
    expect(github.emulator.releases.requestCounts.get('create')).toBe(1);
    expect((await gitlabReleases()).filter((r) => r.tag_name === '1.1')).toEqual([]);
  });

  it('a dry run from the terminal prints the plan and needs no token', async () => {
    const result = await ironbotsRelease(
      [
        '1.1',
        '--targets',
        'github,gitlab',
        '--repository',
        `${OWNER}/${REPO}`,
        '--allowed-signers-file',
        'allowed_signers',
        '--build',
        BUILD,
        '--assets',
        'dist/*',
        '--dry-run',
      ],
      {},
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Dry run: would release 1.1');
    expect(result.stdout).toContain('  - github: would prepare, then publish');
    expect(result.stdout).toContain('  - gitlab: would prepare, then publish');
    expect(result.stdout).toMatch(/widget\.tar\.gz {2}7 B/);
  });
});
