import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  assertImageName,
  isBlobName,
  parseBlobName,
  parseImageReference,
  type ImageBlobName,
} from './image-reference.ts';
import type { ImageResolver } from '../executors/image-resolver.ts';
import type { ImageStore } from './image-store.ts';
import { formatBytes } from '../../../core/sizes.ts';

/**
 * Resolves a job's image through the image store: `images/<name>` in the checkout names the blob, which is
 * downloaded into a local cache once (resuming a partial download, verified by sha256) and reused after.
 * A `<blob>.verified` marker records the size and mtime of the file that passed the check, so a reused blob
 * is not hashed again for every job, while a blob changed on disk since is verified again.
 */
export class StoreImageResolver implements ImageResolver {
  readonly #store: ImageStore;
  readonly #cacheDir: string;
  readonly #onProgress: ((done: number, total: number) => void) | undefined;
  /** One download per blob at a time in this process; concurrent jobs wait for it. */
  readonly #inFlight = new Map<string, Promise<string>>();

  constructor(options: {
    store: ImageStore;
    cacheDir: string;
    /** Download progress, e.g. for a terminal's progress bar; job logs get a line per tenth regardless. */
    onProgress?: (done: number, total: number) => void;
  }) {
    this.#store = options.store;
    this.#cacheDir = path.resolve(options.cacheDir);
    this.#onProgress = options.onProgress;
  }

  async resolve(
    reference: string,
    checkoutDir: string,
    io: { log(line: string): void; signal?: AbortSignal } = { log: () => undefined },
  ): Promise<string> {
    const blob = isBlobName(reference)
      ? parseBlobName(reference)
      : await readReference(reference, checkoutDir);
    const running = this.#inFlight.get(blob.blob);
    if (running) return running;
    const work = this.#fetch(blob, io).finally(() => this.#inFlight.delete(blob.blob));
    this.#inFlight.set(blob.blob, work);
    return work;
  }

  async #fetch(blob: ImageBlobName, io: { log(line: string): void; signal?: AbortSignal }): Promise<string> {
    const file = path.join(this.#cacheDir, blob.blob);
    const marker = `${file}.verified`;
    const current = await stat(file).catch(() => null);
    if (current) {
      const recorded = await readFile(marker, 'utf8').catch(() => '');
      if (recorded === markerText(current)) {
        io.log(`image ${blob.blob}: cached in ${this.#cacheDir}`);
        return file;
      }
      // Present but not (or no longer) known good: download it again rather than trust it.
      await rm(file, { force: true });
    }
    io.log(`image ${blob.blob}: downloading from ${this.#store.description}`);
    let lastTenth = -1;
    const result = await this.#store.download(blob.blob, file, {
      ...(io.signal ? { signal: io.signal } : {}),
      progress: (done, total) => {
        this.#onProgress?.(done, total);
        const tenth = total > 0 ? Math.floor((done / total) * 10) : 10;
        if (tenth === lastTenth) return;
        lastTenth = tenth;
        io.log(`image ${blob.blob}: ${tenth * 10}% of ${formatBytes(total)}`);
      },
    });
    if (result.resumedFrom > 0) io.log(`image ${blob.blob}: resumed from byte ${result.resumedFrom}`);
    io.log(`image ${blob.blob}: sha256 verified`);
    await writeFile(marker, markerText(await stat(file)));
    return file;
  }
}

function markerText(s: { size: number; mtimeMs: number }): string {
  return `${s.size} ${s.mtimeMs}\n`;
}

async function readReference(name: string, checkoutDir: string): Promise<ImageBlobName> {
  assertImageName(name);
  const file = path.join(checkoutDir, 'images', name);
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`image "${name}": the checkout has no images/${name} naming its blob`, {
        cause: error,
      });
    throw error;
  }
  return parseImageReference(name, content);
}
