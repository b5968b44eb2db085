import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitHubEmulator } from '../../../forge/github-emulator/github-emulator.ts';
import { GitHubForge } from '../../../forge/github/github-forge.ts';
import type { CommitStatus, Forge, RepositoryId } from '../../../forge/forge.ts';
import { Agent } from '../agent/agent.ts';
import { startServerRole, type ServerRole } from '../deployment/server-role.ts';
import { ProcessExecutor } from '../executors/process-executor.ts';
import type { Job } from '../jobs/job.ts';
import { FilesystemLogStore } from '../logs/filesystem-log-store.ts';
import { logHttpRoute } from '../logs/log-http.ts';
import type { Logger } from '../observability/logger.ts';
import { SecretRegistry } from '../observability/secrets.ts';
import type { Queue } from '../queue/queue.ts';
import { SqliteQueue } from '../queue/sqlite-queue.ts';
import type { WebhookDelivery } from '../webhooks/delivery.ts';
import { DEMO_BRANCH, DEMO_FILES_BRANCH, DEMO_FILES_MAIN, DEMO_OWNER, DEMO_REPOSITORY } from './demo-project.ts';
import { GitWorkingCopy } from './git-working-copy.ts';

export interface LocalDemoOptions {
  /** Where queue, logs and repositories live; a fresh temporary directory by default (removed afterwards). */
  stateDir?: string;
  /** Give up after this long without a final status. */
  timeoutSeconds: number;
  /** Leave everything running for a person to poke at, until `stop()`. */
  keep: boolean;
  /** Each line meant for the person at the terminal. */
  print: (line: string) => void;
  logger: Logger;
}

export interface LocalDemoResult {
  ok: boolean;
  /** Why it failed, in one sentence. */
  reason?: string;
  /** Final status per context. */
  statuses: CommitStatus[];
  urls: { forge: string; server: string; cloneUrl: string; pullRequest: string };
  stop(): Promise<void>;
}

const FINAL = new Set(['success', 'failure', 'error']);

/**
 * `ironbots local`: the whole loop on one machine, offline. The built-in GitHub emulator holds a real git
 * repository; a real `git push` and a pull request make it send a signed webhook to the ironbots server,
 * which queues it (SQLite), plans it (reads .ironbots.yml at the PR head), and an agent runs each context in
 * a checkout and reports statuses with a link to the live log.
 */
