import { spawn } from 'node:child_process';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runActionDist, type ActionDistRun } from '../support/run-action-dist.ts';
import { startDistWorld, type DistWorld } from './dist-world.ts';
import type { NpmWorld } from './npm-project-fixture.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const actionYml = path.join(repoRoot, 'actions/npm-cache/action.yml');
/** What this machine's keys hold after the key prefix: `-<os>-<arch>-node<major>-`. */
const platformPart = `-${process.platform}-${process.arch}-node${process.versions.node.split('.')[0]}-`;

/** The runner's file-command format (GITHUB_STATE, GITHUB_ENV): name<<DELIMITER, value lines, DELIMITER. */
function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const match of text.matchAll(/^([^\s<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) values[match[1]!] = match[3]!;
  return values;
}

/**
 * action.yml's post-if as the runner evaluates it, with GitHub's own expression library: `env` (the job's,
 * with what steps wrote to GITHUB_ENV) and the status functions for the job so far.
 */
async function postIf(jobSucceeded: boolean, env: Record<string, string>): Promise<boolean> {
  const action = parseYaml(await readFile(actionYml, 'utf8')) as { runs: { 'post-if': string } };
  const status = (name: string, value: boolean) => ({
    name,
    description: name,
    minArgs: 0,
    maxArgs: 0,
    call: () => new data.BooleanData(value),
  });
  const functions = [
    status('success', jobSucceeded),
    status('failure', !jobSucceeded),
    status('always', true),
  ];
  const expr = new Parser(new Lexer(action.runs['post-if']).lex().tokens, ['env'], functions).parse();
  const envData = new data.Dictionary(
    ...Object.entries(env).map(([key, value]) => ({ key, value: new data.StringData(value) })),
  );
  const result = new Evaluator(
    expr,
    new data.Dictionary({ key: 'env', value: envData }),
    new Map(functions.map((f) => [f.name, f])),
  ).evaluate();
  return result.coerceString() === 'true';
}

interface StepRun extends ActionDistRun {
  /** What the step left in GITHUB_STATE and GITHUB_ENV. */
  state: Record<string, string>;
  exported: Record<string, string>;
}

describe('npm-cache install mode: main step, then the post step, as the runner runs them', () => {
  let dist: DistWorld;
  let world: NpmWorld;
  let tmp: DistWorld['tmp'];
  let installed: string;
  let cacheService: DistWorld['cacheService'];
  let s3: DistWorld['s3'];
  let runs = 0;

  beforeAll(async () => {
    dist = await startDistWorld('ironbots-npm-cache-post-');
    ({ world, tmp, installed, cacheService, s3 } = dist);
  });
  afterAll(() => dist.stop());

  const workspace = (withNodeModules = false) => dist.workspace(withNodeModules);

  /** One step of the job: the bundle with the inputs, the npm registry's environment, and STATE_* given. */
  async function step(
    dir: string,
    inputs: Record<string, string>,
    env: NodeJS.ProcessEnv,
    state: Record<string, string> = {},
    /** The bundle, or the TypeScript source for what the committed bundle does not have yet. */
    entry?: string,
  ): Promise<StepRun> {
    const files = path.join(tmp.dir, `files-${runs++}`);
    const stateFile = `${files}-state`;
    const envFile = `${files}-env`;
    await Promise.all([writeFile(stateFile, ''), writeFile(envFile, '')]);
    const run = await runActionDist('actions/npm-cache', {
      inputs,
      cwd: dir,
      ...(entry ? { entry } : {}),
      env: {
        ...world.env,
        ...env,
        GITHUB_WORKSPACE: dir,
        GITHUB_STATE: stateFile,
        GITHUB_ENV: envFile,
        ...Object.fromEntries(Object.entries(state).map(([name, value]) => [`STATE_${name}`, value])),
      },
    });
    return {
      ...run,
      state: parseFileCommands(await readFile(stateFile, 'utf8')),
      exported: parseFileCommands(await readFile(envFile, 'utf8')),
    };
  }

  /** The main step, then (as post-if decides, given the job's status) the post step with main's state. */
  async function job(
    dir: string,
    inputs: Record<string, string>,
    env: NodeJS.ProcessEnv = {},
    between?: () => Promise<void>,
    jobSucceeded = true,
  ): Promise<{ main: StepRun; post: StepRun | null }> {
    const main = await step(dir, inputs, env);
    expect(main.log).not.toContain('::error::');
    expect(main.code).toBe(0);
    await between?.();
    if (!(await postIf(jobSucceeded, main.exported))) return { main, post: null };
    const post = await step(dir, inputs, env, main.state);
    expect(post.code).toBe(0);
    return { main, post };
  }

  const cacheDirInputs = (name: string) => ({ mode: 'install', 'cache-dir': path.join(tmp.dir, name) });

  it('installs with npm ci on a miss and saves in the post step; the next job hits and saves nothing', async () => {
    const inputs = cacheDirInputs('cache-first');
    const first = await job(await workspace(), inputs);
    expect(first.main.outputs).toMatchObject({
      key: expect.stringMatching(/^npm-cache-/),
      'cache-hit': 'false',
      'cache-matched-key': '',
      outcome: 'no-entry',
    });
    expect(first.main.log).toContain('installing with npm ci');
    // Saved in the post step, not before.
    expect(first.main.log).not.toContain('saved node_modules');
    expect(first.main.state).toEqual({
      'npm-cache-post': 'true',
      'npm-cache-save-key': first.main.outputs.key,
    });
    expect(first.post!.log).toMatch(/^archived node_modules: [\d.]+ K?i?B \(zstd\) in \d+/m);
    expect(first.post!.log).toMatch(
      new RegExp(
        `^saved node_modules to directory \\S+ as ${first.main.outputs.key} \\(zstd\\): [\\d.]+ K?i?B in [\\d.]+ m?s \\((instant|[\\d.]+ \\S+/s)\\)$`,
        'm',
      ),
    );
    expect(first.main.summary).toMatch(
      /^- \*\*miss \(no-entry\), installed with npm ci; the post step saves\*\* · key `npm-cache-\S+` · no archive · [\d.]+ m?s$/m,
    );
    expect(first.post!.summary).toMatch(
      /^- \*\*saved\*\* · key `npm-cache-\S+` · archive [\d.]+ K?i?B · [\d.]+ m?s$/m,
    );

    const dir = await workspace();
    const second = await job(dir, inputs);
    expect(second.main.outputs).toMatchObject({
      'cache-hit': 'true',
      'cache-matched-key': first.main.outputs.key,
      outcome: 'hit',
    });
    expect(second.main.log).not.toContain('npm ci');
    expect(second.main.log).toMatch(
      /^fetched npm-cache-\S+: [\d.]+ K?i?B from directory \S+ in [\d.]+ m?s \(/m,
    );
    expect(second.main.summary).toMatch(/^- \*\*hit\*\* · key `npm-cache-\S+` · archive [\d.]+ K?i?B · /m);
    expect(second.main.state).toEqual({ 'npm-cache-post': 'true' });
    expect(second.post!.log).toContain('nothing to save');
    expect(second.post!.log).not.toContain('saved node_modules');
    expect((await world.npm(dir, ['test'])).stdout).toContain('left 1.0.0 / right with left 0.9.0');
  });

  it('saves nothing when the tree no longer matches the lockfile by the post step', async () => {
    const inputs = cacheDirInputs('cache-changed');
    const dir = await workspace();
    const { post } = await job(dir, inputs, {}, () =>
      rm(path.join(dir, 'node_modules/@ib/right'), { recursive: true }),
    );
    expect(post!.log).toMatch(/::warning::node_modules does not match package-lock.json, not saving it/);
    expect(post!.summary).toContain('**not saved**');
    const again = await job(await workspace(), inputs);
    expect(again.main.outputs['cache-hit']).toBe('false');
  });

  it('saves after a failed job only with save-always, which the post step condition reads from env', async () => {
    const failed = await job(await workspace(), cacheDirInputs('cache-failed'), {}, undefined, false);
    expect(failed.post).toBeNull();
    expect(failed.main.exported).toEqual({});

    const inputs = { ...cacheDirInputs('cache-always'), 'save-always': 'true' };
    const always = await job(await workspace(), inputs, {}, undefined, false);
    expect(always.main.exported).toEqual({ IRONBOTS_NPM_CACHE_SAVE_ALWAYS: 'true' });
    expect(always.post!.log).toContain('saved node_modules to directory');
    const next = await job(await workspace(), inputs);
    expect(next.main.outputs['cache-hit']).toBe('true');

    // The main step's own failure leaves nothing to save, and the post step says so.
    const broken = await workspace();
    await writeFile(path.join(broken, 'package-lock.json'), '{"packages": ');
    const main = await step(broken, inputs, {});
    expect(main.code).not.toBe(0);
    expect(main.summary).toMatch(/^- \*\*failed\*\* · key `\(not computed\)` · no archive · /m);
    expect(main.summary).toContain('is not valid JSON');
    const post = await step(broken, inputs, {}, main.state);
    expect(post.code).toBe(0);
    expect(post.log).toContain('nothing to save');
  });

  const stores: Array<
    [string, (name: string) => { inputs: Record<string, string>; env: NodeJS.ProcessEnv }]
  > = [
    ['a directory', (name) => ({ inputs: { 'cache-dir': path.join(tmp.dir, name) }, env: {} })],
    [
      'S3',
      (name) => ({
        inputs: { 's3-bucket': 'npm-cache', 's3-prefix': name, 's3-endpoint': s3.endpoint },
        env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
      }),
    ],
    [
      'the Actions cache service',
      (name) => ({ inputs: { store: 'actions-cache', 'key-prefix': name }, env: cacheService.env }),
    ],
  ];

  it.each(stores)(
    'restore-keys in %s: the newest entry under the first prefix that has one, completed with npm install',
    async (_name, storeFor) => {
      const name = `partial-${runs}`;
      const { inputs: storeInputs, env } = storeFor(name);
      const keyPrefix = storeInputs['key-prefix'] ?? 'npm-cache';
      const save = (dir: string) =>
        step(dir, { mode: 'save', ...storeInputs }, env).then((r) => {
          expect(r.log).not.toContain('::error::');
          expect(r.outputs.saved).toBe('true');
          return r.outputs.key!;
        });

      // An older entry: the whole tree, under another lockfile (another project name).
      const older = await workspace(true);
      for (const file of ['package.json', 'package-lock.json']) {
        const text = await readFile(path.join(older, file), 'utf8');
        await writeFile(path.join(older, file), text.replaceAll('"fixture-project"', '"fixture-older"'));
      }
      const olderKey = await save(older);
      // S3 keeps LastModified to the second: the newer entry must be a second newer.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      // The newest: without @ib/right, so that npm install has something to add.
      const newer = await workspace(true);
      await world.npm(newer, ['uninstall', '@ib/right']);
      const newerKey = await save(newer);
      expect(newerKey).not.toBe(olderKey);

      const dir = await workspace();
      const inputs = {
        mode: 'install',
        ...storeInputs,
        // The first has no entry; the empty line is ignored.
        'restore-keys': `${keyPrefix}-nothing-here-\n\n${keyPrefix}${platformPart}\n${keyPrefix}-`,
      };
      const { main, post } = await job(dir, inputs, env);
      expect(main.outputs).toMatchObject({
        'cache-hit': 'false',
        'cache-matched-key': newerKey,
        outcome: 'no-entry',
      });
      expect(main.log).toContain(`partial hit: restored node_modules from`);
      expect(main.log).toContain('installing over the restored tree with npm install');
      expect(main.log).not.toContain('installing with npm ci');
      expect(main.summary).toContain(`partial hit \`${newerKey}\`, installed with npm install`);
      expect((await world.npm(dir, ['test'])).stdout).toContain('left 1.0.0 / right with left 0.9.0');
      // The lockfile is the one checked out, and the post step saves under the exact key.
      expect(await readFile(path.join(dir, 'package-lock.json'), 'utf8')).toBe(
        await readFile(path.join(installed, 'package-lock.json'), 'utf8'),
      );
      expect(post!.log).toContain(`as ${main.outputs.key} (`);
      const next = await job(await workspace(), inputs, env);
      expect(next.main.outputs).toMatchObject({ 'cache-hit': 'true', 'cache-matched-key': main.outputs.key });
    },
  );

  it('mount: auto mounts a saved image in the main step and the post step unmounts it, also after a failed job', async () => {
    const mountsUnder = async (dir: string) =>
      (await readFile('/proc/self/mountinfo', 'utf8'))
        .split('\n')
        .map((line) => line.split(' ')[4] ?? '')
        .filter((at) => at.startsWith(`${dir}/`));
    // The source: the committed bundle predates mount. RUNNER_TEMP lasts the job, as on a runner.
    const entry = 'main.ts';
    const inputs = { ...cacheDirInputs('cache-mount'), mount: 'auto' };
    const jobWith = async (dir: string, jobSucceeded: boolean, between?: () => Promise<void>) => {
      const env = { RUNNER_TEMP: path.join(path.dirname(dir), 'runner-temp') };
      const main = await step(dir, inputs, env, {}, entry);
      expect(main.code).toBe(0);
      await between?.();
      const post = (await postIf(jobSucceeded, main.exported))
        ? await step(dir, inputs, env, main.state, entry)
        : null;
      return { main, post };
    };

    const first = await jobWith(await workspace(), true);
    expect(first.main.log).toContain('installing with npm ci');
    expect(first.post!.log).toMatch(/^saved node_modules to directory \S+ as npm-cache-\S+ \(squashfs\)/m);

    // A failed job: post-if still runs the post step, which unmounts (and saves nothing: it was a hit).
    const dir = await workspace();
    const second = await jobWith(dir, false, async () => {
      expect(await mountsUnder(path.dirname(dir))).toHaveLength(2);
      expect((await world.npm(dir, ['test'])).stdout).toContain('left 1.0.0 / right with left 0.9.0');
    });
    expect(second.main.outputs).toMatchObject({ 'cache-hit': 'true', outcome: 'hit' });
    expect(second.main.log).toContain('cache hit: mounted node_modules from directory');
    expect(second.main.exported).toEqual({ IRONBOTS_NPM_CACHE_MOUNTED: 'true' });
    expect(second.main.summary).toContain('**hit (mounted)**');
    expect(second.post!.code).toBe(0);
    expect(second.post!.log).toContain(`npm-cache: unmounted ${dir}/node_modules`);
    expect(second.post!.log).toContain('nothing to save');
    expect(await mountsUnder(path.dirname(dir))).toEqual([]);

    // Something still running in node_modules: the unmount fails, which is a warning, not a failure.
    const busy = await workspace();
    let holder: ReturnType<typeof spawn> | undefined;
    try {
      const third = await jobWith(busy, true, async () => {
        holder = spawn('sleep', ['60'], { cwd: path.join(busy, 'node_modules/ib-left'), stdio: 'ignore' });
        await new Promise((resolve) => holder!.once('spawn', resolve));
      });
      expect(third.post!.code).toBe(0);
      expect(third.post!.log).toMatch(/::warning::npm-cache: could not unmount \S+node_modules: .*busy/);
    } finally {
      holder?.kill();
    }
  });

  it('passes over an entry built for another platform, and rejects restore keys the store cannot hold', async () => {
    const cacheDir = path.join(tmp.dir, 'cache-foreign');
    const saved = await step(await workspace(true), { mode: 'save', 'cache-dir': cacheDir }, {});
    const foreign = saved.outputs.key!.replace(platformPart, '-sunos-sparc-node8-');
    await cp(path.join(cacheDir, `${saved.outputs.key}.tgz`), path.join(cacheDir, `${foreign}.tgz`));
    await rm(path.join(cacheDir, `${saved.outputs.key}.tgz`));
    const { main } = await job(await workspace(), {
      mode: 'install',
      'cache-dir': cacheDir,
      'restore-keys': 'npm-cache-',
    });
    expect(main.log).toContain(
      `::warning::restore key npm-cache-: not restoring ${foreign}, built for sunos-sparc Node 8, not ${process.platform}-${process.arch} Node`,
    );
    expect(main.outputs['cache-matched-key']).toBe('');
    expect(main.log).toContain('installing with npm ci');

    const tooLong = `npm-cache-${'x'.repeat(300)}`;
    const bad = await step(
      await workspace(),
      { mode: 'install', 'cache-dir': cacheDir, 'restore-keys': tooLong },
      {},
    );
    expect(bad.code).not.toBe(0);
    expect(bad.log).toMatch(
      /::error::input restore-keys: "npm-cache-x+…" is 310 bytes long; directory \S+ takes keys of at most 251, so it can match nothing/,
    );
    const actionsCache = await step(
      await workspace(),
      { mode: 'install', store: 'actions-cache', 'restore-keys': `a\n${'y'.repeat(513)}` },
      cacheService.env,
    );
    expect(actionsCache.log).toMatch(
      /::error::input restore-keys: "y+…" is 513 characters long; GitHub Actions cache takes keys of at most 512/,
    );
    const restoreMode = await step(
      await workspace(),
      { mode: 'restore', 'cache-dir': cacheDir, 'restore-keys': 'npm-cache-' },
      {},
    );
    expect(restoreMode.log).toContain('::error::input restore-keys: only with mode install');
  });
});
