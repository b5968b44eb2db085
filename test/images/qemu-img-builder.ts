import { execFile } from 'node:child_process';
import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BuiltImage, ImageBuilder, ImageBuildIO } from '../../runner-agent/src/images/image-builder.ts';
import { blobName } from '../../runner-agent/src/images/image-reference.ts';
import { sha256OfFile } from '../../runner-agent/src/images/verified-download.ts';

const run = promisify(execFile);

/**
 * A quick image builder for tests of what happens around a build (store, refresh, prune): a real, empty
 * qcow2 from `qemu-img create` whose virtual size makes it distinct, and a "boot test" that is
 * `qemu-img check`. The real builder (busybox-image-builder.ts) has its own tests.
 */
export class QemuImgBuilder implements ImageBuilder {
  readonly megabytes: number;
  readonly bootFails: boolean;
  builds = 0;
  bootTests = 0;

  constructor(options: { megabytes: number; bootFails?: boolean }) {
    this.megabytes = options.megabytes;
    this.bootFails = options.bootFails ?? false;
  }

  async build(name: string, outDir: string, io: ImageBuildIO): Promise<BuiltImage> {
    this.builds++;
    await mkdir(outDir, { recursive: true });
    const scratch = path.join(outDir, `${name}.qcow2`);
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', scratch, `${this.megabytes}M`]);
    const sha256 = await sha256OfFile(scratch);
    const file = path.join(outDir, blobName(name, sha256));
    await rename(scratch, file);
    io.log(`qemu-img created ${file}`);
    return { name, path: file, sha256, bytes: (await stat(file)).size };
  }

  async bootTest(image: BuiltImage, io: ImageBuildIO): Promise<void> {
    this.bootTests++;
    await run('qemu-img', ['check', '-q', image.path]);
    if (this.bootFails)
      throw new Error(`${path.basename(image.path)} did not boot: no output from the guest`);
    io.log('qemu-img check passed');
  }
}
