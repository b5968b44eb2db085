import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { ImageResolver } from './image-resolver.ts';
import { silentLogger, type Logger } from '../../../core/logger.ts';
import { BaseImageError, BootFilesCache } from '../vm/boot-files.ts';
import { probeAccelerator, type Accelerator } from '../vm/kvm-probe.ts';
import { QEMU_NAME_PREFIX, qemuArgs } from '../vm/qemu-command.ts';
import { Qmp } from '../vm/qmp.ts';
import { SavedStates, type SavedState } from '../vm/saved-state.ts';
import type {
  ExecutionIO,
  ExecutionOutcome,
  ExecutionRequest,
  ExecutionResult,
  Executor,
} from './executor.ts';

const run = promisify(execFile);

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

/** What the guest agent reports on the ironbots.control port, one line each. */
type ControlMessage =
  | { type: 'booted'; kernel: string }
  | { type: 'ready' }
  | { type: 'started' }
  | { type: 'exit'; code: number }
  | { type: 'error'; message: string };

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
  readonly #bootFiles: BootFilesCache;
  readonly #savedStates: SavedStates | undefined;
  #accelerator: Promise<Accelerator> | undefined;

  constructor(options: VmExecutorOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger();
    this.#jobsDir = path.join(options.stateDir, 'jobs');
    this.#bootFiles = new BootFilesCache(options.bootFilesDir ?? path.join(options.stateDir, 'boot-files'));
    this.#savedStates =
      options.savedStates === false
        ? undefined
        : new SavedStates(options.savedStatesDir ?? path.join(options.stateDir, 'vm-states'));
  }

  #memoryMegabytes(): number {
    return this.#o.memoryMegabytes ?? 256;
  }

  #bootTimeoutMs(accelerator: Accelerator): number {
    return this.#o.bootTimeoutMs ?? (accelerator.mode === 'kvm' ? 60_000 : 180_000);
  }

  /** KVM or TCG, probed once per executor. */
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

  async labels(): Promise<string[]> {
    const accelerator = await this.accelerator();
    return accelerator.mode === 'kvm' ? ['executor:vm', 'kvm'] : ['executor:vm'];
  }

  /** Kills the qemu processes and removes the job directories (overlays) a killed agent left behind. */
  async reapLeftovers(): Promise<void> {
    const statesDir = this.#o.savedStatesDir ?? path.join(this.#o.stateDir, 'vm-states');
    // Job VMs, and VMs that were saving a state (their half-saved state goes with them).
    const dirs = [
      ...(await readdir(this.#jobsDir).catch(() => [] as string[])).map((e) => path.join(this.#jobsDir, e)),
      ...(await readdir(statesDir).catch(() => [] as string[]))
        .filter((e) => e.startsWith('.saving-'))
        .map((e) => path.join(statesDir, e)),
    ];
    for (const jobDir of dirs) {
      const pid = Number((await readFile(path.join(jobDir, 'qemu.pid'), 'utf8').catch(() => '')).trim());
      if (pid > 0 && (await isOurQemu(pid, jobDir))) {
        this.#logger.warn({ pid, jobDir }, 'killing a VM a previous agent left running');
        await killAndWait(pid);
      }
      await rm(jobDir, { recursive: true, force: true });
    }
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
      boot = await this.#bootFiles.get(baseImage, (line) => log.info(line));
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
      // Ends the guest's output: unguessable, so no command output is taken for it by chance.
      // One line without a newline (the guest reads it with $(…), which strips newlines), starting with a
      // character output rarely ends in, so nearly all output is passed on without being held back.
      const trailer = `<<ironbots-end-of-output ${randomBytes(16).toString('hex')}>>`;
      await writeFile(path.join(share, 'trailer'), trailer);
      let saved: SavedState | undefined;
      if (this.#savedStates) {
        try {
          saved = await this.#savedStates.get(
            {
              baseImage,
              boot,
              accelerator,
              memoryMegabytes: this.#memoryMegabytes(),
              network: network.mode,
              qemuPath: this.#o.qemuPath ?? 'qemu-system-x86_64',
              kernelArguments: this.#o.kernelArguments ?? '',
            },
            (dir) => this.#saveState({ dir, baseImage, boot, accelerator, network, log, io }),
            (line) => io.log?.(line),
          );
        } catch (error) {
          // No state: this job boots cold, the next one tries to save it again.
          log.warn({ err: error }, 'cannot save a VM state');
          io.log?.(
            `warning: cannot save a VM state to start from (${(error as Error).message}): booting cold`,
          );
        }
      }
      for (const attempt of saved ? [saved, undefined] : [undefined]) {
        const name = `${path.basename(jobDir)}${attempt ? '-restore' : ''}`;
        const overlay = path.join(jobDir, 'overlay.qcow2');
        const backing = attempt?.disk ?? baseImage;
        try {
          await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', backing, overlay]);
        } catch (error) {
          const detail = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
          log.error({ baseImage: backing, detail }, 'cannot create the overlay');
          return result({
            kind: 'infrastructure-error',
            message: `cannot create an overlay on ${backing}: ${detail}`,
          });
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
          await this.#savedStates?.discard(attempt);
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
      ? Math.min(this.#bootTimeoutMs(accelerator), 60_000)
      : this.#bootTimeoutMs(accelerator);
    const args = qemuArgs({
      dir: jobDir,
      accelerator,
      memoryMegabytes: this.#memoryMegabytes(),
      boot: job.boot,
      ...(this.#o.kernelArguments ? { kernelArguments: this.#o.kernelArguments } : {}),
      disk: job.overlay,
      outputSocket: job.output.name,
      controlSocket: job.control.name,
      share: job.share,
      workdir: request.workdir,
      nic: job.network.nic,
      ...(restore ? { qmpSocket: restore.qmp.name, incoming: restore.state.memory } : {}),
    });
    log.info({ accelerator: accelerator.mode, jobDir, restore: !!restore }, 'starting the job VM');
    io.log?.(
      restore
        ? `restoring a saved VM state of ${path.basename(job.baseImage)} under ${accelerator.describe}`
        : `booting a VM of ${path.basename(job.baseImage)} under ${accelerator.describe}`,
    );

    return new Promise<{ result: ExecutionResult; started: boolean }>((resolveAttempt) => {
      let started = false;
      const resolve = (r: ExecutionResult) => resolveAttempt({ result: r, started });
      const qemu = spawn(this.#o.qemuPath ?? 'qemu-system-x86_64', args, {
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

      // Output is passed on as it comes, except for an end that could be the start of the trailer.
      let outputComplete = false;
      const trailer = Buffer.from(job.trailer);
      let held = Buffer.alloc(0);
      const onOutputData = (chunk: Buffer) => {
        if (outputComplete) return; // a background process still writing after the job: not the job's output
        const data = held.length ? Buffer.concat([held, chunk]) : chunk;
        const end = data.indexOf(trailer);
        if (end >= 0) {
          if (end > 0) io.onOutput(data.subarray(0, end));
          held = Buffer.alloc(0);
          outputComplete = true;
          finishIfComplete();
          return;
        }
        const keep = trailerPrefixAtEnd(data, trailer);
        if (data.length > keep) io.onOutput(data.subarray(0, data.length - keep));
        held = Buffer.from(data.subarray(data.length - keep));
      };
      /** The job is over once its exit code and every byte of its output are in: the VM can go. */
      const finishIfComplete = () => {
        if (outputComplete && exitCode !== undefined) qemu.kill('SIGKILL');
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
            const qmp = new Qmp(qmpSocket);
            await qmp.start();
            const status = await qmp.until<{ status: string }>(
              'query-status',
              (s) => s.status !== 'inmigrate',
              bootTimeoutMs,
              'loading the saved state',
            );
            if (status.status !== 'running') await qmp.execute('cont');
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
        } else {
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
          .then(() => this.#explain(jobDir, stderr))
          .then((why) => {
            if (exitCode !== undefined) {
              if (!outputComplete) {
                // qemu went before the trailer arrived: pass on what there is, and say so.
                if (held.length) io.onOutput(held);
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

  /**
   * Boots the image to where its guest agent waits for a job ("ready"), then saves the VM into dir: the
   * memory through QEMU's migration to a file, the disk as the qcow2 layer the guest wrote to while booting.
   * The shares are not mounted yet at that point (a mounted 9p share blocks migration); the job's own shares,
   * sockets and forwarded port are attached when a job restores the state.
   */
  async #saveState(options: {
    dir: string;
    baseImage: string;
    boot: { vmlinuz: string; initrd: string };
    accelerator: Accelerator;
    network: GuestNetwork;
    log: Logger;
    io: ExecutionIO;
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
      this.#o.qemuPath ?? 'qemu-system-x86_64',
      qemuArgs({
        dir,
        accelerator,
        memoryMegabytes: this.#memoryMegabytes(),
        boot: options.boot,
        ...(this.#o.kernelArguments ? { kernelArguments: this.#o.kernelArguments } : {}),
        disk: state.disk,
        outputSocket: output.name,
        controlSocket: control.name,
        qmpSocket: qmpPort.name,
        share,
        workdir,
        // The same device as a job's; the forwarded port is the job's own.
        nic: options.network.mode === 'user' ? 'user,model=virtio-net-pci' : 'none',
      }),
      { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
    );
    let stderr = '';
    qemu.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-2_000)));
    const exited = new Promise<void>((resolve) => qemu.once('close', () => resolve()));
    const timeoutMs = this.#bootTimeoutMs(accelerator);
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
          throw new Error(`the VM stopped while booting${await this.#explain(dir, stderr)}`);
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

  /** The end of qemu's stderr and of the guest console, to say why a VM did not boot. */
  async #explain(jobDir: string, stderr: string): Promise<string> {
    const consoleTail = (await readFile(path.join(jobDir, 'console.log'), 'utf8').catch(() => ''))
      .trim()
      .split('\n')
      .slice(-3)
      .join(' | ');
    const qemuTail = stderr.trim().split('\n').slice(-2).join(' | ');
    return [qemuTail && `; qemu: ${qemuTail}`, consoleTail && `; console: ${consoleTail}`].join('');
  }
}

/** The guest's network for one job: what qemu gets, what the job is told, what the log says. */
export interface GuestNetwork {
  mode: 'none' | 'user';
  /** qemu's `-nic` value. */
  nic: string;
  /** Added to the job's environment. */
  env: Record<string, string>;
  describe: string;
}

/** QEMU's user-mode network puts the host's loopback at this address, as seen from the guest. */
export const GUEST_GATEWAY = '10.0.2.2';

/**
 * `user`: QEMU's user-mode network (no privileges, no bridge): the guest reaches the host's loopback services
 * at 10.0.2.2, and one host port on 127.0.0.1, free when chosen, is forwarded to the same port in the guest
 * so that a test on the host can reach a server the job starts. `none`: no network device at all.
 */
async function guestNetwork(mode: 'none' | 'user'): Promise<GuestNetwork> {
  if (mode === 'none')
    return { mode, nic: 'none', env: {}, describe: 'network: none (the VM has no network device)' };
  const port = await freeLoopbackPort();
  return {
    mode,
    nic: `user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:${port}-:${port}`,
    env: { IRONBOTS_HOST_ADDRESS: GUEST_GATEWAY, IRONBOTS_FORWARDED_PORT: String(port) },
    describe: `network: user-mode (the host's loopback is ${GUEST_GATEWAY}; host 127.0.0.1:${port} forwards to guest port ${port}, IRONBOTS_FORWARDED_PORT)`,
  };
}

/** A TCP port on 127.0.0.1 that nothing listens on now (the kernel picks it). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface PortSocket {
  /** Abstract socket name (without the leading NUL). */
  name: string;
  /** qemu's connection, once it made it. */
  connection: Promise<Socket>;
  close(): void;
}

async function listenForPort(name: string): Promise<PortSocket> {
  const server = createServer();
  const connection = new Promise<Socket>((resolve) =>
    server.once('connection', (socket) => {
      // qemu killed with data unread resets the connection: that is its end, which 'close' reports.
      socket.on('error', () => undefined);
      resolve(socket);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(`\0${name}`, resolve);
  });
  return {
    name,
    connection,
    close() {
      server.close();
      void connection.then((socket) => socket.destroy());
    },
  };
}

/** How many bytes at the end of data are the beginning of the trailer (and so must wait for more). */
function trailerPrefixAtEnd(data: Buffer, trailer: Buffer): number {
  for (let k = Math.min(data.length, trailer.length - 1); k > 0; k--)
    if (data.subarray(data.length - k).equals(trailer.subarray(0, k))) return k;
  return 0;
}

function parseControl(line: string): ControlMessage | undefined {
  const [word, ...rest] = line.trim().split(' ');
  if (word === 'booted') return { type: 'booted', kernel: rest.join(' ') };
  if (word === 'ready') return { type: 'ready' };
  if (word === 'started') return { type: 'started' };
  if (word === 'exit' && /^\d+$/.test(rest[0] ?? '')) return { type: 'exit', code: Number(rest[0]) };
  if (word === 'error') return { type: 'error', message: rest.join(' ') };
  return undefined;
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

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** Whether pid is a qemu we started for jobDir (not a later process that got the same pid). */
async function isOurQemu(pid: number, jobDir: string): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.split('\0').includes(`${QEMU_NAME_PREFIX}:${path.basename(jobDir)}`);
}

async function killAndWait(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  const deadline = Date.now() + 10_000;
  while (existsSync(`/proc/${pid}`) && Date.now() < deadline) {
    const state = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // A zombie is dead; its parent (the killed agent) is gone, so init reaps it.
    if (/\) [ZX] /.test(state)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}
