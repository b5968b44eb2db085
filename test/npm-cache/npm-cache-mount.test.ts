import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  keyFor,
  restore,
  restorePartial,
  save,
  type NpmCacheContext,
} from '../../actions/npm-cache/npm-cache.ts';
import { createImage, unmountTree } from '../../actions/npm-cache/squashfs-image.ts';
import { DirectoryStore } from '../../actions/npm-cache/stores/directory-store.ts';
import { textLog } from '../../cli/text-log.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { startNpmWorld, type NpmWorld } from './npm-project-fixture.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');

/** The text log with its lines kept: `warning: …` and `notice: …` lines are the annotations. */
function recordingLog() {
  const lines: string[] = [];
  const kind = (prefix: string) => () =>
    lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
  return Object.assign(
    textLog((line) => lines.push(line)),
    { lines, warnings: kind('warning: '), notices: kind('notice: ') },
  );
}

/** Mount points under dir, from the kernel's own table, with their file system types. */
async function mountsUnder(dir: string): Promise<Array<{ at: string; type: string }>> {
  const table = await readFile('/proc/self/mountinfo', 'utf8');
  return table
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const fields = line.split(' ');
      return { at: fields[4]!, type: fields[fields.indexOf('-') + 1]! };
    })
    .filter((m) => m.at === dir || m.at.startsWith(`${dir}/`));
}

