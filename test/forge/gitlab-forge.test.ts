import path from 'node:path';
import { GitLabEmulator } from '../../emulators/gitlab/gitlab-emulator.ts';
import { GitLabForge } from '../../forge/gitlab/gitlab-forge.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { forgeContract } from './forge-contract.ts';
import { ScratchClone } from './scratch-clone.ts';

const TOKEN = 'glpat-emulatortoken0123456789';

forgeContract('GitLabForge against the GitLab emulator over HTTP', async () => {
  const tmp = await withTempDir();
  const emulator = await GitLabEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
  const repo = { owner: 'acme', name: 'widget' };
  await emulator.createProject(repo.owner, repo.name, { defaultBranch: 'main' });
  const forge = new GitLabForge({ token: TOKEN, host: emulator.url });
  const clone = await ScratchClone.initAndPush(
    path.join(tmp.dir, 'work'),
    `${emulator.url}/acme/widget.git`,
    forge.gitCredentials(),
  );

  return {
    forge,
    forgeWithBadToken: new GitLabForge({ token: 'wrong-token', host: emulator.url }),
    seed: {
      repo,
      createBranchWithFile: (branch, file, content) => clone.createBranchWithFile(branch, file, content),
    },
    statusHistory: 'record-per-run',
    async cleanup() {
      await emulator.stop();
      await tmp.remove();
    },
  };
});
