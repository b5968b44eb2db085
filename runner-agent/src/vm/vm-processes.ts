import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { QEMU_NAME_PREFIX } from './qemu-command.ts';

/** Whether pid is a qemu started for dir (its `-name` tag), not a later process that got the same pid. */
export async function isOurQemu(pid: number, dir: string): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.split('\0').includes(`${QEMU_NAME_PREFIX}:${path.basename(dir)}`);
}

/** The pid in `<dir>/qemu.pid` when it is a live qemu of dir, else undefined. */
export async function runningQemuOf(dir: string): Promise<number | undefined> {
  const pid = Number((await readFile(path.join(dir, 'qemu.pid'), 'utf8').catch(() => '')).trim());
  if (!(pid > 0) || !(await isOurQemu(pid, dir))) return undefined;
  const state = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return /\) [ZX] /.test(state) ? undefined : pid;
}

/** SIGKILL, then wait (10 s at most) until the process is gone or a zombie. */
export async function killAndWait(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  const deadline = Date.now() + 10_000;
  while (existsSync(`/proc/${pid}`) && Date.now() < deadline) {
    const state = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // A zombie is dead; its parent (a killed agent, or init) reaps it.
    if (/\) [ZX] /.test(state)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The end of qemu's stderr and of the guest console, to say why a VM did not boot or stopped. */
export async function explainVm(dir: string, stderr: string): Promise<string> {
  const consoleTail = (await readFile(path.join(dir, 'console.log'), 'utf8').catch(() => ''))
    .trim()
    .split('\n')
    .slice(-3)
    .join(' | ');
  const qemuTail = stderr.trim().split('\n').slice(-2).join(' | ');
  return [qemuTail && `; qemu: ${qemuTail}`, consoleTail && `; console: ${consoleTail}`].join('');
}
