/**
 * Images are content-addressed: a repository's `images/<name>` file holds one line, the blob name
 * `<name>-<sha256>.qcow2`, so a commit pins exactly the image its tests ran against.
 */

export interface ImageBlobName {
  /** The image's name, e.g. `debian-busybox`. */
  name: string;
  /** Lower-case hex sha256 of the qcow2 file. */
  sha256: string;
  /** `<name>-<sha256>.qcow2` */
  blob: string;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const BLOB = /^([a-z0-9][a-z0-9._-]{0,62})-([0-9a-f]{64})\.qcow2$/;

export class ImageReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageReferenceError';
  }
}

export function isImageName(name: string): boolean {
  return NAME.test(name);
}

export function assertImageName(name: string): void {
  if (!NAME.test(name))
    throw new ImageReferenceError(
      `invalid image name "${name}": use lower-case letters, digits, '.', '_' and '-' (at most 63, starting with a letter or digit)`,
    );
}

export function isBlobName(text: string): boolean {
  return BLOB.test(text);
}

export function blobName(name: string, sha256: string): string {
  assertImageName(name);
  if (!/^[0-9a-f]{64}$/.test(sha256))
    throw new ImageReferenceError(`invalid sha256 "${sha256}": expected 64 lower-case hex digits`);
  return `${name}-${sha256}.qcow2`;
}

/** Splits a blob name; throws saying what is wrong. */
export function parseBlobName(text: string): ImageBlobName {
  const match = BLOB.exec(text);
  if (!match)
    throw new ImageReferenceError(
      `"${text}" is not an image blob name: expected <name>-<64 hex digit sha256>.qcow2`,
    );
  return { name: match[1]!, sha256: match[2]!, blob: text };
}

/**
 * Reads the content of `images/<name>`: exactly one blob name for that same image (surrounding whitespace
 * and one trailing newline allowed). `source` names the file in error messages.
 */
export function parseImageReference(name: string, content: string, source = `images/${name}`): ImageBlobName {
  assertImageName(name);
  const lines = content
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0)
    throw new ImageReferenceError(`${source} is empty: expected ${name}-<sha256>.qcow2`);
  if (lines.length > 1)
    throw new ImageReferenceError(`${source} has ${lines.length} lines: expected one blob name`);
  let parsed: ImageBlobName;
  try {
    parsed = parseBlobName(lines[0]!);
  } catch (error) {
    throw new ImageReferenceError(`${source}: ${(error as Error).message}`);
  }
  if (parsed.name !== name)
    throw new ImageReferenceError(`${source} names a blob of image "${parsed.name}", not "${name}"`);
  return parsed;
}

/** What `images/<name>` holds for this blob. */
export function formatImageReference(blob: ImageBlobName): string {
  return `${blob.blob}\n`;
}
