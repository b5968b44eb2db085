import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import type { ImageResolver } from './image-resolver.ts';
import { silentLogger, type Logger } from '../../../core/logger.ts';
import { BaseImageError } from '../vm/boot-files.ts';
import { newTrailer, OutputUntilTrailer, parseControl } from '../vm/guest-protocol.ts';
import { guestNetwork, type GuestNetwork } from '../vm/guest-network.ts';
import type { Accelerator } from '../vm/kvm-probe.ts';
import { listenForPort, type PortSocket } from '../vm/ports.ts';
import { Qmp } from '../vm/qmp.ts';
import type { SavedState } from '../vm/saved-state.ts';
import { createOverlay, resumeRestoredVm, shellQuote, VmMachinery } from '../vm/vm-machinery.ts';
import { explainVm, killAndWait, runningQemuOf } from '../vm/vm-processes.ts';
import type {
  ExecutionIO,
  ExecutionOutcome,
  ExecutionRequest,
  ExecutionResult,
  Executor,
} from './executor.ts';

export { GUEST_GATEWAY, type GuestNetwork } from '../vm/guest-network.ts';

export interface VmExecutorOptions {
  /** Per-agent state: one directory per running job (overlay, job share, pidfile), boot files cache. */
  stateDir: string;
  logger?: Logger;
  /** How the VM is accelerated; default: probe once (KVM if a tiny guest boots under it, else TCG). */
  accelerator?: Accelerator | (() => Promise<Accelerator>);
  /** Turns a job's `image:` that is not a path into a local qcow2 (e.g. through `images/<name>`). */
  imageResolver?: ImageResolver;
  /** From qemu start until the guest agent runs the command. Default 180 s (TCG on a busy host is slow), 60 s (KVM). */
  bootTimeoutMs?: number;
  memoryMegabytes?: number;
  qemuPath?: string;
  /**
   * Where the kernel and initramfs extracted from each image are kept (keyed by the image's sha256, so
   * agents may share it). Default: `<stateDir>/boot-files`.
   */
  bootFilesDir?: string;
  /** Extra text on the kernel command line (tests use it to make a guest that never boots). */
  kernelArguments?: string;
  /**
   * Start jobs from a saved VM state (default true): the first job of an image boots it once to where the
   * guest agent waits for a job and saves that state (memory to a file, disk as a read-only layer); every job
   * then restores it on a fresh overlay instead of booting. A state that fails to restore is dropped and the
   * job boots cold, with a warning.
   */
  savedStates?: boolean;
  /** Where saved states are kept, keyed by image, qemu version, machine and memory. Default `<stateDir>/vm-states`. */
  savedStatesDir?: string;
}

/** The shared VM pieces the executor options describe (also used by the GitLab custom executor). */
export function vmMachineryFor(options: VmExecutorOptions): VmMachinery {
  return new VmMachinery({
    bootFilesDir: options.bootFilesDir ?? path.join(options.stateDir, 'boot-files'),
    ...(options.savedStates === false
      ? {}
      : { savedStatesDir: options.savedStatesDir ?? path.join(options.stateDir, 'vm-states') }),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.accelerator ? { accelerator: options.accelerator } : {}),
    ...(options.bootTimeoutMs ? { bootTimeoutMs: options.bootTimeoutMs } : {}),
    ...(options.memoryMegabytes ? { memoryMegabytes: options.memoryMegabytes } : {}),
    ...(options.qemuPath ? { qemuPath: options.qemuPath } : {}),
    ...(options.kernelArguments ? { kernelArguments: options.kernelArguments } : {}),
  });
}

/**
 * Runs the job's command in a throw-away VM: a qcow2 overlay on the read-only base image (O(1) in its size),
 * the kernel and initramfs from the image's /boot (extracted once per image), the job's checkout shared at
 * the same path over 9p, argv and environment on a read-only 9p share (as a script with every word
 * single-quoted, run with `env -i`: no host shell, nothing of the agent's environment), output streamed live
 * over a virtio-serial port to qemu's stdout, the exit code reported on a second port. Timeout, cancellation
 * and the end of the job kill the VM and remove the overlay; `reapLeftovers` does the same for a killed agent.
 */
