import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { CacheStore } from '../../actions/npm-cache/stores/cache-store.ts';
import { withTempDir } from '../support/temp-dir.ts';

/**
 * What every cache store promises, run against each one for real (directory, S3 on s3rver, the Actions
 * cache through @actions/cache and the cache-service emulator): a miss is false, what was stored comes back
 * byte for byte, a key, once saved, is never replaced, and a restore key finds the newest entry under it.
 */
export function cacheStoreContract(
  createStore: () => Promise<CacheStore> | CacheStore,
  /** How far apart two saves must be for the store to tell which is newer: S3 keeps LastModified to the second. */
  options: { timestampResolutionMs?: number } = {},
): void {
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  let store: CacheStore;
  beforeEach(async () => {
    tmp = await withTempDir('ironbots-store-contract-');
    store = await createStore();
  });
  afterEach(async () => tmp.remove());

  const uniqueKey = (name: string) => `contract-${name}-${randomBytes(6).toString('hex')}`;
  async function archiveFile(name: string, bytes: Buffer): Promise<string> {
    const file = path.join(tmp.dir, name);
    await writeFile(file, bytes);
    return file;
  }

  it('reports a miss for a key never stored, and writes nothing', async () => {
    const target = path.join(tmp.dir, 'fetched');
    expect(await store.fetch(uniqueKey('absent'), target)).toBe(false);
    await expect(readFile(target)).rejects.toThrow(/ENOENT/);
  });

  it('gives back exactly the bytes stored under a key', async () => {
    const key = uniqueKey('roundtrip');
    const bytes = randomBytes(300_000);
    expect(await store.store(key, await archiveFile('archive.tgz', bytes))).toBe(true);
    const target = path.join(tmp.dir, 'fetched.tgz');
    expect(await store.fetch(key, target)).toBe(true);
    expect((await readFile(target)).equals(bytes)).toBe(true);
  });

  it('keeps the first archive under a key and refuses to replace it', async () => {
    const key = uniqueKey('immutable');
    const first = randomBytes(1000);
    expect(await store.store(key, await archiveFile('first', first))).toBe(true);
    expect(await store.store(key, await archiveFile('second', randomBytes(1000)))).toBe(false);
    const target = path.join(tmp.dir, 'fetched');
    expect(await store.fetch(key, target)).toBe(true);
    expect((await readFile(target)).equals(first)).toBe(true);
  });

  it('keeps keys apart, also keys that are prefixes of one another', async () => {
    const key = uniqueKey('apart');
    await store.store(`${key}-long`, await archiveFile('long', Buffer.from('long')));
    expect(await store.fetch(key, path.join(tmp.dir, 'short'))).toBe(false);
    await store.store(key, await archiveFile('short-src', Buffer.from('short')));
    expect(await store.fetch(key, path.join(tmp.dir, 'short'))).toBe(true);
    expect(await readFile(path.join(tmp.dir, 'short'), 'utf8')).toBe('short');
  });

  it('finds the newest entry under a restore-key prefix, and nothing under a prefix no key has', async () => {
    const prefix = uniqueKey('prefix');
    expect(await store.findLatest(`${prefix}-`)).toBeUndefined();
    // Saved so that the newest sorts first: neither the first saved nor the greatest name wins by accident.
    const keys = [`${prefix}-c`, `${prefix}-b`, `${prefix}-a`];
    for (const [i, key] of keys.entries()) {
      if (i) await sleep(options.timestampResolutionMs ?? 20);
      expect(await store.store(key, await archiveFile(`entry-${i}`, Buffer.from(key)))).toBe(true);
    }
    await store.store(`${prefix}x-newer-but-other-prefix`, await archiveFile('other', Buffer.from('x')));
    expect(await store.findLatest(`${prefix}-`)).toBe(`${prefix}-a`);
    expect(await store.findLatest(`${prefix}-b`)).toBe(`${prefix}-b`);
    expect(await store.findLatest(`${prefix}-z`)).toBeUndefined();
    // Finding is only looking: the entry then fetches by its key.
    const target = path.join(tmp.dir, 'found');
    expect(await store.fetch(`${prefix}-a`, target)).toBe(true);
    expect(await readFile(target, 'utf8')).toBe(`${prefix}-a`);
  });

  it('keeps archives and squashfs images apart: the same key, two entries, each kind finding only its own', async () => {
    const prefix = uniqueKey('kinds');
    const key = `${prefix}-k`;
    const images = store.withKind('squashfs');
    expect([store.kind, images.kind]).toEqual(['archive', 'squashfs']);
    expect(await store.store(key, await archiveFile('archive', Buffer.from('archive bytes')))).toBe(true);
    expect(await images.fetch(key, path.join(tmp.dir, 'no-image'))).toBe(false);
    expect(await images.findLatest(`${prefix}-`)).toBeUndefined();
    await sleep(options.timestampResolutionMs ?? 20);
    expect(await images.store(key, await archiveFile('image', Buffer.from('image bytes')))).toBe(true);
    // The image is newer, and still the archives' restore key finds the archive, not it.
    expect(await store.findLatest(`${prefix}-`)).toBe(key);
    expect(await images.findLatest(`${prefix}-`)).toBe(key);
    await store.fetch(key, path.join(tmp.dir, 'got-archive'));
    await images.fetch(key, path.join(tmp.dir, 'got-image'));
    expect(await readFile(path.join(tmp.dir, 'got-archive'), 'utf8')).toBe('archive bytes');
    expect(await readFile(path.join(tmp.dir, 'got-image'), 'utf8')).toBe('image bytes');
    expect(images.withKind('archive').kind).toBe('archive');
  });

  it('says why a key too long for the store can never be stored, and accepts a usual one', () => {
    expect(store.keyProblem(uniqueKey('usual'))).toBeUndefined();
    expect(store.keyProblem(`npm-cache-${'x'.repeat(1100)}`)).toMatch(
      /^"npm-cache-x+…" is \d+ (bytes|characters) long; .+ takes keys of at most \d+$/,
    );
  });
}
