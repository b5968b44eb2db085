import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { liveGroupMembers } from '../../runner-agent/src/executors/process-group.ts';
import { ProcessExecutor } from '../../runner-agent/src/executors/process-executor.ts';
import { capturingLogger } from '../support/capturing-logger.ts';
import { withTempDir } from '../support/temp-dir.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

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
    // The process group's record (beside it: the output pipe made ahead for a next job).
    const [recordFile] = (await readdir(leftoverDir)).filter((file) => file.endsWith('.json'));
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
    // Only the output pipe made ahead for the next job, which the next start removes if it is never used.
    expect(await readdir(leftoverDir)).toEqual([expect.stringMatching(/^ironbots-output-/)]);
    await new ProcessExecutor({ leftoverDir }).reapLeftovers();
    expect(await readdir(leftoverDir)).toEqual([]);
    await tmp.remove();
  });

  it('removes torn records and temporary files with a warning, and still reaps the good ones', async () => {
    const tmp = await withTempDir();
    const leftoverDir = path.join(tmp.dir, 'process-groups');
    const agent = spawn(
      process.execPath,
      [path.join(import.meta.dirname, '../support/agent-that-dies.ts'), leftoverDir, tmp.dir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) =>
      createInterface({ input: agent.stdout! }).once('line', () => resolve()),
    );
    const [goodRecord] = (await readdir(leftoverDir)).filter((file) => file.endsWith('.json'));
    const { pgid } = JSON.parse(await readFile(path.join(leftoverDir, goodRecord!), 'utf8')) as {
      pgid: number;
    };
    agent.kill('SIGKILL');
    await new Promise((resolve) => agent.once('close', resolve));
    // What a crash can leave: an empty record, a half-written one, the temporary file of a write.
    await writeFile(path.join(leftoverDir, '4242.json'), '');
    await writeFile(path.join(leftoverDir, '4243.json'), '{"pgid":42');
    await writeFile(path.join(leftoverDir, '4244.json.tmp-1-abcd'), '{"pg');

    const { logger, entries } = capturingLogger();
    await new ProcessExecutor({ leftoverDir, killGraceMs: 500, logger }).reapLeftovers();
    expect(liveGroupMembers(pgid)).toEqual([]);
    expect(await readdir(leftoverDir)).toEqual([]);
    const warned = entries()
      .filter((e) => e.level === 40)
      .map((e) => path.basename(String(e.file)))
      .sort();
    expect(warned).toEqual(['4242.json', '4243.json']);
    await tmp.remove();
  });
});

describe('`ironbots agent` after a crash', () => {
  it('starts although a process record was left empty, and says it removed it', async () => {
    const tmp = await withTempDir();
    const stateDir = path.join(tmp.dir, 'state');
    const leftoverDir = path.join(stateDir, 'executors', 'box-1', 'process-groups');
    await mkdir(leftoverDir, { recursive: true });
    await writeFile(path.join(leftoverDir, '31337.json'), '');
    const configFile = path.join(tmp.dir, 'config.yml');
    await writeFile(
      configFile,
      [`stateDir: ${stateDir}`, 'agent:', '  name: box-1', '  listen: 127.0.0.1:0', ''].join('\n'),
    );
    const agent = spawn(
      process.execPath,
      [path.join(repoRoot, 'cli/ironbots.ts'), 'agent', '--config', configFile],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const closed = new Promise((resolve) => agent.once('close', resolve));
    const logs: { msg?: string; file?: string; level?: number }[] = [];
    let output = '';
    const started = await new Promise<boolean>((resolve) => {
      createInterface({ input: agent.stderr! }).on('line', (line) => {
        output += `${line}\n`;
        if (!line.startsWith('{')) return;
        const entry = JSON.parse(line) as { msg?: string };
        logs.push(entry);
        if (entry.msg === 'agent started') resolve(true);
      });
      void closed.then(() => resolve(false));
    });
    agent.kill('SIGTERM');
    await closed;
    expect(started, output).toBe(true);
    expect(logs.find((e) => e.level === 40 && e.file?.endsWith('31337.json'))?.msg).toMatch(/cannot be read/);
    expect(await readdir(leftoverDir)).toEqual([]);
    await tmp.remove();
  });
});