describe('npm-cache mount: auto, with real squashfs and overlay mounts', () => {
  let world: NpmWorld;
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  let installed: string;
  let project: string;
  let storeDir: string;
  let tempDir: string;
  let log: ReturnType<typeof recordingLog>;
  let context: NpmCacheContext;

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error('these tests mount file systems: run them as root');
    world = await startNpmWorld();
    tmp = await withTempDir('ironbots-npm-cache-mount-');
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
    tempDir = path.join(tmp.dir, `runner-temp-${n}`);
    await cp(installed, project, { recursive: true, verbatimSymlinks: true });
    log = recordingLog();
    context = { projectDir: project, store: new DirectoryStore(storeDir), log, mount: { tempDir } };
  });
  afterEach(async () => {
    // Whatever a failed test left mounted, deepest first, so that the temporary directory can go.
    const left = (await mountsUnder(tmp.dir)).sort((a, b) => b.at.length - a.at.length);
    for (const { at } of left) await run('umount', ['--lazy', at]).catch(() => undefined);
  });

  const npmTest = async () => (await world.npm(project, ['test'])).stdout;

  it('saves an image, not an archive, and mounts it under a writable overlay that unmounting takes down', async () => {
    const saved = await save(context);
    expect(saved).toMatchObject({ saved: true, format: 'squashfs' });
    expect(await readdir(storeDir)).toEqual([`${saved.key}.squashfs`]);
    const entry = await readFile(path.join(storeDir, `${saved.key}.squashfs`));
    expect(entry.subarray(0, 4).toString()).toBe('hsqs');
    expect(entry.subarray(-48, -32).toString()).toBe('ironbots-sqfs-v1');

    await writeFile(path.join(project, 'node_modules/stale.txt'), 'from before the restore');
    const hit = await restore(context);
    expect(hit).toMatchObject({ key: saved.key, hit: true, outcome: 'hit', format: 'squashfs' });
    await hit.oldTreeRemoved;
    const mounted = hit.mounted!;
    expect(mounted.target).toBe(path.join(project, 'node_modules'));
    expect(await mountsUnder(project)).toEqual([{ at: mounted.target, type: 'overlay' }]);
    expect(await mountsUnder(tempDir)).toEqual([{ at: mounted.lower, type: 'squashfs' }]);
    expect(log.lines.join('\n')).toMatch(
      /^cache hit: mounted node_modules from directory \S+ \(npm-cache-\S+, squashfs image under a writable overlay\), verified against package-lock.json \(fetch \d+ ms, check \d+ ms, mount \d+ ms, verify \d+ ms\); the post step unmounts it$/m,
    );
    expect(log.warnings()).toEqual([]);
    expect(await npmTest()).toContain('left 1.0.0 / right with left 0.9.0');
    expect(existsSync(path.join(project, 'node_modules/stale.txt'))).toBe(false);
    expect((await readdir(project)).sort()).toEqual(['node_modules', 'package-lock.json', 'package.json']);

    // Writable: a change lands in the overlay's upper layer, the image stays as it was.
    await writeFile(path.join(project, 'node_modules/ib-left/added.js'), 'module.exports = 1;\n');
    await rm(path.join(project, 'node_modules/@ib/right/index.js'));
    expect(existsSync(path.join(mounted.dir, 'upper/ib-left/added.js'))).toBe(true);
    expect(existsSync(path.join(mounted.lower, 'ib-left/added.js'))).toBe(false);
    expect(existsSync(path.join(mounted.lower, '@ib/right/index.js'))).toBe(true);

    expect(await unmountTree(mounted)).toEqual([]);
    expect(await mountsUnder(tmp.dir)).toEqual([]);
    expect(existsSync(mounted.dir)).toBe(false);
    expect(existsSync(mounted.target)).toBe(false);
  });

  it('treats a truncated or damaged image as a miss with a warning, mounting nothing and keeping node_modules', async () => {
    const { key } = await save(context);
    const file = path.join(storeDir, `${key}.squashfs`);
    const pristine = await readFile(file);
    await writeFile(path.join(project, 'node_modules/kept.txt'), 'the tree before');
    const damages: Array<[string, () => Promise<void>, RegExp]> = [
      [
        'truncated',
        () => truncate(file, Math.floor(pristine.length / 2)),
        /does not end in the image trailer/,
      ],
      [
        'a flipped byte',
        async () => {
          const bytes = Buffer.from(pristine);
          bytes[Math.floor(bytes.length / 3)]! ^= 0xff;
          await writeFile(file, bytes);
        },
        /does not match its SHA-256/,
      ],
    ];
    for (const [, damage, problem] of damages) {
      await damage();
      log.lines.length = 0;
      const miss = await restore(context);
      expect(miss).toMatchObject({ key, hit: false, outcome: 'corrupt' });
      expect(miss.mounted).toBeUndefined();
      expect(log.warnings()).toEqual([expect.stringMatching(problem)]);
      expect(log.warnings()[0]).toMatch(
        /^the cache squashfs image for \S+ is corrupted \(.+\); treating it as a miss$/,
      );
      expect(await readFile(path.join(project, 'node_modules/kept.txt'), 'utf8')).toBe('the tree before');
      expect(await mountsUnder(tmp.dir)).toEqual([]);
      expect(await readdir(tempDir)).toEqual([]);
    }
  });

  it('unpacks the image, with a warning, when the overlay cannot be mounted (RUNNER_TEMP itself on an overlay, as in a container)', async () => {
    // overlayfs refuses an upper layer on another overlay: a real mount failure, not a simulated one.
    const layers = path.join(tmp.dir, `container-layers-${path.basename(project)}`);
    await Promise.all(
      ['lower', 'upper', 'work', 'merged'].map((d) => mkdir(path.join(layers, d), { recursive: true })),
    );
    const merged = path.join(layers, 'merged');
    await run('mount', [
      '-t',
      'overlay',
      'overlay',
      '-o',
      `lowerdir=${layers}/lower,upperdir=${layers}/upper,workdir=${layers}/work`,
      merged,
    ]);
    try {
      context.mount = { tempDir: merged };
      await save(context);
      await rm(path.join(project, 'node_modules'), { recursive: true });
      const hit = await restore(context);
      expect(hit).toMatchObject({ hit: true, outcome: 'hit', format: 'squashfs' });
      expect(hit.mounted).toBeUndefined();
      expect(log.warnings()).toEqual([
        expect.stringMatching(
          /^mount: auto: could not mount the overlay at \S+node_modules \(.+\); unpacking the image instead$/,
        ),
      ]);
      expect(log.lines.join('\n')).toMatch(
        /^cache hit: restored node_modules from directory \S+ \(\S+, squashfs image, unpacked\)/m,
      );
      expect(await npmTest()).toContain('left 1.0.0 / right with left 0.9.0');
      // Nothing left mounted but the "container's" own overlay, nothing left in its temp directory.
      expect(await mountsUnder(tmp.dir)).toEqual([{ at: merged, type: 'overlay' }]);
      expect(await readdir(merged)).toEqual([]);
      expect((await readdir(project)).sort()).toEqual(['node_modules', 'package-lock.json', 'package.json']);
    } finally {
      await run('umount', [merged]);
    }
  });

  it('restores the archive of a key that has no image yet, then saves the image beside it', async () => {
    const { mount, ...withoutMount } = context;
    expect(await save(withoutMount)).toMatchObject({ saved: true, format: 'zstd' });
    await rm(path.join(project, 'node_modules'), { recursive: true });
    const hit = await restore(context);
    expect(hit).toMatchObject({ hit: true, format: 'zstd' });
    expect(hit.mounted).toBeUndefined();
    expect(log.lines.join('\n')).toMatch(/has no squashfs image for \S+; looking for an archive/);
    expect(await save({ ...withoutMount, mount: mount! })).toMatchObject({ saved: true, format: 'squashfs' });
    expect((await readdir(storeDir)).sort()).toEqual([`${hit.key}.squashfs`, `${hit.key}.tgz`]);
    expect(await npmTest()).toContain('left 1.0.0 / right with left 0.9.0');
  });

  it('treats an image whose tree differs from the lockfile as a miss, and unmounts it again', async () => {
    const { key } = await keyFor(context);
    // An image of a tree missing a locked package, stored under the lockfile's key.
    const tampered = path.join(tmp.dir, `tampered-${path.basename(project)}`);
    await cp(project, tampered, { recursive: true, verbatimSymlinks: true });
    await rm(path.join(tampered, 'node_modules/@ib/right'), { recursive: true });
    const image = path.join(tmp.dir, `tampered-${path.basename(project)}.squashfs`);
    await createImage(tampered, image);
    expect(await context.store.withKind('squashfs').store(key, image)).toBe(true);

    const miss = await restore(context);
    expect(miss).toMatchObject({ key, hit: false, outcome: 'mismatch' });
    expect(log.warnings()).toEqual([
      expect.stringMatching(/does not match package-lock.json: node_modules\/@ib\/right: missing; /),
    ]);
    expect(await mountsUnder(tmp.dir)).toEqual([]);
    expect(await readdir(tempDir)).toEqual([]);
    expect(await npmTest()).toContain('left 1.0.0 / right with left 0.9.0');
  });

  it('restore keys find images first and unpack them (npm install then writes into the tree)', async () => {
    const images = context.store.withKind('squashfs');
    // An image under another lockfile's key, and an older archive under the same prefix.
    const { mount, ...withoutMount } = context;
    await save({ ...withoutMount, keyPrefix: 'older' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const saved = await save({ ...context, keyPrefix: 'older' });
    expect(saved.format).toBe('squashfs');
    await rm(path.join(project, 'node_modules'), { recursive: true });

    const partial = await restorePartial({ ...context, mount: mount! }, ['older-']);
    expect(partial).toMatchObject({ matchedKey: saved.key, restoreKey: 'older-' });
    await partial!.oldTreeRemoved;
    expect(log.lines.join('\n')).toContain(`(${saved.key}, squashfs) by restore key older-`);
    expect(await mountsUnder(tmp.dir)).toEqual([]);
    expect(await npmTest()).toContain('left 1.0.0 / right with left 0.9.0');
    // Without mount: auto the same restore key finds only the archive.
    expect(await images.findLatest('older-')).toBe(saved.key);
    await rm(path.join(project, 'node_modules'), { recursive: true });
    log.lines.length = 0;
    expect(await restorePartial(withoutMount, ['older-'])).toMatchObject({ matchedKey: saved.key });
    expect(log.lines.join('\n')).toContain(`(${saved.key}, zstd) by restore key older-`);
  });

  it('unpacks the image, with a notice, in a job that is neither root nor allowed passwordless sudo', async () => {
    await save(context);
    await rm(path.join(project, 'node_modules'), { recursive: true });
    // The job's user: nobody, owning its project and temp directory, reading the store.
    await chmod(tmp.dir, 0o755);
    await mkdir(tempDir, { recursive: true });
    await run('chown', ['-R', 'nobody:nogroup', project, tempDir]);
    const script = path.join(tmp.dir, `as-nobody-${path.basename(project)}.mjs`);
    await writeFile(
      script,
      `import { restore } from ${JSON.stringify(path.join(repoRoot, 'actions/npm-cache/npm-cache.ts'))};
import { DirectoryStore } from ${JSON.stringify(path.join(repoRoot, 'actions/npm-cache/stores/directory-store.ts'))};
import { textLog } from ${JSON.stringify(path.join(repoRoot, 'cli/text-log.ts'))};
const lines = [];
const result = await restore({
  projectDir: ${JSON.stringify(project)},
  store: new DirectoryStore(${JSON.stringify(storeDir)}),
  log: textLog((line) => lines.push(line)),
  mount: { tempDir: ${JSON.stringify(tempDir)} },
});
await result.oldTreeRemoved;
console.log(JSON.stringify({ uid: process.getuid(), hit: result.hit, format: result.format, mounted: Boolean(result.mounted), lines }));
`,
    );
    const { stdout } = await run(
      'setpriv',
      ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, script],
      { env: { PATH: process.env.PATH, HOME: '/nonexistent' } },
    );
    const result = JSON.parse(stdout) as {
      uid: number;
      hit: boolean;
      format: string;
      mounted: boolean;
      lines: string[];
    };
    expect(result, result.lines.join('\n')).toMatchObject({
      uid: 65534,
      hit: true,
      format: 'squashfs',
      mounted: false,
    });
    expect(result.lines).toContain(
      'notice: mount: auto: not mounting (the job is neither root nor allowed passwordless sudo); unpacking the image instead',
    );
    expect(result.lines.filter((l) => l.startsWith('warning: '))).toEqual([]);
    expect(await mountsUnder(tmp.dir)).toEqual([]);
    expect((await stat(path.join(project, 'node_modules/ib-left/package.json'))).uid).toBe(65534);
    expect(await npmTest()).toContain('left 1.0.0 / right with left 0.9.0');
  });
});
