import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpRegistryClient, RegistryError } from '../../actions/container-refresh/registry-client.ts';
import { startOciRegistry, type OciRegistry } from '../../emulators/oci-registry.ts';

/**
 * The token dance of ghcr.io, Docker Hub and GitLab's registry in front of the real registry: a request
 * without a bearer token gets 401 naming a token realm; the realm hands out a token for a scope to whoever
 * has the right basic credentials; the registry then accepts that token.
 */
async function tokenAuthProxy(target: string, user: string, password: string) {
  const scopes: string[] = [];
  const token = 'registry-token-0123456789';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (url.pathname === '/token') {
      const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401).end();
        return;
      }
      scopes.push(`${url.searchParams.get('service')} ${url.searchParams.get('scope')}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
      return;
    }
    if (req.headers.authorization !== `Bearer ${token}`) {
      req.resume();
      res
        .writeHead(401, {
          'www-authenticate': `Bearer realm="${proxyUrl}/token",service="test-registry",scope="repository:acme/ci:pull"`,
          'content-type': 'application/json',
        })
        .end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
      return;
    }
    const upstream = http.request(
      `${target}${req.url}`,
      { method: req.method, headers: { ...req.headers, host: new URL(target).host, authorization: '' } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host: new URL(proxyUrl).host,
    scopes,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('HttpRegistryClient against docker-registry', () => {
  let registry: OciRegistry;
  beforeAll(async () => {
    registry = await startOciRegistry();
  });
  afterAll(async () => registry?.stop());

  it('lists no tags for a repository that does not exist, and finds no manifest there', async () => {
    const client = new HttpRegistryClient({ registry: registry.host, tls: false });
    expect(await client.listTags('acme/nothing')).toEqual([]);
    expect(await client.getManifest('acme/nothing', 'latest')).toBeNull();
  });

  it('fetches a token from the realm named in the 401, with the credentials, for the scope it needs', async () => {
    const proxy = await tokenAuthProxy(registry.url, 'robot', 'robot-password');
    try {
      const client = new HttpRegistryClient({
        registry: proxy.host,
        tls: false,
        credentials: { username: 'robot', password: 'robot-password' },
      });
      expect(await client.listTags('acme/ci')).toEqual([]);
      expect(proxy.scopes).toEqual(['test-registry repository:acme/ci:pull']);
      const wrong = new HttpRegistryClient({
        registry: proxy.host,
        tls: false,
        credentials: { username: 'robot', password: 'not-it' },
      });
      const error = await wrong.listTags('acme/ci').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryError);
      expect((error as Error).message).toMatch(/token service refused the credentials \(401\)/);
      expect((error as Error).message).not.toContain('not-it');
    } finally {
      await proxy.stop();
    }
  });

  it('names the registry when nothing answers', async () => {
    const client = new HttpRegistryClient({ registry: '127.0.0.1:9', tls: false });
    await expect(client.listTags('acme/ci')).rejects.toThrow(
      /GET http:\/\/127\.0\.0\.1:9\/v2\/acme\/ci\/tags\/list\?n=1000: no answer/,
    );
  });
});
