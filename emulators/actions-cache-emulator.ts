import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The GitHub Actions cache service as @actions/cache v6 speaks to it, over real HTTP on loopback.
 *
 * v2 (ACTIONS_CACHE_SERVICE_V2 set, what github.com runs): Twirp JSON at
 * `${ACTIONS_RESULTS_URL}twirp/github.actions.results.api.v1.CacheService/<Method>` with the runtime token
 * as bearer, proto field names in snake_case; CreateCacheEntry hands out a signed upload URL,
 * FinalizeCacheEntryUpload commits the entry, GetCacheEntryDownloadURL finds one by key, then by restore-key
 * prefix (newest first), always within the same version (the hash of paths and compression).
 *
 * v1 (the older REST service at ACTIONS_CACHE_URL, for GHES): `GET _apis/artifactcache/cache?keys=…&version=…`
 * (200 with archiveLocation, or 204), `POST _apis/artifactcache/caches` to reserve (409 when taken),
 * `PATCH _apis/artifactcache/caches/<id>` with Content-Range chunks, `POST …/caches/<id>` with the size.
 * Both versions share one set of entries.
 *
 * Signed URLs point at this server's blob endpoints, which accept what @azure/storage-blob sends: a single
 * `PUT` (x-ms-blob-type: BlockBlob) or `PUT ?comp=block&blockid=…` per block and `PUT ?comp=blocklist`;
 * downloads are plain `GET`s (the toolkit uses the Azure SDK only for *.blob.core.windows.net), with Range.
 */
export interface CacheEntry {
  id: number;
  key: string;
  version: string;
  finalized: boolean;
  sizeBytes: number;
  /** The uploaded archive; tests may replace it to simulate damage in storage. */
  blob: Buffer | null;
  createdAt: number;
}

export interface ActionsCacheEmulator {
  /** ACTIONS_RESULTS_URL, with its trailing slash as the runner sets it. */
  url: string;
  /** ACTIONS_RUNTIME_TOKEN the service accepts. */
  token: string;
  /** The environment a runner gives a job step so that @actions/cache talks to this service (v2). */
  env: Record<string, string>;
  /** The same for the v1 REST service. */
  envV1: Record<string, string>;
  entries(): CacheEntry[];
  requests: { method: string; path: string }[];
  stop(): Promise<void>;
}

const SERVICE = '/twirp/github.actions.results.api.v1.CacheService/';
const V1 = '/_apis/artifactcache/';

