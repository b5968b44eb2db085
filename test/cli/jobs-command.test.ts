import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../emulators/free-port.ts';
import { silentLogger } from '../../core/logger.ts';
import type { RepositoryId } from '../../forge/forge.ts';
import { LocalStack } from '../../runner-agent/src/local/local-stack.ts';
import type { JobSummary } from '../../runner-agent/src/server/job-control.ts';
import { IronbotsProcess } from '../support/ironbots-process.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const repo: RepositoryId = { owner: 'acme', name: 'widget' };
const me = os.userInfo().username;

/** The real `ironbots` binary, as a person runs it; never throws, whatever it exits with. */
async function ironbots(args: string[], env: Record<string, string> = {}) {
  return run(path.join(repoRoot, 'cli/bin/ironbots'), args, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('ironbots jobs list|cancel', () => {
  let stack: LocalStack;
  let env: Record<string, string>;
  let server: string[];
  let sha: string;

  beforeAll(async () => {
    stack = await LocalStack.start({ logger: silentLogger(), cancelCheckMs: 200 });
    env = { IRONBOTS_API_TOKEN: stack.apiToken };
    server = ['--server-url', stack.server.url];
    const { workingCopy } = await stack.createRepository(repo);
    await workingCopy.writeFiles({ README: { content: 'no .ironbots.yml: pull requests plan nothing\n' } });
    sha = await workingCopy.commit('main');
    await workingCopy.push('main');
  });
  afterAll(async () => stack?.stop());

  /** A job no agent here can take (it needs a gpu), testing the repository's commit. */
  const submitStuckJob = async (context: string): Promise<string> => {
    const res = await fetch(`${stack.server.url}/api/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ context, command: ['true'], labels: ['gpu'], repository: repo, sha }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const statusOf = async (context: string) =>
    (await stack.forge.listCommitStatusHistory(repo, sha))
      .filter((s) => s.context === context)
      .map((s) => [s.state, s.description]);

  it('lists the server’s jobs as a table or as JSON, and cancels a queued one: exit 0, the status posted', async () => {
    const id = await submitStuckJob('nightly');
    const table = await ironbots(['jobs', 'list', ...server], env);
    expect(table.code).toBe(0);
    const [header, row] = table.stdout.split('\n');
    expect(header).toMatch(/^ID +STATE +CONTEXT +COMMIT +AGENT +ATTEMPT +ENQUEUED$/);
    expect(row).toMatch(
      new RegExp(`^${id} +queued +nightly +acme/widget@${sha.slice(0, 8)} +— +0 +\\d+ s ago$`),
    );

    const cancelled = await ironbots(['jobs', 'cancel', id, '--reason', 'not tonight', ...server], env);
    expect(cancelled).toMatchObject({
      code: 0,
      stdout: `job ${id} (nightly) cancelled: Cancelled: by ${me} (not tonight), before it started\n`,
    });
    expect(await statusOf('nightly')).toEqual([
      ['pending', 'Not yet tested'],
      ['error', `Cancelled: by ${me} (not tonight), before it started`],
    ]);
    const listed = await ironbots(['jobs', 'list', '--state', 'cancelled', '--json', ...server], env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout) as JobSummary[]).toEqual([
      expect.objectContaining({ id, state: 'cancelled', reason: `by ${me} (not tonight)`, sha }),
    ]);

    // Cancelling it again fails (exit 1) saying how it ended.
    const again = await ironbots(['jobs', 'cancel', id, ...server], env);
    expect(again).toMatchObject({ code: 1, stderr: `ironbots: job ${id} already ended: cancelled\n` });
  });

  it('stops a running job, and `ironbots submit --wait` says it was cancelled', async () => {
    const submitted = new IronbotsProcess(
      'submit',
      ['submit', ...server, '--context', 'long', '--wait', '--', 'sleep', '120'],
      env,
    );
    try {
      let running: JobSummary | undefined;
      await expect
        .poll(
          async () => {
            const listed = await ironbots(['jobs', 'list', '--state', 'running', '--json', ...server], env);
            running = (JSON.parse(listed.stdout || '[]') as JobSummary[]).find((j) => j.context === 'long');
            return running;
          },
          { timeout: 30_000, interval: 200 },
        )
        .toBeDefined();
      const cancel = await ironbots(['jobs', 'cancel', running!.id, '--reason', 'too slow', ...server], env);
      expect(cancel).toMatchObject({
        code: 0,
        stdout: `job ${running!.id} (long) is being cancelled: agent local-agent stops it and posts the final status\n`,
      });
      const exit = await submitted.exited;
      expect(exit.code, submitted.logText()).toBe(1);
      expect(submitted.entries.map((e) => e.msg)).toContain(
        `ironbots: job ${running!.id} was cancelled: Cancelled: by ${me} (too slow) [local-agent]`,
      );
      expect(JSON.parse(submitted.stdout.trimEnd().split('\n').pop()!)).toMatchObject({
        id: running!.id,
        state: 'cancelled',
      });
    } finally {
      await submitted.stop();
    }
  });

  it('works on the deployment’s queue directly with --config', async () => {
    const config = path.join(stack.stateDir, 'cli-config.yml');
    await writeFile(
      config,
      [
        `stateDir: ${stack.stateDir}`,
        'forge:',
        `  apiUrl: ${stack.emulator.url}`,
        '  token: ${GITHUB_TOKEN}',
        `publicUrl: ${stack.server.url}`,
        '',
      ].join('\n'),
    );
    const direct = { GITHUB_TOKEN: stack.apiToken };
    const id = await submitStuckJob('weekly');
    const listed = await ironbots(
      ['jobs', 'list', '--state', 'queued', '--json', '--config', config],
      direct,
    );
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as JobSummary[]).map((j) => j.id)).toEqual([id]);

    const cancelled = await ironbots(['jobs', 'cancel', id, '--config', config], direct);
    expect(cancelled).toMatchObject({
      code: 0,
      stdout: `job ${id} (weekly) cancelled: Cancelled: by ${me}, before it started\n`,
    });
    expect(await statusOf('weekly')).toEqual([
      ['pending', 'Not yet tested'],
      ['error', `Cancelled: by ${me}, before it started`],
    ]);
    // The server sees the same queue.
    const described = await fetch(`${stack.server.url}/api/v1/jobs/${id}`, {
      headers: { authorization: `Bearer ${stack.apiToken}` },
    });
    expect(await described.json()).toMatchObject({ state: 'cancelled' });
    expect(await ironbots(['jobs', 'cancel', 'no-such-job', '--config', config], direct)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`error: no job no-such-job in ${config}’s queue`),
    });
  });

  it('exits 2 for bad input (unknown id, no token, nowhere to look), 3 for an unreachable server', async () => {
    expect(await ironbots(['jobs', 'cancel', 'no-such-job', ...server], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`error: no job no-such-job on ${stack.server.url}`),
    });
    expect(await ironbots(['jobs', 'list', ...server], {})).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        'error: set the API token in the environment variable IRONBOTS_API_TOKEN (never on the command line)',
      ),
    });
    expect(
      await ironbots(['jobs', 'list', ...server, '--token-env', 'MY_TOKEN'], { MY_TOKEN: stack.apiToken }),
    ).toMatchObject({
      code: 0,
    });
    expect(await ironbots(['jobs', 'list'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('error: say where the jobs are: --server-url <url>'),
    });
    expect(await ironbots(['jobs', 'list', '--state', 'sleeping', ...server], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("argument 'sleeping' is invalid"),
    });
    expect(await ironbots(['jobs', 'cancel', ...server], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("error: missing required argument 'id'"),
    });
    // A server that answers but refuses the token is not an outage: exit 1.
    expect(
      await ironbots(['jobs', 'list', ...server], { IRONBOTS_API_TOKEN: 'wrong-token-0123456789' }),
    ).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('refused the API token (HTTP 401)'),
    });
    const port = await freePort();
    for (const args of [['list'], ['cancel', 'some-job']]) {
      expect(
        await ironbots(['jobs', ...args, '--server-url', `http://127.0.0.1:${port}`], env),
      ).toMatchObject({
        code: 3,
        stderr: expect.stringContaining(
          `ironbots: cannot reach the ironbots server at http://127.0.0.1:${port}`,
        ),
      });
    }
  });
});
