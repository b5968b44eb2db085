import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ActionLog } from '../../core/action-log.ts';
import type { RepositoryId } from '../../forge/forge.ts';
import { forgeFromConfig, type ForgeWiring } from '../../forge/forge-from-config.ts';
import { refreshContainer, type RefreshResult } from './container-refresh.ts';
import { gitChangeDetector } from './git-changes.ts';
import type { RefreshSettings } from './inputs.ts';
import { PodmanEngine } from './podman-engine.ts';
import { HttpRegistryClient } from './registry-client.ts';

/** Where failure issues go: which forge, its API, the repository; null token: no issues. */
export interface IssueTarget {
  kind: 'github' | 'gitlab';
  /** GitHub: the API base URL; GitLab: the instance URL. */
  apiUrl: string;
  token: string;
  repository: RepositoryId;
}

/**
 * One run with the real clients (podman, the registry over HTTP, git, the forge), in a scratch directory under
 * `tempRoot` that is removed afterwards: what the action and the CLI both run.
 */
export async function runConfigured(
  plan: RefreshSettings,
  options: {
    log: ActionLog;
    tempRoot: string;
    /** The checkout the directory is in, for finding changes. */
    workspace: string;
    issues: IssueTarget | null;
    /** How the forge client is made (an action's proxy-aware transport). */
    forgeWiring?: ForgeWiring;
    runUrl?: string;
    now?: () => Date;
  },
): Promise<RefreshResult> {
  const stateDir = await mkdtemp(path.join(options.tempRoot, 'ironbots-container-refresh-'));
  const { log } = options;
  try {
    const engine = new PodmanEngine({
      stateDir,
      tlsVerify: plan.tlsVerify,
      credentials: plan.credentials ? { registry: plan.registry, ...plan.credentials } : null,
      onLine: (line) => log.info(line),
    });
    const registry = new HttpRegistryClient({
      registry: plan.registry,
      tls: plan.tlsVerify,
      credentials: plan.credentials,
    });
    const forge = options.issues ? await forgeFromConfig(options.issues, options.forgeWiring) : null;
    return await refreshContainer(
      { ...plan, directory: path.resolve(options.workspace, plan.directory || '.') },
      {
        engine,
        registry,
        changes: gitChangeDetector(options.workspace),
        forge,
        repository: options.issues?.repository ?? null,
        now: options.now ?? (() => new Date()),
        log,
        ...(options.runUrl ? { runUrl: options.runUrl } : {}),
        secrets: [plan.token, plan.credentials?.password ?? ''].filter(Boolean),
      },
    );
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}
