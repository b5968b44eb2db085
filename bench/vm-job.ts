import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VmExecutor } from '../runner-agent/src/executors/vm-executor.ts';
import { ensureLocalVmImage, localImagesDir } from '../runner-agent/src/deployment/vm-setup.ts';
import { BootFilesCache } from '../runner-agent/src/vm/boot-files.ts';
import { probeAccelerator } from '../runner-agent/src/vm/kvm-probe.ts';
import { summarize } from './stats.ts';

/**
 * The same kernel, initramfs and image booted by hand: qemu with nothing but the disk, so the guest agent
 * finds no job ports and powers off at once. The floor a VM job sits on.
 */
async function bareBoot(
  mode: string,
  boot: { vmlinuz: string; initrd: string },
  image: string,
): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const qemu = spawn(
      'qemu-system-x86_64',
      [
        '-accel',
        mode,
        '-m',
        '256',
        '-nodefaults',
        '-display',
        'none',
        '-no-reboot',
        '-nic',
        'none',
        '-kernel',
        boot.vmlinuz,
        '-initrd',
        boot.initrd,
        '-append',
        'console=ttyS0 panic=-1 quiet',
        '-drive',
        `file=${image},if=virtio,format=qcow2,snapshot=on`,
      ],
      { stdio: 'ignore' },
    );
    qemu.once('error', reject);
    qemu.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`qemu exited ${code}`))));
  });
  return performance.now() - t0;
}

/** A trivial job (`true`) through the VM executor, from run() to its result. */
async function vmJob(executor: VmExecutor, image: string, workdir: string): Promise<number> {
  const t0 = performance.now();
  const result = await executor.run(
    { jobId: 'bench', argv: ['true'], workdir, env: { PATH: '/bin' }, timeoutMs: 120_000, image },
    { onOutput: () => undefined, signal: new AbortController().signal },
  );
  if (result.outcome.kind !== 'exited' || result.outcome.exitCode !== 0)
    throw new Error(`the bench job failed: ${JSON.stringify(result.outcome)}`);
  return performance.now() - t0;
}

export async function benchVmJob(count = 3): Promise<void> {
  const blob = await ensureLocalVmImage({ print: (line) => console.log(`  ${line}`) });
  const image = path.join(localImagesDir(), blob);
  const accelerator = await probeAccelerator();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-vm-'));
  try {
    const executor = new VmExecutor({ stateDir: path.join(dir, 'state'), accelerator });
    const boot = await new BootFilesCache(path.join(dir, 'boot-files')).get(image, () => undefined);
    // Warm-up: boot files extracted and checked, page cache filled.
    await vmJob(executor, image, dir);
    const bare: number[] = [];
    const job: number[] = [];
    // Interleaved, so a busy neighbour slows both alike.
    for (let i = 0; i < count; i++) {
      bare.push(await bareBoot(accelerator.mode, boot, image));
      job.push(await vmJob(executor, image, dir));
    }
    const b = summarize(bare);
    const j = summarize(job);
    const s = (v: number) => `${(v / 1000).toFixed(2)} s`;
    console.log(`trivial VM job wall time, ${accelerator.describe} (${count} each, interleaved)`);
    console.log(`  baseline  bare qemu boot of the same kernel + image:  p50 ${s(b.p50)}  mean ${s(b.mean)}`);
    console.log(`  ironbots  VmExecutor.run(['true']), overlay + boot:   p50 ${s(j.p50)}  mean ${s(j.mean)}`);
    console.log(
      `  ratio     p50 ${(j.p50 / b.p50).toFixed(2)}×, mean ${(j.mean / b.mean).toFixed(2)}×  (goal ≤ 1.15×)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
