import path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Executor } from '../executors/executor.ts';
import { ProcessExecutor } from '../executors/process-executor.ts';
import type { ImageResolver } from '../executors/image-resolver.ts';
import type { Logger } from '../../../core/logger.ts';

export type ExecutorKind = 'process' | 'podman' | 'vm';

/** The image `ironbots local --executor podman` runs the demo in, built from this machine's busybox. */
export const LOCAL_BUSYBOX_IMAGE = 'localhost/ironbots/busybox:latest';

/**
 * The executors an agent runs, by name. One that cannot work on this machine (podman missing) is left out
 * with a warning, so the agent never offers a label it cannot honour.
 */
export async function createExecutors(
  kinds: readonly ExecutorKind[],
  stateDir: string,
  logger: Logger,
  /** How the VM executor finds base images; default the local images directory of the ironbots cache. */
  imageResolver?: ImageResolver,
): Promise<Executor[]> {
  const executors: Executor[] = [];
  for (const kind of new Set(kinds)) {
    if (kind === 'process') {
      executors.push(new ProcessExecutor({ leftoverDir: path.join(stateDir, 'process-groups'), logger }));
    } else if (kind === 'vm') {
      // The VM and podman code loads only on an agent that offers them.
      const { createVmExecutor } = await import('./vm-setup.ts');
      executors.push(
        createVmExecutor(path.join(stateDir, 'vm'), logger, imageResolver ? { imageResolver } : {}),
      );
    } else {
      const { PodmanExecutor } = await import('../executors/podman-executor.ts');
      const podman = new PodmanExecutor({ stateDir: path.join(stateDir, 'podman') });
      if (await podman.available()) executors.push(podman);
      else
        logger.warn(
          'podman does not work on this machine: not offering executor:podman (install podman and runc)',
        );
    }
  }
  return executors;
}

/** Makes sure the local busybox image exists (a no-op when it does). */
export async function ensureLocalBusyboxImage(stateDir: string): Promise<void> {
  const containersConf = path.join(stateDir, 'podman', 'containers.conf');
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, CONTAINERS_CONF: containersConf };
  if (
    spawnSync('podman', ['--runtime', 'runc', 'image', 'exists', LOCAL_BUSYBOX_IMAGE], { env }).status === 0
  )
    return;
  const { importBusyboxImage } = await import('../executors/busybox-image.ts');
  await importBusyboxImage({ image: LOCAL_BUSYBOX_IMAGE, containersConf });
}
