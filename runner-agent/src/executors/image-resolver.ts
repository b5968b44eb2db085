/**
 * Turns a job's image reference into a local, verified qcow2 the VM executor can put an overlay on.
 * A reference is an image name (`debian-busybox`, resolved through `images/<name>` in the checkout) or a
 * blob name (`debian-busybox-<sha256>.qcow2`).
 */
export interface ImageResolver {
  /** Absolute path of the local base image; throws a clear error when it is missing or corrupt. */
  resolve(
    reference: string,
    checkoutDir: string,
    io?: { log(line: string): void; signal?: AbortSignal },
  ): Promise<string>;
}
