import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import { GitLabEmulator } from '../../emulators/gitlab/gitlab-emulator.ts';
import { GitLabForge } from '../../forge/gitlab/gitlab-forge.ts';
import { DeploymentConfigSchema } from '../../runner-agent/src/config/deployment-config.ts';
import { openDeployment, type Deployment } from '../../runner-agent/src/deployment/deployment.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { withTempDir } from '../support/temp-dir.ts';

const TOKEN = 'glpat-serversidetoken0123456789';
const SECRET = 'gitlab-hook-secret-token';
const repo = { owner: 'acme', name: 'widget' };
const CONFIG = [
  'contexts:',
  '  unit:',
  '    run: [sh, -c, "echo unit passes"]',
  '  lint:',
  '    run: [sh, -c, "exit 3"]',
  '',
].join('\n');

/**
 * GitLab on the server side: a merge request on the GitLab emulator sends its Merge Request Hook (secret
 * token, Idempotency-Key) to `/webhooks/gitlab`; the planner re-reads the merge request and plans it like a
 * pull request; the agent's verdicts land as GitLab commit statuses on the merge request's head.
 */
describe('a deployment with forge.kind gitlab', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let emulator: GitLabEmulator;
  let forge: GitLabForge;
  let deployment: Deployment;
  let hookUrl: string;

  beforeEach(async () => {
    tmp = await withTempDir();
    emulator = await GitLabEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
    forge = new GitLabForge({ token: TOKEN, host: emulator.url });
    await emulator.createProject('acme', 'widget', { defaultBranch: 'main' });
    deployment = await openDeployment(
      DeploymentConfigSchema.parse({
        stateDir: path.join(tmp.dir, 'state'),
        forge: { kind: 'gitlab', apiUrl: emulator.url, token: TOKEN, repositories: ['acme/widget'] },
        server: { listen: '127.0.0.1:0', webhookSecret: SECRET, scanIntervalSeconds: 0 },
        agent: { name: 'gl-box', executors: ['process'] },
      }),
      { logger: silentLogger(), processMetrics: false },
    );
    const server = await deployment.startServer();
    await deployment.startAgent();
    hookUrl = `${server.url}/webhooks/gitlab`;
  });
  afterEach(async () => {
    await deployment.close();
    await emulator.stop();
    await tmp.remove();
  });

  async function openMergeRequest(): Promise<{ sha: string; iid: number }> {
    const copy = new GitWorkingCopy(path.join(tmp.dir, 'work'), forge.gitCredentials());
    await copy.init(`${emulator.url}/acme/widget.git`);
    await copy.writeFiles({ 'README.md': { content: 'widget\n' } });
    await copy.commit('initial');
    await copy.push('main');
    await copy.checkoutNewBranch('feature');
    await copy.writeFiles({ '.ironbots.yml': { content: CONFIG } });
    const sha = await copy.commit('Test it with ironbots');
    await copy.push('feature');
    const mr = await forge.createPullRequest(repo, { title: 'CI', head: 'feature', base: 'main' });
    return { sha, iid: mr.number };
  }

  it('plans an opened merge request and posts each context’s verdict as a GitLab commit status', async () => {
    emulator.addWebhook('acme', 'widget', { url: hookUrl, token: SECRET, events: ['merge_request'] });
    const { sha } = await openMergeRequest();
    await expect
      .poll(
        async () =>
          Object.fromEntries((await forge.listCommitStatuses(repo, sha)).map((s) => [s.context, s.state])),
        { timeout: 30_000 },
      )
      .toEqual({ unit: 'success', lint: 'failure' });
    const statuses = await forge.listCommitStatuses(repo, sha);
    expect(statuses.find((s) => s.context === 'lint')?.description).toMatch(/^Failed \(exit code 3\)/);
    // The hook was answered 202 once: queued, nothing refused (GitLab disables hooks that get 4xx).
    await emulator.idle();
    expect(emulator.deliveries().map((d) => d.status)).toEqual([202]);
  });

  it('refuses a hook with the wrong secret token, and plans nothing', async () => {
    emulator.addWebhook('acme', 'widget', {
      url: hookUrl,
      token: 'not-the-secret',
      events: ['merge_request'],
    });
    const { sha } = await openMergeRequest();
    await emulator.idle();
    expect(emulator.deliveries().map((d) => d.status)).toEqual([401]);
    expect(await forge.listCommitStatuses(repo, sha)).toEqual([]);
  });

  it('recovers a merge request whose hook was lost, through `ironbots scan`’s planner', async () => {
    const { sha } = await openMergeRequest();
    const project = await deployment.repositories();
    const results = await (await deployment.planner()).scanRepository(project[0]!);
    expect([...results.values()].map((r) => r.kind)).toEqual(['planned']);
    await expect
      .poll(async () => (await forge.listCommitStatuses(repo, sha)).map((s) => s.state).sort(), {
        timeout: 30_000,
      })
      .toEqual(['failure', 'success']);
  });
});
