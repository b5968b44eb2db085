import { ForgeError } from '../../forge/forge.ts';
import { RecordingForge } from '../support/recording-forge.ts';
import { forgeContract } from './forge-contract.ts';

/** The fake the planner, agent and action tests lean on keeps the promises the real clients keep. */
forgeContract(
  'RecordingForge (in memory)',
  async () => {
    const forge = new RecordingForge();
    const repo = { owner: forge.repository.owner, name: forge.repository.name };
    forge.push('main', 'README.md', '# scratch\n');
    const forgeWithBadToken = new RecordingForge();
    forgeWithBadToken.failWith = new ForgeError(
      `GET /repos/${repo.owner}/${repo.name}: 401 Bad credentials`,
      401,
    );
    return {
      forge,
      forgeWithBadToken,
      seed: {
        repo,
        createBranchWithFile: async (branch, file, content) => forge.push(branch, file, content),
        grant: (login, role) => {
          if (role === 'write') forge.writers.add(login);
        },
        addLabel: async (number, label) => {
          forge.labels.set(number, [...(forge.labels.get(number) ?? []), label]);
        },
        labels: (number) => forge.labels.get(number) ?? [],
      },
      statusHistory: 'every-post',
      cleanup: async () => undefined,
    };
  },
  { servesGit: false },
);
