import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { VmExecutor } from '../../runner-agent/src/executors/vm-executor.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { executorContract } from './executor-contract.ts';
import { qemuProcessesUnder, testImage, vmToolsPresent } from './vm-test-image.ts';

// `npm test` runs the busybox contract restored from a saved state (the default); this is the cold boot.
if (vmToolsPresent) {
  executorContract('vm, busybox, cold boot', async () => {
    const image = await testImage();
    const state = await withTempDir('ironbots-vm-state-');
    return {
      executor: new VmExecutor({ stateDir: state.dir, savedStates: false }),
      image: image.path,
      extraEnvNames: ['IRONBOTS_HOST_ADDRESS', 'IRONBOTS_FORWARDED_PORT'],
      cleanup: async () => {
        expect(qemuProcessesUnder(state.dir)).toEqual([]);
        expect(await readdir(path.join(state.dir, 'jobs'))).toEqual([]);
        await state.remove();
      },
    };
  });
}
