import { readdir, writeFile, copyFile, truncate } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { ExecutionIO, ExecutionRequest } from '../../runner-agent/src/executors/executor.ts';
import { VmExecutor } from '../../runner-agent/src/executors/vm-executor.ts';
import type { BuiltImage } from '../../runner-agent/src/images/image-builder.ts';
import { LocalImageResolver } from '../../runner-agent/src/images/local-image-resolver.ts';
import { capturingLogger } from '../support/capturing-logger.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { executorContract } from './executor-contract.ts';
import { vmNetworkCases } from './vm-network-cases.ts';
import { qemuProcessesUnder, testImage, vmToolsPresent } from './vm-test-image.ts';

// TCG boots take seconds, longer when the machine is busy.
const VM_TEST_TIMEOUT = 240_000;
vi.setConfig({ testTimeout: VM_TEST_TIMEOUT, hookTimeout: VM_TEST_TIMEOUT });

if (vmToolsPresent) {
  executorContract('vm', async () => {
    const image = await testImage();
    const state = await withTempDir('ironbots-vm-state-');
    const executor = new VmExecutor({ stateDir: state.dir });
    return {
      executor,
      image: image.path,
      // What the job is told about its user-mode network (the default).
      extraEnvNames: ['IRONBOTS_HOST_ADDRESS', 'IRONBOTS_FORWARDED_PORT'],
      cleanup: async () => {
        expect(qemuProcessesUnder(state.dir)).toEqual([]);
        expect(await readdir(path.join(state.dir, 'jobs'))).toEqual([]);
        await state.remove();
      },
    };
  });
}

