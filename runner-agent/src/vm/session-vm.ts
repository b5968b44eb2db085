import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { guestNetwork } from './guest-network.ts';
import { newTrailer, OutputUntilTrailer, parseControl, type ControlMessage } from './guest-protocol.ts';
import type { Accelerator } from './kvm-probe.ts';
import { connectToPort } from './ports.ts';
import { Qmp } from './qmp.ts';
import type { SavedState } from './saved-state.ts';
import { createOverlay, resumeRestoredVm, type VmMachinery } from './vm-machinery.ts';
import { explainVm, killAndWait, runningQemuOf } from './vm-processes.ts';

/**
 * A VM that outlives the process that started it: qemu runs detached, listening on its own sockets, and each
 * later process (one per script) connects to them in turn. What they need to find it is this record, kept
 * as `vm.json` in the VM's directory beside its overlay, pidfile, console log and job share.
 */
export interface SessionVm {
  dir: string;
  pid: number;
  /** Abstract socket names qemu listens on. */
  sockets: { output: string; control: string };
  baseImage: string;
  accelerator: Accelerator['mode'];
  restored: boolean;
  /** What the guest's network offers the scripts (host address, forwarded port). */
  networkEnv: Record<string, string>;
}

export class SessionVmError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SessionVmError';
  }
}

class PortClosedError extends SessionVmError {
  constructor() {
    super('the VM closed its control port');
  }
}

const RECORD = 'vm.json';

export async function readSessionVm(dir: string): Promise<SessionVm | undefined> {
  const text = await readFile(path.join(dir, RECORD), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as SessionVm);
}

/**
 * Starts a session VM of baseImage in dir (which must exist and be empty): restored from the image's saved
 * state when there is one (a state that does not restore is dropped, and the VM boots cold), the job share
 * at /run/job with an empty scripts/ folder, the network set up, and the guest agent waiting for scripts.
 * On any failure the VM is gone again and a SessionVmError says why.
 */
export async function startSessionVm(
  machinery: VmMachinery,
  options: { dir: string; baseImage: string; network: 'none' | 'user'; log: (line: string) => void },
): Promise<SessionVm> {
  const { dir, baseImage, log } = options;
  const accelerator = await machinery.accelerator();
  const boot = await machinery.bootFiles(baseImage, log);
  const share = path.join(dir, 'share');
  await mkdir(path.join(share, 'scripts'), { recursive: true, mode: 0o700 });
  // Shared but never mounted in a session: its scripts run in the VM's own file system.
  await mkdir(path.join(dir, 'workdir'), { recursive: true });
  await writeFile(path.join(share, 'workdir'), '');
  const network = await guestNetwork(options.network);
  await writeFile(path.join(share, 'network'), network.mode);
  log(network.describe);
  const saved = await machinery.savedState({ baseImage, boot, accelerator, network: network.mode }, log);
  for (const attempt of saved ? [saved, undefined] : [undefined]) {
    try {
      const vm = await bootOnce(machinery, {
        ...options,
        accelerator,
        boot,
        nic: network.nic,
        restore: attempt,
      });
      const record: SessionVm = { ...vm, networkEnv: network.env };
      await writeFile(path.join(dir, RECORD), JSON.stringify(record, null, 2));
      return record;
    } catch (error) {
      if (!attempt) throw error;
      log(`warning: the saved VM state did not restore (${(error as Error).message}): booting cold`);
      await machinery.discardState(attempt);
    }
  }
  throw new SessionVmError('no attempt to start the VM was made');
}

