import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Builds a minimal container image from this machine's static busybox, with no registry involved: a rootfs
 * with busybox and its applets, imported with `podman import`. Enough for jobs that need a POSIX shell.
 */
export async function importBusyboxImage(options: {
  image: string;
  containersConf: string;
  busybox?: string;
  runtime?: string;
}): Promise<void> {
  const busybox = options.busybox ?? '/usr/bin/busybox';
  const rootfs = await mkdtemp(path.join(os.tmpdir(), 'ironbots-rootfs-'));
  try {
    await mkdir(path.join(rootfs, 'bin'));
    await mkdir(path.join(rootfs, 'tmp'), { mode: 0o1777 });
    await mkdir(path.join(rootfs, 'etc'));
    await copyFile(busybox, path.join(rootfs, 'bin/busybox'));
    const { stdout } = await run(busybox, ['--list']);
    for (const applet of stdout.split('\n').filter((a) => a && a !== 'busybox')) {
      await symlink('busybox', path.join(rootfs, 'bin', applet));
    }
    await new Promise<void>((resolve, reject) => {
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, CONTAINERS_CONF: options.containersConf };
      const tar = spawn('tar', ['-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const podman = spawn(
        'podman',
        ['--runtime', options.runtime ?? 'runc', 'import', '--change', 'ENV=PATH=/bin', '-', options.image],
        { env, stdio: ['pipe', 'ignore', 'pipe'] },
      );
      tar.stdout.pipe(podman.stdin);
      let stderr = '';
      podman.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      podman.on('error', reject);
      podman.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`podman import failed (${code}): ${stderr.trim()}`)),
      );
    });
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
}
