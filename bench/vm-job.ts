import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VmExecutor } from '../runner-agent/src/executors/vm-executor.ts';
import {
  ensureLocalVmImage,
  ensureRecipeImage,
  localImagesDir,
} from '../runner-agent/src/deployment/vm-setup.ts';
import { loadImageRecipe, recipeFile } from '../runner-agent/src/images/image-recipe.ts';
import { BootFilesCache } from '../runner-agent/src/vm/boot-files.ts';
import { probeAccelerator } from '../runner-agent/src/vm/kvm-probe.ts';
import { summarize } from './stats.ts';

/**
 * The same kernel, initramfs and image booted by hand: qemu with nothing but the disk, so the guest agent
 * finds no job ports and powers off at once. The floor a VM job sits on.
 */
export async function bareBoot(
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
        '-machine',
        'pc',
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
    { jobId: 'bench', argv: ['true'], workdir, env: { PATH: '/usr/bin:/bin' }, timeoutMs: 120_000, image },
    { onOutput: () => undefined, signal: new AbortController().signal },
  );
  if (result.outcome.kind !== 'exited' || result.outcome.exitCode !== 0)
    throw new Error(`the bench job failed: ${JSON.stringify(result.outcome)}`);
  return performance.now() - t0;
}

/**
 * A trivial job on the busybox image and on debian-12: cold boot (no saved state) and restored from a saved
 * state, each beside the bare qemu boot of the same image, interleaved in the same run and accelerator.
 */
export async function benchVmJob(count = 3): Promise<void> {
  const busybox = await ensureLocalVmImage({ print: (line) => console.log(`  ${line}`) });
  await benchImage('busybox', path.join(localImagesDir(), busybox), count);
  const recipe = await loadImageRecipe(recipeFile('debian-12', path.resolve(import.meta.dirname, '..')));
  const debian = await ensureRecipeImage({ recipe, print: (line) => console.log(`  ${line}`) });
  await benchImage('debian-12', path.join(localImagesDir(), debian), count);
}

async function benchImage(label: string, image: string, count: number): Promise<void> {
  const accelerator = await probeAccelerator();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-vm-'));
  try {
    const cold = new VmExecutor({ stateDir: path.join(dir, 'cold'), accelerator, savedStates: false });
    const restored = new VmExecutor({ stateDir: path.join(dir, 'restored'), accelerator });
    const boot = await new BootFilesCache(path.join(dir, 'boot-files')).get(image, () => undefined);
    // Warm-up: boot files extracted and checked, the state saved, page cache filled.
    await vmJob(cold, image, dir);
    await vmJob(restored, image, dir);
    const bare: number[] = [];
    const coldJob: number[] = [];
    const restoredJob: number[] = [];
    // Interleaved, so a busy neighbour slows all alike.
    for (let i = 0; i < count; i++) {
      bare.push(await bareBoot(accelerator.mode, boot, image));
      coldJob.push(await vmJob(cold, image, dir));
      restoredJob.push(await vmJob(restored, image, dir));
    }
    const b = summarize(bare);
    const c = summarize(coldJob);
    const r = summarize(restoredJob);
    const s = (v: number) => `${(v / 1000).toFixed(2)} s`;
    console.log(`trivial VM job wall time, ${label}, ${accelerator.describe} (${count} each, interleaved)`);
    console.log(
      `  baseline  bare qemu boot of the same kernel + image:    p50 ${s(b.p50)}  mean ${s(b.mean)}`,
    );
    console.log(
      `  cold      VmExecutor.run(['true']), overlay + boot:     p50 ${s(c.p50)}  mean ${s(c.mean)}`,
    );
    console.log(
      `  restored  VmExecutor.run(['true']), from a saved state: p50 ${s(r.p50)}  mean ${s(r.mean)}`,
    );
    console.log(`  cold / bare      p50 ${(c.p50 / b.p50).toFixed(2)}×  (goal ≤ 1.15×)`);
    console.log(`  restored / cold  p50 ${(r.p50 / c.p50).toFixed(2)}×  (goal ≤ 0.2×)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
