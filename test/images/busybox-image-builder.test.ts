import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusyboxImageBuilder } from '../../runner-agent/src/images/busybox-image-builder.ts';
import type { BuiltImage } from '../../runner-agent/src/images/image-builder.ts';
import { defaultCacheDir, moduleLoadOrder, debianKernel } from '../../runner-agent/src/vm/debian-kernel.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { qemuProcessesUnder, vmToolsPresent } from '../executors/vm-test-image.ts';

describe.skipIf(!vmToolsPresent)('busybox image builder', { timeout: 240_000 }, () => {
  let out: { dir: string; remove(): Promise<void> };
  let image: BuiltImage;
  const lines: string[] = [];
  const builder = new BusyboxImageBuilder({ cacheDir: defaultCacheDir() });

  beforeAll(async () => {
    out = await withTempDir('ironbots-image-build-');
    image = await builder.build('debian-busybox', out.dir, { log: (l) => lines.push(l) });
  }, 240_000);
  afterAll(async () => {
    await out?.remove();
  });

  it('builds one content-addressed qcow2 and nothing else', async () => {
    expect(path.basename(image.path)).toBe(`debian-busybox-${image.sha256}.qcow2`);
    expect(createHash('sha256').update(readFileSync(image.path)).digest('hex')).toBe(image.sha256);
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', image.path]).toString()) as {
      format: string;
      'backing-filename'?: string;
    };
    expect(info.format).toBe('qcow2');
    expect(info['backing-filename']).toBeUndefined();
    expect(await readdir(out.dir)).toEqual([path.basename(image.path)]);
    expect(lines.some((l) => l.startsWith('built debian-busybox-'))).toBe(true);
  });

  it('puts busybox, the guest agent, the kernel and the initramfs in the root filesystem', async () => {
    const raw = path.join(out.dir, 'inspect.raw');
    execFileSync('qemu-img', ['convert', '-O', 'raw', image.path, raw]);
    try {
      const listing = (dir: string) =>
        execFileSync('debugfs', ['-R', `ls -p ${dir}`, raw], { stdio: 'pipe' }).toString();
      expect(listing('/boot')).toContain('/vmlinuz/');
      expect(listing('/boot')).toContain('/initrd/');
      expect(listing('/sbin')).toContain('/ironbots-guest/');
      expect(listing('/bin')).toContain('/busybox/');
    } finally {
      execFileSync('rm', ['-f', raw]);
    }
  });

  it('loads the modules the guest needs in dependency order', async () => {
    const kernel = await debianKernel({ cacheDir: defaultCacheDir(), log: () => undefined });
    const order = (await moduleLoadOrder(kernel.modulesDir, ['9p', 'ext4'])).map((m) => m.name);
    // 9p needs 9pnet, netfs and fscache; fscache needs netfs; ext4 needs jbd2, mbcache, crc16.
    for (const [before, after] of [
      ['9pnet', '9p'],
      ['netfs', 'fscache'],
      ['fscache', '9p'],
      ['jbd2', 'ext4'],
      ['mbcache', 'ext4'],
    ] as const)
      expect(order.indexOf(before), `${before} before ${after}`).toBeLessThan(order.indexOf(after));
    await expect(moduleLoadOrder(kernel.modulesDir, ['no_such_module'])).rejects.toThrow(
      /kernel module no_such_module is neither built in nor in/,
    );
  });

  it('boot-tests the image: a command runs in its guest and writes to the shared directory', async () => {
    const logged: string[] = [];
    // Its own state directory: other boot tests on this machine may run at the same time.
    const bootTestStateDir = path.join(out.dir, 'boot-test');
    await new BusyboxImageBuilder({ cacheDir: defaultCacheDir(), bootTestStateDir }).bootTest(image, {
      log: (l) => logged.push(l),
    });
    expect(logged.at(-1)).toMatch(/^boot test passed: the guest runs debian-busybox \d+\.\d+\.\d+-\d+-amd64/);
    expect(qemuProcessesUnder(bootTestStateDir)).toEqual([]);
    expect(await readdir(bootTestStateDir)).toEqual([]);
  });

  it('fails the boot test of an image that cannot boot', async () => {
    const broken = path.join(out.dir, `debian-busybox-${'0'.repeat(64)}.qcow2`);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', broken, '64M']);
    await expect(
      builder.bootTest({ ...image, path: broken, sha256: '0'.repeat(64) }, { log: () => undefined }),
    ).rejects.toThrow(/boot test of debian-busybox failed: .*infrastructure-error.*is corrupt/);
    execFileSync('rm', ['-f', broken]);
  });

  it('refuses an image name that cannot be a file name', async () => {
    await expect(builder.build('../evil', out.dir, { log: () => undefined })).rejects.toThrow(
      /image name "..\/evil": use lower-case letters/,
    );
  });
});
