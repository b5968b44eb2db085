import { readFileSync, realpathSync } from 'node:fs';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionRequest } from '../../runner-agent/src/executors/executor.ts';
import { buildJobEnvironment, DEFAULT_JOB_PATH } from '../../runner-agent/src/executors/job-environment.ts';
import { ProcessExecutor } from '../../runner-agent/src/executors/process-executor.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { executorContract } from './executor-contract.ts';

/** Alive means running: a zombie (an orphan nobody reaped, e.g. without an init in a container) is gone. */
function isProcessAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

executorContract('process', async () => ({
  executor: new ProcessExecutor({ killGraceMs: 1_000 }),
  cleanup: async () => undefined,
  isProcessAlive,
}));

describe('ProcessExecutor', () => {
  let workdir: string;
  let remove: () => Promise<void>;

  beforeEach(async () => {
    const tmp = await withTempDir('ironbots-process-');
    workdir = realpathSync(tmp.dir);
    remove = tmp.remove;
  });
  afterEach(async () => remove());

  async function run(
    argv: string[],
    overrides: Partial<ExecutionRequest> = {},
    executor = new ProcessExecutor(),
  ) {
    const chunks: Buffer[] = [];
    const controller = new AbortController();
    const result = await executor.run(
      { jobId: 'j1', argv, workdir, env: { PATH: DEFAULT_JOB_PATH }, timeoutMs: 30_000, ...overrides },
      { onOutput: (c) => chunks.push(c), signal: controller.signal },
    );
    return { result, text: Buffer.concat(chunks).toString('utf8') };
  }

  it('keeps stdout and stderr in the order the job wrote them', async () => {
    const { result, text } = await run(['sh', '-c', 'for i in 1 2 3; do echo out $i; echo err $i >&2; done']);
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(text).toBe('out 1\nerr 1\nout 2\nerr 2\nout 3\nerr 3\n');
  });

  it('lets the job open /dev/stdout and /dev/stderr, as scripts do', async () => {
    const { result, text } = await run([
      'sh',
      '-c',
      'echo one >/dev/stdout; echo two >/dev/stderr; echo three | tee /dev/stderr',
    ]);
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(text).toBe('one\ntwo\nthree\nthree\n');
  });

  it('hands out views of one reused buffer when the caller copies (transientChunks), losing nothing', async () => {
    const copies: Buffer[] = [];
    const seen = new Set<ArrayBufferLike>();
    const bytes = 4 * 1024 * 1024;
    const result = await new ProcessExecutor().run(
      {
        jobId: 'j1',
        argv: ['head', '-c', String(bytes), '/dev/urandom'],
        workdir,
        env: { PATH: DEFAULT_JOB_PATH },
        timeoutMs: 30_000,
      },
      {
        onOutput: (chunk) => {
          seen.add(chunk.buffer);
          copies.push(Buffer.from(chunk));
        },
        transientChunks: true,
        signal: new AbortController().signal,
      },
    );
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(Buffer.concat(copies).length).toBe(bytes);
    expect(copies.length).toBeGreaterThan(1);
    expect(seen.size).toBe(1);
  });

  it('leaves no output pipe behind in the temporary directory', async () => {
    const before = (await readdir(os.tmpdir())).filter((name) => name.startsWith('ironbots-output-'));
    await run(['echo', 'hi']);
    const after = (await readdir(os.tmpdir())).filter((name) => name.startsWith('ironbots-output-'));
    expect(after.filter((name) => !before.includes(name))).toEqual([]);
  });

  it('offers the executor:process label', async () => {
    const executor = new ProcessExecutor();
    expect(executor.name).toBe('process');
    expect(await executor.labels()).toEqual(['executor:process']);
  });

  it('reports an unknown command as exit code 127 with a clear line, like a shell', async () => {
    const { result, text } = await run(['no-such-command-for-ironbots']);
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 127 });
    expect(text).toBe('ironbots: command not found: no-such-command-for-ironbots\n');
  });

  it('reports a missing script path as 127 and a non-executable file as 126', async () => {
    expect((await run(['./missing.sh'])).result.outcome).toEqual({ kind: 'exited', exitCode: 127 });
    await writeFile(path.join(workdir, 'script.sh'), '#!/bin/sh\necho hi\n');
    const { result, text } = await run(['./script.sh']);
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 126 });
    expect(text).toBe('ironbots: permission denied: ./script.sh\n');
    await chmod(path.join(workdir, 'script.sh'), 0o755);
    expect(await run(['./script.sh'])).toMatchObject({
      result: { outcome: { kind: 'exited', exitCode: 0 } },
      text: 'hi\n',
    });
  });

  it('looks commands up in the job’s PATH, not the agent’s', async () => {
    const tools = path.join(workdir, 'tools');
    await mkdir(tools);
    await writeFile(path.join(tools, 'ironbots-test-tool'), '#!/bin/sh\necho "tool ran: $0"\n', {
      mode: 0o755,
    });

    const found = await run(['ironbots-test-tool'], { env: { PATH: `${tools}:/usr/bin:/bin` } });
    expect(found.result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(found.text).toBe(`tool ran: ${tools}/ironbots-test-tool\n`);

    const agentPath = process.env.PATH;
    process.env.PATH = `${tools}:${agentPath}`;
    try {
      const missing = await run(['ironbots-test-tool'], { env: { PATH: '/usr/bin:/bin' } });
      expect(missing.result.outcome).toEqual({ kind: 'exited', exitCode: 127 });
    } finally {
      process.env.PATH = agentPath;
    }
  });

  it('runs with the workdir as cwd and with exactly the given environment', async () => {
    expect((await run(['pwd'])).text).toBe(`${workdir}\n`);
    const env = { PATH: DEFAULT_JOB_PATH, ONLY: 'this' };
    const { text } = await run(['env'], { env });
    expect(text.split('\n').filter(Boolean).sort()).toEqual(['ONLY=this', `PATH=${DEFAULT_JOB_PATH}`]);
  });

  it('kills a command that ignores SIGTERM after the grace period', async () => {
    const { result, text } = await run(
      ['sh', '-c', 'trap "" TERM; echo pid=$$; sleep 300 & echo bg=$!; wait'],
      { timeoutMs: 500 },
      new ProcessExecutor({ killGraceMs: 300 }),
    );
    expect(result.outcome).toEqual({ kind: 'timed-out' });
    for (const match of text.matchAll(/(?:pid|bg)=(\d+)/g))
      expect(isProcessAlive(Number(match[1]))).toBe(false);
    expect([...text.matchAll(/(?:pid|bg)=(\d+)/g)]).toHaveLength(2);
  });

  it('stops what left the job’s process group (setsid), found by IRONBOTS_JOB_ID in its environment', async () => {
    const jobId = `escape-${process.pid}-${Date.now()}`;
    const { result, text } = await run(
      ['sh', '-c', "setsid sh -c 'echo escaped=$$; exec sleep 300' </dev/null & sleep 0.5"],
      { jobId, env: { PATH: DEFAULT_JOB_PATH, IRONBOTS_JOB_ID: jobId } },
    );
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    const escaped = Number(/escaped=(\d+)/.exec(text)?.[1]);
    expect(escaped).toBeGreaterThan(0);
    expect(isProcessAlive(escaped)).toBe(false);
  });

  it('reports a command killed by a signal as 128 + signal number, like a shell', async () => {
    const { result } = await run(['sh', '-c', 'kill -9 $$']);
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 137 });
  });

  it('does not start a command whose job is already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await new ProcessExecutor().run(
      {
        jobId: 'j',
        argv: ['sh', '-c', 'echo ran > ran.txt'],
        workdir,
        env: { PATH: DEFAULT_JOB_PATH },
        timeoutMs: 10_000,
      },
      { onOutput: () => undefined, signal: controller.signal },
    );
    expect(result.outcome).toEqual({ kind: 'cancelled' });
    expect(await readdir(workdir)).toEqual([]);
  });

  it('reports a missing working directory as an infrastructure error', async () => {
    const { result } = await run(['true'], { workdir: path.join(workdir, 'gone') });
    expect(result.outcome).toMatchObject({ kind: 'infrastructure-error' });
  });
});

