import type { Command } from 'commander';

interface NpmCacheOptions {
  workingDirectory: string;
  store: string;
  cacheDir: string;
  s3Bucket: string;
  s3Prefix: string;
  s3Endpoint: string;
  s3Region: string;
  keyPrefix: string;
  openPr: boolean;
  testCommand: string;
  branch: string;
  baseBranch: string;
  forge: string;
  forgeUrl?: string;
  repository?: string;
  tokenEnv: string;
}

/**
 * `ironbots npm-cache restore|save|update`: the npm-cache action for GitLab CI and self-hosted runners.
 * Settings default to NPM_CACHE_* variables (what the GitLab template sets); logs are JSON lines on stderr
 * and stdout carries the result for a script: `cache-hit=true|false`, `saved=true|false`, `pull-request=<url>`.
 */
export function registerNpmCacheCommand(program: Command): void {
  const env = process.env;
  program
    .command('npm-cache')
    .description(
      'restore or save node_modules keyed by package-lock.json (verified after restore), or update it',
    )
    .argument('<mode>', 'restore, save or update')
    .option(
      '--working-directory <dir>',
      'where package-lock.json is (env NPM_CACHE_WORKING_DIRECTORY)',
      env.NPM_CACHE_WORKING_DIRECTORY || '.',
    )
    .option(
      '--store <kind>',
      'auto, directory, s3 or actions-cache (env NPM_CACHE_STORE)',
      env.NPM_CACHE_STORE || 'auto',
    )
    .option('--cache-dir <dir>', 'the cache directory (env NPM_CACHE_DIR)', env.NPM_CACHE_DIR ?? '')
    .option(
      '--s3-bucket <name>',
      'the S3 bucket (env NPM_CACHE_S3_BUCKET; credentials from AWS_*)',
      env.NPM_CACHE_S3_BUCKET ?? '',
    )
    .option(
      '--s3-prefix <prefix>',
      'key prefix in the bucket (env NPM_CACHE_S3_PREFIX)',
      env.NPM_CACHE_S3_PREFIX ?? '',
    )
    .option(
      '--s3-endpoint <url>',
      'an S3-compatible endpoint (env NPM_CACHE_S3_ENDPOINT)',
      env.NPM_CACHE_S3_ENDPOINT ?? '',
    )
    .option(
      '--s3-region <region>',
      'the bucket region (env NPM_CACHE_S3_REGION)',
      env.NPM_CACHE_S3_REGION || 'us-east-1',
    )
    .option(
      '--key-prefix <prefix>',
      'first part of the cache key (env NPM_CACHE_KEY_PREFIX)',
      env.NPM_CACHE_KEY_PREFIX || 'npm-cache',
    )
    .option(
      '--open-pr',
      'update: run npm update and the tests, and open or refresh one pull/merge request',
      false,
    )
    .option('--test-command <command>', 'update: what must pass on the updated tree', 'npm test')
    .option('--branch <name>', 'update: the branch of the pull request', 'ironbots/npm-update')
    .option('--base-branch <name>', "update: its target (default the repository's default branch)", '')
    .option('--forge <kind>', 'update: github or gitlab', env.GITLAB_CI ? 'gitlab' : 'github')
    .option(
      '--forge-url <url>',
      'update: the API (GitHub) or server (GitLab) URL (default GITHUB_API_URL or CI_SERVER_URL)',
    )
    .option(
      '--repository <owner/name>',
      'update: the repository (default GITHUB_REPOSITORY or CI_PROJECT_PATH)',
    )
    .option(
      '--token-env <name>',
      'update: environment variable holding the forge token',
      'IRONBOTS_FORGE_TOKEN',
    )
    .action(async (mode: string, options: NpmCacheOptions) => {
      const [{ createStore, npmIn, readSettings }, core, { update }, { createLogger }, { SecretRegistry }] =
        await Promise.all([
          import('../../actions/npm-cache/inputs.ts'),
          import('../../actions/npm-cache/npm-cache.ts'),
          import('../../actions/npm-cache/update.ts'),
          import('../../core/logger.ts'),
          import('../../core/secrets.ts'),
        ]);
      const token = options.openPr ? (env[options.tokenEnv] ?? '') : '';
      if (options.openPr && !token) {
        throw new Error(
          `set the forge token in the environment variable ${options.tokenEnv} (never on the command line)`,
        );
      }
      const inputs: Record<string, string> = {
        mode,
        'working-directory': options.workingDirectory,
        store: options.store,
        'cache-dir': options.cacheDir,
        's3-bucket': options.s3Bucket,
        's3-prefix': options.s3Prefix,
        's3-endpoint': options.s3Endpoint,
        's3-region': options.s3Region,
        'key-prefix': options.keyPrefix,
        'open-pr': String(options.openPr),
        'test-command': options.testCommand,
        branch: options.branch,
        'base-branch': options.baseBranch,
        'github-token': token,
      };
      // Relative to where the command runs, not to a GitHub workspace.
      const settings = readSettings((name) => inputs[name] ?? '', {
        ...env,
        GITHUB_WORKSPACE: process.cwd(),
      });
      const secrets = new SecretRegistry();
      secrets.add(token);
      const logger = createLogger({ name: 'npm-cache', secrets });
      const context = {
        projectDir: settings.projectDir,
        store: await createStore(settings),
        keyPrefix: settings.keyPrefix,
        log: { info: (m: string) => logger.info(m), warning: (m: string) => logger.warn(m) },
      };
      if (settings.mode === 'restore') {
        const result = await core.restore(context);
        process.stdout.write(`cache-hit=${result.hit}\n`);
      } else if (settings.mode === 'save') {
        const result = await core.save(context);
        process.stdout.write(`saved=${result.saved}\n`);
      } else {
        const pullRequest = settings.openPr
          ? await pullRequestTarget(options, token, settings.branch, settings.baseBranch)
          : undefined;
        const result = await update({
          ...context,
          npm: npmIn(settings.projectDir),
          testCommand: settings.testCommand,
          pullRequest,
        });
        process.stdout.write(`saved=${result.refreshed}\n`);
        if (result.pullRequest) process.stdout.write(`pull-request=${result.pullRequest.htmlUrl}\n`);
      }
    });
}

async function pullRequestTarget(
  options: NpmCacheOptions,
  token: string,
  branch: string,
  baseBranch: string,
) {
  const env = process.env;
  const full =
    options.repository ?? (options.forge === 'gitlab' ? env.CI_PROJECT_PATH : env.GITHUB_REPOSITORY) ?? '';
  const slash = full.lastIndexOf('/');
  if (slash <= 0) throw new Error(`--repository: "${full}" is not owner/name`);
  const repo = { owner: full.slice(0, slash), name: full.slice(slash + 1) };
  const kind = options.forge;
  if (kind !== 'github' && kind !== 'gitlab') throw new Error(`--forge: "${kind}" is not github or gitlab`);
  const { forgeFromConfig } = await import('../../forge/forge-from-config.ts');
  const forge = await forgeFromConfig({
    kind,
    token,
    apiUrl: options.forgeUrl ?? (kind === 'gitlab' ? env.CI_SERVER_URL : env.GITHUB_API_URL),
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
