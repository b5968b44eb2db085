import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError } from '../../forge/forge.ts';
import { FilesystemImageStore } from '../../runner-agent/src/images/filesystem-image-store.ts';
import { pruneImages } from '../../runner-agent/src/images/image-prune.ts';
import { RecordingForge } from '../support/recording-forge.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { emulatedRepository } from './emulated-repository.ts';
import { writeRandomImage } from './image-store-contract.ts';

const DAY = 24 * 3600 * 1000;

/** Uploads a small random image and backdates it by `ageDays`. */
async function storedImage(store: FilesystemImageStore, scratch: string, name: string, ageDays: number) {
  const file = path.join(scratch, `${name}-${Math.random()}.qcow2`);
  const blob = await writeRandomImage(file, 2048, name);
  await store.upload(file, blob);
  const then = new Date(Date.now() - ageDays * DAY);
  await utimes(path.join(store.dir, blob), then, then);
  return blob;
}

describe('image prune against the GitHub emulator', () => {
  let t: Awaited<ReturnType<typeof emulatedRepository>>;
  let store: FilesystemImageStore;
  beforeEach(async () => {
    t = await emulatedRepository();
    store = new FilesystemImageStore({ dir: path.join(t.dir, 'store') });
  });
  afterEach(async () => t.cleanup());

  it('keeps every blob a branch or open pull request refers to, and old unreferenced blobs go', async () => {
    const scratch = t.dir;
    const onMain = await storedImage(store, scratch, 'debian', 100);
    const onBranch = await storedImage(store, scratch, 'debian', 90);
    const inPullRequest = await storedImage(store, scratch, 'fedora', 80);
    const closedPullRequest = await storedImage(store, scratch, 'fedora', 70);
    const old = await storedImage(store, scratch, 'debian', 60);
    const young = await storedImage(store, scratch, 'debian', 2);

    await t.clone.createBranchWithFile('main', 'images/debian', `${onMain}\n`);
    await t.clone.createBranchWithFile('stable', 'images/debian', `${onBranch}\n`);
    await t.clone.createBranchWithFile('image-refresh/fedora-1', 'images/fedora', `${inPullRequest}\n`);
    await t.forge.createPullRequest(t.repo, {
      title: 'fedora',
      head: 'image-refresh/fedora-1',
      base: 'main',
    });
    await t.clone.createBranchWithFile('image-refresh/fedora-0', 'images/fedora', `${closedPullRequest}\n`);
    const closed = await t.forge.createPullRequest(t.repo, {
      title: 'old fedora',
      head: 'image-refresh/fedora-0',
      base: 'main',
    });
    await t.forge.closePullRequest(t.repo, closed.number);
    await t.clone.git('push', '--quiet', 'origin', '--delete', 'image-refresh/fedora-0');
    // A broken reference elsewhere protects nothing and stops nothing.
    await t.clone.createBranchWithFile('broken', 'images/debian', 'not a blob name\n');

    const log: string[] = [];
    const dry = await pruneImages({
      store,
      forge: t.forge,
      repositories: [t.repo],
      olderThanDays: 30,
      dryRun: true,
      log: (l) => log.push(l),
    });
    expect(dry.removed.map((i) => i.blob).sort()).toEqual([closedPullRequest, old].sort());
    expect((await store.list()).length).toBe(6);
    expect(log.some((l) => /ignoring images\/debian at acme\/widget@broken/.test(l))).toBe(true);

    const result = await pruneImages({ store, forge: t.forge, repositories: [t.repo], olderThanDays: 30 });
    expect(result.removed.map((i) => i.blob).sort()).toEqual([closedPullRequest, old].sort());
    expect(result.young.map((i) => i.blob)).toEqual([young]);
    const kept = new Map(result.kept.map((k) => [k.image.blob, k.referencedBy]));
    expect(kept.get(onMain)).toEqual(expect.arrayContaining(['acme/widget@main']));
    expect(kept.get(onBranch)).toEqual(['acme/widget@stable']);
    expect(kept.get(inPullRequest)).toEqual(
      expect.arrayContaining(['acme/widget@image-refresh/fedora-1', 'acme/widget#1']),
    );
    expect((await store.list()).map((i) => i.blob).sort()).toEqual(
      [onMain, onBranch, inPullRequest, young].sort(),
    );
  });
});

describe('image prune', () => {
  it('keeps what only a pull request from a fork refers to (its head is no branch here)', async () => {
    const tmp = await withTempDir();
    try {
      const store = new FilesystemImageStore({ dir: tmp.dir });
      const forked = await storedImage(store, tmp.dir, 'debian', 100);
      const forge = new RecordingForge();
      forge.branches.set('main', 'a'.repeat(40));
      forge.addPull({
        number: 7,
        headSha: 'b'.repeat(40),
        headCloneUrl: 'http://127.0.0.1:1/eve/widget.git',
      });
      forge.setFile('b'.repeat(40), 'images/debian', `${forked}\n`);
      const result = await pruneImages({ store, forge, repositories: [forge.repository], olderThanDays: 1 });
      expect(result.kept.map((k) => k.referencedBy)).toEqual([['acme/widget#7']]);
      expect(result.removed).toEqual([]);
    } finally {
      await tmp.remove();
    }
  });

  it('removes nothing when the forge cannot be read', async () => {
    const tmp = await withTempDir();
    try {
      const store = new FilesystemImageStore({ dir: tmp.dir });
      await storedImage(store, tmp.dir, 'debian', 100);
      const forge = new RecordingForge();
      forge.failWith = new ForgeError('GET /repos/acme/widget/branches: 502 Bad Gateway', 502);
      await expect(
        pruneImages({ store, forge, repositories: [forge.repository], olderThanDays: 1 }),
      ).rejects.toThrow(/502/);
      expect(await store.list()).toHaveLength(1);
    } finally {
      await tmp.remove();
    }
  });
});
