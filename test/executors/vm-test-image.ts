import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  BusyboxImageBuilder,
  imageRecipeFingerprint,
} from '../../runner-agent/src/images/busybox-image-builder.ts';
import type { BuiltImage } from '../../runner-agent/src/images/image-builder.ts';
import { defaultCacheDir } from '../../runner-agent/src/vm/debian-kernel.ts';

/** Whether this machine can build and boot VM images (qemu, qemu-img, mke2fs, busybox, apt). */
export const vmToolsPresent = [
  'qemu-system-x86_64',
  'qemu-img',
  'mke2fs',
  'debugfs',
  'busybox',
  'apt-get',
].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);
if (!vmToolsPresent)
  console.warn('skipping VM tests: qemu-system-x86, qemu-utils, e2fsprogs or busybox-static is missing');

/**
 * The test image, built once per machine into a directory that outlives the test run: every test file that
 * boots VMs shares it, and the kernel package comes from the ironbots cache (downloaded once).
 */
export async function testImage(): Promise<BuiltImage> {
  const dir = path.join(os.tmpdir(), 'ironbots-test-vm-images');
  await mkdir(dir, { recursive: true });
  // One record per recipe: changed guest scripts make a new test image.
  const record = path.join(dir, `built-${await imageRecipeFingerprint()}.json`);
  if (existsSync(record)) {
    const built = JSON.parse(await readFile(record, 'utf8')) as BuiltImage;
    if (existsSync(built.path)) return built;
  }
  const builder = new BusyboxImageBuilder({ cacheDir: defaultCacheDir() });
  const built = await builder.build('ironbots-test', dir, { log: () => undefined });
  await writeFile(record, JSON.stringify(built));
  return built;
}

/** qemu processes whose command line mentions dir: the VMs an executor with that state dir started. */
export function qemuProcessesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    if (cmdline.startsWith('qemu-system') && cmdline.includes(dir)) pids.push(Number(entry));
  }
  return pids;
}
