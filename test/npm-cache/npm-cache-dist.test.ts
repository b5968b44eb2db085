import { execFileSync } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_DEFAULTS } from '../../actions/npm-cache/inputs.ts';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { startDistWorld, type DistWorld } from './dist-world.ts';
import { startNpmWorld, type NpmWorld } from './npm-project-fixture.ts';
import { runActionDist } from '../support/run-action-dist.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const actionDir = path.join(repoRoot, 'actions/npm-cache');

const runAction = (workspace: string, inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  runActionDist('actions/npm-cache', {
    inputs,
    cwd: workspace,
    env: { GITHUB_WORKSPACE: workspace, ...env },
  });

describe('npm-cache action.yml', () => {
  it('declares exactly the inputs, with the defaults, that the code applies for a local run', async () => {
    const action = parseYaml(await readFile(path.join(actionDir, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string; required?: boolean }>;
      runs: Record<string, string>;
    };
    // One bundle for both steps; post-if reads save-always's variable (the runner gives it no inputs), and
    // mount's, which has the post step unmount after a failed job too.
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/index.js',
      'post-if':
        "success() || env.IRONBOTS_NPM_CACHE_SAVE_ALWAYS == 'true' || env.IRONBOTS_NPM_CACHE_MOUNTED == 'true'",
    });
    // An expression is the runner's to apply; a local run has no workflow token.
    expect(
      Object.fromEntries(
        Object.entries(action.inputs).map(([name, i]) => [
          name,
          i.default?.includes('${{') ? '' : (i.default ?? ''),
        ]),
      ),
    ).toEqual(INPUT_DEFAULTS);
    expect(action.inputs.token!.default).toBe('${{ github.token }}');
  });
});

