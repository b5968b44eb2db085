import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importBusyboxImage } from '../../runner-agent/src/executors/busybox-image.ts';
import { PodmanExecutor } from '../../runner-agent/src/executors/podman-executor.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { executorContract } from './executor-contract.ts';

const IMAGE = 'localhost/ironbots-test/busybox:latest';
const podmanWorks =
  spawnSync('podman', ['--version']).status === 0 && spawnSync('busybox', ['true']).status === 0;
if (!podmanWorks)
  console.warn(
    'skipping podman executor tests: podman or busybox-static is not installed (bash dev/run setup)',
  );

async function makePodman() {
  const tmp = await withTempDir('ironbots-podman-state-');
  const executor = new PodmanExecutor({ stateDir: tmp.dir, killGraceSeconds: 1 });
  await importBusyboxImage({ image: IMAGE, containersConf: path.join(tmp.dir, 'containers.conf') });
  return { executor, tmp };
}

if (podmanWorks) {
  executorContract('podman', async () => {
    const { executor, tmp } = await makePodman();
    return {
      executor,
      image: IMAGE,
      // podman sets these even with --unsetenv-all (HOME only when the job does not).
      extraEnvNames: ['HOSTNAME', 'HOME'],
      cleanup: tmp.remove,
    };
  });
}

describe.skipIf(!podmanWorks)('podman executor specifics', () => {
  it('reports a missing image as an infrastructure error, and a job without an image as its own failure', async () => {
    const { executor, tmp } = await makePodman();
    const io = { onOutput: () => undefined, signal: new AbortController().signal };
    const base = { jobId: 'j', argv: ['true'], workdir: tmp.dir, env: { PATH: '/bin' }, timeoutMs: 30_000 };
    const missing = await executor.run({ ...base, image: 'localhost/no/such-image:1' }, io);
    expect(missing.outcome).toMatchObject({
      kind: 'infrastructure-error',
      message: expect.stringMatching(/podman failed: .*(not known|no such|not found)/i),
    });
    expect((await executor.run(base, io)).outcome).toEqual({ kind: 'exited', exitCode: 125 });
    await tmp.remove();
  });

  it('removes the containers a killed agent left behind', async () => {
    const { executor, tmp } = await makePodman();
    const env = { PATH: process.env.PATH, CONTAINERS_CONF: path.join(tmp.dir, 'containers.conf') };
    execFileSync(
      'podman',
      [
        '--runtime',
        'runc',
        'run',
        '-d',
        '--label',
        'ironbots.executor=podman',
        '--name',
        'ironbots-leftover',
        IMAGE,
        'sleep',
        '300',
      ],
      { env },
    );
    const running = () =>
      execFileSync('podman', ['--runtime', 'runc', 'ps', '-a', '--format', '{{.Names}}'], { env }).toString();
    expect(running()).toContain('ironbots-leftover');
    await executor.reapLeftovers();
    expect(running()).not.toContain('ironbots-leftover');
    await tmp.remove();
  });
});
