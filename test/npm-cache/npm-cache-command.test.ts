import { execFile } from 'node:child_process';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    expect(first.stderr).toMatch(/"msg":"saved node_modules to directory/);

    const second = await job('second');
    expect(second.stdout).toContain('hit=cache-hit=true');
    expect(second.stdout).not.toContain('saved=');
    expect(second.stderr).toMatch(/"msg":"cache hit: restored node_modules/);
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
