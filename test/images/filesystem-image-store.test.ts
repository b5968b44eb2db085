import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FilesystemImageStore } from '../../runner-agent/src/images/filesystem-image-store.ts';
import { imageStoreContract } from './image-store-contract.ts';

imageStoreContract('filesystem', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-images-'));
  const store = new FilesystemImageStore({ dir: path.join(dir, 'store') });
  return {
    store,
    async putRaw(blob, data) {
      await mkdir(store.dir, { recursive: true });
      await writeFile(path.join(store.dir, blob), data);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('filesystem image store specifics', () => {
  it('leaves files that are not blobs, and unfinished uploads, out of the list', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-images-'));
    try {
      await writeFile(path.join(dir, 'README'), 'not an image');
      await writeFile(path.join(dir, `.x-${'a'.repeat(64)}.qcow2.uploading-1234`), 'half');
      const store = new FilesystemImageStore({ dir });
      expect(await store.list()).toEqual([]);
      expect((await readdir(dir)).length).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
