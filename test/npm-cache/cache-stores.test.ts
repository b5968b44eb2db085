import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockBlobClient } from '@azure/storage-blob';
import { ActionsCacheStore } from '../../actions/npm-cache/stores/actions-cache-store.ts';
import { DirectoryStore } from '../../actions/npm-cache/stores/directory-store.ts';
import { S3Store } from '../../actions/npm-cache/stores/s3-store.ts';
import {
  startActionsCacheEmulator,
  type ActionsCacheEmulator,
} from '../../emulators/actions-cache-emulator.ts';
import { startS3Server } from '../support/s3-server.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { cacheStoreContract } from './cache-store-contract.ts';

describe('directory store', () => {
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  beforeAll(async () => {
    tmp = await withTempDir('ironbots-directory-store-');
  });
  afterAll(async () => tmp.remove());
  cacheStoreContract(() => new DirectoryStore(`${tmp.dir}/cache`));
});

describe('S3 store on a local S3-compatible server', () => {
  let s3: Awaited<ReturnType<typeof startS3Server>>;
  beforeAll(async () => {
    s3 = await startS3Server('npm-cache');
  });
  afterAll(async () => s3.stop());
  // LastModified is to the second, on S3 as on s3rver.
  const s3Timestamps = { timestampResolutionMs: 1100 };
  cacheStoreContract(() => new S3Store(s3.client, 'npm-cache', 'project-a'), s3Timestamps);
  // Listing in small pages cannot run here: s3rver 3.7 makes continuation tokens with crypto.createCipher,
  // which Node 22 removed, so it answers any truncated ListObjectsV2 page with InternalError.
});

for (const protocol of ['v2', 'v1'] as const) {
  describe(`Actions cache store through @actions/cache against the cache-service emulator (${protocol})`, () => {
    let emulator: ActionsCacheEmulator;
    let workspace: Awaited<ReturnType<typeof withTempDir>>;
    const saved: Record<string, string | undefined> = {};
    const cwd = process.cwd();
    beforeAll(async () => {
      emulator = await startActionsCacheEmulator();
      workspace = await withTempDir('ironbots-actions-workspace-');
      // @actions/cache reads the runner's environment at each call, as a step on a hosted runner would.
      const env: Record<string, string | undefined> = {
        ACTIONS_RESULTS_URL: undefined,
        ACTIONS_CACHE_URL: undefined,
        ACTIONS_CACHE_SERVICE_V2: undefined,
        ...(protocol === 'v2' ? emulator.env : emulator.envV1),
        GITHUB_WORKSPACE: workspace.dir,
        RUNNER_TEMP: `${workspace.dir}/.runner-temp`,
      };
      for (const [name, value] of Object.entries(env)) {
        saved[name] = process.env[name];
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      process.chdir(workspace.dir);
    });
    afterAll(async () => {
      process.chdir(cwd);
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await emulator.stop();
      await workspace.remove();
    });
    cacheStoreContract(() => new ActionsCacheStore());

    it(`spoke the ${protocol} protocol`, () => {
      const paths = new Set(emulator.requests.map((r) => `${r.method} ${r.path.replace(/\d+$/, 'N')}`));
      expect([...paths].sort()).toEqual(
        protocol === 'v2'
          ? [
              'GET /blobs/N',
              'POST /twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry',
              'POST /twirp/github.actions.results.api.v1.CacheService/FinalizeCacheEntryUpload',
              'POST /twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL',
              'PUT /blobs/N',
            ]
          : [
              'GET /_apis/artifactcache/cache',
              'GET /blobs/N',
              'PATCH /_apis/artifactcache/caches/N',
              'POST /_apis/artifactcache/caches',
              'POST /_apis/artifactcache/caches/N',
            ],
      );
    });
  });
}

describe('cache-service emulator blob endpoints', () => {
  let emulator: ActionsCacheEmulator;
  beforeAll(async () => {
    emulator = await startActionsCacheEmulator();
  });
  afterAll(async () => emulator.stop());

  async function createEntry(key: string): Promise<string> {
    const response = await fetch(
      `${emulator.url}twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ key, version: 'v1' }),
      },
    );
    return ((await response.json()) as { signed_upload_url: string }).signed_upload_url;
  }

  it('accepts the Azure SDK block upload (blocks + block list) and serves ranged reads', async () => {
    const url = await createEntry('blocks');
    const bytes = randomBytes(5000);
    await new BlockBlobClient(url).uploadData(bytes, { maxSingleShotSize: 1024, blockSize: 1024 });
    const entry = emulator.entries().find((e) => e.key === 'blocks')!;
    expect(entry.blob!.equals(bytes)).toBe(true);
    const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
  });

  it('refuses a wrong token and an unsigned blob URL', async () => {
    const response = await fetch(
      `${emulator.url}twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry`,
      {
        method: 'POST',
        headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
        body: JSON.stringify({ key: 'k', version: 'v' }),
      },
    );
    expect(response.status).toBe(401);
    const url = new URL(await createEntry('unsigned'));
    url.searchParams.set('sig', 'forged');
    expect(
      (await fetch(url, { method: 'PUT', body: 'x', headers: { 'x-ms-blob-type': 'BlockBlob' } })).status,
    ).toBe(403);
  });
});
