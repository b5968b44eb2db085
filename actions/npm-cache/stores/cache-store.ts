/**
 * What a store's entries are: tar archives (zstd or gzip), or squashfs images (mount: auto). Each kind is a
 * set of entries of its own, under its own name suffix: no key or restore key of one finds the other's.
 */
export type EntryKind = 'archive' | 'squashfs';

/** The suffix an entry's name gets in a store that names files or objects (directory, S3). */
export const ENTRY_SUFFIX: Readonly<Record<EntryKind, string>> = {
  // .tgz predates zstd and stays, so that earlier gzip entries are still found; the file's first bytes say.
  archive: '.tgz',
  squashfs: '.squashfs',
};

/**
 * Where cache archives live: the Actions cache service on GitHub, a directory or an S3 bucket elsewhere.
 * Keys are immutable: what was saved under a key is never replaced, as with the Actions cache.
 */
export interface CacheStore {
  /** For logs, e.g. "directory /cache" or "s3://bucket/prefix". */
  readonly description: string;
  readonly kind: EntryKind;
  /** The same place's entries of another kind. */
  withKind(kind: EntryKind): CacheStore;
  /** Copies the archive saved under key to file; false when there is none. */
  fetch(key: string, file: string): Promise<boolean>;
  /** Saves file under key; false when the key already holds an archive (nothing is replaced). */
  store(key: string, file: string): Promise<boolean>;
  /**
   * The key of the newest entry whose key starts with prefix (a restore key), or undefined when there is
   * none. Only looks: the caller fetches what it chooses.
   */
  findLatest(prefix: string): Promise<string | undefined>;
  /** Why key (or a prefix of keys) can never be stored here, e.g. too long; undefined when it can. */
  keyProblem(key: string): string | undefined;
}

/** The common check: a key longer than the store takes can never be stored (nor match, as a prefix). */
export function keyLengthProblem(
  key: string,
  max: number,
  unit: 'characters' | 'bytes',
  store: string,
): string | undefined {
  const length = unit === 'bytes' ? Buffer.byteLength(key) : key.length;
  if (length <= max) return undefined;
  const shown = key.length > 60 ? `${key.slice(0, 60)}…` : key;
  return `"${shown}" is ${length} ${unit} long; ${store} takes keys of at most ${max}`;
}
