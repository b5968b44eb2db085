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
}

/** What the guest agent reports on the ironbots.control port, one line each. */
type ControlMessage =
  | { type: 'booted'; kernel: string }
  | { type: 'ready' }
  | { type: 'started' }
  | { type: 'exit'; code: number }
  | { type: 'error'; message: string };

/** Name tag on every qemu we start, so `ps` and the reaper can tell them apart. */
const QEMU_NAME_PREFIX = 'ironbots-vm';

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
  #accelerator: Promise<Accelerator> | undefined;

  constructor(options: VmExecutorOptions) {
    this.#o = options;
    this.#logger = options.logger ?? silentLogger();
    this.#jobsDir = path.join(options.stateDir, 'jobs');
    this.#bootFiles = new BootFilesCache(options.bootFilesDir ?? path.join(options.stateDir, 'boot-files'));
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
    const entries = await readdir(this.#jobsDir).catch(() => [] as string[]);
    for (const entry of entries) {
      const jobDir = path.join(this.#jobsDir, entry);
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
      const overlay = path.join(jobDir, 'overlay.qcow2');
      try {
        await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', baseImage, overlay]);
      } catch (error) {
        const detail = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
        log.error({ baseImage, detail }, 'cannot create the overlay');
        return result({
          kind: 'infrastructure-error',
          message: `cannot create an overlay on ${baseImage}: ${detail}`,
        });
      }
      // The guest's output and reports arrive on these sockets; qemu connects to them at start.
      const output = await listenForPort(`ironbots-vm-output-${path.basename(jobDir)}`);
      const control = await listenForPort(`ironbots-vm-control-${path.basename(jobDir)}`);
      try {
        return await this.#boot({
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
        });
      } finally {
        output.close();
        control.close();
      }
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
  }): Promise<ExecutionResult> {
    const { request, io, accelerator, jobDir, log, result } = job;
    const bootTimeoutMs = this.#o.bootTimeoutMs ?? (accelerator.mode === 'kvm' ? 60_000 : 180_000);
    const args = [
      '-name',
      `${QEMU_NAME_PREFIX}:${path.basename(jobDir)}`,
      '-accel',
      accelerator.mode,
      ...(accelerator.mode === 'kvm' ? ['-cpu', 'host'] : []),
      '-m',
      String(this.#o.memoryMegabytes ?? 256),
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-no-reboot',
      '-nic',
      job.network.nic,
      '-pidfile',
      path.join(jobDir, 'qemu.pid'),
      '-kernel',
      job.boot.vmlinuz,
      '-initrd',
      job.boot.initrd,
      '-append',
      `console=ttyS0 panic=-1 quiet${this.#o.kernelArguments ? ` ${this.#o.kernelArguments}` : ''}`,
      '-serial',
      `file:${path.join(jobDir, 'console.log')}`,
      '-drive',
      `file=${qemuOption(job.overlay)},if=virtio,format=qcow2,cache=unsafe`,
      '-device',
      'virtio-serial-pci,id=ports',
      '-chardev',
      // Abstract unix sockets: no path length limit, no file to clean up.
      `socket,id=output,path=${job.output.name},abstract=on`,
      '-device',
      'virtserialport,bus=ports.0,chardev=output,name=ironbots.output',
      '-chardev',
      `socket,id=control,path=${job.control.name},abstract=on`,
      '-device',
      'virtserialport,bus=ports.0,chardev=control,name=ironbots.control',
      '-fsdev',
      `local,id=job,path=${qemuOption(job.share)},security_model=none,readonly=on`,
      '-device',
      'virtio-9p-pci,fsdev=job,mount_tag=ironbots.job',
      '-fsdev',
      `local,id=workdir,path=${qemuOption(request.workdir)},security_model=none`,
      '-device',
      'virtio-9p-pci,fsdev=workdir,mount_tag=ironbots.workdir',
    ];
    log.info({ accelerator: accelerator.mode, jobDir }, 'booting the job VM');
    io.log?.(`booting a VM of ${path.basename(job.baseImage)} under ${accelerator.describe}`);

    return new Promise<ExecutionResult>((resolve) => {
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
              .once('close', done);
          }),
      );
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
  const connection = new Promise<Socket>((resolve) => server.once('connection', resolve));
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

/** qemu splits option values at commas; a literal comma is written twice. */
function qemuOption(value: string): string {
  return value.replaceAll(',', ',,');
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
