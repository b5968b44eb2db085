import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { qemuProcessesUnder, vmToolsPresent } from '../executors/vm-test-image.ts';
import { withTempDir } from '../support/temp-dir.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

describe.skipIf(!vmToolsPresent)('ironbots local --executor vm', () => {
  it(
    'runs the demo PR’s contexts in VMs and exits 0 on success, leaving no qemu behind',
    { timeout: 900_000 },
    async () => {
      const state = await withTempDir('ironbots-local-vm-');
      const child = spawn(
        process.execPath,
        [
          path.join(repoRoot, 'cli/ironbots.ts'),
          'local',
          '--executor',
          'vm',
          '--timeout',
          '600',
          '--state-dir',
          state.dir,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(out).toMatch(/labels: .*executor:vm/);
      // The status description says how the VM ran: never silently slow.
      expect(out).toMatch(/unit\s+success\s+Passed in .* \[local-agent, VM, (KVM|TCG without KVM)\]/);
      expect(out).toMatch(/PR succeeded: /);
      expect(code, out).toBe(0);

      // The jobs ran in the guest: its kernel, not this machine's, and the log names the accelerator.
      const logsDir = path.join(state.dir, 'logs');
      const logs = await Promise.all(
        (await readdir(logsDir)).map((job) =>
          readFile(path.join(logsDir, job, 'output.log'), 'utf8').catch(() => ''),
        ),
      );
      const unitLog = logs.find((log) => log.includes('ok 1 - VERSION 1.1 is major.minor'));
      expect(unitLog).toBeDefined();
      // The first job of the image on this agent boots it cold (and saves its state); later ones restore it.
      expect(unitLog).toMatch(
        /ironbots: (booting a VM|restoring a saved VM state) of debian-busybox-[0-9a-f]{64}\.qcow2 under (KVM|TCG)/,
      );
      const guestKernel = /running on kernel (\S+)\n/.exec(unitLog!)?.[1];
      expect(guestKernel).toMatch(/-amd64$/);
      expect(guestKernel).not.toBe(os.release());

      expect(qemuProcessesUnder(state.dir)).toEqual([]);
      expect(
        await readdir(path.join(state.dir, 'executors', 'local-agent', 'vm', 'jobs')).catch(() => []),
      ).toEqual([]);
      await state.remove();
    },
  );
});
