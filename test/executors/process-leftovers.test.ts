import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { liveGroupMembers } from '../../runner-agent/src/executors/process-group.ts';
import { ProcessExecutor } from '../../runner-agent/src/executors/process-executor.ts';
import { withTempDir } from '../support/temp-dir.ts';

describe('process executor after the agent was killed', () => {
  it('reaps the job processes a kill -9 of the agent left running', async () => {
    const tmp = await withTempDir();
    const leftoverDir = path.join(tmp.dir, 'process-groups');
    const agent = spawn(
      process.execPath,
      [path.join(import.meta.dirname, '../support/agent-that-dies.ts'), leftoverDir, tmp.dir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve) =>
      createInterface({ input: agent.stdout! }).once('line', () => resolve()),
    );
    const [recordFile] = await readdir(leftoverDir);
    const { pgid, jobId } = JSON.parse(await readFile(path.join(leftoverDir, recordFile!), 'utf8')) as {
      pgid: number;
      jobId: string;
    };
    expect(jobId).toBe('doomed-job');

    agent.kill('SIGKILL');
    await new Promise((resolve) => agent.once('close', resolve));
    // The job's own process group outlived its agent…
    expect(liveGroupMembers(pgid)!.length).toBeGreaterThanOrEqual(2);

    // …until the next agent starts.
    await new ProcessExecutor({ leftoverDir, killGraceMs: 500 }).reapLeftovers();
    expect(liveGroupMembers(pgid)).toEqual([]);
    expect(await readdir(leftoverDir)).toEqual([]);
    await tmp.remove();
  });

  it('leaves no record behind for a job that ended normally', async () => {
    const tmp = await withTempDir();
    const leftoverDir = path.join(tmp.dir, 'process-groups');
    const executor = new ProcessExecutor({ leftoverDir });
    const result = await executor.run(
      { jobId: 'j', argv: ['true'], workdir: tmp.dir, env: { PATH: '/usr/bin:/bin' }, timeoutMs: 10_000 },
      { onOutput: () => undefined, signal: new AbortController().signal },
    );
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(await readdir(leftoverDir)).toEqual([]);
    await tmp.remove();
  });
});
