import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { VmExecutor } from '../../runner-agent/src/executors/vm-executor.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { qemuProcessesUnder, testImage, vmToolsPresent } from './vm-test-image.ts';

describe.skipIf(!vmToolsPresent)('vm executor after the agent was killed', () => {
  it.each([
    ['at the next agent start', false],
    ['while an agent runs, as a VM with no live job', true],
  ])(
    'kills the VM and removes the overlay a kill -9 of the agent left behind, %s',
    { timeout: 240_000 },
    async (_when, orphans) => {
      const image = await testImage();
      const tmp = await withTempDir('ironbots-vm-leftovers-');
      const stateDir = path.join(tmp.dir, 'state');
      const agent = spawn(
        process.execPath,
        [path.join(import.meta.dirname, 'vm-agent-that-dies.ts'), stateDir, tmp.dir, image.path],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: agent.stdout! }).once('line', () => resolve());
        agent.once('close', (code) => reject(new Error(`the agent exited (${code}) before its job started`)));
      });
      const [jobDir] = await readdir(path.join(stateDir, 'jobs'));
      expect(await readdir(path.join(stateDir, 'jobs', jobDir!))).toContain('overlay.qcow2');
      const { jobId } = JSON.parse(
        await readFile(path.join(stateDir, 'jobs', jobDir!, 'job.json'), 'utf8'),
      ) as {
        jobId: string;
      };

      agent.kill('SIGKILL');
      await new Promise((resolve) => agent.once('close', resolve));
      // The job's VM outlived its agent…
      expect(qemuProcessesUnder(stateDir)).toHaveLength(1);

      // …until the next agent starts (or a running agent looks for VMs whose job it does not run).
      const executor = new VmExecutor({ stateDir, accelerator: { mode: 'tcg', describe: 'TCG' } });
      if (orphans) {
        // The job is one this agent runs: left alone. Then it is not: stopped, and counted.
        expect(await executor.reapOrphans(new Set([jobId]))).toBe(0);
        expect(qemuProcessesUnder(stateDir)).toHaveLength(1);
        expect(await executor.reapOrphans(new Set(['another-job']))).toBe(1);
      } else expect(await executor.reapLeftovers()).toBe(1);
      expect(qemuProcessesUnder(stateDir)).toEqual([]);
      expect(await readdir(path.join(stateDir, 'jobs'))).toEqual([]);
      await tmp.remove();
    },
  );

  it('leaves a qemu that is not its own alone', async () => {
    const tmp = await withTempDir('ironbots-vm-leftovers-');
    const stateDir = path.join(tmp.dir, 'state');
    // A stale pidfile naming a live process that is not our VM (pids get reused): this test's own process.
    const jobDir = path.join(stateDir, 'jobs', 'stale-job-0000');
    await import('node:fs/promises').then(async (fs) => {
      await fs.mkdir(jobDir, { recursive: true });
      await fs.writeFile(path.join(jobDir, 'qemu.pid'), `${process.pid}\n`);
    });
    await new VmExecutor({ stateDir, accelerator: { mode: 'tcg', describe: 'TCG' } }).reapLeftovers();
    expect(await readdir(path.join(stateDir, 'jobs'))).toEqual([]);
    await tmp.remove();
  });
});
