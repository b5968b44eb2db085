import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { stopChild, waitUntilServing } from './child-server.ts';
import { freePort } from './free-port.ts';

export interface OciRegistryOptions {
  /** Users and passwords for htpasswd auth (bcrypt, as the registry requires); anonymous access when absent. */
  users?: Record<string, string>;
  /** Whether manifests and blobs may be deleted (off by default in the registry); on unless false. */
  deleteEnabled?: boolean;
}

export interface OciRegistry {
  /** `127.0.0.1:<port>`: what image references start with. */
  host: string;
  /** `http://127.0.0.1:<port>`: the registry's HTTP API (under /v2/). */
  url: string;
  /** Authorization header value for a user, for direct API calls in tests. */
  basicAuth(user: string): string;
  /** The repository's tags (none when it has no tag or does not exist). */
  tags(repository: string, user?: string): Promise<string[]>;
  /** Whether a manifest (by tag or digest) exists in the repository. */
  hasManifest(repository: string, reference: string, user?: string): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * A real OCI registry on loopback: the CNCF distribution registry (Debian's `docker-registry`) over plain HTTP
 * with filesystem storage in a temporary directory, optionally behind htpasswd auth. Clients need
 * `--tls-verify=false` for it, as for any local HTTP registry.
 */
export async function startOciRegistry(options: OciRegistryOptions = {}): Promise<OciRegistry> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-oci-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(path.join(dir, 'storage'))}`,
    '  delete:',
    `    enabled: ${options.deleteEnabled !== false}`,
    'http:',
    `  addr: ${host}`,
  ];
  if (options.users) {
    const htpasswd = Object.entries(options.users)
      .map(([user, password]) => `${user}:${bcrypt.hashSync(password, 4)}`)
      .join('\n');
    await writeFile(path.join(dir, 'htpasswd'), `${htpasswd}\n`, { mode: 0o600 });
    lines.push(
      'auth:',
      '  htpasswd:',
      '    realm: ironbots-test',
      `    path: ${JSON.stringify(path.join(dir, 'htpasswd'))}`,
    );
  }
  const config = path.join(dir, 'config.yml');
  await writeFile(config, `${lines.join('\n')}\n`);

  const child = spawn('docker-registry', ['serve', config], {
    env: { PATH: process.env.PATH, HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://${host}`;
  try {
    await waitUntilServing(
      'docker-registry',
      child,
      // 200 without auth, 401 with: either way it serves.
      async () => [200, 401].includes((await fetch(`${url}/v2/`)).status),
      () => output,
    );
  } catch (error) {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  const basicAuth = (user: string) =>
    `Basic ${Buffer.from(`${user}:${options.users?.[user] ?? ''}`).toString('base64')}`;
  const headers = (user?: string): Record<string, string> => (user ? { authorization: basicAuth(user) } : {});
  return {
    host,
    url,
    basicAuth,
    async tags(repository, user) {
      const response = await fetch(`${url}/v2/${repository}/tags/list`, { headers: headers(user) });
      if (response.status === 404) return [];
      if (!response.ok) throw new Error(`tags of ${repository}: ${response.status}`);
      return ((await response.json()) as { tags: string[] | null }).tags ?? [];
    },
    async hasManifest(repository, reference, user) {
      const response = await fetch(`${url}/v2/${repository}/manifests/${reference}`, {
        method: 'HEAD',
        headers: {
          ...headers(user),
          accept:
            'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
        },
      });
      if (response.status !== 200 && response.status !== 404)
        throw new Error(`manifest ${repository}@${reference}: ${response.status}`);
      return response.status === 200;
    },
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
