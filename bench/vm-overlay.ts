import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ms, summarize } from './stats.ts';

const run = promisify(execFile);

/** Time of `qemu-img create -b base overlay`, what the VM executor does per job. */
async function overlayTimes(base: string, dir: string, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const overlay = path.join(dir, `overlay-${i}.qcow2`);
    const t0 = performance.now();
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', base, overlay]);
    samples.push(performance.now() - t0);
    await rm(overlay);
  }
  return samples;
}

/** Overlay creation on a 10 MB and on a 10 GB (sparse) base image: should not depend on the size. */
export async function benchVmOverlay(count = 30): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-overlay-'));
  try {
    const small = path.join(dir, 'small.qcow2');
    const raw = path.join(dir, 'small.raw');
    // 10 MB of real data, so the small base is not just a header.
    await run('dd', ['if=/dev/urandom', `of=${raw}`, 'bs=1M', 'count=10', 'status=none']);
    await run('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, small]);
    await rm(raw);
    const large = path.join(dir, 'large.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', large, '10G']);
    await overlayTimes(small, dir, 3);
    const tenMb = summarize(await overlayTimes(small, dir, count));
    const tenGb = summarize(await overlayTimes(large, dir, count));
    const smallBytes = (await stat(small)).size;
    console.log(`per-job overlay creation (qemu-img create -b, ${count} each)`);
    console.log(
      `  baseline  10 MB base (${(smallBytes / 1e6).toFixed(1)} MB on disk):    p50 ${ms(tenMb.p50)}  p99 ${ms(tenMb.p99)}`,
    );
    console.log(`  ironbots  10 GB sparse base:                 p50 ${ms(tenGb.p50)}  p99 ${ms(tenGb.p99)}`);
    console.log(`  ratio     p50 ${(tenGb.p50 / tenMb.p50).toFixed(2)}×  (goal: flat, ≈1×)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