async function bootOnce(
  machinery: VmMachinery,
  o: {
    dir: string;
    baseImage: string;
    accelerator: Accelerator;
    boot: { vmlinuz: string; initrd: string };
    nic: string;
    restore: SavedState | undefined;
    log: (line: string) => void;
  },
): Promise<Omit<SessionVm, 'networkEnv'>> {
  const overlay = path.join(o.dir, 'overlay.qcow2');
  await rm(overlay, { force: true });
  await createOverlay(o.restore?.disk ?? o.baseImage, overlay);
  const tag = `ironbots-session-${path.basename(o.dir)}-${randomBytes(4).toString('hex')}`;
  const sockets = { output: `${tag}-output`, control: `${tag}-control`, qmp: `${tag}-qmp` };
  const stderrFile = path.join(o.dir, 'qemu.stderr');
  const stderrFd = openSync(stderrFile, 'w');
  const started = performance.now();
  o.log(
    o.restore
      ? `restoring a saved VM state of ${path.basename(o.baseImage)} under ${o.accelerator.describe}`
      : `booting a VM of ${path.basename(o.baseImage)} under ${o.accelerator.describe}`,
  );
  // Detached, in a session of its own: it stays when this process ends, and a signal to this process group
  // (gitlab-runner's way to stop a stage) does not reach it.
  const qemu = spawn(
    machinery.qemuPath,
    machinery.qemuArgs(
      {
        dir: o.dir,
        boot: o.boot,
        disk: overlay,
        outputSocket: sockets.output,
        controlSocket: sockets.control,
        share: path.join(o.dir, 'share'),
        workdir: path.join(o.dir, 'workdir'),
        nic: o.nic,
        serverSockets: true,
        ...(o.restore ? { qmpSocket: sockets.qmp, incoming: o.restore.memory } : {}),
      },
      o.accelerator,
    ),
    {
      stdio: ['ignore', 'ignore', stderrFd],
      detached: true,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    },
  );
  closeSync(stderrFd);
  let exited = false;
  const gone = new Promise<never>((_, reject) => {
    const fail = async (why: string) => {
      exited = true;
      const stderr = await readFile(stderrFile, 'utf8').catch(() => '');
      reject(new SessionVmError(`${why}${await explainVm(o.dir, stderr)}`));
    };
    qemu.once('error', (error) => void fail(`cannot run qemu: ${error.message}`));
    qemu.once(
      'exit',
      (code, signal) => void fail(`the VM stopped while starting (qemu ${signal ?? `exit ${code}`})`),
    );
  });
  gone.catch(() => undefined);
  const timeoutMs = o.restore
    ? machinery.restoreTimeoutMs(o.accelerator)
    : machinery.bootTimeoutMs(o.accelerator);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        void readFile(stderrFile, 'utf8')
          .catch(() => '')
          .then((stderr) => explainVm(o.dir, stderr))
          .then((why) =>
            reject(
              new SessionVmError(
                `the VM did not ${o.restore ? 'restore' : 'boot'} within ${Math.round(timeoutMs / 1000)} s (${o.accelerator.mode})${why}`,
              ),
            ),
          ),
      timeoutMs,
    );
  });
  const connections: Socket[] = [];
  try {
    await Promise.race([
      gone,
      timeout,
      (async () => {
        // Connected before a restored VM runs: its ports then never see the host go away.
        const alive = () => !exited;
        const output = await connectToPort(sockets.output, timeoutMs, alive);
        connections.push(output);
        const control = await connectToPort(sockets.control, timeoutMs, alive);
        connections.push(control);
        const messages = controlMessages(control);
        if (o.restore) {
          const qmp = await connectToPort(sockets.qmp, timeoutMs, alive);
          connections.push(qmp);
          await resumeRestoredVm(new Qmp(qmp), timeoutMs);
          o.log(`restored the saved VM state in ${seconds(started)} s`);
          control.write(`session ${Math.floor(Date.now() / 1000)} restored\n`);
        } else {
          for (;;) {
            const message = await messages.next();
            if (message.type === 'booted')
              o.log(
                `guest booted (kernel ${message.kernel}, ${o.accelerator.mode.toUpperCase()}) in ${seconds(started)} s`,
              );
            else if (message.type === 'ready') break;
            else if (message.type === 'error')
              throw new SessionVmError(`the guest failed: ${message.message}`);
          }
          control.write(`session ${Math.floor(Date.now() / 1000)}\n`);
        }
        for (;;) {
          const message = await messages.next();
          if (message.type === 'session-ready') break;
          if (message.type === 'error') throw new SessionVmError(`the guest failed: ${message.message}`);
        }
      })(),
    ]);
  } catch (caught) {
    let error = caught;
    if (error instanceof PortClosedError) {
      // qemu closed the port on its way out: its exit (and the console) says why.
      error = await Promise.race([
        gone.catch((e: unknown) => e),
        new Promise((r) => setTimeout(() => r(caught), 2_000)),
      ]);
    }
    qemu.kill('SIGKILL');
    throw error instanceof SessionVmError
      ? error
      : new SessionVmError((error as Error).message, { cause: error });
  } finally {
    clearTimeout(timer);
    for (const socket of connections) socket.destroy();
  }
  qemu.unref();
  qemu.removeAllListeners();
  o.log(`the VM is ready in ${seconds(started)} s`);
  return {
    dir: o.dir,
    pid: qemu.pid!,
    sockets: { output: sockets.output, control: sockets.control },
    baseImage: o.baseImage,
    accelerator: o.accelerator.mode,
    restored: !!o.restore,
  };
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

