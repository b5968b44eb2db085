import type { ExecutorName } from '../jobs/job.ts';

/** The deployment's `runners.github` section (see config/deployment-config.ts for each field's meaning). */
export interface GitHubRunnerSettings {
  scope: 'repository' | 'organization';
  runnerGroupId: number;
  claimLabels: readonly string[];
  implicitLabels: readonly string[];
  executor: ExecutorName;
  image?: string | undefined;
  command: readonly string[];
  timeoutMinutes: number;
  namePrefix: string;
  registrationTimeoutSeconds: number;
  idleTimeoutSeconds: number;
  pollSeconds: number;
  reapIntervalSeconds: number;
}

/** GitHub compares runner labels without regard to case; so does ironbots, in lower case. */
function lower(labels: readonly string[]): string[] {
  return labels.map((l) => l.toLowerCase());
}

/** A workflow job is ours when its `runs-on` has every claim label (`self-hosted` by default). */
export function isClaimed(
  labels: readonly string[],
  settings: Pick<GitHubRunnerSettings, 'claimLabels'>,
): boolean {
  const have = new Set(lower(labels));
  return lower(settings.claimLabels).every((l) => have.has(l));
}

/**
 * What an agent must offer to run a runner for these `runs-on` labels: the labels past GitHub's implicit
 * ones (self-hosted, linux, x64), in lower case, sorted. The executor's label is added by the queue.
 */
export function agentLabelsFor(
  labels: readonly string[],
  settings: Pick<GitHubRunnerSettings, 'implicitLabels'>,
): string[] {
  const implicit = new Set(lower(settings.implicitLabels));
  return [...new Set(lower(labels).filter((l) => !implicit.has(l)))].sort();
}

/** A runner registered with `runnerLabels` can take a job whose `runs-on` is `jobLabels`. */
export function runnerFits(jobLabels: readonly string[], runnerLabels: readonly string[]): boolean {
  const have = new Set(lower(runnerLabels));
  return lower(jobLabels).every((l) => have.has(l));
}

/** The label set as one key, e.g. for a metric's label: `kvm,self-hosted`. */
export function labelSetKey(labels: readonly string[]): string {
  return [...new Set(lower(labels))].sort().join(',');
}