describe('buildJobEnvironment', () => {
  const AGENT_SECRET = 'ghp_agent-token-that-no-job-may-see';

  beforeEach(() => {
    process.env.IRONBOTS_TEST_AGENT_TOKEN = AGENT_SECRET;
  });
  afterEach(() => {
    delete process.env.IRONBOTS_TEST_AGENT_TOKEN;
  });

  it('is the allow-list, the CI variables and the job’s variables, and nothing else', () => {
    const env = buildJobEnvironment({
      jobEnv: { FOO: 'bar', LANG: 'de_DE.UTF-8' },
      ci: { IRONBOTS: 'true', IRONBOTS_JOB_ID: 'j1' },
      home: '/work/j1',
    });
    expect(env).toEqual({
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: '/work/j1',
      LANG: 'de_DE.UTF-8',
      TERM: 'dumb',
      CI: 'true',
      IRONBOTS: 'true',
      IRONBOTS_JOB_ID: 'j1',
      FOO: 'bar',
    });
    expect(Object.values(env)).not.toContain(AGENT_SECRET);
  });

  it('takes a PATH', () => {
    expect(buildJobEnvironment({ ci: {}, path: '/opt/bin:/bin', home: '/h' }).PATH).toBe('/opt/bin:/bin');
  });

  it('keeps the agent’s secrets away from a job run with it', async () => {
    const tmp = await withTempDir();
    try {
      const chunks: Buffer[] = [];
      const result = await new ProcessExecutor().run(
        {
          jobId: 'j',
          argv: ['env'],
          workdir: tmp.dir,
          env: buildJobEnvironment({ ci: { IRONBOTS_JOB_ID: 'j' }, home: tmp.dir }),
          timeoutMs: 10_000,
        },
        { onOutput: (c) => chunks.push(c), signal: new AbortController().signal },
      );
      expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      const text = Buffer.concat(chunks).toString('utf8');
      expect(text).toContain('IRONBOTS_JOB_ID=j\n');
      expect(text).not.toContain(AGENT_SECRET);
      expect(text).not.toContain('IRONBOTS_TEST_AGENT_TOKEN');
    } finally {
      await tmp.remove();
    }
  });

  it('refuses variable names execve cannot pass', () => {
    expect(() => buildJobEnvironment({ jobEnv: { 'A=B': 'x' }, ci: {}, home: '/h' })).toThrow(
      /invalid environment/,
    );
    expect(() => buildJobEnvironment({ jobEnv: { A: 'x\0y' }, ci: {}, home: '/h' })).toThrow(/NUL/);
  });
});
