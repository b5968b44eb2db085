import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../emulators/free-port.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');

describe('cli/bin/ironbots', () => {
  it('runs on the project’s Node 24 when the node on PATH is older, and reports package.json’s version', async () => {
    const { version } = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    // /usr/bin/node is Debian's (Node 20 here): the script must not hand it TypeScript.
    const { stdout } = await run(path.join(repoRoot, 'cli/bin/ironbots'), ['--version'], {
      env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME },
    });
    expect(stdout.trim()).toBe(version);
  });

  it('runs the bundle cli/dist/ironbots.mjs with IRONBOTS_BUNDLED=1, with IRONBOTS_NODE_FLAGS on node', async () => {
    const { stdout, stderr } = await run(path.join(repoRoot, 'cli/bin/ironbots'), ['--version'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        IRONBOTS_BUNDLED: '1',
        // Node's own flags: one of V8's, and a module that says which file node runs.
        IRONBOTS_NODE_FLAGS:
          '--optimize-for-size --import=data:text/javascript,console.error(process.argv[1])',
      },
    });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(stderr.trim()).toBe(path.join(repoRoot, 'cli/dist/ironbots.mjs'));
  });
});

describe('ironbots exit codes', () => {
  const ironbots = (...args: string[]) =>
    run(path.join(repoRoot, 'cli/bin/ironbots'), args, {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('exits 2 for a usage error, saying what is wrong', async () => {
    const unknown = await ironbots('run', 'unit', '--no-such-flag');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error: unknown option '--no-such-flag'");
    const choice = await ironbots('run', 'unit', '--executor', 'docker');
    expect(choice.code).toBe(2);
    expect(choice.stderr).toContain("argument 'docker' is invalid. Allowed choices are process, podman, vm.");
    // A deployment configuration that cannot work: every problem said, nothing run.
    const dir = await mkdtemp(path.join(tmpdir(), 'ironbots-bin-'));
    try {
      await writeFile(path.join(dir, 'config.yml'), 'stateDir: 5\nlogs: { kind: filesystem, bogus: 1 }\n');
      const config = await ironbots('logs', 'prune', '--config', path.join(dir, 'config.yml'));
      expect(config.code).toBe(2);
      expect(config.stderr).toContain('config.yml: 2 problems:');
      expect(config.stderr).toContain('line 2: logs.bogus: unknown field');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 3 when a server it needs cannot be reached or fails, and 2 when it refuses what was sent', async () => {
    const port = await freePort();
    const unreachable = await run(
      path.join(repoRoot, 'cli/bin/ironbots'),
      ['submit', '--server-url', `http://127.0.0.1:${port}`, '--', 'true'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          IRONBOTS_API_TOKEN: 'a-token-that-goes-nowhere',
        },
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(unreachable).toMatchObject({
      code: 3,
      stderr: expect.stringContaining(`cannot reach the ironbots server at http://127.0.0.1:${port}`),
    });
    // A server that answers is not an outage: a refusal (4xx) is a usage error, its own failure (5xx) exits 3.
    const answers: Record<string, [number, string]> = {
      '/token/api/v1/jobs': [401, '{}'],
      '/job/api/v1/jobs': [422, '{"error":"labels: no agent offers gpu"}'],
      '/broken/api/v1/jobs': [503, '{"error":"the queue is unavailable"}'],
    };
    const server = http.createServer((req, res) => {
      const [status, body] = answers[req.url ?? ''] ?? [404, '{}'];
      req.resume();
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const submit = (prefix: string) =>
      run(
        path.join(repoRoot, 'cli/bin/ironbots'),
        [
          'submit',
          '--server-url',
          `http://127.0.0.1:${(server.address() as AddressInfo).port}/${prefix}`,
          '--',
          'true',
        ],
        {
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            IRONBOTS_API_TOKEN: 'a-token-that-is-refused',
          },
        },
      ).catch((error: { code: number; stderr: string }) => error);
    try {
      expect(await submit('token')).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('refused the token (401)'),
      });
      expect(await submit('job')).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('POST /job/api/v1/jobs failed with 422: labels: no agent offers gpu'),
      });
      expect(await submit('broken')).toMatchObject({
        code: 3,
        stderr: expect.stringContaining('failed with 503: the queue is unavailable'),
      });
    } finally {
      server.close();
    }
  });

  it('exits 0 for --help', async () => {
    expect((await ironbots('--help')).code).toBe(0);
  });

  it.each(['release', 'npm-cache'])(
    '%s takes its token from the variable --token-env names, and has no option for its old name',
    async (command) => {
      const help = await ironbots(command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('--token-env <variable>');
      expect(help.stdout).not.toContain('--github-token');
    },
  );
});
