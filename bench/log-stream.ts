import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, type AgentEvent } from '../runner-agent/src/agent/agent.ts';
import { OutputFifo } from '../runner-agent/src/executors/output-fifo.ts';
import { ProcessExecutor } from '../runner-agent/src/executors/process-executor.ts';
import { requiredLabels, type Job } from '../runner-agent/src/jobs/job.ts';
import { FilesystemLogStore } from '../runner-agent/src/logs/filesystem-log-store.ts';
import { silentLogger } from '../core/logger.ts';
import { SecretRegistry } from '../core/secrets.ts';
import { SqliteQueue } from '../runner-agent/src/queue/sqlite-queue.ts';
import { summarize } from './stats.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** A job's output as CI jobs print it: lines of text, none of them a secret. */
const LINE = 'ok 1234 - test/widget/frobnicate.test.ts > frobnicates a 42-byte widget (3 ms) [ghp_ci 5/5]';
/** Tokens a deployment registers (forge token, webhook secret, API token): every chunk is checked for them. */
const SECRETS = [
  'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB',
  'webhook-secret-0123456789abcdef',
  'api-token-fedcba9876543210',
];

function producer(bytes: number): string {
  return `yes '${LINE}' | head -c ${bytes}`;
}

interface Run {
  seconds: number;
  /** CPU time of the reading process (not of the command): unlike wall time, barely moved by a busy machine. */
  cpuSeconds?: number;
  idleRssBytes?: number;
  peakRssBytes?: number;
}

/** The same command with its output through a pipe into `cat > /dev/null`: what the shell does. */
async function pipeToDevNull(bytes: number): Promise<Run> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('sh', ['-c', `${producer(bytes)} | cat > /dev/null`], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
  });
  return { seconds: (performance.now() - t0) / 1000 };
}

/** The command's stdout read by Node and thrown away: the floor for anything in Node reading the pipe. */
async function nodeReadsAndDiscards(bytes: number): Promise<Run> {
  const t0 = performance.now();
  const cpuBefore = process.cpuUsage();
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('sh', ['-c', producer(bytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (chunk: Buffer) => (seen += chunk.length));
    child.once('error', reject);
    child.once('close', () => resolve());
  });
  if (seen !== bytes) throw new Error(`read ${seen} of ${bytes} bytes`);
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/**
 * The command's stdout read by Node into one reused buffer, as the agent reads a job's output pipe, and
 * thrown away: the floor for the agent's reading (what the agent does past its reader is the rest).
 */
async function nodeReadsFifoAndDiscards(bytes: number): Promise<Run> {
  const fifo = await OutputFifo.make();
  const t0 = performance.now();
  const cpuBefore = process.cpuUsage();
  let seen = 0;
  const output = OutputFifo.open(fifo, (chunk) => (seen += chunk.length));
  await new Promise<void>((resolve, reject) => {
    const child = spawn('sh', ['-c', producer(bytes)], { stdio: ['ignore', output.writeFd, 'inherit'] });
    output.closeWriteEnd();
    child.once('error', reject);
    child.once('close', () => resolve());
  });
  await output.closed;
  if (seen !== bytes) throw new Error(`read ${seen} of ${bytes} bytes`);
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/**
 * In a process of its own (so RSS starts from an agent that streamed nothing yet): an agent with the
 * process executor and a filesystem log store redacting a deployment's secrets runs the command; its RSS
 * is sampled every 10 ms. Prints one JSON line.
 */
async function agentRun(bytes: number, maxLogBytes: number): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-logs-'));
  const jobs = await SqliteQueue.open<Job>({ path: path.join(dir, 'queue.db'), name: 'jobs' });
  const secrets = new SecretRegistry();
  for (const secret of SECRETS) secrets.add(secret);
  let onStarted: (at: number) => void = () => undefined;
  let onFinished: (at: number) => void = () => undefined;
  const logStore = new FilesystemLogStore({ root: path.join(dir, 'logs'), secrets, maxLogBytes });
  const agent = new Agent({
    name: 'bench',
    labels: [],
    jobs,
    // As a deployment builds it: the leftover records' directory also holds the next job's output pipe.
    executors: [new ProcessExecutor({ leftoverDir: path.join(dir, 'process-groups') })],
    forge: null,
    logStore,
    logUrl: (id) => `http://127.0.0.1/logs/${id}`,
    workRoot: path.join(dir, 'work'),
    logger: silentLogger(),
    secrets,
    onEvent: (event: AgentEvent) => {
      if (event.type === 'started') onStarted(event.at);
      if (event.type === 'finished') onFinished(event.at);
    },
  });
  await agent.start();
  const job = (command: string): Job => ({
    context: 'bench',
    command: ['sh', '-c', command],
    labels: [],
    timeoutSeconds: 600,
    env: {},
    executor: 'process',
    trigger: { kind: 'api' },
    createdAt: new Date().toISOString(),
  });
  const runJob = async (command: string): Promise<{ started: number; finished: number; id: string }> => {
    const started = new Promise<number>((resolve) => (onStarted = resolve));
    const finished = new Promise<number>((resolve) => (onFinished = resolve));
    const { id } = await jobs.enqueue(job(command), { labels: requiredLabels(job(command)) });
    return { started: await started, finished: await finished, id };
  };
  try {
    // Warm-up: every module of the job's path loaded and run once, as in an agent that ran a job before.
    await runJob(producer(4 * MiB));
    await new Promise((r) => setTimeout(r, 500));
    const idle: number[] = [];
    for (let i = 0; i < 10; i++) {
      idle.push(process.memoryUsage.rss());
      await new Promise((r) => setTimeout(r, 20));
    }
    const idleRssBytes = Math.max(...idle);
    let peakRssBytes = idleRssBytes;
    const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss())), 10);
    const cpuBefore = process.cpuUsage();
    const { started, finished, id } = await runJob(producer(bytes));
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(sampler);
    const meta = await logStore.meta(id);
    if (meta?.state !== 'success') throw new Error(`the bench job ended ${meta?.state}`);
    const stored = (await stat(path.join(dir, 'logs', id, 'output.log'))).size;
    if (stored + (meta.droppedBytes ?? 0) < bytes) throw new Error(`the log lost output: ${stored} stored`);
    const run: Run = {
      seconds: (finished - started) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      idleRssBytes,
      peakRssBytes,
    };
    console.log(JSON.stringify(run));
  } finally {
    await agent.stop();
    await jobs.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function agentRunInChild(bytes: number, maxLogBytes: number): Promise<Run> {
  const child = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), 'agent-run', String(bytes), String(maxLogBytes)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const out: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`the agent run exited with ${code}`);
  return JSON.parse(Buffer.concat(out).toString('utf8').trim().split('\n').at(-1)!) as Run;
}

