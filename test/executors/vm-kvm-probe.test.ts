import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeAccelerator } from '../../runner-agent/src/vm/kvm-probe.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { vmToolsPresent } from './vm-test-image.ts';

/**
 * A stand-in qemu: `kvm` and `tcg` say what it does under each accelerator: run the guest (exit 99 like
 * the real tiny guest's isa-debug-exit), hang, or fail.
 */
async function fakeQemu(dir: string, behaviour: Record<'kvm' | 'tcg', 'runs' | 'hangs' | 'fails'>) {
  const action = {
    runs: 'exit 99',
    hangs: 'exec sleep 300',
    fails: 'echo "could not access KVM kernel module" >&2; exit 1',
  };
  const file = path.join(dir, 'qemu-system-x86_64');
  await writeFile(
    file,
    [
      '#!/bin/sh',
      'case "$2" in',
      `  kvm) ${action[behaviour.kvm]} ;;`,
      `  tcg) ${action[behaviour.tcg]} ;;`,
      'esac',
      'exit 2',
      '',
    ].join('\n'),
  );
  await chmod(file, 0o755);
  return file;
}

describe('KVM probe', () => {
  it('uses KVM when the tiny guest runs under it', async () => {
    const tmp = await withTempDir();
    const kvmDevice = path.join(tmp.dir, 'kvm');
    await writeFile(kvmDevice, '');
    const qemuPath = await fakeQemu(tmp.dir, { kvm: 'runs', tcg: 'runs' });
    expect(await probeAccelerator({ qemuPath, kvmDevice })).toEqual({ mode: 'kvm', describe: 'KVM' });
    await tmp.remove();
  });

  it('falls back to TCG, and says why, when the guest hangs under KVM', async () => {
    const tmp = await withTempDir();
    const kvmDevice = path.join(tmp.dir, 'kvm');
    await writeFile(kvmDevice, '');
    const qemuPath = await fakeQemu(tmp.dir, { kvm: 'hangs', tcg: 'runs' });
    const accelerator = await probeAccelerator({ qemuPath, kvmDevice, timeoutMs: 500 });
    expect(accelerator).toEqual({
      mode: 'tcg',
      kvmProblem: 'kvm guest hangs: no boot within 0.5 s',
      describe: 'TCG, slow: KVM unavailable (kvm guest hangs: no boot within 0.5 s)',
    });
    await tmp.remove();
  });

  it('falls back to TCG when qemu cannot use KVM, or there is no /dev/kvm', async () => {
    const tmp = await withTempDir();
    const kvmDevice = path.join(tmp.dir, 'kvm');
    await writeFile(kvmDevice, '');
    const failing = await fakeQemu(tmp.dir, { kvm: 'fails', tcg: 'runs' });
    expect(await probeAccelerator({ qemuPath: failing, kvmDevice })).toMatchObject({
      mode: 'tcg',
      kvmProblem: expect.stringContaining('could not access KVM kernel module'),
    });
    expect(
      await probeAccelerator({ qemuPath: failing, kvmDevice: path.join(tmp.dir, 'no-kvm') }),
    ).toMatchObject({ mode: 'tcg', kvmProblem: expect.stringMatching(/no-kvm is not usable \(ENOENT\)/) });
    await tmp.remove();
  });

  it('fails loudly when qemu cannot run a guest at all', async () => {
    const tmp = await withTempDir();
    const qemuPath = await fakeQemu(tmp.dir, { kvm: 'fails', tcg: 'fails' });
    await expect(probeAccelerator({ qemuPath, kvmDevice: path.join(tmp.dir, 'no-kvm') })).rejects.toThrow(
      /qemu cannot boot a guest even without KVM/,
    );
    await expect(
      probeAccelerator({ qemuPath: path.join(tmp.dir, 'not-installed'), kvmDevice: '/nonexistent' }),
    ).rejects.toThrow(/cannot run .*not-installed/);
    await tmp.remove();
  });

  it.skipIf(!vmToolsPresent)('boots the real tiny guest with the real qemu, under KVM or TCG', async () => {
    const accelerator = await probeAccelerator();
    // Here /dev/kvm may exist and hang (nested without VMX): then TCG, with the reason.
    if (accelerator.mode === 'tcg') expect(accelerator.kvmProblem).toMatch(/.+/);
    else expect(accelerator).toEqual({ mode: 'kvm', describe: 'KVM' });
    // The real tiny guest runs under TCG wherever qemu works.
    const tcgOnly = await probeAccelerator({ kvmDevice: '/nonexistent/kvm' });
    expect(tcgOnly).toMatchObject({ mode: 'tcg', kvmProblem: expect.stringContaining('ENOENT') });
  });
});
