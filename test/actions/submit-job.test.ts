import { describe, expect, it } from 'vitest';
import {
  InputError,
  planSubmission,
  splitCommandLine,
  submitJob,
  type SubmitJobDeps,
  type SubmitJobInputs,
} from '../../actions/submit-job/submit-job.ts';

const TOKEN = 'secret-api-token-123456';
const SHA = 'a'.repeat(40);

function inputs(overrides: Partial<SubmitJobInputs> = {}): SubmitJobInputs {
  return {
    serverUrl: 'https://ci.example.org/',
    token: TOKEN,
    job: 'make check',
    labels: '',
    wait: 'false',
    waitTimeout: '3600',
    repository: '',
    sha: '',
    ...overrides,
  };
}

function inputError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('root action inputs', () => {
  it('takes a plain command line: argv without a shell, context from the first word, repository from the workflow', () => {
    const plan = planSubmission(
      inputs({ job: `image-refresh 'debian 12' --force`, labels: 'kvm, x86_64\npublic' }),
      {
        GITHUB_REPOSITORY: 'acme/widget',
        GITHUB_SHA: SHA,
      },
    );
    expect(plan).toEqual({
      serverUrl: 'https://ci.example.org',
      token: TOKEN,
      wait: false,
      waitTimeoutSeconds: 3600,
      submission: {
        context: 'image-refresh',
        command: ['image-refresh', 'debian 12', '--force'],
        labels: ['kvm', 'x86_64', 'public'],
        repository: { owner: 'acme', name: 'widget' },
        sha: SHA,
      },
    });
  });

  it('takes a YAML mapping', () => {
    const plan = planSubmission(
      inputs({
        job: 'context: image-refresh/debian-12\nrun: [ironbots, image-refresh, debian-12]\ntimeout: 7200\nenv: { DEBUG: 1 }\nexecutor: vm',
        repository: 'none',
        wait: 'true',
      }),
      { GITHUB_REPOSITORY: 'acme/widget' },
    );
    expect(plan.submission).toEqual({
      context: 'image-refresh/debian-12',
      command: ['ironbots', 'image-refresh', 'debian-12'],
      labels: [],
      timeoutSeconds: 7200,
      env: { DEBUG: '1' },
      executor: 'vm',
    });
    expect(plan.wait).toBe(true);
  });

  it.each([
    ['server-url', { serverUrl: '' }, /input server-url: is required/],
    ['server-url', { serverUrl: 'ci.example.org' }, /input server-url: .* is not a URL/],
    ['server-url', { serverUrl: 'ftp://ci.example.org' }, /must be http/],
    ['token', { token: '' }, /input token: is required/],
    ['job', { job: '  ' }, /input job: is required/],
    ['job', { job: 'context: x\nrun: [a' }, /input job: invalid YAML/],
    ['job', { job: '- a\n- b' }, /input job: several lines must form a YAML mapping/],
    ['job', { job: 'context: x\nrun: []' }, /input job: run/],
    ['job', { job: 'context: x\nrun: [a]\nshell: true' }, /input job: .*shell/],
    ['job', { job: `echo 'oops` }, /unterminated ' quote/],
    ['labels', { labels: 'kvm, bad label!' }, /input labels: "label!"/],
    ['wait', { wait: 'yes' }, /input wait: "yes" is neither true nor false/],
    ['wait-timeout', { waitTimeout: '-5' }, /input wait-timeout/],
    ['repository', { repository: 'just-a-name' }, /input repository: "just-a-name" is not owner\/name/],
    ['sha', { repository: 'acme/widget', sha: 'abc123' }, /input sha: "abc123" is not a full commit id/],
  ])('names the bad input: %s', (_name, overrides, message) => {
    expect(inputError(() => planSubmission(inputs(overrides), {}))).toMatch(message);
  });

  it('reads one line as a command line even when it is not valid YAML', () => {
    expect(planSubmission(inputs({ job: `'sh' '-c' 'echo "a: b"'` }), {}).submission.command).toEqual([
      'sh',
      '-c',
      'echo "a: b"',
    ]);
    expect(planSubmission(inputs({ job: '{context: c, run: [x]}' }), {}).submission).toMatchObject({
      context: 'c',
      command: ['x'],
    });
  });

  it('splits command lines without expanding anything', () => {
    expect(splitCommandLine(`a "b c" 'd "e"' $(rm -rf /) \`x\` *`)).toEqual([
      'a',
      'b c',
      'd "e"',
      '$(rm',
      '-rf',
      '/)',
      '`x`',
      '*',
    ]);
    expect(splitCommandLine(`empty '' arg`)).toEqual(['empty', '', 'arg']);
  });
});

function fakeServer(states: string[], options: { status?: number } = {}) {
  const requests: { url: string; method: string; body?: unknown; authorization?: string }[] = [];
  let polls = 0;
  let clock = 0;
  const deps: SubmitJobDeps = {
    fetch: (async (url: string, init: RequestInit) => {
      const headers = init.headers as Record<string, string>;
      requests.push({
        url,
        method: init.method!,
        authorization: headers.authorization,
        ...(init.body ? { body: JSON.parse(String(init.body)) } : {}),
      });
      if (options.status) return new Response(JSON.stringify({ error: 'nope' }), { status: options.status });
      if (init.method === 'POST') {
        return new Response(
          JSON.stringify({
            id: 'job-1',
            state: 'queued',
            duplicate: false,
            url: 'https://ci.example.org/api/v1/jobs/job-1',
            logUrl: 'https://ci.example.org/logs/job-1',
          }),
          { status: 201 },
        );
      }
      const state = states[Math.min(polls++, states.length - 1)]!;
      return new Response(JSON.stringify({ id: 'job-1', state, description: `it is ${state}` }), {
        status: 200,
      });
    }) as typeof fetch,
    sleep: async (ms) => {
      clock += ms;
    },
    now: () => clock,
    log: () => undefined,
  };
  return { deps, requests, elapsed: () => clock };
}

describe('root action submission', () => {
  it('posts the job with the bearer token and returns at once without wait', async () => {
    const server = fakeServer([]);
    const plan = planSubmission(inputs({ labels: 'kvm' }), {});
    const result = await submitJob(plan, server.deps);
    expect(result).toEqual({
      jobId: 'job-1',
      state: 'queued',
      url: 'https://ci.example.org/api/v1/jobs/job-1',
      logUrl: 'https://ci.example.org/logs/job-1',
      duplicate: false,
    });
    expect(server.requests).toEqual([
      {
        url: 'https://ci.example.org/api/v1/jobs',
        method: 'POST',
        authorization: `Bearer ${TOKEN}`,
        body: { context: 'make', command: ['make', 'check'], labels: ['kvm'] },
      },
    ]);
  });

  it('waits, polling with growing delays, until a final state', async () => {
    const server = fakeServer(['queued', 'running', 'running', 'success']);
    const result = await submitJob(planSubmission(inputs({ wait: 'true' }), {}), server.deps);
    expect(result).toMatchObject({ state: 'success', description: 'it is success' });
    expect(server.requests.filter((r) => r.method === 'GET')).toHaveLength(4);
    expect(server.elapsed()).toBe(2000 + 3000 + 4500);
  });

  it('reports a failed job as its final state', async () => {
    const server = fakeServer(['running', 'failure']);
    expect((await submitJob(planSubmission(inputs({ wait: 'true' }), {}), server.deps)).state).toBe(
      'failure',
    );
  });

  it('gives up after wait-timeout with the last state', async () => {
    const server = fakeServer(['running']);
    await expect(
      submitJob(planSubmission(inputs({ wait: 'true', waitTimeout: '20' }), {}), server.deps),
    ).rejects.toThrow(/did not finish within 20 s \(last state: running\)/);
  });

  it('explains a refused token without ever showing it', async () => {
    const server = fakeServer([], { status: 401 });
    const error = (await submitJob(planSubmission(inputs(), {}), server.deps).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toMatch(/refused the token \(401\)/);
    expect(error.message).not.toContain(TOKEN);
    const rejected = fakeServer([], { status: 400 });
    const refused = (await submitJob(planSubmission(inputs(), {}), rejected.deps).catch(
      (e: unknown) => e,
    )) as Error;
    expect(refused.message).toMatch(/failed with 400: nope/);
  });
});
