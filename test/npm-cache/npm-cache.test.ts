import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LockfileError } from '../../actions/npm-cache/cache-key.ts';
import {
  keyFor,
  OLD_TREE_PREFIX,
  restore,
  save,
  type NpmCacheContext,
} from '../../actions/npm-cache/npm-cache.ts';
import { DirectoryStore } from '../../actions/npm-cache/stores/directory-store.ts';
import { verifyTree } from '../../actions/npm-cache/verify-tree.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { startNpmWorld, type NpmWorld } from './npm-project-fixture.ts';
import { textLog } from '../../cli/text-log.ts';

const run = promisify(execFile);

/** The first four bytes of a zstd frame. */
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/** The text log, with its lines kept: `warning: …` lines are the warnings. */
function recordingLog() {
  const lines: string[] = [];
  return Object.assign(
    textLog((line) => lines.push(line)),
    {
      lines,
      warnings: () => lines.filter((l) => l.startsWith('warning: ')).map((l) => l.slice('warning: '.length)),
    },
  );
}

describe('npm-cache restore and save with a real lockfile, npm ci and a directory store', () => {
  let world: NpmWorld;
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  /** A project after a real `npm ci`, kept pristine; each test works on a copy. */
  let installed: string;
  let project: string;
  let storeDir: string;
  let log: ReturnType<typeof recordingLog>;
  let context: NpmCacheContext;

  beforeAll(async () => {
    world = await startNpmWorld();
    tmp = await withTempDir('ironbots-npm-cache-test-');
    installed = await world.createProject();
    await world.npm(installed, ['ci']);
  });
  afterAll(async () => {
    await world.stop();
    await tmp.remove();
  });
  beforeEach(async () => {
    const n = (await readdir(tmp.dir)).length;
    project = path.join(tmp.dir, `project-${n}`);
    storeDir = path.join(tmp.dir, `store-${n}`);
    await cp(installed, project, { recursive: true, verbatimSymlinks: true });
    log = recordingLog();
    context = { projectDir: project, store: new DirectoryStore(storeDir), log };
  });

  /** The archive the store holds for this project's key, to damage it the way a disk or a bad upload would. */
  async function storedArchive(): Promise<string> {
    const { key } = await keyFor(context);
    return path.join(storeDir, `${key}.tgz`);
  }

  it('the npm ci tree matches its lockfile, nested and scoped packages included', async () => {
    const { lockfile } = await keyFor(context);
    expect(await verifyTree(project, lockfile.lockfile)).toEqual([]);
    expect(existsSync(path.join(project, 'node_modules/@ib/right/node_modules/ib-left/package.json'))).toBe(
      true,
    );
  });

  it('misses on an empty store, saves, then restores a tree that npm test accepts', async () => {
    await rm(path.join(project, 'node_modules'), { recursive: true });
    const miss = await restore(context);
    expect(miss).toMatchObject({ hit: false, outcome: 'no-entry' });
    expect(existsSync(path.join(project, 'node_modules'))).toBe(false);

    await world.npm(project, ['ci']);
    const saved = await save(context);
    expect(saved).toEqual({
      key: miss.key,
      saved: true,
      format: 'zstd',
      archiveBytes: (await stat(await storedArchive())).size,
    });
    // A zstd frame, not gzip: what the machine (which has zstd) writes.
    expect((await readFile(await storedArchive())).subarray(0, 4)).toEqual(ZSTD_MAGIC);
    expect(await save(context)).toMatchObject({
      saved: false,
      detail: expect.stringContaining('already holds'),
    });

    await rm(path.join(project, 'node_modules'), { recursive: true });
    const hit = await restore(context);
    expect(hit).toMatchObject({ key: miss.key, hit: true, outcome: 'hit', format: 'zstd' });
    await hit.oldTreeRemoved;
    expect((await world.npm(project, ['test'])).stdout).toContain('left 1.0.0 / right with left 0.9.0');
    expect(await readdir(project)).toEqual(['node_modules', 'package-lock.json', 'package.json']);
  });

  it('still restores a gzip entry saved before zstd, under the same key', async () => {
    const { key } = await keyFor(context);
    // What the gzip version of the action stored: `tar -czf` of node_modules, as <key>.tgz.
    await mkdir(storeDir, { recursive: true });
    await run('tar', ['-czf', path.join(storeDir, `${key}.tgz`), '-C', project, 'node_modules']);
    await rm(path.join(project, 'node_modules'), { recursive: true });

    const hit = await restore(context);
    expect(hit).toMatchObject({ key, hit: true, outcome: 'hit', format: 'gzip' });
    expect((await world.npm(project, ['test'])).stdout).toContain('left 1.0.0 / right with left 0.9.0');
    expect(log.warnings()).toEqual([]);
  });

  it('puts the replaced node_modules aside and removes it (and one a killed run left) after the swap', async () => {
    await save(context);
    await writeFile(path.join(project, 'node_modules/stale-marker'), 'from the tree being replaced');
    const leftover = path.join(project, `${OLD_TREE_PREFIX}killed`);
    await mkdir(path.join(leftover, 'ib-left'), { recursive: true });

    const hit = await restore(context);
    expect(hit).toMatchObject({ hit: true, outcome: 'hit' });
    // The new tree is in place before the old one is gone.
    expect(existsSync(path.join(project, 'node_modules/stale-marker'))).toBe(false);
    expect((await world.npm(project, ['test'])).stdout).toContain('left 1.0.0');
    await hit.oldTreeRemoved;
    expect(await readdir(project)).toEqual(['node_modules', 'package-lock.json', 'package.json']);
  });

  it('keys on the lockfile bytes, the Node major, the OS and the CPU', async () => {
    const base = (await keyFor(context)).key;
    expect(base).toMatch(new RegExp(`^npm-cache-${process.platform}-${process.arch}-node\\d+-[0-9a-f]{64}$`));
    expect((await keyFor({ ...context, nodeVersion: 'v24.99.1' })).key).toBe(
      (await keyFor({ ...context, nodeVersion: 'v24.0.0' })).key,
    );
    expect((await keyFor({ ...context, nodeVersion: 'v22.0.0' })).key).not.toBe(
      (await keyFor({ ...context, nodeVersion: 'v24.0.0' })).key,
    );
    expect((await keyFor({ ...context, platform: 'win32' })).key).not.toBe(base);
    expect((await keyFor({ ...context, arch: 'arm64', platform: 'linux' })).key).not.toBe(
      (await keyFor({ ...context, arch: 'x64', platform: 'linux' })).key,
    );
    expect((await keyFor({ ...context, keyPrefix: 'web' })).key).toMatch(/^web-/);
    const lockfile = path.join(project, 'package-lock.json');
    await writeFile(lockfile, `${await readFile(lockfile, 'utf8')}\n`);
    expect((await keyFor(context)).key).not.toBe(base);
  });

  it('treats a cached tree whose versions differ from the lockfile as a miss, naming what differs', async () => {
    await save(context);
    // Someone's cache entry holds ib-left 1.0.1 under this lockfile's key.
    const manifest = path.join(project, 'node_modules/ib-left/package.json');
    await writeFile(
      manifest,
      JSON.stringify({ ...JSON.parse(await readFile(manifest, 'utf8')), version: '1.0.1' }),
    );
    await run('tar', ['-czf', await storedArchive(), '-C', project, 'node_modules']);
    await rm(path.join(project, 'node_modules'), { recursive: true });

    const result = await restore(context);
    expect(result).toMatchObject({ hit: false, outcome: 'mismatch' });
    expect(result.mismatches).toEqual([
      { path: 'node_modules/ib-left', problem: 'version 1.0.1, locked 1.0.0' },
    ]);
    expect(log.warnings()).toEqual([
      expect.stringContaining('node_modules/ib-left: version 1.0.1, locked 1.0.0'),
    ]);
    expect(existsSync(path.join(project, 'node_modules'))).toBe(false);
  });

  it('treats missing, extra and re-integrity-ed packages as a mismatch', async () => {
    const { lockfile } = await keyFor(context);
    await rm(path.join(project, 'node_modules/@ib/right/node_modules'), { recursive: true });
    await mkdir(path.join(project, 'node_modules/stray'));
    await writeFile(
      path.join(project, 'node_modules/stray/package.json'),
      '{"name":"stray","version":"1.0.0"}',
    );
    const hidden = path.join(project, 'node_modules/.package-lock.json');
    const hiddenLock = JSON.parse(await readFile(hidden, 'utf8')) as {
      packages: Record<string, { integrity: string }>;
    };
    hiddenLock.packages['node_modules/ib-left']!.integrity = 'sha512-AAAA';
    await writeFile(hidden, JSON.stringify(hiddenLock));
    expect(await verifyTree(project, lockfile.lockfile)).toEqual([
      { path: 'node_modules/@ib/right/node_modules/ib-left', problem: 'missing' },
      {
        path: 'node_modules/ib-left',
        problem: `integrity sha512-AAAA, locked ${lockfile.lockfile.packages['node_modules/ib-left']!.integrity}`,
      },
      { path: 'node_modules/stray', problem: 'installed but not in the lockfile' },
    ]);
    // Nor is such a tree saved for others.
    expect(await save(context)).toMatchObject({
      saved: false,
      detail: expect.stringContaining('does not match'),
    });
    expect(existsSync(storeDir) ? await readdir(storeDir) : []).toEqual([]);
  });

  it('treats a truncated zstd archive as a miss with a warning and leaves the existing node_modules alone', async () => {
    expect(await save(context)).toMatchObject({ saved: true, format: 'zstd' });
    const archive = await storedArchive();
    await truncate(archive, Math.floor((await readFile(archive)).length / 2));
    const before = await readFile(path.join(project, 'node_modules/ib-left/index.js'), 'utf8');

    const result = await restore(context);
    expect(result).toMatchObject({ hit: false, outcome: 'corrupt' });
    expect(log.warnings()).toEqual([
      expect.stringMatching(/cache archive for npm-cache-.* is corrupted \(.+\); treating it as a miss/),
    ]);
    expect(await readFile(path.join(project, 'node_modules/ib-left/index.js'), 'utf8')).toBe(before);
    expect((await world.npm(project, ['test'])).stdout).toContain('left 1.0.0');
    expect((await readdir(project)).filter((name) => name.startsWith('.ironbots'))).toEqual([]);

    await writeFile(archive, 'not a tarball at all');
    expect(await restore(context)).toMatchObject({
      hit: false,
      outcome: 'corrupt',
      detail: expect.stringContaining('neither a zstd nor a gzip archive'),
    });
  });

  /** Restores from the stored archive damaged by `damage`, expecting a miss that leaves no trace. */
  async function expectCorruptMiss(damage: (bytes: Buffer) => Buffer): Promise<void> {
    const archive = await storedArchive();
    await writeFile(archive, damage(await readFile(archive)));
    await rm(path.join(project, 'node_modules'), { recursive: true });
    const result = await restore(context);
    expect(result).toMatchObject({ hit: false, outcome: 'corrupt' });
    expect(log.warnings()).toEqual([expect.stringMatching(/is corrupted \(.+\); treating it as a miss/)]);
    expect(await readdir(project)).toEqual(['package-lock.json', 'package.json']);
  }

  it('treats a zstd archive with damaged bytes inside as a miss', async () => {
    await save(context);
    await expectCorruptMiss((bytes) => {
      const at = Math.floor(bytes.length / 3);
      return Buffer.concat([bytes.subarray(0, at), Buffer.alloc(16, 0xa5), bytes.subarray(at + 16)]);
    });
  });

  it('treats a zstd archive cut just before its end as a miss', async () => {
    await save(context);
    await expectCorruptMiss((bytes) => bytes.subarray(0, bytes.length - 4));
  });

  it('treats a truncated gzip entry (saved before zstd) as a miss', async () => {
    const { key } = await keyFor(context);
    await mkdir(storeDir, { recursive: true });
    await run('tar', ['-czf', path.join(storeDir, `${key}.tgz`), '-C', project, 'node_modules']);
    await expectCorruptMiss((bytes) => bytes.subarray(0, Math.floor(bytes.length / 2)));
  });

  it('fails clearly on a lockfile that is not valid JSON, touching nothing', async () => {
    await save(context);
    await writeFile(path.join(project, 'package-lock.json'), '{ "packages": { ');
    await expect(restore(context)).rejects.toThrow(LockfileError);
    await expect(restore(context)).rejects.toThrow(/the lockfile .*package-lock\.json is not valid JSON/);
    await expect(save(context)).rejects.toThrow(/is not valid JSON/);
    await writeFile(path.join(project, 'package-lock.json'), '{"lockfileVersion": 1, "dependencies": {}}');
    await expect(restore(context)).rejects.toThrow(/has no "packages" map/);
    expect(existsSync(path.join(project, 'node_modules/ib-left/package.json'))).toBe(true);
  });
});
