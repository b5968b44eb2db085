import type { CommitStatus, CommitStatuses, RepositoryId } from '../../../forge/forge.ts';
import { ensureLocalBusyboxImage, LOCAL_BUSYBOX_IMAGE, type ExecutorKind } from '../deployment/executors.ts';
import { ensureLocalVmImage, LOCAL_VM_IMAGE } from '../deployment/vm-setup.ts';
import type { Logger } from '../../../core/logger.ts';
import {
  DEMO_BRANCH,
  DEMO_FILES_BRANCH,
  DEMO_FILES_MAIN,
  DEMO_OWNER,
  DEMO_REPOSITORY,
  demoProjectConfig,
} from './demo-project.ts';
import { LocalStack } from './local-stack.ts';

export interface LocalDemoOptions {
  stateDir?: string;
  /** Give up after this long without a final status on every context. */
  timeoutSeconds: number;
  /** Leave everything running for a person to poke at, until `stop()`. */
  keep: boolean;
  /** Each line meant for the person at the terminal. */
  print: (line: string) => void;
  logger: Logger;
  /** Where the demo's contexts run. Default: process. */
  executor?: ExecutorKind;
  /** Which forge the emulator plays: a pull request on GitHub, or a merge request on GitLab. Default github. */
  forge?: 'github' | 'gitlab';
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
 * `ironbots local`: a real `git push` and a pull request on the emulator make it send a signed webhook to
 * the server, which queues it, plans it (reads .ironbots.yml at the PR head), and the agent runs each context
 * in a checkout, reporting statuses that link to the live log. Prints each status change as it happens.
 */
export async function runLocalDemo(options: LocalDemoOptions): Promise<LocalDemoResult> {
  const { print } = options;
  const executor = options.executor ?? 'process';
  const stack = await LocalStack.start({
    logger: options.logger,
    executors: [executor],
    ...(options.forge ? { forge: options.forge } : {}),
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
  });
  try {
    if (executor === 'podman') {
      if (!(await stack.agent.offeredLabels()).includes('executor:podman')) {
        throw new Error('podman does not work on this machine (bash dev/run setup installs it)');
      }
      print(`building the ${LOCAL_BUSYBOX_IMAGE} image from this machine's busybox (once)`);
      await ensureLocalBusyboxImage(stack.executorsDir);
    }
    // The VM image is built once per machine into the ironbots cache; the demo repository points at it.
    const vmImageBlob = executor === 'vm' ? await ensureLocalVmImage({ print }) : undefined;
    print(`forge emulator   ${stack.emulator.url}`);
    print(`ironbots server  ${stack.server.url}  (webhooks: ${stack.webhookUrl})`);
    print(`agent            ${stack.agent.name}  labels: ${(await stack.agent.offeredLabels()).join(', ')}`);

    const repo: RepositoryId = { owner: DEMO_OWNER, name: DEMO_REPOSITORY };
    const { cloneUrl, workingCopy } = await stack.createRepository(repo);
    await workingCopy.writeFiles({
      ...DEMO_FILES_MAIN,
      '.ironbots.yml': {
        content: demoProjectConfig(
          executor === 'podman'
            ? { name: 'podman', image: LOCAL_BUSYBOX_IMAGE }
            : executor === 'vm'
              ? { name: 'vm', image: LOCAL_VM_IMAGE }
              : { name: 'process' },
        ),
      },
      ...(vmImageBlob ? { [`images/${LOCAL_VM_IMAGE}`]: { content: `${vmImageBlob}\n` } } : {}),
    });
    await workingCopy.commit('Add ironbots configuration and tests');
    await workingCopy.push('main');
    await workingCopy.checkoutNewBranch(DEMO_BRANCH);
    await workingCopy.writeFiles(DEMO_FILES_BRANCH);
    const headSha = await workingCopy.commit('Bump version to 1.1');
    await workingCopy.push(DEMO_BRANCH);
    print(`pushed ${DEMO_BRANCH} to ${cloneUrl}`);

    const pr = await stack.forge.createPullRequest(repo, {
      title: 'Bump version to 1.1',
      head: DEMO_BRANCH,
      base: 'main',
    });
    print(`opened PR #${pr.number} ${pr.htmlUrl} at ${headSha.slice(0, 7)}`);

    const statuses = await followStatuses(
      stack.forge,
      repo,
      headSha,
      ['lint', 'unit'],
      options.timeoutSeconds * 1000,
      print,
    );
    const failed = statuses.filter((s) => s.state !== 'success');
    const ok = statuses.length > 0 && failed.length === 0;
    const reason = ok
      ? undefined
      : statuses.length === 0
        ? `no final status on every context within ${options.timeoutSeconds} s`
        : failed.map((s) => `${s.context} ended ${s.state}: ${s.description}`).join('; ');
    const urls = { forge: stack.emulator.url, server: stack.server.url, cloneUrl, pullRequest: pr.htmlUrl };
    if (!options.keep) await stack.stop();
    return { ok, ...(reason ? { reason } : {}), statuses, urls, stop: () => stack.stop() };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

/**
 * Prints every status of the commit in the order the forge received them, until each expected context has
 * a final state. Returns the final statuses, or an empty list on timeout.
 */
export async function followStatuses(
  forge: CommitStatuses,
  repo: RepositoryId,
  sha: string,
  contexts: string[],
  timeoutMs: number,
  print: (line: string) => void,
): Promise<CommitStatus[]> {
  let printed = 0;
  const deadline = Date.now() + timeoutMs;
  const width = Math.max(...contexts.map((c) => c.length));
  while (Date.now() < deadline) {
    const history = await forge.listCommitStatusHistory(repo, sha);
    for (const status of history.slice(printed)) {
      const link = status.targetUrl && status.state === 'pending' ? `  log: ${status.targetUrl}` : '';
      print(
        `  ${status.context.padEnd(width)}  ${status.state.padEnd(7)}  ${status.description ?? ''}${link}`,
      );
    }
    printed = history.length;
    const newest = new Map(history.map((s) => [s.context, s]));
    const final = contexts
      .map((c) => newest.get(c))
      .filter((s): s is CommitStatus => !!s && FINAL.has(s.state));
    if (final.length === contexts.length) return final;
    await new Promise((r) => setTimeout(r, 50));
  }
  return [];
}
