import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemLogStore } from '../../runner-agent/src/logs/filesystem-log-store.ts';
import { runningJobMeta } from '../support/job-log-meta.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { logStoreContract } from './log-store-contract.ts';

logStoreContract('filesystem', async ({ secrets, maxLogBytes }) => {
  const tmp = await withTempDir('ironbots-logs-');
  return { store: new FilesystemLogStore({ root: tmp.dir, secrets, maxLogBytes }), cleanup: tmp.remove };
});

describe('FilesystemLogStore', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, remove } = await withTempDir('ironbots-logs-'));
  });
  afterEach(async () => remove());

  const meta = runningJobMeta;

  it('lays a job out as <root>/<jobId>/output.log and meta.json, leaving no temp files', async () => {
    const store = new FilesystemLogStore({ root: dir });
    const writer = await store.create(meta('j1'));
    writer.append('out\n');
    await writer.finish({ state: 'success', exitCode: 0 });
    expect((await readdir(path.join(dir, 'j1'))).sort()).toEqual(['meta.json', 'output.log']);
    expect(await readFile(path.join(dir, 'j1', 'output.log'), 'utf8')).toBe('out\n');
    expect(JSON.parse(await readFile(path.join(dir, 'j1', 'meta.json'), 'utf8'))).toMatchObject({
      jobId: 'j1',
      state: 'success',
      exitCode: 0,
    });
  });

  it('batches appends: nothing is written per chunk before the flush interval', async () => {
    const store = new FilesystemLogStore({ root: dir, flushIntervalMs: 60_000 });
    const writer = await store.create(meta('j2'));
    writer.append('a\n');
    writer.append('b\n');
    await new Promise((r) => setTimeout(r, 50));
    expect(await readFile(path.join(dir, 'j2', 'output.log'), 'utf8')).toBe('');
    await writer.flush();
    expect(await readFile(path.join(dir, 'j2', 'output.log'), 'utf8')).toBe('a\nb\n');
    await writer.finish({ state: 'success' });
  });

  it('writes on its own after the flush interval', async () => {
    const store = new FilesystemLogStore({ root: dir, flushIntervalMs: 20 });
    const writer = await store.create(meta('j3'));
    writer.append('later\n');
    const deadline = Date.now() + 10_000;
    while ((await store.read('j3'))!.data.toString() !== 'later\n') {
      if (Date.now() > deadline) throw new Error('output never written without flush()');
      await new Promise((r) => setTimeout(r, 10));
    }
    await writer.finish({ state: 'success' });
  });

  it('continues the log of a retried job, and is incomplete again until the retry finishes', async () => {
    const store = new FilesystemLogStore({ root: dir });
    const first = await store.create(meta('j4'));
    first.append('attempt 1\n');
    await first.finish({ state: 'error' });
    const second = await store.create({ ...meta('j4'), attempt: 2 });
    expect((await store.read('j4'))!.complete).toBe(false);
    second.append('attempt 2\n');
    await second.finish({ state: 'success' });
    const all = await store.read('j4');
    expect(all!.data.toString()).toBe('attempt 1\nattempt 2\n');
    expect(all!.complete).toBe(true);
    expect(await store.meta('j4')).toMatchObject({ attempt: 2, state: 'success' });
  });

  it('hands a large log out in pieces of at most maxReadBytes', async () => {
    const store = new FilesystemLogStore({ root: dir, maxReadBytes: 1000 });
    const writer = await store.create(meta('j5'));
    writer.append('z'.repeat(2500));
    await writer.finish({ state: 'success' });
    const first = await store.read('j5');
    expect(first).toMatchObject({ nextOffset: 1000, complete: false });
    expect(await store.read('j5', 2000)).toMatchObject({ nextOffset: 2500, complete: true });
  });

  it('ignores output appended after finish', async () => {
    const store = new FilesystemLogStore({ root: dir });
    const writer = await store.create(meta('j6'));
    writer.append('before\n');
    await writer.finish({ state: 'success' });
    writer.append('after\n');
    await writer.flush();
    expect((await store.read('j6'))!.data.toString()).toBe('before\n');
  });

  it('refuses a size cap too small to hold its own notice', () => {
    expect(() => new FilesystemLogStore({ root: dir, maxLogBytes: 10 })).toThrow(/at least/);
  });
});
