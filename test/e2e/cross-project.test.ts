import { spawn } from 'node:child_process';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import type { CommitStatus, RepositoryId } from '../../forge/forge.ts';
import { JobRunner } from '../../runner-agent/src/agent/job-runner.ts';
import { ProcessExecutor } from '../../runner-agent/src/executors/process-executor.ts';
import type { Job } from '../../runner-agent/src/jobs/job.ts';
import { NOT_YET_TESTED } from '../../runner-agent/src/jobs/status-text.ts';
import { LocalStack } from '../../runner-agent/src/local/local-stack.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** The `ironbots` command, as a person runs it. */
async function ironbots(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'cli/ironbots.ts'), ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

const project: RepositoryId = { owner: 'acme', name: 'widget' };
const bots: RepositoryId = { owner: 'acme', name: 'bots' };
const other: RepositoryId = { owner: 'acme', name: 'elsewhere' };

/**
 * Cross-project testing on the GitHub emulator, through the production wiring: a person asks for
 * `unit@acme/bots#1` on the project's pull request (a "Not yet tested" status, as Cockpit's tests-trigger
 * posts it), and the project's `unit` runs with the infrastructure pull request's head beside it; its
 * status lands on the project's commit under that name. The infrastructure repository's main branch says
 * otherwise than its pull request, so only a checkout of the pull request's head passes.
 */
