import path from 'node:path';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { ScratchClone } from '../forge/scratch-clone.ts';
import { withTempDir } from '../support/temp-dir.ts';

export const EMULATOR_TOKEN = 'ghp_imageteststoken0123456789';

/** The GitHub emulator over real HTTP with one repository (acme/widget, branch main) and a clone of it. */
export async function emulatedRepository() {
  const tmp = await withTempDir('ironbots-images-forge-');
  const emulator = await GitHubEmulator.start({
    dataDir: path.join(tmp.dir, 'forge'),
    tokens: [EMULATOR_TOKEN],
  });
  const repo = { owner: 'acme', name: 'widget' };
  await emulator.createRepository(repo.owner, repo.name);
  const forge = new GitHubForge({
    token: EMULATOR_TOKEN,
    baseUrl: emulator.url,
    retries: 0,
    throttle: false,
  });
  const clone = await ScratchClone.initAndPush(
    path.join(tmp.dir, 'work'),
    emulator.cloneUrl(repo.owner, repo.name),
    forge.gitCredentials(),
  );
  return {
    emulator,
    repo,
    forge,
    clone,
    dir: tmp.dir,
    async cleanup() {
      await emulator.stop();
      await tmp.remove();
    },
  };
}
