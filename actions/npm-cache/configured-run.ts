import { thirdPartyEnv } from './third-party-env.ts';
import { exec } from '@actions/exec';
import type { ActionLog } from '../../core/action-log.ts';
import { InputError } from '../../core/inputs.ts';
import type { NpmCacheSettings } from './inputs.ts';
import {
  install,
  restore,
  save,
  type InstallResult,
  type NpmCacheContext,
  type RestoreResult,
  type SaveResult,
  type StepReport,
} from './npm-cache.ts';
import type { CacheStore } from './stores/cache-store.ts';
import { DirectoryStore } from './stores/directory-store.ts';
import type { PullRequestTarget, UpdateResult } from './update.ts';

export type NpmCacheOutcome =
  | ({ mode: 'restore' } & RestoreResult)
  | ({ mode: 'save' } & SaveResult)
  | ({ mode: 'update' } & UpdateResult);

/**
 * One run with the real store and npm: what the action and `ironbots npm-cache` both run. `pullRequest` is
 * where an update proposes its lockfile (the caller knows its forge); without it, update only refreshes.
 * `report` is filled in as the run goes, for a summary that a failure still has.
 */
export async function runConfigured(
  settings: NpmCacheSettings,
  deps: { log: ActionLog; pullRequest?: PullRequestTarget; report?: StepReport },
): Promise<NpmCacheOutcome> {
  if (settings.mode === 'install')
    throw new Error('install mode needs the post step: run it with runInstall');
  const context = await configuredContext(settings, deps);
  deps.log.info(`npm-cache ${settings.mode} in ${settings.projectDir} with ${context.store.description}`);
  if (settings.mode === 'restore') return { mode: 'restore', ...(await restore(context)) };
  if (settings.mode === 'save') return { mode: 'save', ...(await save(context)) };
  const { update } = await import('./update.ts');
  return {
    mode: 'update',
    ...(await update({
      ...context,
      npm: npmIn(settings.projectDir, deps.log, [settings.token]),
      testCommand: settings.testCommand,
      commandEnv: thirdPartyEnv([settings.token]),
      ...(deps.pullRequest ? { pullRequest: deps.pullRequest } : {}),
    })),
  };
}

/**
 * install mode's main step with the real store and npm (the action's; its post step saves): restore, else
 * restore keys and npm install, else npm ci.
 */
export async function runInstall(
  settings: NpmCacheSettings,
  deps: { log: ActionLog; report?: StepReport },
): Promise<InstallResult> {
  const context = await configuredContext(settings, deps);
  deps.log.info(`npm-cache install in ${settings.projectDir} with ${context.store.description}`);
  return install({
    ...context,
    npm: npmIn(settings.projectDir, deps.log, [settings.token]),
    restoreKeys: settings.restoreKeys,
  });
}

/** The store and the rest of what restore and save need; a restore key the store can never hold is an error. */
export async function configuredContext(
  settings: NpmCacheSettings,
  deps: { log: ActionLog; report?: StepReport },
): Promise<NpmCacheContext> {
  const store = await createStore(settings);
  for (const restoreKey of settings.restoreKeys) {
    const problem = store.keyProblem(restoreKey);
    if (problem) throw new InputError('restore-keys', `${problem}, so it can match nothing`);
  }
  return {
    projectDir: settings.projectDir,
    store,
    keyPrefix: settings.keyPrefix,
    log: deps.log,
    ...(settings.mount ? { mount: { tempDir: settings.tempDir } } : {}),
    ...(deps.report ? { report: deps.report } : {}),
  };
}

/** The S3 SDK and the Actions toolkit load only when chosen: they are most of the bundle's start-up time. */
export async function createStore(settings: NpmCacheSettings): Promise<CacheStore> {
  switch (settings.store) {
    case 'directory':
      return new DirectoryStore(settings.cacheDir);
    case 's3': {
      const [{ S3Client }, { S3Store }] = await Promise.all([
        import('@aws-sdk/client-s3'),
        import('./stores/s3-store.ts'),
      ]);
      const { bucket, prefix, endpoint, region } = settings.s3;
      // Credentials come from the usual AWS environment (AWS_ACCESS_KEY_ID…) or the instance's role.
      const client = new S3Client({
        region,
        ...(endpoint
          ? {
              endpoint,
              forcePathStyle: true,
              // Not every S3-compatible server knows the newer checksums.
              requestChecksumCalculation: 'WHEN_REQUIRED',
              responseChecksumValidation: 'WHEN_REQUIRED',
            }
          : {}),
      });
      return new S3Store(client, bucket, prefix);
    }
    case 'actions-cache': {
      const { ActionsCacheStore, actionsCacheAvailable } = await import('./stores/actions-cache-store.ts');
      if (!actionsCacheAvailable())
        throw new Error('store actions-cache: the Actions cache service is not available here');
      return new ActionsCacheStore();
    }
  }
}

/** How many of a failed command's last lines its error carries. */
const TAIL_LINES = 20;

/** npm in the project directory, each run a log group; a failure carries npm's last lines. */
export function npmIn(
  projectDir: string,
  log: ActionLog,
  /** npm runs packages' scripts: it never sees these (the write token), nor the action's inputs. */
  secrets: readonly string[] = [],
): (args: string[]) => Promise<void> {
  return (args) =>
    log.group(`npm ${args.join(' ')}`, async () => {
      const tail: string[] = [];
      const line = (text: string) => {
        log.info(text);
        tail.push(text);
        if (tail.length > TAIL_LINES) tail.shift();
      };
      const code = await exec('npm', args, {
        cwd: projectDir,
        env: thirdPartyEnv(secrets) as Record<string, string>,
        silent: true,
        ignoreReturnCode: true,
        listeners: { stdline: line, errline: line },
      });
      if (code !== 0)
        throw new Error(
          `npm ${args.join(' ')} failed (exit code ${code})${tail.length ? `:\n${tail.join('\n')}` : ''}`,
        );
    });
}
