import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ActionLog } from '../../core/action-log.ts';
import { moveFloatingTags } from './floating-tags.ts';
import type { ReleaseSettings, TargetConfig } from './inputs.ts';
import { errorMessage } from '../../core/errors.ts';
import { InputError } from '../../core/inputs.ts';
import { runRelease, type ReleaseOutcome } from './release.ts';
import { ContainerImageTarget } from './targets/container-target.ts';
import { GitHubReleaseTarget } from './targets/github-target.ts';
import { GitLabReleaseTarget } from './targets/gitlab-target.ts';
import { NpmTarget } from './targets/npm-target.ts';
import type { ReleaseTarget } from './targets/release-target.ts';

/** The real targets for the configuration, in the order given (GitHub first is the usual choice). */
export function createTargets(configs: readonly TargetConfig[], log: ActionLog): ReleaseTarget[] {
  return configs.map((config): ReleaseTarget => {
    switch (config.kind) {
      case 'github':
        return new GitHubReleaseTarget({
          token: config.token,
          repository: config.repository,
          apiUrl: config.apiUrl,
          log,
        });
      case 'gitlab':
        return new GitLabReleaseTarget({ ...omitKind(config), log });
      case 'npm':
        return new NpmTarget({ ...omitKind(config), log });
      case 'container':
        return new ContainerImageTarget({ ...omitKind(config), log });
    }
  });
}

function omitKind<T extends { kind: string }>(config: T): Omit<T, 'kind'> {
  const { kind: _kind, ...rest } = config;
  return rest;
}

/**
 * What the action and `ironbots release` run: the configured targets, the build without any secret in its
 * environment, the compare link and the full-notes link in the forge's URL scheme.
 */
export async function runConfigured(
  config: ReleaseSettings,
  deps: { log: ActionLog; env: NodeJS.ProcessEnv; workDir?: string; targets?: ReleaseTarget[] },
): Promise<ReleaseOutcome> {
  const repoDir = path.resolve(config.repoDir);
  const trust = { ...config.trust };
  if (config.allowedSignersFile) {
    let text: string;
    try {
      text = await readFile(path.resolve(repoDir, config.allowedSignersFile), 'utf8');
    } catch (error) {
      throw new InputError(
        'allowed-signers-file',
        `cannot read ${config.allowedSignersFile}: ${(error as Error).message}`,
      );
    }
    trust.sshAllowedSigners = `${trust.sshAllowedSigners ?? ''}${text}\n`;
  }
  const github = config.targets.find((t) => t.kind === 'github');
  const gitlab = config.targets.find((t) => t.kind === 'gitlab');
  const projectUrl =
    github?.kind === 'github'
      ? `${github.serverUrl.replace(/\/+$/, '')}/${github.repository}`
      : gitlab?.kind === 'gitlab' && !/^\d+$/.test(gitlab.project)
        ? `${gitlab.url.replace(/\/+$/, '')}/${gitlab.project}/-`
        : undefined;
  const tagName = config.tag.replace(/^refs\/tags\//, '');
  const outcome = await runRelease({
    repoDir,
    tag: config.tag,
    trust,
    versionPattern: config.versionPattern,
    buildCommand: config.buildCommand,
    assetPatterns: config.assetPatterns,
    buildEnv: buildEnvironment(deps.env, config.secrets),
    dryRun: config.dryRun,
    ...(config.compareLink && projectUrl ? { compareBaseUrl: `${projectUrl}/compare` } : {}),
    ...(github?.kind === 'github'
      ? {
          assetUrl: (name: string) =>
            `${github.serverUrl.replace(/\/+$/, '')}/${github.repository}/releases/download/${encodeURIComponent(tagName)}/${encodeURIComponent(name)}`,
        }
      : {}),
    targets: deps.targets ?? createTargets(config.targets, deps.log),
    log: deps.log,
    ...(deps.workDir ? { workDir: deps.workDir } : {}),
  });
  // Only once every target published: a floating tag never names a release that is not out.
  if (config.floatingTags.length > 0)
    outcome.floatingTags = await deps.log
      .group('floating tags', () =>
        moveFloatingTags({
          repoDir,
          tag: outcome.spec.tag,
          commit: outcome.spec.commit,
          kinds: config.floatingTags,
          dryRun: config.dryRun,
          log: deps.log,
          env: buildEnvironment(deps.env, config.secrets),
        }),
      )
      .catch((error: unknown) => {
        throw new Error(
          `${outcome.spec.tag} is released, but its floating tags were not moved (${errorMessage(error)}); a re-run of the release moves them`,
          { cause: error },
        );
      });
  return outcome;
}

/**
 * The build's environment: the job's, without the action's inputs (INPUT_*), without any variable holding
 * one of the secrets, and without the well-known token variables.
 */
export function buildEnvironment(env: NodeJS.ProcessEnv, secrets: readonly string[]): Record<string, string> {
  const dropped =
    /^(INPUT_.*|GITHUB_TOKEN|GH_TOKEN|CI_JOB_TOKEN|NPM_TOKEN|NODE_AUTH_TOKEN|ACTIONS_RUNTIME_TOKEN|ACTIONS_ID_TOKEN_REQUEST_TOKEN)$/;
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || dropped.test(name) || secrets.some((s) => s && value.includes(s))) continue;
    kept[name] = value;
  }
  return kept;
}
