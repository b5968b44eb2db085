import { execFile, spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { promisify } from 'node:util';
import { silentLogger, type Logger } from '../../../core/logger.ts';
import { BootFilesCache, type BootFiles } from './boot-files.ts';
import { parseControl } from './guest-protocol.ts';
import { savingNic } from './guest-network.ts';
import { probeAccelerator, type Accelerator } from './kvm-probe.ts';
import { listenForPort } from './ports.ts';
import { qemuArgs, type QemuLayout } from './qemu-command.ts';
import { Qmp } from './qmp.ts';
import { SavedStates, type SavedState } from './saved-state.ts';
import { explainVm } from './vm-processes.ts';

const run = promisify(execFile);

export interface VmMachineryOptions {
  logger?: Logger;
  /** How VMs are accelerated; default: probe once (KVM if a tiny guest boots under it, else TCG). */
  accelerator?: Accelerator | (() => Promise<Accelerator>);
  /** From qemu start until the guest agent waits for work. Default 180 s (TCG on a busy host), 60 s (KVM). */
  bootTimeoutMs?: number;
  memoryMegabytes?: number;
  qemuPath?: string;
  /** Where the kernel and initramfs extracted from each image are kept (keyed by the image). */
  bootFilesDir: string;
  /** Extra text on the kernel command line (tests use it to make a guest that never boots). */
  kernelArguments?: string;
  /** Where saved VM states are kept; none: every VM boots cold. */
  savedStatesDir?: string;
}

/**
 * What every VM of ours is made of, shared by the VM executor (one VM per command) and the GitLab custom
 * executor (one VM per job, across processes): the accelerator (probed once), the boot files of each image,
 * the qemu command line's fixed parts, and the saved VM states jobs are restored from.
 */
export class VmMachinery {
  readonly #o: VmMachineryOptions;
  readonly #logger: Logger;
  readonly #bootFiles: BootFilesCache;
  readonly #savedStates: SavedStates | undefined;
  #accelerator: Promise<Accelerator> | undefined;

  constructor(options: VmMachineryOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger();
    this.#bootFiles = new BootFilesCache(options.bootFilesDir);
    this.#savedStates = options.savedStatesDir ? new SavedStates(options.savedStatesDir) : undefined;
  }

  get qemuPath(): string {
    return this.#o.qemuPath ?? 'qemu-system-x86_64';
  }

  get savedStatesDir(): string | undefined {
    return this.#o.savedStatesDir;
  }

  /** KVM or TCG, probed once. */
  accelerator(): Promise<Accelerator> {
    if (!this.#accelerator) {
      const given = this.#o.accelerator;
      this.#accelerator = (
        typeof given === 'function'
          ? given()
          : given
            ? Promise.resolve(given)
            : probeAccelerator(this.#o.qemuPath ? { qemuPath: this.#o.qemuPath } : {})
      ).then((accelerator) => {
        if (accelerator.mode === 'kvm') this.#logger.info('VM executor: KVM works here');
        else this.#logger.warn({ problem: accelerator.kvmProblem }, `VM executor: ${accelerator.describe}`);
        return accelerator;
      });
    }
    return this.#accelerator;
  }

  bootTimeoutMs(accelerator: Accelerator): number {
    return this.#o.bootTimeoutMs ?? (accelerator.mode === 'kvm' ? 60_000 : 180_000);
  }

  /** A restore takes seconds; one that takes longer is failing, and the VM is better off booting cold. */
  restoreTimeoutMs(accelerator: Accelerator): number {
    return Math.min(this.bootTimeoutMs(accelerator), 60_000);
  }

  /** The kernel and initramfs of a base image (extracted and verified on its first use). */
  bootFiles(baseImage: string, log: (line: string) => void): Promise<BootFiles> {
    return this.#bootFiles.get(baseImage, log);
  }

  /** The qemu command line of one VM of ours. */
  qemuArgs(
    layout: Omit<QemuLayout, 'memoryMegabytes' | 'kernelArguments' | 'accelerator'>,
    accelerator: Accelerator,
  ): string[] {
    return qemuArgs({
      ...layout,
      accelerator,
      memoryMegabytes: this.#o.memoryMegabytes ?? 256,
      ...(this.#o.kernelArguments ? { kernelArguments: this.#o.kernelArguments } : {}),
    });
  }

  /**
   * The saved state to start this image's VM from, saving it first (a boot of its own) if there is none yet.
   * Undefined without saved states, or when the state cannot be saved: the VM boots cold, with a warning.
   */
  async savedState(
    vm: { baseImage: string; boot: BootFiles; accelerator: Accelerator; network: 'none' | 'user' },
    log: (line: string) => void,
  ): Promise<SavedState | undefined> {
    if (!this.#savedStates) return undefined;
    try {
      return await this.#savedStates.get(
        {
          ...vm,
          memoryMegabytes: this.#o.memoryMegabytes ?? 256,
          qemuPath: this.qemuPath,
          kernelArguments: this.#o.kernelArguments ?? '',
        },
        (dir) => this.#saveState({ dir, ...vm }),
        log,
      );
    } catch (error) {
      // No state: this VM boots cold, the next one tries to save it again.
      this.#logger.warn({ err: error }, 'cannot save a VM state');
      log(`warning: cannot save a VM state to start from (${(error as Error).message}): booting cold`);
      return undefined;
    }
  }

  /** Drops a state that did not restore, so that the next VM saves a fresh one. */
  async discardState(state: SavedState): Promise<void> {
    await this.#savedStates?.discard(state);
  }

  /**
   * Boots the image to where its guest agent waits for work ("ready"), then saves the VM into dir: the
   * memory through QEMU's migration to a file, the disk as the qcow2 layer the guest wrote to while booting.
   * The shares are not mounted yet at that point (a mounted 9p share blocks migration); a VM's own shares,
   * sockets and forwarded port are attached when it restores the state.
   */
  async #saveState(options: {
    dir: string;
    baseImage: string;
    boot: BootFiles;
    accelerator: Accelerator;
    network: 'none' | 'user';
  }): Promise<void> {
    const { dir, accelerator } = options;
    const state = { disk: path.join(dir, 'disk.qcow2'), memory: path.join(dir, 'memory.state') };
    const share = path.join(dir, 'share');
    const workdir = path.join(dir, 'workdir');
    await mkdir(share);
    await mkdir(workdir);
    await run('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-F',
      'qcow2',
      '-b',
      options.baseImage,
      state.disk,
    ]);
    const name = path.basename(dir);
    const output = await listenForPort(`ironbots-vm-output-${name}`);
    const control = await listenForPort(`ironbots-vm-control-${name}`);
    const qmpPort = await listenForPort(`ironbots-vm-qmp-${name}`);
    const qemu = spawn(
      this.qemuPath,
      this.qemuArgs(
        {
          dir,
          boot: options.boot,
          disk: state.disk,
          outputSocket: output.name,
          controlSocket: control.name,
          qmpSocket: qmpPort.name,
          share,
          workdir,
          nic: savingNic(options.network),
        },
        accelerator,
      ),
      { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
    );
    let stderr = '';
    qemu.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-2_000)));
    const exited = new Promise<void>((resolve) => qemu.once('close', () => resolve()));
    const timeoutMs = this.bootTimeoutMs(accelerator);
    let timer: NodeJS.Timeout | undefined;
    try {
      const ready = control.connection.then(
        (socket) =>
          new Promise<void>((resolve) =>
            createInterface({ input: socket })
              .on('line', (line) => {
                if (parseControl(line)?.type === 'ready') resolve();
              })
              .on('error', () => undefined),
          ),
      );
      await Promise.race([
        ready,
        exited.then(async () => {
          throw new Error(`the VM stopped while booting${await explainVm(dir, stderr)}`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`the VM did not boot within ${Math.round(timeoutMs / 1000)} s`)),
            timeoutMs,
          );
        }),
      ]);
      const qmp = new Qmp(await qmpPort.connection);
      await qmp.start();
      await qmp.execute('stop');
      await qmp.execute('migrate', { uri: `exec:cat > ${shellQuote(state.memory)}` });
      const migration = await qmp.until<{ status?: string; 'error-desc'?: string }>(
        'query-migrate',
        (m) => m.status === 'completed' || m.status === 'failed' || m.status === 'cancelled',
        timeoutMs,
        'saving the VM state',
      );
      if (migration.status !== 'completed')
        throw new Error(
          `saving the VM state ${migration.status}: ${migration['error-desc'] ?? 'no reason given'}`,
        );
      await qmp.execute('quit').catch(() => undefined);
      await exited;
    } finally {
      clearTimeout(timer);
      qemu.kill('SIGKILL');
      output.close();
      control.close();
      qmpPort.close();
      await rm(share, { recursive: true, force: true });
      await rm(workdir, { recursive: true, force: true });
    }
  }
}

/** Waits until a VM restored with `-incoming` has loaded its state, and lets it run. */
export async function resumeRestoredVm(qmp: Qmp, timeoutMs: number): Promise<void> {
  await qmp.start();
  const status = await qmp.until<{ status: string }>(
    'query-status',
    (s) => s.status !== 'inmigrate',
    timeoutMs,
    'loading the saved state',
  );
  if (status.status !== 'running') await qmp.execute('cont');
}

export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** A fresh qcow2 overlay on a read-only backing file (O(1) in its size); the error says why not. */
export async function createOverlay(backing: string, overlay: string): Promise<void> {
  try {
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', backing, overlay]);
  } catch (error) {
    const detail = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
    throw new Error(`cannot create an overlay on ${backing}: ${detail}`, { cause: error });
  }
}
