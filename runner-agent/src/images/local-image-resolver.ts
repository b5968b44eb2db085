import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImageResolver } from '../executors/image-resolver.ts';

/** `<name>-<sha256>.qcow2`. */
const BLOB_NAME = /^[a-z0-9][a-z0-9._-]*-[0-9a-f]{64}\.qcow2$/;
const IMAGE_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * Resolves image references to blobs in one local directory, with no download: a blob name directly, an
 * image name through the checkout's `images/<name>` file, else through the directory's own `<name>` pointer. The VM executor verifies a blob's sha256 against
 * its name the first time it boots it.
 */
export class LocalImageResolver implements ImageResolver {
  readonly #dir: string;

  constructor(options: { dir: string }) {
    this.#dir = options.dir;
  }

  async resolve(reference: string, checkoutDir: string): Promise<string> {
    let blob: string;
    if (BLOB_NAME.test(reference)) {
      blob = reference;
    } else if (IMAGE_NAME.test(reference)) {
      // The checkout's pin wins; without one, the image last built here (`ironbots image build`).
      const pinned = path.join(checkoutDir, 'images', reference);
      const built = path.join(this.#dir, reference);
      const pointer = existsSync(pinned) ? pinned : built;
      const text = await readFile(pointer, 'utf8').catch(() => {
        throw new Error(
          `image "${reference}": the checkout has no images/${reference} naming its blob, and ${this.#dir} has no ${reference} built (ironbots image build ${reference})`,
        );
      });
      blob = text.trim();
      if (!BLOB_NAME.test(blob))
        throw new Error(`${pointer} must hold one <name>-<sha256>.qcow2 blob name, not "${blob}"`);
    } else {
      throw new Error(
        `image reference "${reference}" is neither an image name nor a <name>-<sha256>.qcow2 blob`,
      );
    }
    const file = path.join(this.#dir, blob);
    if (!existsSync(file)) throw new Error(`image blob ${blob} is not in ${this.#dir}`);
    return file;
  }
}