describe.skipIf(!vmToolsPresent)('vm executor specifics', { timeout: VM_TEST_TIMEOUT }, () => {
  let image: BuiltImage;
  let state: { dir: string; remove(): Promise<void> };
  let executor: VmExecutor;

  beforeAll(async () => {
    image = await testImage();
    state = await withTempDir('ironbots-vm-state-');
    executor = new VmExecutor({ stateDir: state.dir });
  }, VM_TEST_TIMEOUT);
  afterAll(async () => {
    await state?.remove();
  });

  async function run(request: Partial<ExecutionRequest>, into?: VmExecutor) {
    const work = await withTempDir('ironbots-vm-work-');
    const chunks: Buffer[] = [];
    const io: ExecutionIO = { onOutput: (c) => chunks.push(c), signal: new AbortController().signal };
    try {
      const result = await (into ?? executor).run(
        {
          jobId: 'vm-job',
          argv: ['true'],
          workdir: work.dir,
          env: { PATH: '/bin' },
          timeoutMs: 60_000,
          image: image.path,
          ...request,
        },
        io,
      );
      return { result, text: Buffer.concat(chunks).toString('utf8') };
    } finally {
      await work.remove();
    }
  }

  /** Every VM gone, every overlay and job file removed. */
  async function expectNothingLeft(dir = state.dir) {
    expect(qemuProcessesUnder(dir)).toEqual([]);
    expect(await readdir(path.join(dir, 'jobs')).catch(() => [])).toEqual([]);
  }

  it('runs the command inside the guest: its kernel, its image, not the host', async () => {
    const { result, text } = await run({
      argv: ['sh', '-c', 'uname -r; cat /etc/ironbots-image; cat /proc/1/cmdline'],
    });
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    const [kernel, imageLine, init] = text.split('\n');
    expect(kernel).toMatch(/^\d+\.\d+\.\d+-\d+-amd64$/);
    expect(imageLine).toBe(`ironbots-test ${kernel}`);
    expect(init).toContain('ironbots-guest');
    await expectNothingLeft();
  });

  it('reports the mode as a label: kvm only when the probe found KVM working', async () => {
    const kvm = new VmExecutor({ stateDir: state.dir, accelerator: { mode: 'kvm', describe: 'KVM' } });
    expect(await kvm.labels()).toEqual(['executor:vm', 'kvm']);
    const tcg = new VmExecutor({
      stateDir: state.dir,
      accelerator: { mode: 'tcg', describe: 'TCG', kvmProblem: 'no /dev/kvm' },
    });
    expect(await tcg.labels()).toEqual(['executor:vm']);
  });

  it('gives the guest a writable root of its own that the next job does not see', async () => {
    const first = await run({
      argv: ['sh', '-c', 'echo scribble > /root/left-by-job; cat /root/left-by-job'],
    });
    expect(first.text).toBe('scribble\n');
    const second = await run({ argv: ['sh', '-c', 'ls /root'] });
    expect(second.result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(second.text).toBe('');
  });

  it('reports a missing base image as an infrastructure error', async () => {
    const { result } = await run({ image: path.join(state.dir, 'no-such-image.qcow2') });
    expect(result.outcome).toEqual({
      kind: 'infrastructure-error',
      message: expect.stringMatching(/no-such-image\.qcow2 does not exist/),
    });
    await expectNothingLeft();
  });

  it('refuses a base image whose content does not match the sha256 in its name', async () => {
    const dir = await withTempDir('ironbots-vm-corrupt-');
    const corrupt = path.join(dir.dir, path.basename(image.path));
    await copyFile(image.path, corrupt);
    await truncate(corrupt, image.bytes - 4096);
    const fresh = new VmExecutor({ stateDir: path.join(dir.dir, 'state') });
    const { result } = await run({ image: corrupt }, fresh);
    expect(result.outcome).toEqual({
      kind: 'infrastructure-error',
      message: expect.stringMatching(/is corrupt: its sha256 is [0-9a-f]{64}, its name says/),
    });
    await expectNothingLeft(path.join(dir.dir, 'state'));
    await dir.remove();
  });

  it('refuses a base image that is not a qcow2 disk with a kernel', async () => {
    const dir = await withTempDir('ironbots-vm-garbage-');
    const garbage = path.join(dir.dir, 'garbage.qcow2');
    await writeFile(garbage, 'this is not a disk image\n');
    const { result } = await run({ image: garbage });
    expect(result.outcome).toEqual({
      kind: 'infrastructure-error',
      message: expect.stringMatching(/garbage\.qcow2 is raw, not qcow2/),
    });
    await expectNothingLeft();
    await dir.remove();
  });

  it('gives up on a guest that never boots: infrastructure error, VM killed, overlay removed', async () => {
    // The guest never reaches its agent: its first process is a sleep, not the initramfs' init.
    const stuck = new VmExecutor({
      stateDir: state.dir,
      kernelArguments: 'rdinit=/bin/busybox -- sleep 100000',
      bootTimeoutMs: 8_000,
    });
    const { result } = await run({}, stuck);
    expect(result.outcome).toEqual({
      kind: 'infrastructure-error',
      message: expect.stringMatching(/the VM did not boot within 8 s \((tcg|kvm)\)/),
    });
    await expectNothingLeft();
  });

  it('gets the whole output, trailer included, while a background process of the job holds the output open', async () => {
    // The guest writes the trailer on the port it opened once; opening it again would fail (EBUSY) and the
    // host would wait out its grace period and warn that the output was cut.
    const { logger, entries } = capturingLogger('warn');
    const { result, text } = await run(
      { argv: ['sh', '-c', 'sleep 300 & echo started; echo done'] },
      new VmExecutor({ stateDir: state.dir, logger }),
    );
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(text).toBe('started\ndone\n');
    expect(entries().map((e) => e.msg)).not.toContain(
      'the VM stopped before the end of the job output arrived',
    );
    await expectNothingLeft();
  });

  it('does not let the job talk on the control port: a forged "exit 0" does not pass a failed job', async () => {
    // The guest agent's control port is its descriptor 3, the output port 4; the job gets neither.
    const script = [
      'echo "exit 0" >&3 && echo forged',
      'for fd in 3 4; do [ -e /proc/$$/fd/$fd ] && echo "holds $fd"; done',
      'exit 1',
    ].join('; ');
    const { result, text } = await run({ argv: ['sh', '-c', script] });
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 1 });
    expect(text).not.toMatch(/forged|holds/);
    await expectNothingLeft();
  });

  it('reports a guest that dies during boot as an infrastructure error', async () => {
    const broken = new VmExecutor({ stateDir: state.dir, kernelArguments: 'rdinit=/no/such/init' });
    const { result } = await run({}, broken);
    expect(result.outcome).toMatchObject({
      kind: 'infrastructure-error',
      message: expect.stringMatching(/the VM stopped before the command finished/),
    });
    await expectNothingLeft();
  });

  it('resolves an image name through images/<name> in the checkout', async () => {
    const resolving = new VmExecutor({
      stateDir: state.dir,
      imageResolver: new LocalImageResolver({ dir: path.dirname(image.path) }),
    });
    const work = await withTempDir('ironbots-vm-checkout-');
    await import('node:fs/promises').then((fs) => fs.mkdir(path.join(work.dir, 'images')));
    await writeFile(path.join(work.dir, 'images', 'ironbots-test'), `${path.basename(image.path)}\n`);
    onTestFinished(() => work.remove());
    const chunks: Buffer[] = [];
    const result = await resolving.run(
      {
        jobId: 'named',
        argv: ['cat', 'images/ironbots-test'],
        workdir: work.dir,
        env: {},
        timeoutMs: 60_000,
        image: 'ironbots-test',
      },
      { onOutput: (c) => chunks.push(c), signal: new AbortController().signal },
    );
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(Buffer.concat(chunks).toString()).toBe(`${path.basename(image.path)}\n`);
    const missing = await resolving.run(
      { jobId: 'named', argv: ['true'], workdir: work.dir, env: {}, timeoutMs: 60_000, image: 'other-image' },
      { onOutput: () => undefined, signal: new AbortController().signal },
    );
    expect(missing.outcome).toEqual({
      kind: 'infrastructure-error',
      message: expect.stringContaining('the checkout has no images/other-image'),
    });
  });

  it('starts jobs from a saved state: the clock is the host’s, the disk a fresh overlay', async () => {
    const lines: string[] = [];
    const first = await run({ argv: ['sh', '-c', 'echo scribble >/root/mark; date +%s'] });
    expect(first.result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    const work = await withTempDir('ironbots-vm-restore-');
    onTestFinished(() => work.remove());
    const chunks: Buffer[] = [];
    const second = await executor.run(
      {
        jobId: 'restored',
        argv: ['sh', '-c', 'date +%s; ls /root'],
        workdir: work.dir,
        env: { PATH: '/bin' },
        timeoutMs: 60_000,
        image: image.path,
      },
      { onOutput: (c) => chunks.push(c), log: (l) => lines.push(l), signal: new AbortController().signal },
    );
    expect(second.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(lines.join('\n')).toMatch(/restored the saved VM state in/);
    const [guestNow, listing] = Buffer.concat(chunks).toString().split('\n');
    // The saved guest's clock stood still since it was saved; the agent set it from the host's.
    expect(Math.abs(Number(guestNow) - Date.now() / 1000)).toBeLessThan(60);
    expect(listing).toBe('');
  });

  it('gives every VM restored from the same saved state its own random numbers', async () => {
    // Restored VMs start from the same memory, the kernel's random state included: without a fresh seed
    // (the VM generation ID changes with each restore) they would all draw the same bytes, keys and UUIDs.
    const draw = async () => {
      const { result, text } = await run({
        argv: [
          'sh',
          '-c',
          'head -c 32 /dev/urandom | od -An -tx1 | tr -d " \\n"; echo; ls /sys/bus/acpi/devices | grep -c QEMUVGID',
        ],
      });
      expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      const [bytes, generationIdDevices] = text.split('\n');
      expect(bytes).toMatch(/^[0-9a-f]{64}$/);
      expect(generationIdDevices).toBe('1');
      return bytes;
    };
    const first = await draw();
    const second = await draw();
    expect(second).not.toBe(first);
  });

  it('boots cold, with a warning, when the saved state does not restore, and saves a new one', async () => {
    const statesDir = path.join(state.dir, 'vm-states');
    await run({ argv: ['true'] });
    const [saved] = (await readdir(statesDir)).filter((e) => !e.startsWith('.'));
    expect(saved).toBeDefined();
    await truncate(path.join(statesDir, saved!, 'memory.state'), 4096);
    const lines: string[] = [];
    const work = await withTempDir('ironbots-vm-badstate-');
    onTestFinished(() => work.remove());
    const chunks: Buffer[] = [];
    const result = await executor.run(
      {
        jobId: 'bad-state',
        argv: ['echo', 'ran anyway'],
        workdir: work.dir,
        env: {},
        timeoutMs: 60_000,
        image: image.path,
      },
      { onOutput: (c) => chunks.push(c), log: (l) => lines.push(l), signal: new AbortController().signal },
    );
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(Buffer.concat(chunks).toString()).toBe('ran anyway\n');
    expect(lines.join('\n')).toMatch(/warning: the saved VM state did not restore \(.+\): booting cold/);
    expect(lines.join('\n')).toMatch(/booting a VM of/);
    await expectNothingLeft();
    // The broken state is gone; the next job saves a good one and restores it.
    const again: string[] = [];
    const next = await executor.run(
      { jobId: 'after', argv: ['true'], workdir: work.dir, env: {}, timeoutMs: 60_000, image: image.path },
      { onOutput: () => undefined, log: (l) => again.push(l), signal: new AbortController().signal },
    );
    expect(next.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(again.join('\n')).toMatch(/saved the VM state in[\s\S]*restored the saved VM state in/);
  });

  describe('guest network (busybox)', () => {
    vmNetworkCases(() => ({ executor, image: image.path, env: { PATH: '/bin:/sbin' } }), {
      fetch: 'wget -q -O -',
      serve: (port, dir) => `httpd -p ${port} -h ${dir}`,
    });
  });
});
