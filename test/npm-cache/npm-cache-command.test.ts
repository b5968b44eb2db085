import { execFile } from 'node:child_process';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitLabEmulator } from '../../emulators/gitlab/gitlab-emulator.ts';
import { GitLabForge } from '../../forge/gitlab/gitlab-forge.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { startNpmWorld, type NpmWorld } from './npm-project-fixture.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');

/**
 * `ironbots npm-cache` as the GitLab template runs it: the template's own before_script lines (after the
 * clone of ironbots, which here is this checkout), in a shell, with the template's variables.
 */
describe('ironbots npm-cache in the GitLab template, with a directory store', () => {
  let world: NpmWorld;
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  let installed: string;
  let script: string;

  beforeAll(async () => {
    [world, tmp] = await Promise.all([startNpmWorld(), withTempDir('ironbots-npm-cache-cli-')]);
    installed = await world.createProject();
    const template = parseYaml(
      await readFile(path.join(repoRoot, 'workflows/gitlab/npm-cache.gitlab-ci.yml'), 'utf8'),
    ) as Record<string, { before_script: string[] }>;
    const lines = template['.ironbots-npm-cache']!.before_script;
    expect(lines[0]).toMatch(/^git clone .* \/opt\/ironbots$/);
    script = ['set -e', ...lines.slice(2)]
      .join('\n')
      .replaceAll('/opt/ironbots/cli/ironbots.ts', path.join(repoRoot, 'cli/ironbots.ts'));
  });
  afterAll(async () => {
    await world.stop();
    await tmp.remove();
  });

  async function job(name: string) {
    const dir = path.join(tmp.dir, name);
    await cp(installed, dir, { recursive: true });
    const result = await run('sh', ['-c', `${script}\necho "hit=$hit"`], {
      cwd: dir,
      env: { ...world.env, NPM_CACHE_WORKING_DIRECTORY: '.', NPM_CACHE_DIR: path.join(tmp.dir, 'cache') },
    });
    return { dir, ...result };
  }

  it('installs with npm ci and saves on the first pipeline, restores without npm ci on the next', async () => {
    const first = await job('first');
    expect(first.stdout).toContain('hit=cache-hit=false');
    expect(first.stdout).toContain('saved=true');
    expect(first.stderr).toMatch(/^saved node_modules to directory /m);

    const second = await job('second');
    expect(second.stdout).toContain('hit=cache-hit=true');
    expect(second.stdout).not.toContain('saved=');
    expect(second.stderr).toMatch(/^cache hit: restored node_modules/m);
    expect((await world.npm(second.dir, ['test'])).stdout).toContain('left 1.0.0 / right with left 0.9.0');
  });

  it('exits non-zero with a clear message on a lockfile that is not valid JSON', async () => {
    const dir = path.join(tmp.dir, 'broken');
    await cp(installed, dir, { recursive: true });
    await rm(path.join(dir, 'node_modules'), { recursive: true, force: true });
    await writeFile(path.join(dir, 'package-lock.json'), 'not json');
    const failure = await run(
      process.execPath,
      [
        path.join(repoRoot, 'cli/ironbots.ts'),
        'npm-cache',
        'restore',
        '--cache-dir',
        path.join(tmp.dir, 'cache'),
      ],
      { cwd: dir },
    ).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/ironbots: the lockfile \S+package-lock\.json is not valid JSON/);
  });
});

describe('ironbots npm-cache update in the GitLab template, opening a merge request on the GitLab emulator', () => {
  const TOKEN = 'glpat-npmcacheupdate0123456789';
  let world: NpmWorld;
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  let gitlab: GitLabEmulator;
  let forge: GitLabForge;
  const repo = { owner: 'acme', name: 'widget' };

  beforeAll(async () => {
    [world, tmp] = await Promise.all([startNpmWorld(), withTempDir('ironbots-npm-cache-gitlab-')]);
    gitlab = await GitLabEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
    await gitlab.createProject(repo.owner, repo.name, { defaultBranch: 'main' });
    forge = new GitLabForge({ token: TOKEN, host: gitlab.url });
  });
  afterAll(async () => {
    await gitlab.stop();
    await world.stop();
    await tmp.remove();
  });

  it('runs npm update and the tests, pushes the branch and opens one merge request', async () => {
    const project = await world.createProject();
    await world.publishLeftUpdate();
    const checkout = new GitWorkingCopy(path.join(tmp.dir, 'checkout'), forge.gitCredentials()!);
    await checkout.init(`${gitlab.url}/acme/widget.git`);
    await cp(project, checkout.dir, { recursive: true });
    await writeFile(path.join(checkout.dir, '.gitignore'), 'node_modules/\n');
    await checkout.commit('the project');
    await checkout.push('main');

    const template = parseYaml(
      await readFile(path.join(repoRoot, 'workflows/gitlab/npm-cache.gitlab-ci.yml'), 'utf8'),
    ) as Record<string, { script: string[]; variables: Record<string, string> }>;
    const job = template['.ironbots-npm-cache-update']!;
    const script = job.script
      .join('\n')
      .replaceAll('/opt/ironbots/cli/ironbots.ts', path.join(repoRoot, 'cli/ironbots.ts'));
    const result = await run('sh', ['-c', script], {
      cwd: checkout.dir,
      env: {
        ...world.env,
        ...job.variables,
        NPM_CACHE_WORKING_DIRECTORY: '.',
        NPM_CACHE_DIR: path.join(tmp.dir, 'cache'),
        GITLAB_CI: 'true',
        CI_PROJECT_PATH: 'acme/widget',
        CI_SERVER_URL: gitlab.url,
        IRONBOTS_FORGE_TOKEN: TOKEN,
      },
    });
    const mr = await forge.findOpenPullRequest(repo, 'ironbots/npm-update');
    expect(mr).toMatchObject({ title: 'npm update: ib-left 1.0.0 → 1.1.0', baseRef: 'main' });
    expect(result.stdout).toContain(`pull-request=${mr!.htmlUrl}`);
    expect(result.stderr).not.toContain(TOKEN);
    const lock = JSON.parse((await forge.getFileContent(repo, 'package-lock.json', mr!.headSha))!) as {
      packages: Record<string, { version: string }>;
    };
    expect(lock.packages['node_modules/ib-left']!.version).toBe('1.1.0');
  });
});
