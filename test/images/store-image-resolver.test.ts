import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3ImageStore } from '../../runner-agent/src/images/s3-image-store.ts';
import { StoreImageResolver } from '../../runner-agent/src/images/store-image-resolver.ts';
import { sha256OfFile } from '../../runner-agent/src/images/verified-download.ts';
import { startS3Server } from '../support/s3-server.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { writeRandomImage } from './image-store-contract.ts';

const MiB = 1024 * 1024;

describe('store-backed image resolver (S3 store on a local S3-compatible server)', () => {
  let s3: Awaited<ReturnType<typeof startS3Server>>;
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  let store: S3ImageStore;
  let checkout: string;
  let cacheDir: string;
  let source: string;
  let blob: string;
  let lines: string[];
  const io = { log: (l: string) => lines.push(l) };

  beforeEach(async () => {
    s3 = await startS3Server('images');
    tmp = await withTempDir();
    store = new S3ImageStore({ client: s3.client, bucket: 'images', partBytes: 5 * MiB });
    source = path.join(tmp.dir, 'source.qcow2');
    blob = await writeRandomImage(source, 3 * MiB, 'debian');
    await store.upload(source, blob);
    checkout = path.join(tmp.dir, 'checkout');
    await mkdir(path.join(checkout, 'images'), { recursive: true });
    await writeFile(path.join(checkout, 'images', 'debian'), `${blob}\n`);
    cacheDir = path.join(tmp.dir, 'cache');
    lines = [];
  });
  afterEach(async () => {
    await s3.stop();
    await tmp.remove();
  });

  it('reads images/<name>, downloads and verifies the blob once, and reuses the cached copy', async () => {
    const resolver = new StoreImageResolver({ store, cacheDir });
    const file = await resolver.resolve('debian', checkout, io);
    expect(file).toBe(path.join(cacheDir, blob));
    expect(await sha256OfFile(file)).toBe(await sha256OfFile(source));
    expect(lines).toContain(`image ${blob}: sha256 verified`);

    lines = [];
    // Gone from the store: a second job still gets the cached, verified file.
    await store.remove(blob);
    expect(await new StoreImageResolver({ store, cacheDir }).resolve('debian', checkout, io)).toBe(file);
    expect(lines).toEqual([`image ${blob}: cached in ${cacheDir}`]);
    // A blob name works as the reference too.
    expect(await resolver.resolve(blob, '/nonexistent', io)).toBe(file);
  });

  it('downloads again when the cached file changed after it was verified', async () => {
    const resolver = new StoreImageResolver({ store, cacheDir });
    const file = await resolver.resolve('debian', checkout, io);
    const bytes = await readFile(file);
    bytes[0] = bytes[0]! ^ 1;
    await writeFile(file, bytes);
    lines = [];
    await resolver.resolve('debian', checkout, io);
    expect(lines[0]).toMatch(/downloading from s3:\/\/images\/images\//);
    expect(await sha256OfFile(file)).toBe(await sha256OfFile(source));
  });

  it('resumes a partial download left in the cache', async () => {
    await mkdir(cacheDir, { recursive: true });
    await writeFile(path.join(cacheDir, `${blob}.part`), (await readFile(source)).subarray(0, MiB));
    const file = await new StoreImageResolver({ store, cacheDir }).resolve('debian', checkout, io);
    expect(lines).toContain(`image ${blob}: resumed from byte ${MiB}`);
    expect(await sha256OfFile(file)).toBe(await sha256OfFile(source));
  });

  it('says clearly what is wrong with a missing reference, a bad reference and a missing blob', async () => {
    const resolver = new StoreImageResolver({ store, cacheDir });
    await expect(resolver.resolve('fedora', checkout, io)).rejects.toThrow(
      'image "fedora": the checkout has no images/fedora naming its blob',
    );
    await writeFile(path.join(checkout, 'images', 'debian'), 'debian-latest.qcow2\n');
    await expect(resolver.resolve('debian', checkout, io)).rejects.toThrow(
      /images\/debian: "debian-latest.qcow2" is not an image blob name/,
    );
    await expect(resolver.resolve('../etc', checkout, io)).rejects.toThrow(/invalid image name/);
    await store.remove(blob);
    await writeFile(path.join(checkout, 'images', 'debian'), `${blob}\n`);
    await expect(resolver.resolve('debian', checkout, io)).rejects.toThrow(
      `image blob ${blob} is not in s3://images/images/`,
    );
    await expect(stat(path.join(cacheDir, blob))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('downloads a blob once when two jobs ask for it at the same time', async () => {
    const resolver = new StoreImageResolver({ store, cacheDir });
    const [a, b] = await Promise.all([
      resolver.resolve('debian', checkout, io),
      resolver.resolve(blob, checkout, io),
    ]);
    expect(a).toBe(b);
    expect(lines.filter((l) => l.includes('downloading'))).toHaveLength(1);
    await rm(a);
  });
});
