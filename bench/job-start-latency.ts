import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Agent, type AgentEvent } from '../runner-agent/src/agent/agent.ts';
import { ProcessExecutor } from '../runner-agent/src/executors/process-executor.ts';
import { requiredLabels, type Job } from '../runner-agent/src/jobs/job.ts';
import { FilesystemLogStore } from '../runner-agent/src/logs/filesystem-log-store.ts';
import { silentLogger } from '../core/logger.ts';
import { SecretRegistry } from '../core/secrets.ts';
import { SqliteQueue } from '../runner-agent/src/queue/sqlite-queue.ts';
import { ms, summarize } from './stats.ts';

/** How long `spawn()` takes to start `true` by hand: the floor any executor sits on. */
async function bareSpawn(count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn('true', [], { stdio: 'ignore' });
      child.once('spawn', () => samples.push(performance.now() - t0));
      child.once('error', reject);
      child.once('close', () => resolve());
    });
  }
  return samples;
}

/** Enqueue → the job's process has started, through the durable queue and an idle agent. */
async function enqueueToStart(count: number): Promise<number[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-start-'));
  const jobs = await SqliteQueue.open<Job>({ path: path.join(dir, 'queue.db'), name: 'jobs' });
  // Jobs run one after another, so one pending sample at a time.
  let onStarted: (at: number) => void = () => undefined;
  let onFinished: () => void = () => undefined;
  const agent = new Agent({
    name: 'bench',
    labels: [],
    jobs,
    // As a deployment builds it: the leftover records' directory also holds the next job's output pipe.
    executors: [new ProcessExecutor({ leftoverDir: path.join(dir, 'process-groups') })],
    forge: null,
    logStore: new FilesystemLogStore({ root: path.join(dir, 'logs'), secrets: new SecretRegistry() }),
    logUrl: (id) => `http://127.0.0.1/logs/${id}`,
    workRoot: path.join(dir, 'work'),
    logger: silentLogger(),
    secrets: new SecretRegistry(),
    onEvent: (event: AgentEvent) => {
      if (event.type === 'started') onStarted(event.at);
      if (event.type === 'finished') onFinished();
    },
  });
  await agent.start();
  const samples: number[] = [];
  const job: Job = {
    context: 'bench',
    command: ['true'],
    labels: [],
    timeoutSeconds: 60,
    env: {},
    executor: 'process',
    trigger: { kind: 'api' },
    createdAt: new Date().toISOString(),
  };
  try {
    for (let i = 0; i < count; i++) {
      const startedAt = new Promise<number>((resolve) => (onStarted = resolve));
      const done = new Promise<void>((resolve) => (onFinished = resolve));
      const t0 = performance.timeOrigin + performance.now();
      await jobs.enqueue(job, { labels: requiredLabels(job) });
      samples.push((await startedAt) - t0);
      await done;
    }
  } finally {
    await agent.stop();
    await jobs.close();
    await rm(dir, { recursive: true, force: true });
  }
  return samples;
}

export async function benchJobStartLatency(count = 200): Promise<void> {
  await bareSpawn(20);
  const baseline = summarize(await bareSpawn(count));
  const ironbots = summarize(await enqueueToStart(count));
  console.log(`enqueue → job start (process executor, ${count} jobs one after another, idle agent)`);
  console.log(
    `  baseline  spawn('true') by hand:               p50 ${ms(baseline.p50)}  p99 ${ms(baseline.p99)}`,
  );
  console.log(
    `  ironbots  enqueue → agent lease → spawn:        p50 ${ms(ironbots.p50)}  p99 ${ms(ironbots.p99)}`,
  );
  console.log(
    `  ratio     p50 ${(ironbots.p50 / baseline.p50).toFixed(2)}×, p99 ${(ironbots.p99 / baseline.p99).toFixed(2)}×  (goal: p50 < 20 ms)`,
  );
}