describe('npm-cache dist/index.js run as the Actions runner runs it', () => {
  let dist: DistWorld;
  let world: NpmWorld;
  let tmp: DistWorld['tmp'];
  let cacheService: DistWorld['cacheService'];
  let s3: DistWorld['s3'];

  beforeAll(async () => {
    dist = await startDistWorld('ironbots-npm-cache-dist-');
    ({ world, tmp, cacheService, s3 } = dist);
  });
  afterAll(() => dist.stop());

  const workspace = (withNodeModules = false) => dist.workspace(withNodeModules);

  it('saves to and restores from the Actions cache service (v2 protocol, emulated)', async () => {
    const first = await workspace(true);
    const saved = await runAction(first, { mode: 'save' }, cacheService.env);
    expect(saved.log).not.toContain('::error::');
    expect(saved.code).toBe(0);
    expect(saved.outputs).toEqual({ key: expect.stringMatching(/^npm-cache-linux-/), saved: 'true' });
    expect(cacheService.entries()).toEqual([
      expect.objectContaining({ key: saved.outputs.key, finalized: true }),
    ]);

    const second = await workspace();
    const restored = await runAction(second, { mode: 'restore' }, cacheService.env);
    expect(restored.code).toBe(0);
    expect(restored.outputs).toEqual({
      key: saved.outputs.key,
      'cache-hit': 'true',
      'cache-matched-key': saved.outputs.key,
      outcome: 'hit',
    });
    expect((await world.npm(second, ['test'])).stdout).toContain('left 1.0.0 / right with left 0.9.0');
    // Nothing of the toolkit's staging is left in the workspace.
    expect((await readFile(path.join(second, 'package.json'), 'utf8')).length).toBeGreaterThan(0);
    await expect(readFile(path.join(second, '.ironbots-npm-cache/node_modules.tgz'))).rejects.toThrow(
      /ENOENT/,
    );
  });

  it('misses, then round-trips through S3, and reports a corrupted S3 archive as a miss', async () => {
    const inputs = { 's3-bucket': 'npm-cache', 's3-prefix': 'widget', 's3-endpoint': s3.endpoint };
    const s3env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
    const empty = await workspace();
    const miss = await runAction(empty, { mode: 'restore', ...inputs }, s3env);
    expect(miss.code).toBe(0);
    expect(miss.outputs).toMatchObject({ 'cache-hit': 'false', outcome: 'no-entry' });

    const saved = await runAction(await workspace(true), { mode: 'save', ...inputs }, s3env);
    expect(saved.outputs.saved).toBe('true');
    const hit = await runAction(empty, { mode: 'restore', ...inputs }, s3env);
    expect(hit.outputs).toMatchObject({ 'cache-hit': 'true', outcome: 'hit' });
    expect((await world.npm(empty, ['test'])).stdout).toContain('left 1.0.0');

    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await s3.client.send(
      new PutObjectCommand({ Bucket: 'npm-cache', Key: `widget/${saved.outputs.key}.tgz`, Body: 'garbage' }),
    );
    const corrupt = await runAction(await workspace(), { mode: 'restore', ...inputs }, s3env);
    expect(corrupt.code).toBe(0);
    expect(corrupt.outputs).toMatchObject({ 'cache-hit': 'false', outcome: 'corrupt' });
    expect(corrupt.log).toMatch(
      /::warning::the cache archive for npm-cache-\S+ is corrupted \(.*\); treating it as a miss/,
    );
  });

  it('saves gzip on a machine without zstd, which zstd machines restore, and misses on zstd entries', async () => {
    // A PATH with tar and gzip but no zstd, like a minimal self-hosted runner.
    const bin = path.join(tmp.dir, 'bin-without-zstd');
    await mkdir(bin);
    for (const tool of ['tar', 'gzip', 'sh'])
      await symlink(
        execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(),
        path.join(bin, tool),
      );
    const noZstd = { PATH: bin };
    const cacheDir = path.join(tmp.dir, 'cache-gzip');

    const saved = await runAction(await workspace(true), { mode: 'save', 'cache-dir': cacheDir }, noZstd);
    expect(saved.log).not.toContain('::error::');
    expect(saved.outputs.saved).toBe('true');
    const archive = path.join(cacheDir, `${saved.outputs.key}.tgz`);
    expect([...(await readFile(archive)).subarray(0, 2)]).toEqual([0x1f, 0x8b]);

    // Restored over an existing node_modules: the old one is gone by the time the step ends.
    const dir = await workspace(true);
    const hit = await runAction(dir, { mode: 'restore', 'cache-dir': cacheDir });
    expect(hit.outputs).toMatchObject({ 'cache-hit': 'true', outcome: 'hit' });
    expect(hit.log).toContain(`(${saved.outputs.key}, gzip)`);
    expect((await world.npm(dir, ['test'])).stdout).toContain('left 1.0.0');
    expect((await readdir(dir)).sort()).toEqual(['node_modules', 'package-lock.json', 'package.json']);

    // A zstd entry where there is no zstd: a miss that says why, and the step passes.
    await rm(archive);
    const zstdSaved = await runAction(await workspace(true), { mode: 'save', 'cache-dir': cacheDir });
    expect([...(await readFile(archive)).subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
    expect(zstdSaved.outputs.saved).toBe('true');
    const miss = await runAction(await workspace(), { mode: 'restore', 'cache-dir': cacheDir }, noZstd);
    expect(miss.code).toBe(0);
    expect(miss.outputs).toMatchObject({ 'cache-hit': 'false', outcome: 'corrupt' });
    expect(miss.log).toMatch(
      /::warning::the cache archive for \S+ is corrupted \(.*no zstd binary; install zstd\)/,
    );
  });

  it('fails the step clearly on a lockfile that is not valid JSON, and on a bad input', async () => {
    const dir = await workspace();
    await writeFile(path.join(dir, 'package-lock.json'), '{"packages": ');
    const result = await runAction(dir, { mode: 'restore', 'cache-dir': path.join(tmp.dir, 'cache') });
    expect(result.code).not.toBe(0);
    expect(result.log).toMatch(/::error::the lockfile \S+package-lock\.json is not valid JSON/);
    expect(result.outputs).toEqual({});

    const bad = await runAction(dir, { mode: 'sideways' });
    expect(bad.log).toContain('::error::input mode: "sideways" is not one of install, restore, save, update');
    const noStore = await runAction(dir, { mode: 'restore' });
    expect(noStore.log).toContain(
      '::error::input store: no Actions cache service here; give cache-dir or s3-bucket',
    );
  });
});

describe('npm-cache update mode opening a pull request on the GitHub emulator', () => {
  const TOKEN = 'ghp_npmcacheupdatetoken0123456789';
  let world: NpmWorld;
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  let github: GitHubEmulator;
  let forge: GitHubForge;
  const repo = { owner: 'acme', name: 'widget' };
  /** The project with ib-left locked at 1.0.0, written before 1.1.0 exists. */
  let template: string;

  beforeAll(async () => {
    [world, tmp] = await Promise.all([startNpmWorld(), withTempDir('ironbots-npm-update-')]);
    template = await world.createProject();
    github = await GitHubEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
    await github.createRepository(repo.owner, repo.name);
    forge = new GitHubForge({ token: TOKEN, baseUrl: github.url, retries: 0, throttle: false });
  });
  afterAll(async () => {
    await github.stop();
    await world.stop();
    await tmp.remove();
  });

  /** A checkout of acme/widget's main branch holding the fixture project, as actions/checkout leaves it. */
  async function checkout(name: string): Promise<string> {
    const copy = new GitWorkingCopy(path.join(tmp.dir, name), forge.gitCredentials()!);
    await copy.init(github.cloneUrl(repo.owner, repo.name));
    await cp(template, copy.dir, { recursive: true });
    await writeFile(path.join(copy.dir, '.gitignore'), 'node_modules/\n');
    await copy.commit('the project');
    await copy.git('push', '--quiet', '--force', 'origin', 'HEAD:refs/heads/main');
    return copy.dir;
  }

  const runnerEnv = () => ({
    ...world.env,
    GITHUB_REPOSITORY: `${repo.owner}/${repo.name}`,
    GITHUB_API_URL: github.url,
  });

  it('refreshes the cache, and opens no pull request while npm update changes nothing', async () => {
    const dir = await checkout('unchanged');
    const cacheDir = path.join(tmp.dir, 'cache');
    const result = await runAction(
      dir,
      { mode: 'update', 'cache-dir': cacheDir, 'open-pr': 'true', token: TOKEN },
      runnerEnv(),
    );
    expect(result.log).not.toContain('::error::');
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ saved: 'true', changes: '', 'pull-request-url': '' });
    expect(await forge.findOpenPullRequest(repo, 'ironbots/npm-update')).toBeNull();
  });

  it('after a new version within range: npm update, tests, branch pushed and one pull request, refreshed on the next run', async () => {
    await world.publishLeftUpdate();
    const dir = await checkout('bumped');
    const cacheDir = path.join(tmp.dir, 'cache');
    // The tests (like npm and the packages' scripts) run third-party code: they never see the write token.
    const envFile = path.join(tmp.dir, 'test-command-env.txt');
    const inputs = {
      mode: 'update',
      'cache-dir': cacheDir,
      'open-pr': 'true',
      token: TOKEN,
      'test-command': `env > ${envFile} && npm test`,
    };
    const result = await runAction(dir, inputs, runnerEnv());
    expect(result.log).not.toContain('::error::');
    expect(result.code).toBe(0);
    expect(result.outputs.changes).toBe('ib-left 1.0.0 → 1.1.0');
    expect(result.log.replace(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN);
    const testEnv = await readFile(envFile, 'utf8');
    expect(testEnv).toContain('PATH=');
    expect(testEnv).not.toContain(TOKEN);
    expect(testEnv).not.toMatch(/^INPUT_/m);

    const pr = await forge.findOpenPullRequest(repo, 'ironbots/npm-update');
    expect(pr).toMatchObject({ title: 'npm update: ib-left 1.0.0 → 1.1.0', baseRef: 'main', state: 'open' });
    expect(result.outputs['pull-request-url']).toBe(pr!.htmlUrl);
    expect(pr!.body).toContain(`\`env > ${envFile} && npm test\` passed on the updated tree`);
    const lock = JSON.parse((await forge.getFileContent(repo, 'package-lock.json', pr!.headSha))!) as {
      packages: Record<string, { version: string }>;
    };
    expect(lock.packages['node_modules/ib-left']!.version).toBe('1.1.0');
    expect(lock.packages['node_modules/@ib/right/node_modules/ib-left']!.version).toBe('0.9.0');

    // The pull request's CI finds the updated tree already cached.
    const prCheckout = await pullRequestCheckout();
    const restored = await runAction(prCheckout, { mode: 'restore', 'cache-dir': cacheDir }, runnerEnv());
    expect(restored.outputs).toMatchObject({ 'cache-hit': 'true' });

    // A second run replaces the branch and updates the same pull request rather than opening another.
    const again = await runAction(await checkout('bumped-again'), inputs, runnerEnv());
    expect(again.code).toBe(0);
    expect((await forge.listOpenPullRequests(repo)).map((p) => p.number)).toEqual([pr!.number]);
  });

  it('opens no pull request when the tests fail on the updated tree, and says so', async () => {
    const dir = await checkout('failing');
    const result = await runAction(
      dir,
      {
        mode: 'update',
        'cache-dir': path.join(tmp.dir, 'cache-failing'),
        'open-pr': 'true',
        // The token's old name still works for one release, with a warning.
        'github-token': TOKEN,
        branch: 'ironbots/npm-update-failing',
        'test-command': "node -e \"process.exit(require('ib-left') === 'left 1.0.0' ? 0 : 3)\"",
      },
      runnerEnv(),
    );
    expect(result.code).not.toBe(0);
    expect(result.log).toMatch(
      /::error::the tests \(node -e .*\) failed after npm update \(ib-left 1\.0\.0 → 1\.1\.0\), so no pull request was opened/,
    );
    expect(await forge.findOpenPullRequest(repo, 'ironbots/npm-update-failing')).toBeNull();
    expect(result.log).toContain('::warning::input github-token is deprecated');
  });

  /** The PR's head as a fresh checkout (package files only), as its CI would see it. */
  async function pullRequestCheckout(): Promise<string> {
    const dir = path.join(tmp.dir, `pr-${Date.now()}`);
    const copy = new GitWorkingCopy(dir, forge.gitCredentials()!);
    await copy.init(github.cloneUrl(repo.owner, repo.name));
    await copy.git('fetch', '--quiet', 'origin', 'ironbots/npm-update');
    await copy.git('checkout', '--quiet', 'FETCH_HEAD');
    return dir;
  }
});
