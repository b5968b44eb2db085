import { stopChild, waitUntilServing } from '../../emulators/child-server.ts';
import { freePort } from '../../emulators/free-port.ts';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface VerdaccioOptions {
  /** Users and their passwords (htpasswd). */
  users: Record<string, string>;
  /** Who may publish; every authenticated user when absent. */
  publishers?: string[];
}

export interface Verdaccio {
  /** Registry URL with a trailing slash, as npm writes it. */
  url: string;
  /** Logs a user in (npm's `adduser` route) and returns a fresh auth token. */
  token(user: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real npm registry on loopback: verdaccio with htpasswd auth, filesystem storage and no uplinks (nothing
 * is proxied from npmjs.org), in a temporary directory removed on stop.
 */
export async function startVerdaccio(options: VerdaccioOptions): Promise<Verdaccio> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-verdaccio-'));
  const port = await freePort();
  const htpasswd = Object.entries(options.users)
    .map(
      ([user, password]) =>
        `${user}:{SHA}${createHash('sha1').update(password).digest('base64')}:autocreated`,
    )
    .join('\n');
  await writeFile(path.join(dir, 'htpasswd'), `${htpasswd}\n`, { mode: 0o600 });
  const publish = options.publishers?.length ? options.publishers.join(' ') : '$authenticated';
  const config = [
    `storage: ${JSON.stringify(path.join(dir, 'storage'))}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(path.join(dir, 'htpasswd'))}`,
    '    max_users: -1',
    'uplinks: {}',
    'packages:',
    "  '**':",
    '    access: $all',
    `    publish: ${publish}`,
    `    unpublish: ${publish}`,
    `listen: 127.0.0.1:${port}`,
    'log: { type: stdout, format: json, level: error }',
    '',
  ].join('\n');
  const configPath = path.join(dir, 'config.yaml');
  await writeFile(configPath, config);

  const child = spawn(path.resolve('node_modules/.bin/verdaccio'), ['--config', configPath], {
    env: { PATH: process.env.PATH, HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitUntilServing(
      'verdaccio',
      child,
      async () => (await fetch(`${url}-/ping`)).ok,
      () => output,
    );
  } catch (error) {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    url,
    async token(user: string) {
      const response = await fetch(`${url}-/user/org.couchdb.user:${encodeURIComponent(user)}`, {
        method: 'PUT',
        // Verdaccio logs an existing user in when the request carries its credentials (registration is off).
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${user}:${options.users[user]}`).toString('base64')}`,
        },
        body: JSON.stringify({ name: user, password: options.users[user] }),
      });
      const body = (await response.json()) as { token?: string; error?: string };
      if (!response.ok || !body.token)
        throw new Error(`verdaccio login of ${user} failed: ${response.status} ${body.error}`);
      return body.token;
    },
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
