import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  ExecutionIO,
  ExecutionRequest,
  ExecutionResult,
  Executor,
} from '../../runner-agent/src/executors/executor.ts';
import { withTempDir } from '../support/temp-dir.ts';

/**
 * What every executor must do, whatever it runs on (host process, podman container, VM). Commands are limited
 * to what a busybox guest has: sh, echo, cat, sleep, printf, env, pwd, ls.
 */
export interface ExecutorHarness {
  executor: Executor;
  cleanup(): Promise<void>;
  /**
   * Whether a pid the job printed still runs, for executors whose processes are visible from here. Without
   * it, "nothing survives the job" is checked by a background writer that must stop writing.
   */
  isProcessAlive?(pid: number): boolean | Promise<boolean>;
  /** Variables the runtime adds by itself and cannot avoid (e.g. `container` for podman). Default none. */
  extraEnvNames?: string[];
  /** Image for container and VM executors. */
  image?: string;
}

const CONTRACT_SECRET = 'contract-secret-value-that-must-not-leak';
const PATH = '/usr/local/bin:/usr/bin:/bin:/sbin:/usr/sbin';

export function executorContract(name: string, makeExecutor: () => Promise<ExecutorHarness>): void {
  describe(`executor contract: ${name}`, () => {
    let harness: ExecutorHarness;
    let workdir: string;
    let removeWorkdir: () => Promise<void>;

    beforeAll(async () => {
      harness = await makeExecutor();
    });
    afterAll(async () => {
      await harness?.cleanup();
    });
    beforeEach(async () => {
      const tmp = await withTempDir('ironbots-executor-');
      workdir = tmp.dir;
      removeWorkdir = tmp.remove;
      process.env.IRONBOTS_CONTRACT_SECRET = CONTRACT_SECRET;
    });
    afterEach(async () => {
      delete process.env.IRONBOTS_CONTRACT_SECRET;
      await removeWorkdir();
    });

    interface Run {
      result: ExecutionResult;
      output: Buffer;
      text: string;
      events: string[];
    }

    /** Runs argv; `during` sees the output as it arrives and may abort. */
    async function run(
      argv: string[],
      options: {
        env?: Record<string, string>;
        timeoutMs?: number;
        during?: (outputSoFar: string, abort: () => void) => void;
      } = {},
    ): Promise<Run> {
      const chunks: Buffer[] = [];
      const events: string[] = [];
      const controller = new AbortController();
      let soFar = '';
      const request: ExecutionRequest = {
        jobId: 'contract-job',
        argv,
        workdir,
        env: options.env ?? { PATH, HOME: workdir },
        timeoutMs: options.timeoutMs ?? 30_000,
        ...(harness.image ? { image: harness.image } : {}),
      };
      const io: ExecutionIO = {
        onOutput(chunk) {
          if (events.at(-1) !== 'output') events.push('output');
          chunks.push(Buffer.from(chunk));
          if (options.during) {
            soFar += chunk.toString('utf8');
            options.during(soFar, () => controller.abort(new Error('cancelled by the test')));
          }
        },
        onStarted(at) {
          expect(typeof at).toBe('number');
          events.push('started');
        },
        signal: controller.signal,
      };
      const result = await harness.executor.run(request, io);
      const output = Buffer.concat(chunks);
      return { result, output, text: output.toString('utf8'), events };
    }

    async function expectGone(pid: number): Promise<void> {
      const alive = harness.isProcessAlive!;
      // Death after SIGKILL is asynchronous; give the kernel a moment, but the process must go.
      const deadline = Date.now() + 10_000;
      while (await alive(pid)) {
        if (Date.now() > deadline) throw new Error(`process ${pid} survived the job`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }

    /** A background loop appending to a file in the workdir must stop once the job has ended. */
    async function expectFileStopsGrowing(file: string): Promise<void> {
      const sizeOf = async () => (existsSync(file) ? (await stat(file)).size : 0);
      const before = await sizeOf();
      await new Promise((r) => setTimeout(r, 2_500));
      expect(await sizeOf(), 'a background process kept writing after the job ended').toBe(before);
    }

    it('runs a command that exits 0 and captures its output', async () => {
      const { result, text } = await run(['echo', 'hello from the job']);
      expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      expect(text).toBe('hello from the job\n');
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('propagates a non-zero exit code', async () => {
      const { result } = await run(['sh', '-c', 'exit 3']);
      expect(result.outcome).toEqual({ kind: 'exited', exitCode: 3 });
    });

    it('captures both stdout and stderr', async () => {
      const { result, text } = await run(['sh', '-c', 'echo to-stdout; echo to-stderr >&2']);
      expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      expect(text).toContain('to-stdout\n');
      expect(text).toContain('to-stderr\n');
    });

    it('calls onStarted before any output', async () => {
      const { events } = await run(['echo', 'x']);
      expect(events).toEqual(['started', 'output']);
    });

    it('passes exactly the given environment, nothing of the caller’s', async () => {
      const env = { PATH, HOME: workdir, JOB_VARIABLE: 'job value with spaces', EMPTY: '' };
      const { result, text } = await run(['env'], { env });
      expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      const seen = new Map(
        text
          .split('\n')
          .filter(Boolean)
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
      );
      expect(text).not.toContain(CONTRACT_SECRET);
      expect(seen.has('IRONBOTS_CONTRACT_SECRET')).toBe(false);
      for (const [key, value] of Object.entries(env)) expect(seen.get(key), key).toBe(value);
      const unexpected = [...seen.keys()].filter(
        (k) => !(k in env) && !(harness.extraEnvNames ?? []).includes(k),
      );
      expect(unexpected).toEqual([]);
    });

    it('passes argv verbatim, without shell interpretation', async () => {
      await writeFile(path.join(workdir, 'a-file'), 'x');
      const tricky = [
        '$(touch injected); *',
        '*',
        '`touch injected2`',
        'it\'s "quoted"',
        '',
        'a\\b',
        '$HOME',
      ];
      const { result, text } = await run(['printf', '[%s]\\n', ...tricky]);
      expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      expect(text).toBe(tricky.map((a) => `[${a}]\n`).join(''));
      expect((await readdir(workdir)).sort()).toEqual(['a-file']);
    });

    it('runs in the working directory and sees its files', async () => {
      await writeFile(path.join(workdir, 'greeting.txt'), 'hello from the checkout\n');
      const cat = await run(['cat', 'greeting.txt']);
      expect(cat.result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      expect(cat.text).toBe('hello from the checkout\n');
      const ls = await run(['ls']);
      expect(ls.text.split('\n')).toContain('greeting.txt');
      // Files the job writes are in the workdir, too.
      await run(['sh', '-c', 'echo written > out.txt']);
      expect(await readText(path.join(workdir, 'out.txt'))).toBe('written\n');
    });

    it('delivers large output completely and in order', async () => {
      const lines = Array.from(
        { length: 80_000 },
        (_, i) => `line ${String(i).padStart(6, '0')} ${'x'.repeat(50)}\n`,
      );
      const big = Buffer.from(lines.join(''));
      expect(big.length).toBeGreaterThan(5_000_000);
      await writeFile(path.join(workdir, 'big.txt'), big);
      const { result, output } = await run(['cat', 'big.txt']);
      expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      expect(output.length).toBe(big.length);
      expect(output.equals(big)).toBe(true);
    });

    it('times out a command that runs too long, and stops it', async () => {
      const { result, text } = await run(['sh', '-c', 'echo pid=$$; exec sleep 300'], { timeoutMs: 1_000 });
      expect(result.outcome).toEqual({ kind: 'timed-out' });
      const pid = Number(/pid=(\d+)/.exec(text)?.[1]);
      if (harness.isProcessAlive) await expectGone(pid);
    });

    it('cancels a running command when the signal aborts', async () => {
      const { result, text } = await run(['sh', '-c', 'echo pid=$$; exec sleep 300'], {
        during: (soFar, abort) => {
          if (soFar.includes('\n')) abort();
        },
      });
      expect(result.outcome).toEqual({ kind: 'cancelled' });
      const pid = Number(/pid=(\d+)/.exec(text)?.[1]);
      expect(pid).toBeGreaterThan(0);
      if (harness.isProcessAlive) await expectGone(pid);
    });

    it('does not let a background process that holds the output open survive the job', async () => {
      const { result, text } = await run(['sh', '-c', 'sleep 300 & echo bg=$!; echo ok']);
      expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      expect(text).toContain('ok\n');
      if (harness.isProcessAlive) await expectGone(Number(/bg=(\d+)/.exec(text)?.[1]));
    });

    it('does not let a detached background process survive the job', async () => {
      // A double fork with its output redirected: nothing ties it to the job but its process group.
      const script =
        '(while :; do echo tick >> heartbeat; sleep 1; done </dev/null >/dev/null 2>&1 & echo bg=$! > bg.pid); ' +
        'cat bg.pid; echo ok';
      const { result, text } = await run(['sh', '-c', script]);
      expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      expect(text).toContain('ok\n');
      if (harness.isProcessAlive) await expectGone(Number(/bg=(\d+)/.exec(text)?.[1]));
      else await expectFileStopsGrowing(path.join(workdir, 'heartbeat'));
    });
  });
}

function readText(file: string): Promise<string> {
  return readFile(file, 'utf8');
}