export async function startActionsCacheEmulator(): Promise<ActionsCacheEmulator> {
  const token = `runtime-${randomBytes(12).toString('hex')}`;
  const signature = randomBytes(12).toString('hex');
  const entries: CacheEntry[] = [];
  const staged = new Map<number, Map<string, Buffer>>();
  const requests: { method: string; path: string }[] = [];
  let clock = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://emulator');
      requests.push({ method: req.method ?? '', path: url.pathname });
      try {
        if (url.pathname.startsWith(SERVICE) && req.method === 'POST') {
          if (req.headers.authorization !== `Bearer ${token}`)
            return twirpError(res, 401, 'unauthenticated', 'bad token');
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
          return twirp(res, url.pathname.slice(SERVICE.length), body);
        }
        if (url.pathname.startsWith(V1)) {
          if (req.headers.authorization !== `Bearer ${token}`)
            return twirpError(res, 401, 'unauthenticated', 'bad token');
          return restV1(req, res, url, Buffer.concat(chunks));
        }
        const blob = /^\/blobs\/(\d+)$/.exec(url.pathname);
        if (blob) {
          if (url.searchParams.get('sig') !== signature) return blobError(res, 403, 'AuthenticationFailed');
          const entry = entries.find((e) => e.id === Number(blob[1]));
          if (!entry) return blobError(res, 404, 'BlobNotFound');
          if (req.method === 'PUT') return putBlob(req, res, url, entry, Buffer.concat(chunks));
          if (req.method === 'GET' || req.method === 'HEAD') return getBlob(req, res, entry);
        }
        res.writeHead(404).end();
      } catch (error) {
        twirpError(res, 500, 'internal', (error as Error).message);
      }
    });
  });

  function twirp(res: http.ServerResponse, method: string, body: Record<string, unknown>): void {
    const key = String(body.key ?? '');
    const version = String(body.version ?? '');
    if (!key || !version) return twirpError(res, 400, 'invalid_argument', 'key and version are required');
    switch (method) {
      case 'CreateCacheEntry': {
        // Entries are immutable: one per key and version, whoever creates it first.
        if (entries.some((e) => e.key === key && e.version === version)) {
          return json(res, { ok: false, message: `cache entry ${key} already exists` });
        }
        const entry: CacheEntry = {
          id: entries.length + 1,
          key,
          version,
          finalized: false,
          sizeBytes: 0,
          blob: null,
          createdAt: ++clock,
        };
        entries.push(entry);
        return json(res, { ok: true, signed_upload_url: blobUrl(entry) });
      }
      case 'FinalizeCacheEntryUpload': {
        const entry = entries.find((e) => e.key === key && e.version === version && !e.finalized);
        if (!entry || !entry.blob) return json(res, { ok: false, message: `no upload for ${key}` });
        const size = Number(body.size_bytes);
        if (size !== entry.blob.length) {
          return json(res, {
            ok: false,
            message: `size ${size} differs from the ${entry.blob.length} bytes uploaded`,
          });
        }
        entry.finalized = true;
        entry.sizeBytes = size;
        return json(res, { ok: true, entry_id: String(entry.id) });
      }
      case 'GetCacheEntryDownloadURL': {
        const usable = entries.filter((e) => e.finalized && e.version === version);
        const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(String) : [];
        let match = usable.find((e) => e.key === key);
        for (const prefix of restoreKeys) {
          if (match) break;
          match = usable.filter((e) => e.key.startsWith(prefix)).sort((a, b) => b.createdAt - a.createdAt)[0];
        }
        if (!match) return json(res, { ok: false, signed_download_url: '', matched_key: '' });
        return json(res, { ok: true, signed_download_url: blobUrl(match), matched_key: match.key });
      }
      default:
        return twirpError(res, 404, 'bad_route', `no method ${method}`);
    }
  }

  function restV1(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer): void {
    const resource = url.pathname.slice(V1.length);
    if (req.method === 'GET' && resource === 'cache') {
      const keys = (url.searchParams.get('keys') ?? '').split(',').filter(Boolean);
      const version = url.searchParams.get('version') ?? '';
      const usable = entries.filter((e) => e.finalized && e.version === version);
      let match = usable.find((e) => e.key === keys[0]);
      for (const prefix of keys.slice(1)) {
        if (match) break;
        match = usable.filter((e) => e.key.startsWith(prefix)).sort((a, b) => b.createdAt - a.createdAt)[0];
      }
      if (!match) return void res.writeHead(204).end();
      return json(res, { cacheKey: match.key, scope: 'refs/heads/main', archiveLocation: blobUrl(match) });
    }
    if (req.method === 'POST' && resource === 'caches') {
      const { key, version } = JSON.parse(body.toString('utf8')) as { key: string; version: string };
      if (entries.some((e) => e.key === key && e.version === version)) {
        res.writeHead(409, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ message: `cache entry ${key} already exists` }));
      }
      const entry: CacheEntry = {
        id: entries.length + 1,
        key,
        version,
        finalized: false,
        sizeBytes: 0,
        blob: null,
        createdAt: ++clock,
      };
      entries.push(entry);
      res.writeHead(201, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ cacheId: entry.id }));
    }
    const cache = /^caches\/(\d+)$/.exec(resource);
    const entry = cache && entries.find((e) => e.id === Number(cache[1]) && !e.finalized);
    if (!entry) return twirpError(res, 404, 'not_found', `no open cache entry at ${resource}`);
    if (req.method === 'PATCH') {
      const range = /^bytes (\d+)-(\d+)\/\*$/.exec(String(req.headers['content-range'] ?? ''));
      if (!range || Number(range[2]) - Number(range[1]) + 1 !== body.length)
        return twirpError(res, 400, 'bad_range', 'Content-Range does not match the body');
      const start = Number(range[1]);
      const current = entry.blob ?? Buffer.alloc(0);
      const grown = Buffer.alloc(Math.max(current.length, start + body.length));
      current.copy(grown);
      body.copy(grown, start);
      entry.blob = grown;
      return void res.writeHead(204).end();
    }
    if (req.method === 'POST') {
      const { size } = JSON.parse(body.toString('utf8')) as { size: number };
      if (!entry.blob || entry.blob.length !== size)
        return twirpError(res, 400, 'bad_size', `size ${size} differs from what was uploaded`);
      entry.finalized = true;
      entry.sizeBytes = size;
      return void res.writeHead(204).end();
    }
    return twirpError(res, 405, 'bad_method', `${req.method} ${resource}`);
  }

  function putBlob(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    entry: CacheEntry,
    body: Buffer,
  ) {
    if (entry.finalized) return blobError(res, 409, 'BlobImmutable');
    const comp = url.searchParams.get('comp');
    if (comp === 'block') {
      const id = url.searchParams.get('blockid');
      if (!id) return blobError(res, 400, 'InvalidQueryParameterValue');
      if (!staged.has(entry.id)) staged.set(entry.id, new Map());
      staged.get(entry.id)!.set(id, body);
      return blobCreated(res);
    }
    if (comp === 'blocklist') {
      const blocks = staged.get(entry.id) ?? new Map<string, Buffer>();
      const ids = [...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map(
        (m) => m[1]!,
      );
      const missing = ids.filter((id) => !blocks.has(id));
      if (missing.length) return blobError(res, 400, 'InvalidBlockList');
      entry.blob = Buffer.concat(ids.map((id) => blocks.get(id)!));
      staged.delete(entry.id);
      return blobCreated(res);
    }
    if (req.headers['x-ms-blob-type'] !== 'BlockBlob') return blobError(res, 400, 'MissingRequiredHeader');
    entry.blob = body;
    return blobCreated(res);
  }

  function getBlob(req: http.IncomingMessage, res: http.ServerResponse, entry: CacheEntry) {
    if (!entry.blob) return blobError(res, 404, 'BlobNotFound');
    const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? req.headers['x-ms-range'] ?? ''));
    const headers = {
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
      'x-ms-blob-type': 'BlockBlob',
    };
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(range[2] ? Number(range[2]) : entry.blob.length - 1, entry.blob.length - 1);
      if (start > end) return blobError(res, 416, 'InvalidRange');
      const part = entry.blob.subarray(start, end + 1);
      res.writeHead(206, {
        ...headers,
        'content-length': part.length,
        'content-range': `bytes ${start}-${end}/${entry.blob.length}`,
      });
      return res.end(req.method === 'HEAD' ? undefined : part);
    }
    res.writeHead(200, { ...headers, 'content-length': entry.blob.length });
    res.end(req.method === 'HEAD' ? undefined : entry.blob);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const blobUrl = (entry: CacheEntry) =>
    `${base}/blobs/${entry.id}?sv=2025-01-05&sr=b&sp=rw&sig=${signature}`;

  return {
    url: `${base}/`,
    token,
    env: {
      ACTIONS_RESULTS_URL: `${base}/`,
      ACTIONS_RUNTIME_TOKEN: token,
      ACTIONS_CACHE_SERVICE_V2: 'True',
    },
    envV1: { ACTIONS_CACHE_URL: `${base}/`, ACTIONS_RUNTIME_TOKEN: token },
    entries: () => entries,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: http.ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function twirpError(res: http.ServerResponse, status: number, code: string, msg: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code, msg }));
}

function blobCreated(res: http.ServerResponse): void {
  res.writeHead(201, {
    etag: `"0x${randomBytes(8).toString('hex')}"`,
    'last-modified': new Date().toUTCString(),
    'x-ms-request-corrected': 'true',
    'x-ms-version': '2025-01-05',
    'x-ms-request-server-encrypted': 'true',
    'content-length': 0,
  });
  res.end();
}

function blobError(res: http.ServerResponse, status: number, code: string): void {
  res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': code });
  res.end(
    `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
  );
}
