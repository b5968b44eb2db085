import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  startActionsCacheEmulator,
  type ActionsCacheEmulator,
} from '../../emulators/actions-cache-emulator.ts';
import { startS3Server } from '../support/s3-server.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { startNpmWorld, type NpmWorld } from './npm-project-fixture.ts';

/**
 * What the dist tests run the action against: the npm world with the fixture project installed by npm ci,
 * the Actions cache emulator, an S3 server with the bucket npm-cache, and fresh workspaces.
 */
export interface DistWorld {
  world: NpmWorld;
  tmp: Awaited<ReturnType<typeof withTempDir>>;
  /** The project after npm ci, kept pristine. */
  installed: string;
  cacheService: ActionsCacheEmulator;
  s3: Awaited<ReturnType<typeof startS3Server>>;
  /** A fresh workspace holding the installed project; without node_modules unless asked. */
  workspace(withNodeModules?: boolean): Promise<string>;
  stop(): Promise<void>;
}

export async function startDistWorld(tempPrefix: string): Promise<DistWorld> {
  const [world, tmp, cacheService, s3] = await Promise.all([
    startNpmWorld(),
    withTempDir(tempPrefix),
    startActionsCacheEmulator(),
    startS3Server('npm-cache'),
  ]);
  const installed = await world.createProject();
  await world.npm(installed, ['ci']);
  let workspaces = 0;
  return {
    world,
    tmp,
    installed,
    cacheService,
    s3,
    async workspace(withNodeModules = false) {
      const dir = path.join(tmp.dir, `workspace-${workspaces++}`, 'project');
      await cp(installed, dir, { recursive: true, verbatimSymlinks: true });
      if (!withNodeModules) await rm(path.join(dir, 'node_modules'), { recursive: true });
      return dir;
    },
    async stop() {
      await Promise.all([world.stop(), cacheService.stop(), s3.stop()]);
      await tmp.remove();
    },
  };
}
