import { spawn } from 'node:child_process';
import path from 'node:path';
import type { CacheStore } from './stores/cache-store.ts';
import { DirectoryStore } from './stores/directory-store.ts';

/**
 * Input names as action.yml declares them, with its defaults: the runner applies those, a local run (and
 * the CLI) must apply them itself. A test keeps this table and action.yml in step.
 */
export const INPUT_DEFAULTS: Readonly<Record<string, string>> = {
  mode: '',
  'working-directory': '.',
  store: 'auto',
  'cache-dir': '',
  's3-bucket': '',
  's3-prefix': '',
  's3-endpoint': '',
  's3-region': 'us-east-1',
  'key-prefix': 'npm-cache',
  'open-pr': 'false',
  'test-command': 'npm test',
  branch: 'ironbots/npm-update',
  'base-branch': '',
  'github-token': '',
};

export type Mode = 'restore' | 'save' | 'update';
export type StoreKind = 'actions-cache' | 'directory' | 's3';

export interface NpmCacheSettings {
  mode: Mode;
  projectDir: string;
  store: StoreKind;
  cacheDir: string;
  s3: { bucket: string; prefix: string; endpoint: string; region: string };
  keyPrefix: string;
  openPr: boolean;
  testCommand: string;
  branch: string;
  baseBranch: string;
  githubToken: string;
}

/** Reads and checks every input; a bad one is an error naming it, before anything is touched. */
export function readSettings(input: (name: string) => string, env: NodeJS.ProcessEnv): NpmCacheSettings {
  const get = (name: string) => (input(name) || INPUT_DEFAULTS[name] || '').trim();
  const mode = get('mode');
  if (mode !== 'restore' && mode !== 'save' && mode !== 'update') {
    throw new Error(`input mode: "${mode}" is not one of restore, save, update`);
  }
  const cacheDir = get('cache-dir');
  const s3 = {
    bucket: get('s3-bucket'),
    prefix: get('s3-prefix'),
    endpoint: get('s3-endpoint'),
    region: get('s3-region'),
  };
  let store = get('store');
  if (store === 'auto') {
    // On a GitHub runner the service's URL is in the environment; elsewhere a bucket or directory must be named.
    if (s3.bucket) store = 's3';
    else if (cacheDir) store = 'directory';
    else if (env.ACTIONS_RESULTS_URL || env.ACTIONS_CACHE_URL) store = 'actions-cache';
    else throw new Error('input store: no Actions cache service here; give cache-dir or s3-bucket');
  }
  if (store !== 'actions-cache' && store !== 'directory' && store !== 's3') {
    throw new Error(`input store: "${store}" is not one of auto, actions-cache, directory, s3`);
  }
  if (store === 'directory' && !cacheDir)
    throw new Error('input cache-dir: is required with store: directory');
  if (store === 's3' && !s3.bucket) throw new Error('input s3-bucket: is required with store: s3');
  const openPr = get('open-pr');
  if (openPr !== 'true' && openPr !== 'false')
    throw new Error(`input open-pr: "${openPr}" is not true or false`);
  const githubToken = get('github-token');
  if (openPr === 'true' && !githubToken)
    throw new Error('input github-token: is required with open-pr: true');
  return {
    mode,
    projectDir: path.resolve(env.GITHUB_WORKSPACE ?? process.cwd(), get('working-directory')),
    store,
    cacheDir,
    s3,
    keyPrefix: get('key-prefix'),
    openPr: openPr === 'true',
    testCommand: get('test-command'),
    branch: get('branch'),
    baseBranch: get('base-branch'),
    githubToken,
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

/** npm in the project directory, its output passed through to the log. */
export function npmIn(projectDir: string): (args: string[]) => Promise<void> {
  return (args) =>
    new Promise((resolve, reject) => {
      const child = spawn('npm', args, { cwd: projectDir, stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`npm ${args.join(' ')} failed (exit code ${code})`)),
      );
    });
}
