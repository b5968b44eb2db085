import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Accelerator } from './kvm-probe.ts';

const run = promisify(execFile);

/**
 * Bumped when the VM's devices change (qemu-command.ts): a state saved with other devices cannot be restored.
 */
const DEVICE_LAYOUT = 2;

/** A VM saved where its guest agent waits for a job: memory in `memory`, disk as the read-only `disk`. */
export interface SavedState {
  dir: string;
  /** qcow2 on the base image holding what the guest wrote while booting; each job's overlay goes on it. */
  disk: string;
  /** QEMU's migration stream. */
  memory: string;
}

/** Everything a saved state must agree with to be restorable. */
export interface SavedStateKey {
  baseImage: string;
  boot: { vmlinuz: string; initrd: string };
  accelerator: Accelerator;
  memoryMegabytes: number;
  network: 'none' | 'user';
  qemuPath: string;
  kernelArguments: string;
}

/**
 * Saved VM states, one directory per key: the image (its content address, or its path, size and time), the
 * qemu binary's version, the machine type, accelerator, memory, network device and kernel command line. A
 * new qemu or a changed image gives a new key, so a stale state is never even tried. Saved under a temporary
 * name and renamed when complete.
 */
export class SavedStates {
  readonly #dir: string;
  readonly #pending = new Map<string, Promise<SavedState>>();
  readonly #qemuVersions = new Map<string, Promise<string>>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** The saved state for this key, saving it first (`save` fills the directory it is given) if need be. */
  async get(
    key: SavedStateKey,
    save: (dir: string) => Promise<void>,
    log: (line: string) => void,
  ): Promise<SavedState> {
    const name = await this.#keyOf(key);
    const finalDir = path.join(this.#dir, name);
    const state = stateIn(finalDir);
    if (existsSync(path.join(finalDir, 'complete'))) return state;
    let pending = this.#pending.get(name);
    if (!pending) {
      pending = (async () => {
        await mkdir(this.#dir, { recursive: true });
        const work = await mkdtemp(path.join(this.#dir, '.saving-'));
        try {
          log(`saving a VM state of ${path.basename(key.baseImage)} to start jobs from (once per image)`);
          const started = performance.now();
          await save(work);
          await writeFile(path.join(work, 'complete'), '');
          await rm(finalDir, { recursive: true, force: true });
          await rename(work, finalDir);
          log(`saved the VM state in ${((performance.now() - started) / 1000).toFixed(1)} s`);
          // The disk layer's backing file is the base image: moved into place, it still is.
          return state;
        } catch (error) {
          await rm(work, { recursive: true, force: true });
          throw error;
        }
      })().finally(() => this.#pending.delete(name));
      this.#pending.set(name, pending);
    }
    return pending;
  }

  /** Drops a state that did not restore, so that the next job saves a fresh one. */
  async discard(state: SavedState): Promise<void> {
    await rm(state.dir, { recursive: true, force: true });
  }

  async #keyOf(key: SavedStateKey): Promise<string> {
    const image = await imageIdentity(key.baseImage);
    return createHash('sha256')
      .update(
        JSON.stringify({
          layout: DEVICE_LAYOUT,
          image,
          boot: key.boot,
          accelerator: key.accelerator.mode,
          memory: key.memoryMegabytes,
          network: key.network,
          qemu: await this.#qemuVersion(key.qemuPath),
          machine: 'pc',
          kernelArguments: key.kernelArguments,
        }),
      )
      .digest('hex')
      .slice(0, 32);
  }

  #qemuVersion(qemuPath: string): Promise<string> {
    let version = this.#qemuVersions.get(qemuPath);
    if (!version) {
      version = run(qemuPath, ['--version']).then(({ stdout }) => stdout.split('\n')[0] ?? stdout);
      this.#qemuVersions.set(qemuPath, version);
    }
    return version;
  }
}

function stateIn(dir: string): SavedState {
  return { dir, disk: path.join(dir, 'disk.qcow2'), memory: path.join(dir, 'memory.state') };
}

/** The sha256 a content-addressed name states; otherwise the file's path, size and modification time. */
async function imageIdentity(file: string): Promise<string> {
  const stated = /-([0-9a-f]{64})\.qcow2$/.exec(path.basename(file))?.[1];
  const { size, mtimeMs } = await stat(file);
  return `${stated ?? ''}\0${await realpath(file)}\0${size}\0${mtimeMs}`;
}
