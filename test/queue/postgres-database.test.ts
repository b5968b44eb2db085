import { connect, createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  describeUrl,
  PostgresDatabase,
  UnreachableError,
  urlPassword,
} from '../../runner-agent/src/queue/postgres-database.ts';
import { openTestDatabase } from './fleet-services.ts';

/** A port nothing listens on: bound, then closed. */
async function deadPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('PostgresDatabase', () => {
  it('reports an unreachable server clearly, without the password, and keeps retrying until told to stop', async () => {
    const port = await deadPort();
    const reports: string[] = [];
    const controller = new AbortController();
    const opening = PostgresDatabase.open({
      url: `postgres://ironbots:s3cret-pw@127.0.0.1:${port}/fleet`,
      retry: { initialMs: 20, maxMs: 40 },
      onRetry: (message) => {
        reports.push(message);
        if (reports.length === 3) controller.abort();
      },
      signal: controller.signal,
    });
    const error = await opening.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as Error).message).toMatch(
      new RegExp(`PostgreSQL at 127.0.0.1:${port}/fleet is unreachable`),
    );
    expect(reports).toHaveLength(3);
    expect(reports[0]).toMatch(/attempt 1\).*ECONNREFUSED.*retrying in 20 ms/);
    expect(reports[2]).toMatch(/attempt 3\).*retrying in 40 ms/);
    for (const text of [...reports, (error as Error).message]) expect(text).not.toContain('s3cret-pw');
  });

  it('connects once the server comes up while it retries', async () => {
    const { database, drop } = await openTestDatabase('db');
    try {
      // Stand-in for a database that starts late: a proxy port that only begins forwarding after two refusals.
      const port = await deadPort();
      let attempts = 0;
      const opened = await PostgresDatabase.open({
        url: `postgres://postgres@127.0.0.1:${port}/test`,
        schema: database.schema,
        retry: { initialMs: 20, maxMs: 20 },
        onRetry: () => {
          attempts++;
          if (attempts === 2) startProxy(port);
        },
      });
      expect((await opened.pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await opened.close();
      proxy?.close();
    } finally {
      await drop();
    }
  });

  it('refuses a schema name that is not a plain identifier, and a URL that is not one', async () => {
    await expect(
      PostgresDatabase.open({ url: 'postgres://x@127.0.0.1/test', schema: 'a; DROP' }),
    ).rejects.toThrow(/schema name/);
    expect(() => describeUrl('not a url', 'postgres')).toThrow(/postgres URL is not a URL/);
    expect(urlPassword('amqp://guest:p%40ss@host:5672')).toBe('p@ss');
    expect(urlPassword('amqp://host:5672')).toBeUndefined();
  });
});

let proxy: Server | undefined;
/** Forwards `port` to the real PostgreSQL. */
function startProxy(port: number): void {
  proxy = createServer((client) => {
    const upstream = connect(5432, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  proxy.listen(port, '127.0.0.1');
}
