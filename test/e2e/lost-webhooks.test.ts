import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { GitLabEmulator } from '../../emulators/gitlab/gitlab-emulator.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { GitLabForge } from '../../forge/gitlab/gitlab-forge.ts';
import { DeploymentConfigSchema } from '../../runner-agent/src/config/deployment-config.ts';
import { openDeployment, type Deployment } from '../../runner-agent/src/deployment/deployment.ts';
import { NOT_YET_TESTED } from '../../runner-agent/src/jobs/status-text.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { branchHeads, importCommits } from '../support/scan-world.ts';
import { withTempDir } from '../support/temp-dir.ts';

const TOKEN = 'glpat-lostwebhookstoken0123456789';
const SECRET = 'lost-webhooks-secret';
const REPO = { owner: 'acme', name: 'widget' };
const CONTEXTS = ['lint', 'unit'];
const CONFIG = 'contexts:\n  unit:\n    run: [make, check]\n  lint:\n    run: [make, lint]\n';
/** Pull or merge requests opened while the forge loses 30 % of its webhook deliveries. */
const OPENED = 10;
const LOST_SHARE = 0.3;

interface ForgeWorld {
  forge: GitHubForge | GitLabForge;
  apiUrl: string;
  cloneUrl: string;
  /** Points the forge's pull/merge request hook at the server. */
  addHook(url: string): void;
  loseWebhookDeliveries(share: number): void;
  /** How many deliveries were lost and how many sent, once every one has been attempted. */
  deliveries(): Promise<{ lost: number; sent: number }>;
  stop(): Promise<void>;
}

const forges = {
  github: async (dir: string): Promise<ForgeWorld> => {
    const emulator = await GitHubEmulator.start({ dataDir: path.join(dir, 'forge'), tokens: [TOKEN] });
    await emulator.createRepository(REPO.owner, REPO.name, { defaultBranch: 'main' });
    return {
      apiUrl: emulator.url,
      forge: new GitHubForge({ token: TOKEN, baseUrl: emulator.url, retries: 0, throttle: false }),
      cloneUrl: emulator.cloneUrl(REPO.owner, REPO.name),
      addHook: (url) =>
        emulator.addWebhook(REPO.owner, REPO.name, { url, secret: SECRET, events: ['pull_request'] }),
      loseWebhookDeliveries: (share) => emulator.loseWebhookDeliveries(share),
      deliveries: async () => {
        await emulator.idle();
        return count(emulator.deliveries());
      },
      stop: () => emulator.stop(),
    };
  },
  gitlab: async (dir: string): Promise<ForgeWorld> => {
    const emulator = await GitLabEmulator.start({ dataDir: path.join(dir, 'forge'), tokens: [TOKEN] });
    await emulator.createProject(REPO.owner, REPO.name, { defaultBranch: 'main' });
    return {
      apiUrl: emulator.url,
      forge: new GitLabForge({ token: TOKEN, host: emulator.url }),
      cloneUrl: `${emulator.url}/acme/widget.git`,
      addHook: (url) =>
        emulator.addWebhook(REPO.owner, REPO.name, { url, token: SECRET, events: ['merge_request'] }),
      loseWebhookDeliveries: (share) => emulator.loseWebhookDeliveries(share),
      deliveries: async () => {
        await emulator.idle();
        return count(emulator.deliveries());
      },
      stop: () => emulator.stop(),
    };
  },
};

function count(records: { lost?: true; redelivery: boolean }[]): { lost: number; sent: number } {
  const first = records.filter((r) => !r.redelivery);
  return { lost: first.filter((r) => r.lost).length, sent: first.filter((r) => !r.lost).length };
}

/**
 * Webhooks get lost (a forge outage, a receiver down, a network split): with 30 % of the deliveries for
 * newly opened pull or merge requests lost, the requests whose hook arrived are planned from it, the others
 * show nothing, and one scan plans every missing job — each head gets every context's job and its
 * "Not yet tested" status exactly once, none twice for the heads the hooks already planned.
 */
