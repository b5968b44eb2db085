import type { Readable } from 'node:stream';

/**
 * Where built images live: content-addressed qcow2 blobs (`<name>-<sha256>.qcow2`) in a directory or an
 * S3-compatible bucket. Blobs never change once stored, which is what makes resumed downloads safe.
 * Every implementation passes test/images/image-store-contract.ts.
 */

export interface StoredImage {
  /** `<name>-<sha256>.qcow2` */
  blob: string;
  bytes: number;
  /** When the blob was stored; prune keeps unreferenced blobs younger than its limit. */
  storedAt: Date;
}

/** What a transfer reports as it goes: progress for a terminal or a job log. */
export interface TransferIO {
  /** Bytes done so far out of the total; called often, the receiver throttles. */
  progress?(done: number, total: number): void;
  signal?: AbortSignal;
}

export interface DownloadResult {
  bytes: number;
  /** Bytes a `.part` file from an earlier, interrupted download already held (0 for a fresh download). */
  resumedFrom: number;
}

export interface ImageStore {
  /** Says where the store is (a directory, s3://bucket/prefix), for messages. */
  readonly description: string;
  /** Every blob, oldest first. Files that are not blob names are left out. */
  list(): Promise<StoredImage[]>;
  stat(blob: string): Promise<StoredImage | null>;
  /**
   * Streams the local file into the store under `blob`, after checking that the file's sha256 is the one the
   * name says. Storing a blob that is already there with the same size is a no-op.
   */
  upload(file: string, blob: string, io?: TransferIO): Promise<StoredImage>;
  /**
   * Downloads `blob` to `dest`: into `dest.part` first, resuming a `.part` left by an interrupted download,
   * then verifies the sha256 against the name. On a mismatch the file is deleted and ImageChecksumError
   * thrown; `dest` appears only once verified.
   */
  download(blob: string, dest: string, io?: TransferIO): Promise<DownloadResult>;
  /** Removing a blob that is not there is no error. */
  remove(blob: string): Promise<void>;
}

/** The byte source a store hands to the shared download logic (verified-download.ts). */
export interface BlobReader {
  /** The blob's size, or null when the store does not have it. */
  size(blob: string): Promise<number | null>;
  /** The blob's bytes from `start` to its end. */
  read(blob: string, start: number, signal?: AbortSignal): Promise<Readable>;
}

export class ImageNotFoundError extends Error {
  constructor(blob: string, where: string) {
    super(`image blob ${blob} is not in ${where}`);
    this.name = 'ImageNotFoundError';
  }
}

export class ImageChecksumError extends Error {
  readonly expected: string;
  readonly actual: string;
  constructor(what: string, expected: string, actual: string, consequence: string) {
    super(`${what}: sha256 is ${actual}, but its name says ${expected}; ${consequence}`);
    this.name = 'ImageChecksumError';
    this.expected = expected;
    this.actual = actual;
  }
}
