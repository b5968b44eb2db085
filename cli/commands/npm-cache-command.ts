import type { Command } from 'commander';
import { RENAMED_INPUTS } from '../../actions/npm-cache/inputs.ts';
import { registerActionCommand } from '../action-command.ts';

/**
 * `ironbots npm-cache restore|save|update`: the npm-cache action for GitLab CI and self-hosted runners.
 * Settings default to NPM_CACHE_* variables (what the GitLab template sets); the log is human lines on stderr
 * and stdout carries the result for a script: `cache-hit=true|false`, `saved=true|false`, `pull-request=<url>`.
 */
export function registerNpmCacheCommand(program: Command): void {
  const env = process.env;
  registerActionCommand(program, {
    name: 'npm-cache',
    actionDir: 'actions/npm-cache',
    description:
      'restore or save node_modules keyed by package-lock.json (verified after restore), or update it',
    arguments: [{ input: 'mode', syntax: '<mode>', description: 'restore, save or update' }],
    environment: {
      'working-directory': 'NPM_CACHE_WORKING_DIRECTORY',
      store: 'NPM_CACHE_STORE',
      'cache-dir': 'NPM_CACHE_DIR',
      's3-bucket': 'NPM_CACHE_S3_BUCKET',
      's3-prefix': 'NPM_CACHE_S3_PREFIX',
      's3-endpoint': 'NPM_CACHE_S3_ENDPOINT',
      's3-region': 'NPM_CACHE_S3_REGION',
      'key-prefix': 'NPM_CACHE_KEY_PREFIX',
      mount: 'NPM_CACHE_MOUNT',
    },
    secretInputs: { token: 'IRONBOTS_FORGE_TOKEN' },
    renamedInputs: RENAMED_INPUTS,
    extraOptions: (command) =>
      command
        .option('--forge <kind>', 'update: github or gitlab', env.GITLAB_CI ? 'gitlab' : 'github')
        .option(
          '--forge-url <url>',
          'update: the API (GitHub) or server (GitLab) URL (default GITHUB_API_URL or CI_SERVER_URL)',
        )
        .option(
          '--repository <owner/name>',
          'update: the repository (default GITHUB_REPOSITORY or CI_PROJECT_PATH)',
        ),
    async run({ inputs, options, log }) {
      const [{ readSettings }, { runConfigured }] = await Promise.all([
        import('../../actions/npm-cache/inputs.ts'),
        import('../../actions/npm-cache/configured-run.ts'),
      ]);
      // Relative to where the command runs, not to a GitHub workspace.
      const settings = readSettings(inputs, { ...env, GITHUB_WORKSPACE: process.cwd() }, (message) =>
        log.warn(message),
      );
      const pullRequest = settings.openPr
        ? await pullRequestTarget(options, settings.token, settings.branch, settings.baseBranch)
        : undefined;
      const result = await runConfigured(settings, { log, ...(pullRequest ? { pullRequest } : {}) });
      if (result.mode === 'restore') {
        process.stdout.write(`cache-hit=${result.hit}\n`);
        // The node_modules a hit replaced goes after the result is out.
        await result.oldTreeRemoved;
      } else if (result.mode === 'save') process.stdout.write(`saved=${result.saved}\n`);
      else {
        process.stdout.write(`saved=${result.refreshed}\n`);
        if (result.pullRequest) process.stdout.write(`pull-request=${result.pullRequest.htmlUrl}\n`);
      }
    },
  });
}

async function pullRequestTarget(
  options: Record<string, unknown>,
  token: string,
  branch: string,
  baseBranch: string,
) {
  const env = process.env;
  const forgeUrl = options.forgeUrl as string | undefined;
  const full =
    (options.repository as string | undefined) ??
    (options.forge === 'gitlab' ? env.CI_PROJECT_PATH : env.GITHUB_REPOSITORY) ??
    '';
  const slash = full.lastIndexOf('/');
  if (slash <= 0) throw new Error(`--repository: "${full}" is not owner/name`);
  const repo = { owner: full.slice(0, slash), name: full.slice(slash + 1) };
  const kind = options.forge;
  if (kind !== 'github' && kind !== 'gitlab')
    throw new Error(`--forge: "${String(kind)}" is not github or gitlab`);
  const { forgeFromConfig } = await import('../../forge/forge-from-config.ts');
  const forge = await forgeFromConfig({
    kind,
    token,
    apiUrl: forgeUrl ?? (kind === 'gitlab' ? env.CI_SERVER_URL : env.GITHUB_API_URL),
  });
  const repository = await forge.getRepository(repo);
  return {
    forge,
    repo,
    base: baseBranch || repository.defaultBranch,
    branch,
    remoteUrl: repository.cloneUrl,
  };
}