export class VmExecutor implements Executor {
  readonly name = 'vm';
  readonly #o: VmExecutorOptions;
  readonly #logger: Logger;
  readonly #jobsDir: string;
  readonly #vm: VmMachinery;

  constructor(options: VmExecutorOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger();
    this.#jobsDir = path.join(options.stateDir, 'jobs');
    this.#vm = vmMachineryFor(options);
  }

  /** KVM or TCG, probed once per executor. */
  accelerator(): Promise<Accelerator> {
    return this.#vm.accelerator();
  }

  async labels(): Promise<string[]> {
    const accelerator = await this.accelerator();
    return accelerator.mode === 'kvm' ? ['executor:vm', 'kvm'] : ['executor:vm'];
  }

  /**
   * Kills the qemu processes and removes the job directories (overlays) a killed agent left behind; returns
   * how many VMs were still running.
   */
  async reapLeftovers(): Promise<number> {
    let killed = 0;
    const statesDir = this.#o.savedStatesDir ?? path.join(this.#o.stateDir, 'vm-states');
    // Job VMs, and VMs that were saving a state (their half-saved state goes with them).
    const dirs = [
      ...(await readdir(this.#jobsDir).catch(() => [] as string[])).map((e) => path.join(this.#jobsDir, e)),
      ...(await readdir(statesDir).catch(() => [] as string[]))
        .filter((e) => e.startsWith('.saving-'))
        .map((e) => path.join(statesDir, e)),
    ];
    for (const jobDir of dirs) {
      const pid = await runningQemuOf(jobDir);
      if (pid) {
        this.#logger.warn({ pid, jobDir }, 'killing a VM a previous agent left running');
        await killAndWait(pid);
        killed++;
      }
      await rm(jobDir, { recursive: true, force: true });
    }
    return killed;
  }

  /**
   * Job VMs whose job this agent does not run (any more): a VM a job's end failed to stop, or a job
   * directory left half made. A directory younger than a minute without its job.json is one being made.
   */
  async reapOrphans(liveJobIds: ReadonlySet<string>): Promise<number> {
    let killed = 0;
    for (const entry of await readdir(this.#jobsDir).catch(() => [] as string[])) {
      const jobDir = path.join(this.#jobsDir, entry);
      const record = await readFile(path.join(jobDir, 'job.json'), 'utf8').then(
        (text) => JSON.parse(text) as { jobId?: string },
        () => null,
      );
      if (record?.jobId !== undefined && liveJobIds.has(record.jobId)) continue;
      if (!record) {
        const made = await stat(jobDir).catch(() => null);
        if (!made || Date.now() - made.mtimeMs < 60_000) continue;
      }
      const pid = await runningQemuOf(jobDir);
      if (pid) {
        this.#logger.warn({ pid, jobDir, jobId: record?.jobId }, 'killing a VM with no live job');
        await killAndWait(pid);
        killed++;
      }
      await rm(jobDir, { recursive: true, force: true });
    }
    return killed;
  }

  async run(request: ExecutionRequest, io: ExecutionIO): Promise<ExecutionResult> {
    const started = performance.now();
    // The status description says how the VM ran, so a slow TCG run is never a silent one.
    let note: string | undefined;
    const result = (outcome: ExecutionOutcome): ExecutionResult => ({
      outcome,
      durationMs: performance.now() - started,
      ...(note ? { note } : {}),
    });
    const log = this.#logger.child({ jobId: request.jobId, executor: 'vm' });
    if (io.signal.aborted) return result({ kind: 'cancelled' });
    if (!request.image) {
      io.onOutput(Buffer.from('ironbots: the vm executor needs an image: set `image:` for this context\n'));
      return result({ kind: 'exited', exitCode: 125 });
    }

    let accelerator: Accelerator;
    let baseImage: string;
    let boot: { vmlinuz: string; initrd: string };
    try {
      accelerator = await this.accelerator();
      note = accelerator.mode === 'kvm' ? 'VM, KVM' : 'VM, TCG without KVM';
      baseImage = await this.#resolveImage(request, io);
      boot = await this.#vm.bootFiles(baseImage, (line) => log.info(line));
    } catch (error) {
      const message = (error as Error).message;
      log.error({ err: error }, 'cannot prepare the VM');
      return result({ kind: 'infrastructure-error', message: `cannot prepare the VM: ${message}` });
    }

    const jobDir = path.join(
      this.#jobsDir,
      `${request.jobId.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60)}-${randomBytes(4).toString('hex')}`,
    );
    try {
      const share = path.join(jobDir, 'share');
      await mkdir(share, { recursive: true, mode: 0o700 });
      await writeFile(path.join(jobDir, 'job.json'), JSON.stringify({ jobId: request.jobId, baseImage }));
      await writeFile(path.join(share, 'workdir'), request.workdir);
      const network = await guestNetwork(request.network ?? 'user');
      await writeFile(path.join(share, 'network'), network.mode);
      io.log?.(network.describe);
      await writeFile(
        path.join(share, 'command.sh'),
        guestCommandScript({ ...request, env: { ...request.env, ...network.env } }),
        { mode: 0o600 },
      );
      const trailer = newTrailer();
      await writeFile(path.join(share, 'trailer'), trailer);
      const saved = await this.#vm.savedState(
        { baseImage, boot, accelerator, network: network.mode },
        (line) => io.log?.(line),
      );
      for (const attempt of saved ? [saved, undefined] : [undefined]) {
        const name = `${path.basename(jobDir)}${attempt ? '-restore' : ''}`;
        const overlay = path.join(jobDir, 'overlay.qcow2');
        const backing = attempt?.disk ?? baseImage;
        try {
          await createOverlay(backing, overlay);
        } catch (error) {
          log.error({ baseImage: backing, err: error }, 'cannot create the overlay');
          return result({ kind: 'infrastructure-error', message: (error as Error).message });
        }
        // The guest's output and reports arrive on these sockets; qemu connects to them at start.
        const output = await listenForPort(`ironbots-vm-output-${name}`);
        const control = await listenForPort(`ironbots-vm-control-${name}`);
        const qmp = attempt ? await listenForPort(`ironbots-vm-qmp-${name}`) : undefined;
        let outcome: { result: ExecutionResult; started: boolean };
        try {
          outcome = await this.#boot({
            request,
            io,
            accelerator,
            boot,
            baseImage,
            trailer,
            jobDir,
            overlay,
            share,
            network,
            output,
            control,
            log,
            result,
            ...(attempt && qmp ? { restore: { state: attempt, qmp } } : {}),
          });
        } finally {
          output.close();
          control.close();
          qmp?.close();
          await rm(overlay, { force: true });
        }
        if (attempt && !outcome.started && outcome.result.outcome.kind === 'infrastructure-error') {
          // A state that does not restore is useless to every later job too.
          const why = outcome.result.outcome.message;
          log.warn({ why }, 'the saved VM state did not restore: booting cold');
          io.log?.(`warning: the saved VM state did not restore (${why}): booting cold`);
          await this.#vm.discardState(attempt);
          continue;
        }
        return outcome.result;
      }
      return result({ kind: 'infrastructure-error', message: 'the VM executor made no attempt' });
    } finally {
      await rm(jobDir, { recursive: true, force: true });
    }
  }

  async #resolveImage(request: ExecutionRequest, io: ExecutionIO): Promise<string> {
    const image = request.image!;
    if (path.isAbsolute(image)) return image;
    if (!this.#o.imageResolver)
      throw new BaseImageError(`image "${image}" is not a path and this agent has no image resolver`);
    return this.#o.imageResolver.resolve(image, request.workdir, {
      log: (line) => io.onOutput(Buffer.from(`ironbots: ${line}\n`)),
      signal: io.signal,
    });
  }

  #boot(job: {
    request: ExecutionRequest;
    io: ExecutionIO;
    accelerator: Accelerator;
    boot: { vmlinuz: string; initrd: string };
    baseImage: string;
    trailer: string;
    jobDir: string;
    overlay: string;
    share: string;
    network: GuestNetwork;
    output: PortSocket;
    control: PortSocket;
    log: Logger;
    result: (outcome: ExecutionOutcome) => ExecutionResult;
    /** Start from this saved state, talking to qemu over QMP on this socket. */
    restore?: { state: SavedState; qmp: PortSocket };
  }): Promise<{ result: ExecutionResult; started: boolean }> {
    const { request, io, accelerator, jobDir, log, result, restore } = job;
    // A restore takes seconds; one that takes longer is failing, and the job is better off booting cold.
    const bootTimeoutMs = restore
      ? this.#vm.restoreTimeoutMs(accelerator)
      : this.#vm.bootTimeoutMs(accelerator);
    const args = this.#vm.qemuArgs(
      {
        dir: jobDir,
        boot: job.boot,
        disk: job.overlay,
        outputSocket: job.output.name,
        controlSocket: job.control.name,
        share: job.share,
        workdir: request.workdir,
        nic: job.network.nic,
        ...(restore ? { qmpSocket: restore.qmp.name, incoming: restore.state.memory } : {}),
      },
      accelerator,
    );
    log.info({ accelerator: accelerator.mode, jobDir, restore: !!restore }, 'starting the job VM');
    io.log?.(
      restore
        ? `restoring a saved VM state of ${path.basename(job.baseImage)} under ${accelerator.describe}`
        : `booting a VM of ${path.basename(job.baseImage)} under ${accelerator.describe}`,
    );

    return new Promise<{ result: ExecutionResult; started: boolean }>((resolveAttempt) => {
      let started = false;
      const resolve = (r: ExecutionResult) => resolveAttempt({ result: r, started });
      const qemu = spawn(this.#vm.qemuPath, args, {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      });
      const bootStarted = performance.now();
      let stopReason: 'timed-out' | 'cancelled' | { boot: string } | undefined;
      let exitCode: number | undefined;
      let guestError: string | undefined;
      let commandTimer: NodeJS.Timeout | undefined;
      let outputGrace: NodeJS.Timeout | undefined;
      let stderr = '';
      const stop = (reason: typeof stopReason) => {
        if (stopReason || exitCode !== undefined) return;
        stopReason = reason;
        // The VM is throw-away: nothing in it deserves a graceful shutdown.
        qemu.kill('SIGKILL');
      };
      const bootTimer = setTimeout(
        () =>
          stop({
            boot: `the VM did not boot within ${Math.round(bootTimeoutMs / 1000)} s (${accelerator.mode})`,
          }),
        bootTimeoutMs,
      );
      const onAbort = () => stop('cancelled');
      io.signal.addEventListener('abort', onAbort, { once: true });
      // Cancelled while the image was being prepared: the listener above will never fire.
      if (io.signal.aborted) onAbort();

      // Output is passed on as it comes, up to the trailer that ends it.
      const output = new OutputUntilTrailer(job.trailer, (chunk) => io.onOutput(chunk));
      const onOutputData = (chunk: Buffer) => {
        if (output.push(chunk)) finishIfComplete();
      };
      /** The job is over once its exit code and every byte of its output are in: the VM can go. */
      const finishIfComplete = () => {
        if (output.complete && exitCode !== undefined) qemu.kill('SIGKILL');
      };
      const outputDone = job.output.connection.then(
        (socket) =>
          new Promise<void>((done) => {
            socket.on('data', onOutputData);
            socket.once('close', () => done());
          }),
      );
      qemu.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-2_000)));
      const controlDone = job.control.connection.then(
        (socket) =>
          new Promise<void>((done) => {
            createInterface({ input: socket })
              .on('line', (line) => onControl(line, socket))
              // A reset when qemu is killed is the end of the port, like a close.
              .on('error', () => undefined)
              .once('close', done);
          }),
      );
      if (restore) {
        // The restored guest said "ready" before its state was saved: once qemu has loaded the state and runs
        // it, it gets its job.
        void Promise.all([restore.qmp.connection, job.control.connection])
          .then(async ([qmpSocket, controlSocket]) => {
            await resumeRestoredVm(new Qmp(qmpSocket), bootTimeoutMs);
            io.log?.(
              `restored the saved VM state in ${((performance.now() - bootStarted) / 1000).toFixed(1)} s`,
            );
            controlSocket.write(`job ${Math.floor(Date.now() / 1000)} restored\n`);
          })
          .catch((error: Error) => {
            guestError = `cannot restore the saved state: ${error.message}`;
            qemu.kill('SIGKILL');
          });
      }
      function onControl(line: string, socket: Socket) {
        const message = parseControl(line);
        if (!message) return;
        if (message.type === 'ready') {
          // The guest waits for this before it sets its clock, mounts the shares and starts the command.
          socket.write(`job ${Math.floor(Date.now() / 1000)}\n`);
        } else if (message.type === 'booted') {
          log.info({ kernel: message.kernel, accelerator: accelerator.mode }, 'guest booted');
          io.log?.(
            `guest booted (kernel ${message.kernel}, ${accelerator.mode.toUpperCase()}) in ${((performance.now() - bootStarted) / 1000).toFixed(1)} s`,
          );
        } else if (message.type === 'started') {
          started = true;
          clearTimeout(bootTimer);
          io.onStarted?.(performance.timeOrigin + performance.now());
          commandTimer = setTimeout(() => stop('timed-out'), Math.min(request.timeoutMs, 2 ** 31 - 1));
        } else if (message.type === 'exit') {
          exitCode = message.code;
          finishIfComplete();
          // Should the trailer never come (a broken port), the VM goes anyway.
          outputGrace = setTimeout(() => qemu.kill('SIGKILL'), 30_000);
        } else if (message.type === 'error') {
          guestError = message.message;
        }
      }
      qemu.once('error', (error) => {
        guestError = `cannot run qemu: ${error.message}`;
      });
      qemu.once('close', (code, signal) => {
        clearTimeout(bootTimer);
        clearTimeout(commandTimer);
        clearTimeout(outputGrace);
        io.signal.removeEventListener('abort', onAbort);
        // qemu closes both sockets on exit: read what they still carry, but never wait on a qemu that
        // died before it connected.
        void Promise.race([Promise.all([outputDone, controlDone]), new Promise((r) => setTimeout(r, 2_000))])
          .then(() => explainVm(jobDir, stderr))
          .then((why) => {
            if (exitCode !== undefined) {
              if (!output.complete) {
                // qemu went before the trailer arrived: pass on what there is, and say so.
                output.flush();
                log.warn('the VM stopped before the end of the job output arrived');
              }
              return resolve(result({ kind: 'exited', exitCode }));
            }
            if (stopReason === 'timed-out' || stopReason === 'cancelled') {
              log.info({ reason: stopReason }, 'job VM stopped');
              return resolve(result({ kind: stopReason }));
            }
            const message = stopReason
              ? `${stopReason.boot}${why}`
              : guestError
                ? `the guest failed: ${guestError}${why}`
                : `the VM stopped before the command finished (qemu ${signal ?? `exit ${code}`})${why}`;
            log.error({ message }, 'job VM failed');
            resolve(result({ kind: 'infrastructure-error', message }));
          });
      });
    });
  }
}

/**
 * The script the guest agent runs: every word single-quoted (the guest's sh sees literals only), the
 * environment exactly the job's (`env -i`), in the shared working directory.
 */
export function guestCommandScript(request: ExecutionRequest): string {
  const env = Object.entries(request.env).map(([k, v]) => shellQuote(`${k}=${v}`));
  return [
    `cd ${shellQuote(request.workdir)} || exit 125`,
    `exec env -i ${[...env, ...request.argv.map(shellQuote)].join(' ')}`,
    '',
  ].join('\n');
}