describe('cross-project contexts (a project PR tested with an infrastructure PR)', () => {
  let stack: LocalStack;
  let markers: string;
  let projectSha: string;
  let projectMainSha: string;
  let botsPrSha: string;
  let botsMainSha: string;
  let botsPr: number;

  const config = () =>
    [
      'contexts:',
      '  unit:',
      // Without an infrastructure checkout it only says so; with one, it needs the pull request's file.
      '    run:',
      '      - sh',
      '      - -c',
      `      - 'if [ -z "$IRONBOTS_INFRA_DIR" ]; then echo "plain" >>${markers}; exit 0; fi;` +
        ` echo "$IRONBOTS_CONTEXT $IRONBOTS_REPOSITORY $IRONBOTS_SHA $IRONBOTS_INFRA_REPOSITORY $IRONBOTS_INFRA_PULL_REQUEST $IRONBOTS_INFRA_SHA $(cat "$IRONBOTS_INFRA_DIR/VERSION")" >>${markers};` +
        ` test "$(cat "$IRONBOTS_INFRA_DIR/VERSION")" = from-pull-request && test -z "$(git status --porcelain)"'`,
      '',
    ].join('\n');

  beforeAll(async () => {
    stack = await LocalStack.start({
      logger: silentLogger(),
      infraRepositories: ['acme/bots'],
      infraProjects: ['acme/widget'],
    });
    markers = path.join(stack.stateDir, 'markers.txt');

    const infra = (await stack.createRepository(bots)).workingCopy;
    await infra.writeFiles({ VERSION: { content: 'main\n' } });
    botsMainSha = await infra.commit('main');
    await infra.push('main');
    await infra.checkoutNewBranch('new-images');
    await infra.writeFiles({ VERSION: { content: 'from-pull-request\n' } });
    botsPrSha = await infra.commit('new images');
    await infra.push('new-images');
    botsPr = (
      await stack.forge.createPullRequest(bots, { title: 'images', head: 'new-images', base: 'main' })
    ).number;

    const elsewhere = (await stack.createRepository(other)).workingCopy;
    await elsewhere.writeFiles({ VERSION: { content: 'x\n' } });
    await elsewhere.commit('main');
    await elsewhere.push('main');

    const copy = (await stack.createRepository(project)).workingCopy;
    await copy.writeFiles({ 'README.md': { content: 'widget\n' }, '.ironbots.yml': { content: config() } });
    projectMainSha = await copy.commit('main');
    await copy.push('main');
    await copy.checkoutNewBranch('topic');
    await copy.writeFiles({ 'README.md': { content: 'widget, changed\n' } });
    projectSha = await copy.commit('change');
    await copy.push('topic');
    await stack.forge.createPullRequest(project, { title: 'change', head: 'topic', base: 'main' });
  }, 120_000);
  afterAll(async () => stack?.stop());

  const latest = async (sha: string, context: string): Promise<CommitStatus | undefined> =>
    (await stack.forge.listCommitStatuses(project, sha)).find((s) => s.context === context);

  /** What a person (or Cockpit's tests-trigger) does to ask for a context. */
  const ask = (context: string) =>
    stack.forge.setCommitStatus(project, projectSha, {
      state: 'pending',
      context,
      description: NOT_YET_TESTED,
    });

  const finalOf = async (context: string): Promise<CommitStatus> => {
    await expect
      .poll(async () => (await latest(projectSha, context))?.state, { timeout: 60_000 })
      .toMatch(/^(success|failure|error)$/);
    return (await latest(projectSha, context))!;
  };

  it('runs the project’s context with the infrastructure PR’s head checked out and posts on the project’s commit', async () => {
    // The project's own `unit` runs as always, with no infrastructure checkout.
    expect((await finalOf('unit')).state).toBe('success');
    expect(await readFile(markers, 'utf8')).toBe('plain\n');
    const context = `unit@acme/bots#${botsPr}`;
    await ask(context);
    const final = await finalOf(context);
    expect([final.state, final.description]).toEqual(['success', expect.stringMatching(/^Passed in /)]);
    expect(await readFile(markers, 'utf8')).toContain(
      `${context} acme/widget ${projectSha} acme/bots ${botsPr} ${botsPrSha} from-pull-request\n`,
    );
    // The log's header names the infrastructure commit, so a re-run is known to run the same one.
    const log = await (await fetch(final.targetUrl!.replace(/\.html$/, ''))).text();
    expect(log).toContain(`ironbots: infrastructure: acme/bots#${botsPr} at ${botsPrSha}\n`);
    const logUrl = final.targetUrl!.replace(/\.html$/, '');
    expect(await (await fetch(`${logUrl}/meta`)).json()).toMatchObject({
      repository: 'acme/widget',
      sha: projectSha,
      infra: `acme/bots#${botsPr}`,
      infraSha: botsPrSha,
      infraUrl: expect.stringMatching(new RegExp(`/acme/bots/pull/${botsPr}$`)),
    });
    expect(await (await fetch(final.targetUrl!)).text()).toContain(
      `>with acme/bots#${botsPr} at ${botsPrSha.slice(0, 10)}</a>`,
    );
    // The infrastructure repository's own statuses are untouched.
    expect(await stack.forge.listCommitStatuses(bots, botsPrSha)).toEqual([]);
  });

  it('refuses a repository that is not on the allowlist, with a status saying so, and runs nothing', async () => {
    const before = await readFile(markers, 'utf8');
    const final = await finalOf((await ask('unit@acme/elsewhere#1'), 'unit@acme/elsewhere#1'));
    expect([final.state, final.description]).toEqual([
      'error',
      'Not run: acme/elsewhere is not an allowed infrastructure repository (server.infraRepositories)',
    ]);
    expect(await readFile(markers, 'utf8')).toBe(before);
  });

  it('refuses a pull request that does not exist, and a context the project does not have', async () => {
    await ask('unit@acme/bots#99');
    await ask(`integration@acme/bots#${botsPr}`);
    expect(
      [await finalOf('unit@acme/bots#99'), await finalOf(`integration@acme/bots#${botsPr}`)].map((s) => [
        s.state,
        s.description,
      ]),
    ).toEqual([
      ['error', 'Not run: acme/bots#99 does not exist'],
      ['error', 'Not run: .ironbots.yml has no context integration'],
    ]);
  });

  it('never lets a repository name with shell metacharacters get further than the status refusing it', async () => {
    const hostile = 'unit@acme/bots;touch${IFS}pwned#1';
    await ask(hostile);
    const final = await finalOf(hostile);
    expect([final.state, final.description]).toEqual([
      'error',
      `Not run: "${hostile}" is not <context>@<owner>/<repository>#<pull request>`,
    ]);
  });

  it('tests the project’s default branch for the infrastructure PR when asked on that PR (the other direction)', async () => {
    const askOnBots = (context: string) =>
      stack.forge.setCommitStatus(bots, botsPrSha, {
        state: 'pending',
        context,
        description: NOT_YET_TESTED,
      });
    const finalOnBots = async (context: string) => {
      await expect
        .poll(
          async () =>
            (await stack.forge.listCommitStatuses(bots, botsPrSha)).find((s) => s.context === context)?.state,
          { timeout: 60_000 },
        )
        .toMatch(/^(success|failure|error)$/);
      return (await stack.forge.listCommitStatuses(bots, botsPrSha)).find((s) => s.context === context)!;
    };
    await askOnBots('unit@acme/widget');
    await askOnBots('unit@acme/elsewhere');
    const final = await finalOnBots('unit@acme/widget');
    expect([final.state, final.description]).toEqual(['success', expect.stringMatching(/^Passed in /)]);
    // The project at its default branch's head, the infrastructure pull request beside it.
    expect(await readFile(markers, 'utf8')).toContain(
      `unit@acme/widget acme/widget ${projectMainSha} acme/bots ${botsPr} ${botsPrSha} from-pull-request\n`,
    );
    const refused = await finalOnBots('unit@acme/elsewhere');
    expect([refused.state, refused.description]).toEqual([
      'error',
      'Not run: acme/elsewhere is not a project infrastructure pull requests are tested with (server.infraProjects)',
    ]);
    // Nothing was posted on the project's commits.
    expect((await stack.forge.listCommitStatuses(project, projectMainSha)).map((s) => s.context)).toEqual([]);
  });

  it('checks out the infrastructure commit the job recorded, not whatever its pull request’s head is now', async () => {
    const { cloneUrl } = await stack.forge.getRepository(bots);
    const runner = new JobRunner({
      executors: [new ProcessExecutor()],
      workRoot: path.join(stack.stateDir, 'runner-work'),
      gitCredentials: () => stack.forge.gitCredentials(),
    });
    const run = async (infraSha: string) => {
      let output = '';
      const job: Job = {
        context: `unit@acme/bots#${botsPr}`,
        command: ['sh', '-c', 'cat "$IRONBOTS_INFRA_DIR/VERSION"'],
        labels: [],
        timeoutSeconds: 60,
        env: {},
        executor: 'process',
        repository: { ...project, cloneUrl: (await stack.forge.getRepository(project)).cloneUrl },
        sha: projectSha,
        infra: { repository: { ...bots, cloneUrl }, pullRequest: botsPr, sha: infraSha },
        trigger: { kind: 'api' },
        createdAt: new Date().toISOString(),
      };
      const result = await runner.run({
        jobId: `recorded-${infraSha.slice(0, 7)}`,
        job,
        runner: 'test',
        attempt: 1,
        maxAttempts: 1,
        output: (chunk) => (output += chunk.toString()),
        signal: new AbortController().signal,
      });
      return { outcome: result.outcome, output };
    };
    const recorded = await run(botsMainSha);
    expect(recorded.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(recorded.output).toContain(`infrastructure: acme/bots#${botsPr} at ${botsMainSha}\n`);
    expect(recorded.output).toMatch(/\nmain\n/);
    // A commit the repository does not have is the infrastructure's failure (retried), never the job's.
    const missing = await run('0'.repeat(40));
    expect(missing.outcome).toMatchObject({ kind: 'infrastructure-error' });
  });

  it('takes the same context through the job API (`ironbots submit`), and refuses there what it refuses on a PR', async () => {
    const submit = (context: string) =>
      fetch(`${stack.server.url}/api/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          context,
          command: ['sh', '-c', 'cat "$IRONBOTS_INFRA_DIR/VERSION" | grep -qx from-pull-request'],
          repository: project,
          sha: projectSha,
        }),
      });
    const refused = await submit('api@acme/elsewhere#1');
    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([
      422,
      'context: acme/elsewhere is not an allowed infrastructure repository (server.infraRepositories)',
    ]);
    const malformed = await submit('api@acme/$(reboot)#1');
    expect(malformed.status).toBe(400);

    const submitted = (context: string) =>
      ironbots(
        [
          'submit',
          '--server-url',
          stack.server.url,
          '--repository',
          'acme/widget',
          '--sha',
          projectSha,
          '--context',
          context,
          '--wait',
          '--',
          'sh',
          '-c',
          'echo "infra $IRONBOTS_INFRA_SHA"; grep -qx from-pull-request "$IRONBOTS_INFRA_DIR/VERSION"',
        ],
        { IRONBOTS_API_TOKEN: stack.apiToken },
      );
    const cli = await submitted(`api@acme/bots#${botsPr}`);
    expect([cli.code, cli.stdout]).toEqual([0, expect.stringContaining(`infra ${botsPrSha}\n`)]);
    expect((await latest(projectSha, `api@acme/bots#${botsPr}`))?.state).toBe('success');
    const cliRefused = await submitted('api@acme/bots#99');
    // A refusal of the request itself is a usage error (exit 2), not a failed job.
    expect([cliRefused.code, cliRefused.stderr]).toEqual([
      2,
      expect.stringContaining('failed with 422: context: acme/bots#99 does not exist'),
    ]);
  });
});
