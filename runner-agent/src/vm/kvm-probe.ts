import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export type AcceleratorMode = 'kvm' | 'tcg';

export interface Accelerator {
  mode: AcceleratorMode;
  /** For the job log and the status description, e.g. `TCG (KVM hangs: no boot within 5 s)`. */
  describe: string;
  /** Why KVM is not used; absent when it is. */
  kvmProblem?: string;
}

export interface KvmProbeOptions {
  qemuPath?: string;
  kvmDevice?: string;
  /** How long the tiny guest may take under KVM; it runs in milliseconds where KVM works. */
  timeoutMs?: number;
}

/**
 * The tiny guest: a boot sector that counts down 64 M loop iterations, then writes 0x31 to the
 * isa-debug-exit port, which makes qemu exit with status (0x31 << 1) | 1 = 99. Reaching that status proves
 * the accelerator executed guest code. The loop matters: a nested KVM without VMX runs a bare `out` in
 * seconds but crawls through real work (it takes TCG 0.2 s and KVM milliseconds; broken KVM, minutes).
 */
const BOOT_SECTOR = (() => {
  const sector = Buffer.alloc(512);
  // mov ecx, 0x4000000; a32 loop $; mov al, 0x31; out 0xf4, al; cli; hlt; jmp $-2
  Buffer.from([
    0x66, 0xb9, 0x00, 0x00, 0x00, 0x04, 0x67, 0xe2, 0xfd, 0xb0, 0x31, 0xe6, 0xf4, 0xfa, 0xf4, 0xeb, 0xfd,
  ]).copy(sector);
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
})();
const GUEST_RAN = 99;

/**
 * Decides whether KVM really works here by booting the tiny guest with `-accel kvm` under a short timeout:
 * /dev/kvm can exist and still hang (nested without VMX) or be permission-denied. Otherwise TCG, which the
 * same guest must pass, or qemu itself is broken.
 */
export async function probeAccelerator(options: KvmProbeOptions = {}): Promise<Accelerator> {
  const qemu = options.qemuPath ?? 'qemu-system-x86_64';
  const device = options.kvmDevice ?? '/dev/kvm';
  const timeoutMs = options.timeoutMs ?? 3_000;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-kvm-probe-'));
  try {
    const disk = path.join(dir, 'probe.img');
    await writeFile(disk, BOOT_SECTOR);
    let kvmProblem: string;
    try {
      await access(device, constants.R_OK | constants.W_OK);
      const kvm = await bootTinyGuest(qemu, disk, 'kvm', timeoutMs);
      if (kvm.ok) return { mode: 'kvm', describe: 'KVM' };
      kvmProblem = kvm.problem;
    } catch (error) {
      kvmProblem = `${device} is not usable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
    const tcg = await bootTinyGuest(qemu, disk, 'tcg', Math.max(timeoutMs, 20_000));
    if (!tcg.ok) throw new Error(`qemu cannot boot a guest even without KVM: ${tcg.problem}`);
    return { mode: 'tcg', describe: `TCG, slow: KVM unavailable (${kvmProblem})`, kvmProblem };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function bootTinyGuest(
  qemu: string,
  disk: string,
  accel: AcceleratorMode,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; problem: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      qemu,
      [
        '-accel',
        accel,
        '-nodefaults',
        '-display',
        'none',
        '-no-reboot',
        '-m',
        '16',
        '-device',
        'isa-debug-exit,iobase=0xf4,iosize=0x04',
        '-drive',
        `file=${disk},format=raw,if=ide`,
      ],
      // Its own process group, so a hung qemu and anything it started go with one signal.
      { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-400)));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone already
      }
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, problem: `cannot run ${qemu}: ${error.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === GUEST_RAN) resolve({ ok: true });
      else if (timedOut)
        resolve({
          ok: false,
          problem: `${accel} guest hangs: no boot within ${timeoutMs / 1000} s`,
        });
      else
        resolve({
          ok: false,
          problem: `${accel} guest failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`,
        });
    });
  });
}