const mbps = (bytes: number, run: Run) => bytes / 1e6 / run.seconds;
const mb = (value: number) => `${(value / 1e6).toFixed(1)} MB`;
const median = (values: number[]) => summarize(values).p50;

/**
 * A job writing 1 GiB to stdout through the agent (process executor → log writer with secret redaction →
 * filesystem store, default 50 MiB cap), beside the same command piped into /dev/null and beside Node
 * reading the pipe and discarding it, in the same run; and the agent's RSS while it streams, against its
 * RSS when idle. A second figure streams 256 MiB under a cap above that, so every byte is redacted and
 * written. Goals: streaming ≥ 0.8× the pipe; RSS while streaming < idle + 20 MB.
 */
export async function benchLogStream(repeats = 5): Promise<void> {
  const bytes = GiB;
  const underCap = 256 * MiB;
  const pipe: Run[] = [];
  const nodeFloor: Run[] = [];
  const fifoFloor: Run[] = [];
  const capped: Run[] = [];
  const kept: Run[] = [];
  // Interleaved, and each ratio taken within one round: a machine busy with other work slows all alike.
  for (let i = 0; i < repeats; i++) {
    pipe.push(await pipeToDevNull(bytes));
    nodeFloor.push(await nodeReadsAndDiscards(bytes));
    fifoFloor.push(await nodeReadsFifoAndDiscards(bytes));
    capped.push(await agentRunInChild(bytes, 50 * MiB));
    kept.push(await agentRunInChild(underCap, 2 * underCap));
  }
  const rate = (runs: Run[], size: number) => median(runs.map((r) => mbps(size, r)));
  const ratio = (runs: Run[], size: number) =>
    median(runs.map((r, i) => mbps(size, r) / mbps(bytes, pipe[i]!))).toFixed(2);
  const cpuPerGiB = (runs: Run[], size: number) =>
    `${median(runs.map((r) => (r.cpuSeconds! * GiB) / size)).toFixed(2)} CPU s/GiB`;
  const delta = (runs: Run[]) => median(runs.map((r) => r.peakRssBytes! - r.idleRssBytes!));
  const list = (runs: Run[], size: number) => runs.map((r) => mbps(size, r).toFixed(0)).join(' ');
  console.log(
    `job log streaming (process executor, ${SECRETS.length} secrets registered, median of ${repeats})`,
  );
  console.log(`  baseline  1 GiB piped into cat > /dev/null:     ${rate(pipe, bytes).toFixed(0)} MB/s`);
  console.log(
    `  floor     1 GiB read by Node, discarded:         ${rate(nodeFloor, bytes).toFixed(0)} MB/s  ${ratio(nodeFloor, bytes)}× the pipe  ${cpuPerGiB(nodeFloor, bytes)}`,
  );
  console.log(
    `  floor     1 GiB read by Node into one buffer:    ${rate(fifoFloor, bytes).toFixed(0)} MB/s  ${ratio(fifoFloor, bytes)}× the pipe  ${cpuPerGiB(fifoFloor, bytes)}  (how the agent reads a job's output)`,
  );
  console.log(
    `  ironbots  1 GiB through the agent (50 MiB cap):  ${rate(capped, bytes).toFixed(0)} MB/s  ${ratio(capped, bytes)}× the pipe  ${cpuPerGiB(capped, bytes)}  (goal ≥ 0.80× the pipe)`,
  );
  console.log(
    `  ironbots  256 MiB all kept (redacted, written): ${rate(kept, underCap).toFixed(0)} MB/s  ${ratio(kept, underCap)}× the pipe  ${cpuPerGiB(kept, underCap)}`,
  );
  console.log(
    `  agent RSS idle ${mb(median(capped.map((r) => r.idleRssBytes!)))}; streaming 1 GiB +${mb(delta(capped))}, 256 MiB all kept +${mb(delta(kept))}  (goal < +20 MB)`,
  );
  console.log(
    `  runs (MB/s): pipe ${list(pipe, bytes)} | floor ${list(nodeFloor, bytes)} | one buffer ${list(fifoFloor, bytes)} | 1 GiB ${list(capped, bytes)} | all kept ${list(kept, underCap)}`,
  );
}

if (import.meta.main && process.argv[2] === 'agent-run')
  await agentRun(Number(process.argv[3]), Number(process.argv[4]));
else if (import.meta.main) await benchLogStream();
