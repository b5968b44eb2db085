/**
 * Builds a bootable test image: a content-addressed qcow2 that the VM executor boots (see vm executor).
 * Implementations: the busybox/Debian-kernel builder that runs on this machine's own packages.
 */

export interface BuiltImage {
  /** The image's name, e.g. `debian-busybox`: what `images/<name>` in a repository refers to. */
  name: string;
  /** Absolute path of the finished qcow2 (named `<name>-<sha256>.qcow2`). */
  path: string;
  /** Lower-case hex sha256 of the qcow2 file. */
  sha256: string;
  bytes: number;
}

export interface ImageBuildIO {
  /** A line of build output, for the job log or a terminal. */
  log(line: string): void;
  signal?: AbortSignal;
}

export interface ImageBuilder {
  /** Builds the named image into outDir. Throws with a clear message when it cannot. */
  build(name: string, outDir: string, io: ImageBuildIO): Promise<BuiltImage>;
  /** Boots the image in a throw-away VM and checks that a command runs inside; throws when it does not. */
  bootTest(image: BuiltImage, io: ImageBuildIO): Promise<void>;
}
