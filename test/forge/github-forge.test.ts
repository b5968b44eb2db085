import path from 'node:path';
import { GitHubEmulator } from '../../forge/github-emulator/github-emulator.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { forgeContract } from './forge-contract.ts';

const TOKEN = 'ghp_emulatortoken0123456789';

forgeContract('GitHubForge against the GitHub emulator over HTTP', async () => {
  const tmp = await withTempDir();
  const emulator = await GitHubEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
  const repo = { owner: 'acme', name: 'widget' };
  await emulator.createRepository(repo.owner, repo.name);
  const forge = new GitHubForge({ token: TOKEN, baseUrl: emulator.url, retries: 0, throttle: false });
  const copy = new GitWorkingCopy(path.join(tmp.dir, 'work'), forge.gitCredentials());
  await copy.init(`${emulator.url}/acme/widget.git`);
  await copy.writeFiles({ 'README.md': { content: '# widget\n' } });
  await copy.commit('initial');
  await copy.push('main');

  return {
    forge,
    forgeWithBadToken: new GitHubForge({
      token: 'wrong-token',
      baseUrl: emulator.url,
      retries: 0,
      throttle: false,
    }),
    repo,
    async commitFile(branch, file, content) {
      await copy
        .git('checkout', '--quiet', '-B', branch, 'origin/main')
        .catch(() => copy.git('checkout', '--quiet', '-B', branch));
      await copy.writeFiles({ [file]: { content } });
      const sha = await copy.commit(`change ${file}`);
      await copy.push(branch);
      await copy.git('fetch', '--quiet', 'origin');
      return sha;
    },
    async cleanup() {
      await emulator.stop();
      await tmp.remove();
    },
  };
});
