/**
 * Where cache archives live: the Actions cache service on GitHub, a directory or an S3 bucket elsewhere.
 * Keys are immutable: what was saved under a key is never replaced, as with the Actions cache.
 */
export interface CacheStore {
  /** For logs, e.g. "directory /cache" or "s3://bucket/prefix". */
  readonly description: string;
  /** Copies the archive saved under key to file; false when there is none. */
  fetch(key: string, file: string): Promise<boolean>;
  /** Saves file under key; false when the key already holds an archive (nothing is replaced). */
  store(key: string, file: string): Promise<boolean>;
}
