import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalImageResolver } from '../../runner-agent/src/images/local-image-resolver.ts';
import { withTempDir } from '../support/temp-dir.ts';

const SHA = 'ab'.repeat(32);
const BLOB = `debian-busybox-${SHA}.qcow2`;

describe('local image resolver', () => {
  it('resolves a blob name and an image name through images/<name> to the blob in its directory', async () => {
    const tmp = await withTempDir();
    const images = path.join(tmp.dir, 'images-dir');
    const checkout = path.join(tmp.dir, 'checkout');
    await mkdir(images);
    await mkdir(path.join(checkout, 'images'), { recursive: true });
    await writeFile(path.join(images, BLOB), 'qcow2 bytes');
    await writeFile(path.join(checkout, 'images', 'debian-busybox'), `${BLOB}\n`);
    const resolver = new LocalImageResolver({ dir: images });
    expect(await resolver.resolve(BLOB, checkout)).toBe(path.join(images, BLOB));
    expect(await resolver.resolve('debian-busybox', checkout)).toBe(path.join(images, BLOB));
    await tmp.remove();
  });

  it('without a pin in the checkout, resolves the image last built into its directory', async () => {
    const tmp = await withTempDir();
    const images = path.join(tmp.dir, 'images-dir');
    const checkout = path.join(tmp.dir, 'checkout');
    await mkdir(images);
    await mkdir(checkout);
    await writeFile(path.join(images, BLOB), 'qcow2 bytes');
    await writeFile(path.join(images, 'debian-busybox'), `${BLOB}\n`);
    const resolver = new LocalImageResolver({ dir: images });
    expect(await resolver.resolve('debian-busybox', checkout)).toBe(path.join(images, BLOB));
    // A pin in the checkout wins over the local build.
    const other = `debian-busybox-${'cd'.repeat(32)}.qcow2`;
    await writeFile(path.join(images, other), 'other bytes');
    await mkdir(path.join(checkout, 'images'));
    await writeFile(path.join(checkout, 'images', 'debian-busybox'), `${other}\n`);
    expect(await resolver.resolve('debian-busybox', checkout)).toBe(path.join(images, other));
    await tmp.remove();
  });

  it('says clearly what is missing or malformed', async () => {
    const tmp = await withTempDir();
    await mkdir(path.join(tmp.dir, 'images'));
    await writeFile(path.join(tmp.dir, 'images', 'bad-pointer'), '../../etc/passwd\n');
    const resolver = new LocalImageResolver({ dir: tmp.dir });
    await expect(resolver.resolve(BLOB, tmp.dir)).rejects.toThrow(`image blob ${BLOB} is not in ${tmp.dir}`);
    await expect(resolver.resolve('other', tmp.dir)).rejects.toThrow(
      'image "other": the checkout has no images/other naming its blob',
    );
    await expect(resolver.resolve('bad-pointer', tmp.dir)).rejects.toThrow(
      /images\/bad-pointer must hold one <name>-<sha256>\.qcow2 blob name/,
    );
    await expect(resolver.resolve('../escape', tmp.dir)).rejects.toThrow(/neither an image name nor/);
    await tmp.remove();
  });
});
