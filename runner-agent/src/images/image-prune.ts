import type { PullRequests, Repositories, RepositoryFiles, RepositoryId } from '../../../forge/forge.ts';
import { parseBlobName, parseImageReference } from './image-reference.ts';
import type { ImageStore, StoredImage } from './image-store.ts';

export interface PruneOptions {
  store: ImageStore;
  forge: Repositories & PullRequests & RepositoryFiles;
  /** Every repository whose branches and open pull requests may refer to images in this store. */
  repositories: RepositoryId[];
  /** Unreferenced blobs stored longer ago than this are removed. */
  olderThanDays: number;
  /** Only report what would be removed. */
  dryRun?: boolean;
  now?: Date;
  log?: (line: string) => void;
}

export interface PruneResult {
  /** Blobs that a branch or an open pull request refers to, with who refers to them. */
  kept: { image: StoredImage; referencedBy: string[] }[];
  /** Unreferenced blobs still younger than the limit. */
  young: StoredImage[];
  removed: StoredImage[];
}

/**
 * Removes images nobody can use any more: a blob stays while `images/<name>` at any branch head or open pull
 * request head of any of the repositories names it, or while it is younger than the limit (a refresh PR may
 * not be open yet). Everything is read before anything is removed, so a forge error removes nothing.
 */
export async function pruneImages(options: PruneOptions): Promise<PruneResult> {
  if (!(options.olderThanDays >= 0)) throw new RangeError('olderThanDays must be 0 or more');
  const log = options.log ?? (() => undefined);
  const now = options.now ?? new Date();
  const images = await options.store.list();
  const names = [...new Set(images.map((i) => parseBlobName(i.blob).name))];
  const referencedBy = new Map<string, string[]>();

  for (const repo of options.repositories) {
    const full = `${repo.owner}/${repo.name}`;
    // Several branches and pull requests often share a head commit: read each commit once.
    const heads = new Map<string, string[]>();
    const addHead = (sha: string, label: string) => heads.set(sha, [...(heads.get(sha) ?? []), label]);
    for (const branch of await options.forge.listBranches(repo))
      addHead(branch.sha, `${full}@${branch.name}`);
    for (const pr of await options.forge.listOpenPullRequests(repo))
      addHead(pr.headSha, `${full}#${pr.number}`);
    for (const [sha, labels] of heads) {
      for (const name of names) {
        const content = await options.forge.getFileContent(repo, `images/${name}`, sha);
        if (content === null) continue;
        let blob: string;
        try {
          blob = parseImageReference(name, content, `images/${name} at ${labels[0]}`).blob;
        } catch (error) {
          // A broken reference protects nothing, but must not stop the prune of everything else.
          log(`ignoring ${(error as Error).message}`);
          continue;
        }
        referencedBy.set(blob, [...(referencedBy.get(blob) ?? []), ...labels]);
      }
    }
  }

  const limit = now.getTime() - options.olderThanDays * 24 * 3600 * 1000;
  const result: PruneResult = { kept: [], young: [], removed: [] };
  for (const image of images) {
    const refs = referencedBy.get(image.blob);
    if (refs) result.kept.push({ image, referencedBy: refs });
    else if (image.storedAt.getTime() > limit) result.young.push(image);
    else result.removed.push(image);
  }
  for (const image of result.removed) {
    log(
      `${options.dryRun ? 'would remove' : 'removing'} ${image.blob} (stored ${image.storedAt.toISOString()})`,
    );
    if (!options.dryRun) await options.store.remove(image.blob);
  }
  return result;
}