export async function runLocalDemo(options: LocalDemoOptions): Promise<LocalDemoResult> {
  const { print, logger } = options;
  const stateDir = options.stateDir ?? (await mkdtemp(path.join(os.tmpdir(), 'ironbots-local-')));
  const ownsStateDir = options.stateDir === undefined;
  const secrets = new SecretRegistry();
  const apiToken = `ibt_${randomBytes(20).toString('hex')}`;
  const webhookSecret = randomBytes(24).toString('hex');
  secrets.add(apiToken);
  secrets.add(webhookSecret);

  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
    if (ownsStateDir) await rm(stateDir, { recursive: true, force: true });
  };

  try {
    const emulator = await GitHubEmulator.start({
      dataDir: path.join(stateDir, 'forge'),
      tokens: [apiToken],
      logger: logger.child({ role: 'forge-emulator' }),
    });
    cleanups.push(() => emulator.stop());
    print(`forge emulator   ${emulator.url}`);

    const forge: Forge = new GitHubForge({ token: apiToken, baseUrl: emulator.url, logger });
    const events: Queue<WebhookDelivery> = await SqliteQueue.open<WebhookDelivery>({
      path: path.join(stateDir, 'queue.db'),
      name: 'events',
    });
    const jobs: Queue<Job> = await SqliteQueue.open<Job>({ path: path.join(stateDir, 'queue.db'), name: 'jobs' });
    cleanups.push(() => events.close(), () => jobs.close());
    const logStore = new FilesystemLogStore({ root: path.join(stateDir, 'logs'), secrets });

    const server: ServerRole = await startServerRole({
      events,
      jobs,
      logStore,
      forge,
      webhookSecret,
      apiTokens: [apiToken],
      trust: { trustedAuthors: [] },
      logger: logger.child({ role: 'server' }),
      host: '127.0.0.1',
      port: 0,
      extraRoutes: [logHttpRoute(logStore)],
    });
    cleanups.push(() => server.stop());
    print(`ironbots server  ${server.url}  (webhooks: ${server.url}/webhooks/github)`);

    const agent = new Agent({
      name: 'local-agent',
      labels: [os.arch() === 'x64' ? 'x86_64' : os.arch()],
      jobs,
      executors: [new ProcessExecutor()],
      forge,
      logStore,
      logUrl: (jobId) => `${server.url}/logs/${jobId}`,
      workRoot: path.join(stateDir, 'work'),
      logger: logger.child({ role: 'agent' }),
      secrets,
      supersededPollMs: 2_000,
    });
    await agent.start();
    cleanups.push(() => agent.stop());

    // The project: a repository with .ironbots.yml on main, and a branch with a change.
    const repo: RepositoryId = { owner: DEMO_OWNER, name: DEMO_REPOSITORY };
    await emulator.createRepository(repo.owner, repo.name, { defaultBranch: 'main' });
    await emulator.addWebhook(repo.owner, repo.name, {
      url: `${server.url}/webhooks/github`,
      secret: webhookSecret,
      events: ['pull_request', 'push'],
    });
    const { cloneUrl } = await forge.getRepository(repo);
    const copy = new GitWorkingCopy(path.join(stateDir, 'checkout'), forge.gitCredentials()!);
    await copy.init(cloneUrl);
    await copy.writeFiles(DEMO_FILES_MAIN);
    await copy.commit('Add ironbots configuration and tests');
    await copy.push('main');
    await copy.checkoutNewBranch(DEMO_BRANCH);
    await copy.writeFiles(DEMO_FILES_BRANCH);
    const headSha = await copy.commit('Bump version to 1.1');
    await copy.push(DEMO_BRANCH);

    const pr = await forge.createPullRequest(repo, { title: 'Bump version to 1.1', head: DEMO_BRANCH, base: 'main' });
    print(`opened PR #${pr.number} ${pr.htmlUrl} at ${headSha.slice(0, 7)}`);

    const statuses = await followStatuses(forge, repo, headSha, ['lint', 'unit'], options.timeoutSeconds * 1000, print);
    const failed = statuses.filter((s) => s.state !== 'success');
    const ok = statuses.length > 0 && failed.length === 0;
    const reason = ok
      ? undefined
      : statuses.length === 0
        ? `no final status within ${options.timeoutSeconds} s`
        : `${failed.map((s) => `${s.context} ended ${s.state}: ${s.description}`).join('; ')}`;
    const urls = { forge: emulator.url, server: server.url, cloneUrl, pullRequest: pr.htmlUrl };
    if (!options.keep) await stop();
    return { ok, ...(reason ? { reason } : {}), statuses, urls, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Prints every status change of the commit as it happens, until each expected context has a final state.
 * Returns the final statuses, or an empty list on timeout.
 */
async function followStatuses(
  forge: Forge,
  repo: RepositoryId,
  sha: string,
  contexts: string[],
  timeoutMs: number,
  print: (line: string) => void,
): Promise<CommitStatus[]> {
  const seen = new Map<string, string>();
  const deadline = Date.now() + timeoutMs;
  const width = Math.max(...contexts.map((c) => c.length));
  while (Date.now() < deadline) {
    const current = await forge.listCommitStatuses(repo, sha);
    for (const status of current) {
      const key = `${status.state}|${status.description}|${status.targetUrl ?? ''}`;
      if (seen.get(status.context) === key) continue;
      seen.set(status.context, key);
      const link = status.targetUrl ? `  log: ${status.targetUrl}` : '';
      print(`  ${status.context.padEnd(width)}  ${status.state.padEnd(7)}  ${status.description ?? ''}${link}`);
    }
    const final = current.filter((s) => contexts.includes(s.context) && FINAL.has(s.state));
    if (final.length === contexts.length) return final;
    await new Promise((r) => setTimeout(r, 50));
  }
  return [];
}
