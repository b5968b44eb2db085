import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemImageStore } from '../../runner-agent/src/images/filesystem-image-store.ts';
import { blobName } from '../../runner-agent/src/images/image-reference.ts';
import { refreshImage } from '../../runner-agent/src/images/image-refresh.ts';
import { emulatedRepository } from './emulated-repository.ts';
import { QemuImgBuilder } from './qemu-img-builder.ts';

const NOW = new Date('2026-11-23T03:17:00Z');
const OLD_BLOB = blobName('test-image', 'e'.repeat(64));

describe('image refresh against the GitHub emulator', () => {
  let t: Awaited<ReturnType<typeof emulatedRepository>>;
  let store: FilesystemImageStore;
  let workDir: string;
  let lines: string[];
  const io = { log: (line: string) => lines.push(line) };

  beforeEach(async () => {
    t = await emulatedRepository();
    await t.clone.createBranchWithFile('main', 'images/test-image', `${OLD_BLOB}\n`);
    store = new FilesystemImageStore({ dir: path.join(t.dir, 'store') });
    workDir = path.join(t.dir, 'refresh');
    await mkdir(workDir);
    lines = [];
  });
  afterEach(async () => t.cleanup());

  const refresh = (builder: QemuImgBuilder) =>
    refreshImage({ name: 'test-image', builder, store, forge: t.forge, repo: t.repo, workDir, io, now: NOW });

  it('builds, boot-tests, uploads and opens a pull request that points images/<name> at the new blob', async () => {
    const builder = new QemuImgBuilder({ megabytes: 64 });
    const result = await refresh(builder);
    expect(result.kind).toBe('opened-pull-request');
    if (result.kind !== 'opened-pull-request') return;
    expect(builder).toMatchObject({ builds: 1, bootTests: 1 });
    expect(result.branch).toBe('image-refresh/test-image-2026-11-23');
    expect(await store.stat(result.blob)).not.toBeNull();

    const pr = await t.forge.getPullRequest(t.repo, result.pullRequest.number);
    expect(pr).toMatchObject({
      state: 'open',
      baseRef: 'main',
      headRef: result.branch,
      title: 'images: refresh test-image',
    });
    expect(pr.body).toContain(result.blob);
    expect(await t.forge.getFileContent(t.repo, 'images/test-image', pr.headSha)).toBe(`${result.blob}\n`);
    expect(await t.forge.getFileContent(t.repo, 'images/test-image', 'main')).toBe(`${OLD_BLOB}\n`);
    // The scratch working copy and build output are gone.
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(workDir)).toEqual([]);
  });

  it('does not open a second pull request when one for the same blob is open', async () => {
    const first = await refresh(new QemuImgBuilder({ megabytes: 64 }));
    const again = await refresh(new QemuImgBuilder({ megabytes: 64 }));
    expect(again.kind).toBe('existing-pull-request');
    if (first.kind !== 'opened-pull-request' || again.kind !== 'existing-pull-request') return;
    expect(again.pullRequest.number).toBe(first.pullRequest.number);
    expect(await t.forge.listOpenPullRequests(t.repo)).toHaveLength(1);
  });

  it("moves the same day's refresh branch and pull request to a newer, different build", async () => {
    const first = await refresh(new QemuImgBuilder({ megabytes: 64 }));
    const second = await refresh(new QemuImgBuilder({ megabytes: 65 }));
    if (first.kind !== 'opened-pull-request' || second.kind !== 'opened-pull-request')
      throw new Error(`unexpected ${first.kind} / ${second.kind}`);
    expect(second.blob).not.toBe(first.blob);
    expect(second.pullRequest.number).toBe(first.pullRequest.number);
    const pr = await t.forge.getPullRequest(t.repo, second.pullRequest.number);
    expect(await t.forge.getFileContent(t.repo, 'images/test-image', pr.headSha)).toBe(`${second.blob}\n`);
    expect(pr.body).toContain(second.blob);
  });

  it('closes an older refresh pull request of the same image that a newer build supersedes', async () => {
    const monday = await refresh(new QemuImgBuilder({ megabytes: 64 }));
    const nextWeek = await refreshImage({
      name: 'test-image',
      builder: new QemuImgBuilder({ megabytes: 66 }),
      store,
      forge: t.forge,
      repo: t.repo,
      workDir,
      io,
      now: new Date('2026-11-30T03:17:00Z'),
    });
    if (monday.kind !== 'opened-pull-request' || nextWeek.kind !== 'opened-pull-request')
      throw new Error(`unexpected ${monday.kind} / ${nextWeek.kind}`);
    expect(nextWeek.branch).toBe('image-refresh/test-image-2026-11-30');
    expect((await t.forge.listOpenPullRequests(t.repo)).map((p) => p.number)).toEqual([
      nextWeek.pullRequest.number,
    ]);
    expect(await t.forge.getPullRequest(t.repo, monday.pullRequest.number)).toMatchObject({
      state: 'closed',
    });
  });

  it('does nothing on the forge when the default branch already uses the blob', async () => {
    const builder = new QemuImgBuilder({ megabytes: 64 });
    const first = await refresh(builder);
    await t.clone.createBranchWithFile('main', 'images/test-image', `${first.blob}\n`);
    const open = await t.forge.listOpenPullRequests(t.repo);
    for (const pr of open) await t.forge.closePullRequest(t.repo, pr.number);
    const again = await refresh(builder);
    expect(again).toEqual({ kind: 'current', blob: first.blob });
    expect(await t.forge.listOpenPullRequests(t.repo)).toEqual([]);
  });

  it('uploads and pushes nothing when the boot test fails', async () => {
    const error = await refresh(new QemuImgBuilder({ megabytes: 64, bootFails: true })).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/did not boot/);
    expect(await store.list()).toEqual([]);
    expect((await t.forge.listBranches(t.repo)).map((b) => b.name)).toEqual(['main']);
    expect(await t.forge.listOpenPullRequests(t.repo)).toEqual([]);
  });
});
