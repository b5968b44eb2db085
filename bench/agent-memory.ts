import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundleCli } from '../build/bundle-cli.ts';
import { requiredLabels, type Job } from '../runner-agent/src/jobs/job.ts';
import { SqliteQueue } from '../runner-agent/src/queue/sqlite-queue.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');
const MiB = 1024 * 1024;
const STREAM_BYTES = 1024 * MiB;
/** 1 GiB of 100-byte lines, as fast as the shell can make them. */
/** IRONBOTS_NODE_FLAGS of deploy/ironbots-agent.service. */
const AGENT_NODE_FLAGS = ['--disable-optimizing-compilers', '--no-sparkplug', '--optimize-for-size'];
const STREAM_COMMAND = ['sh', '-c', `yes '${'x'.repeat(99)}' | head -c ${STREAM_BYTES}`];

/** VmRSS of a live process, in bytes (what the kernel charges it: anonymous memory and mapped file pages). */
async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb[1]) * 1024;
}

function start(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  return { child, output: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The memory of a process once it has started and then sat idle for `settleMs`. */
async function idleRss(
  args: string[],
  ready: (output: string) => boolean,
  settleMs: number,
): Promise<{ rss: number; child: ChildProcess; output: () => string }> {
  const { child, output } = start(args, { PATH: process.env.PATH ?? '/usr/bin:/bin' });
  try {
    await until(`${args.join(' ')} to start`, () => {
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited: ${output()}`);
      return ready(output());
    });
    await sleep(settleMs);
    return { rss: await rssOf(child.pid!), child, output };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

/** The highest RSS of `pid` while `done` is false, sampled every 20 ms, and how long it took. */
async function peakRssUntil(
  pid: number,
  done: () => Promise<boolean>,
): Promise<{ peak: number; ms: number }> {
  const t0 = performance.now();
  let peak = 0;
  let finished = false;
  const poll = (async () => {
    while (!finished) {
      finished = await done();
      await sleep(100);
    }
  })();
  while (!finished) {
    peak = Math.max(peak, await rssOf(pid).catch(() => 0));
    await sleep(20);
  }
  await poll;
  return { peak, ms: performance.now() - t0 };
}

/** The floor of streaming: a Node process piping the same command's output into a file, nothing else. */
async function baselineStream(dir: string): Promise<{ peak: number; ms: number }> {
  const script = `
    const { spawn } = require('node:child_process');
    const fs = require('node:fs');
    const out = fs.createWriteStream(${JSON.stringify(path.join(dir, 'baseline.log'))});
    const child = spawn(${JSON.stringify(STREAM_COMMAND[0])}, ${JSON.stringify(STREAM_COMMAND.slice(1))}, { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.pipe(out);
    out.on('finish', () => process.exit(0));`;
  const { child } = start(['-e', script], { PATH: process.env.PATH ?? '/usr/bin:/bin' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const result = await peakRssUntil(child.pid!, async () => gone);
  await rm(path.join(dir, 'baseline.log'), { force: true });
  return result;
}

interface Variant {
  name: string;
  args: (config: string) => string[];
}

interface Figures {
  idle: number[];
  streamPeak: number[];
  streamMs: number[];
}

/** One agent of the variant: idle RSS, then a job streaming 1 GiB of output through it (peak RSS, time). */
async function measureAgent(variant: Variant, dir: string, settleMs: number, figures: Figures) {
  const stateDir = await mkdtemp(path.join(dir, 'state-'));
  const config = path.join(stateDir, 'agent.yml');
  // The smallest agent: embedded SQLite queue, the process executor, its own log server for log links.
  await writeFile(
    config,
    `stateDir: ${stateDir}\nagent:\n  name: bench\n  listen: 127.0.0.1:0\n  executors: [process]\n`,
  );
  const agent = await idleRss(variant.args(config), (out) => out.includes('agent started'), settleMs);
  try {
    figures.idle.push(agent.rss);
    const jobs = await SqliteQueue.open<Job>({ path: path.join(stateDir, 'queue.db'), name: 'jobs' });
    try {
      const job: Job = {
        context: 'stream-1g',
        command: STREAM_COMMAND,
        labels: [],
        timeoutSeconds: 600,
        env: {},
        executor: 'process',
        trigger: { kind: 'api' },
        createdAt: new Date().toISOString(),
      };
      const { id } = await jobs.enqueue(job, { labels: requiredLabels(job) });
      const stream = await peakRssUntil(agent.child.pid!, async () => {
        const state = (await jobs.state(id))?.state;
        if (state === 'dead' || state === 'cancelled')
          throw new Error(`stream job ${state}: ${agent.output()}`);
        return state === 'done';
      });
      figures.streamPeak.push(stream.peak);
      figures.streamMs.push(stream.ms);
    } finally {
      await jobs.close();
    }
  } finally {
    await stop(agent.child);
    await rm(stateDir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1).padStart(5)} MiB`;

/**
 * `ironbots agent` (embedded SQLite queue, process executor) from the TypeScript sources and from the
 * bundle `npm run build` makes (built fresh here, from these sources), beside an empty Node process measured
 * in the same run: VmRSS once idle for 15 s, when V8's memory reducer has run (goal < 60 MiB), and the peak while a job streams 1 GiB of output through
 * the agent (the log store keeps the first logs.maxLogMegabytes, 50 by default, and reads on to the end),
 * beside a Node process that only pipes the same output into a file.
 */
export async function benchAgentMemory(runs = 3, settleMs = 15_000): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-memory-'));
  try {
    const bundle = path.join(dir, 'cli-dist');
    await bundleCli({
      entry: path.join(repoRoot, 'cli/ironbots.ts'),
      outDir: bundle,
      finalDir: bundle,
      cwd: repoRoot,
    });
    const entry = path.join(bundle, 'ironbots.mjs');
    const variants: Variant[] = [
      { name: 'sources (cli/ironbots.ts)', args: (c) => ['cli/ironbots.ts', 'agent', '--config', c] },
      { name: 'bundle (cli/dist)', args: (c) => [entry, 'agent', '--config', c] },
      // What deploy/ironbots-agent.service runs: V8's interpreter only, sized for memory. Not --lite-mode,
      // which takes WebAssembly away, and fetch with it (undici's HTTP parser).
      {
        name: 'bundle, interpreter only',
        args: (c) => [...AGENT_NODE_FLAGS, entry, 'agent', '--config', c],
      },
    ];
    const baseline: Figures = { idle: [], streamPeak: [], streamMs: [] };
    const results = new Map<string, Figures>(
      variants.map((v) => [v.name, { idle: [], streamPeak: [], streamMs: [] }]),
    );
    // Interleaved, so a busy moment of the machine hits every variant alike.
    for (let i = 0; i < runs; i++) {
      const empty = await idleRss(
        ['-e', 'console.log("up"); setInterval(() => {}, 1e3)'],
        (o) => o.includes('up'),
        settleMs,
      );
      baseline.idle.push(empty.rss);
      await stop(empty.child);
      const stream = await baselineStream(dir);
      baseline.streamPeak.push(stream.peak);
      baseline.streamMs.push(stream.ms);
      for (const variant of variants) await measureAgent(variant, dir, settleMs, results.get(variant.name)!);
    }
    const base = {
      idle: median(baseline.idle),
      peak: median(baseline.streamPeak),
      ms: median(baseline.streamMs),
    };
    console.log(
      `agent memory: VmRSS after ${settleMs / 1000} s idle, and the peak while a job streams 1 GiB (medians of ${runs}, ${process.version})`,
    );
    console.log(
      `  ${'baseline: empty node / node piping to a file'.padEnd(46)} idle ${mib(base.idle)}               stream peak ${mib(base.peak)}               ${(base.ms / 1000).toFixed(1)} s`,
    );
    for (const variant of variants) {
      const r = results.get(variant.name)!;
      const idle = median(r.idle);
      const peak = median(r.streamPeak);
      const ms = median(r.streamMs);
      console.log(
        `  ${`agent, ${variant.name}`.padEnd(46)} idle ${mib(idle)} (${(idle / base.idle).toFixed(2)}×)  stream peak ${mib(peak)} (${(peak / base.peak).toFixed(2)}×)  ${(ms / 1000).toFixed(1)} s (${(ms / base.ms).toFixed(2)}×)  goal: idle < 60 MiB`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