/** The control port's messages, one at a time; rejects once qemu closes the port. */
function controlMessages(socket: Socket): { next(): Promise<ControlMessage> } {
  const queue: ControlMessage[] = [];
  const waiters: Array<{ resolve(m: ControlMessage): void; reject(e: Error): void }> = [];
  let closed = false;
  createInterface({ input: socket })
    .on('line', (line) => {
      const message = parseControl(line);
      if (!message) return;
      const waiter = waiters.shift();
      if (waiter) waiter.resolve(message);
      else queue.push(message);
    })
    .on('error', () => undefined)
    .once('close', () => {
      closed = true;
      for (const waiter of waiters.splice(0)) waiter.reject(new PortClosedError());
    });
  return {
    next() {
      const message = queue.shift();
      if (message) return Promise.resolve(message);
      if (closed) return Promise.reject(new PortClosedError());
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
  };
}

export type ScriptOutcome =
  | { kind: 'exited'; exitCode: number }
  | { kind: 'timed-out' }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

/**
 * Runs one script (a file on the host) in the session VM with `shell`, streaming its output to onOutput.
 * A timeout or an abort kills the VM (nothing in it deserves a graceful end): the VM is gone after either.
 */
export async function runInSessionVm(
  vm: SessionVm,
  options: {
    script: string;
    /** A name for the copy on the job share (letters, digits, `._-`). */
    name: string;
    shell: 'bash' | 'sh';
    onOutput: (chunk: Buffer) => void;
    signal: AbortSignal;
    timeoutMs: number;
  },
): Promise<ScriptOutcome> {
  if (!(await runningQemuOf(vm.dir)))
    return { kind: 'failed', message: `the job's VM is no longer running${await explainVm(vm.dir, '')}` };
  const shared = path.join(vm.dir, 'share', 'scripts', options.name);
  try {
    await copyFile(options.script, shared);
  } catch (error) {
    return { kind: 'failed', message: `cannot share the script with the VM: ${(error as Error).message}` };
  }
  const connections: Socket[] = [];
  try {
    const output = await connectToPort(vm.sockets.output, 10_000);
    connections.push(output);
    const control = await connectToPort(vm.sockets.control, 10_000);
    connections.push(control);
    const trailer = newTrailer();
    return await new Promise<ScriptOutcome>((resolve) => {
      let exitCode: number | undefined;
      let settled = false;
      const filter = new OutputUntilTrailer(trailer, options.onOutput);
      const finish = (outcome: ScriptOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(grace);
        options.signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      let stopping = false;
      const kill = (outcome: ScriptOutcome) => {
        if (settled || stopping) return;
        stopping = true;
        void stopSessionVm(vm).then(() => finish(outcome));
      };
      const timer = setTimeout(() => kill({ kind: 'timed-out' }), Math.min(options.timeoutMs, 2 ** 31 - 1));
      let grace: NodeJS.Timeout | undefined;
      const onAbort = () => kill({ kind: 'cancelled' });
      options.signal.addEventListener('abort', onAbort, { once: true });
      if (options.signal.aborted) onAbort();
      const finishIfComplete = () => {
        if (exitCode !== undefined && filter.complete) finish({ kind: 'exited', exitCode });
      };
      output.on('data', (chunk: Buffer) => {
        if (filter.push(chunk)) finishIfComplete();
      });
      const messages = controlMessages(control);
      void (async () => {
        for (;;) {
          const message = await messages.next();
          if (message.type === 'error')
            return finish({ kind: 'failed', message: `the guest: ${message.message}` });
          if (message.type === 'exit') {
            exitCode = message.code;
            finishIfComplete();
            if (settled) return;
            // Should the trailer never come (a broken port), the output ends here.
            grace = setTimeout(() => {
              filter.flush();
              finish({ kind: 'exited', exitCode: message.code });
            }, 30_000);
          }
        }
      })().catch(async () => {
        // A VM killed for a timeout or an abort closes the port too: that kill says what happened.
        if (settled || stopping) return;
        filter.flush();
        const stderr = await readFile(path.join(vm.dir, 'qemu.stderr'), 'utf8').catch(() => '');
        finish({
          kind: 'failed',
          message: `the VM stopped while the script ran${await explainVm(vm.dir, stderr)}`,
        });
      });
      control.write(`run ${options.name} ${options.shell} ${trailer}\n`);
    });
  } catch (error) {
    return { kind: 'failed', message: (error as Error).message };
  } finally {
    for (const socket of connections) socket.destroy();
    await rm(shared, { force: true });
  }
}

/** Kills the session VM in dir, if it still runs. */
export async function stopSessionVm(vm: Pick<SessionVm, 'dir'>): Promise<boolean> {
  const pid = await runningQemuOf(vm.dir);
  if (!pid) return false;
  await killAndWait(pid);
  return true;
}