describe.each(Object.keys(forges) as (keyof typeof forges)[])('lost webhooks on %s', (kind) => {
  let tmp: { dir: string; remove(): Promise<void> };
  let world: ForgeWorld;
  let deployment: Deployment;
  let planned = 0;

  beforeEach(async () => {
    tmp = await withTempDir();
    world = await forges[kind](tmp.dir);
    planned = 0;
    deployment = await openDeployment(
      DeploymentConfigSchema.parse({
        stateDir: path.join(tmp.dir, 'state'),
        forge: { kind, apiUrl: world.apiUrl, token: TOKEN, repositories: ['acme/widget'] },
        server: { listen: '127.0.0.1:0', webhookSecret: SECRET, scanIntervalSeconds: 0 },
      }),
      { logger: silentLogger(), processMetrics: false },
    );
    const server = await deployment.startServer({ onPlanned: () => planned++ });
    world.addHook(`${server.url}/webhooks/${kind}`);
  });
  afterEach(async () => {
    await deployment?.close();
    await world?.stop();
    await tmp?.remove();
  });

  it(`plans every one of ${OPENED} requests after one scan, with ${LOST_SHARE * 100} % of their hooks lost`, async () => {
    const { forge } = world;
    const copy = new GitWorkingCopy(path.join(tmp.dir, 'work'), forge.gitCredentials());
    await copy.init(world.cloneUrl);
    await copy.writeFiles({ '.ironbots.yml': { content: CONFIG } });
    const main = await copy.commit('main');
    await copy.push('main');
    const topics = Array.from({ length: OPENED }, (_, i) => ({ branch: `topic-${i + 1}`, parent: main }));
    await importCommits(copy, topics, 'one');
    await copy.git('push', '--quiet', 'origin', 'refs/heads/topic-*:refs/heads/topic-*');
    const branches = await branchHeads(copy);

    world.loseWebhookDeliveries(LOST_SHARE);
    const heads = new Map<number, string>();
    for (const { branch } of topics) {
      const request = await forge.createPullRequest(REPO, { title: branch, head: branch, base: 'main' });
      heads.set(request.number, branches.get(branch)!);
    }
    const deliveries = await world.deliveries();
    expect(deliveries).toEqual({ lost: OPENED * LOST_SHARE, sent: OPENED - OPENED * LOST_SHARE });
    await expect.poll(() => planned, { timeout: 30_000 }).toBe(deliveries.sent);

    // Before the scan: the requests whose hook arrived show "Not yet tested"; the lost ones show nothing.
    const shown = async () => {
      const contexts = new Map<number, string[]>();
      for (const [number, sha] of heads)
        contexts.set(number, (await forge.listCommitStatuses(REPO, sha)).map((s) => s.context).sort());
      return contexts;
    };
    const before = [...(await shown()).values()];
    expect(before.filter((c) => c.length === 0)).toHaveLength(deliveries.lost);
    expect(before.filter((c) => c.length > 0)).toEqual(Array(deliveries.sent).fill(CONTEXTS));

    const repository = (await deployment.repositories())[0]!;
    const results = await (await deployment.planner()).scanRepository(repository);
    expect([...results.keys()].sort((a, b) => a - b)).toEqual([...heads.keys()].sort((a, b) => a - b));
    const queuedNow = [...results.values()]
      .flatMap((r) => (r.kind === 'planned' ? r.jobs : []))
      .filter((j) => !j.duplicate);
    expect(queuedNow).toHaveLength(deliveries.lost * CONTEXTS.length);

    // Every head has each context's job queued once, and each context's "Not yet tested" posted once.
    const queued = await deployment.jobs.list({ state: 'queued', limit: 1000 });
    const jobKeys = queued.map((m) => `${m.message.payload.sha} ${m.message.payload.context}`).sort();
    expect(jobKeys).toEqual([...heads.values()].flatMap((sha) => CONTEXTS.map((c) => `${sha} ${c}`)).sort());
    expect(await deployment.jobs.stats()).toMatchObject({ queued: OPENED * CONTEXTS.length, leased: 0 });
    for (const sha of heads.values()) {
      const history = await forge.listCommitStatusHistory(REPO, sha);
      expect(history.map((s) => [s.context, s.state, s.description]).sort()).toEqual(
        CONTEXTS.map((c) => [c, 'pending', NOT_YET_TESTED]),
      );
    }
  }, 120_000);
});
