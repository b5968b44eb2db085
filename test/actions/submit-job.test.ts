import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  INPUT_DEFAULTS,
  planSubmission,
  submitJob,
  WaitTimeoutError,
  type SubmitJobDeps,
} from '../../actions/submit-job/submit-job.ts';
import { InputError, splitCommandLine } from '../../core/inputs.ts';

const TOKEN = 'secret-api-token-123456';
const SHA = 'a'.repeat(40);

type InputValues = Record<
  'serverUrl' | 'token' | 'job' | 'labels' | 'wait' | 'waitTimeout' | 'repository' | 'sha',
  string
>;

/** The inputs as the runner would pass them (action.yml names), written here in camelCase. */
function inputs(overrides: Partial<InputValues> = {}): Record<string, string> {
  const values: InputValues = {
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
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
      value,
    ]),
  );
}

async function inputError(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('root action inputs', () => {
  it('takes a plain command line: argv without a shell, context from the first word, repository from the workflow', async () => {
    const plan = await planSubmission(
      inputs({ job: `image-refresh 'debian 12' --force`, labels: 'kvm, x86_64\npublic' }),
      { github: { repository: 'acme/widget' }, sha: SHA },
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

  it('takes a YAML mapping', async () => {
    const plan = await planSubmission(
      inputs({
        job: 'context: image-refresh/debian-12\nrun: [ironbots, image-refresh, debian-12]\ntimeout: 7200\nenv: { DEBUG: 1 }\nexecutor: vm',
        repository: 'none',
        wait: 'true',
      }),
      { github: { repository: 'acme/widget' } },
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
    ['server-url', { serverUrl: '' }, /input server-url: required/],
    ['server-url', { serverUrl: 'ci.example.org' }, /input server-url: .* is not a URL/],
    ['server-url', { serverUrl: 'ftp://ci.example.org' }, /must be http/],
    ['token', { token: '' }, /input token: required/],
    ['job', { job: '  ' }, /input job: required/],
    ['job', { job: 'context: x\nrun: [a' }, /input job: invalid YAML/],
    ['job', { job: '- a\n- b' }, /input job: several lines must form a YAML mapping/],
    ['job', { job: 'context: x\nrun: []' }, /input job: run/],
    ['job', { job: 'context: x\nrun: [a]\nshell: true' }, /input job: .*shell/],
    ['job', { job: `echo 'oops` }, /unterminated ' quote/],
    [
      'job',
      { job: 'context: x\nrun: [a]\nenv: { A-B: 1 }' },
      /input job: env\.A-B: is not an environment variable name/,
    ],
    ['job', { job: 'context: x\nrun: [a]\nexecutor: docker' }, /input job: executor: /],
    ['labels', { labels: 'kvm, bad label!' }, /input labels: "label!"/],
    ['wait', { wait: 'yes' }, /input wait: "yes" is not a boolean/],
    ['wait-timeout', { waitTimeout: '-5' }, /input wait-timeout/],
    ['repository', { repository: 'just-a-name' }, /input repository: "just-a-name" is not owner\/name/],
    ['repository', { repository: 'acme//widget' }, /input repository: "acme\/\/widget" is not owner\/name/],
    ['repository', { repository: 'acme/' }, /input repository: "acme\/" is not owner\/name/],
    ['sha', { repository: 'acme/widget', sha: 'abc123' }, /input sha: "abc123" is not a full commit id/],
    ['sha', { repository: 'none', sha: SHA }, /input sha: needs a repository/],
  ])('names the bad input: %s', async (_name, overrides, message) => {
    expect(await inputError(() => planSubmission(inputs(overrides), {}))).toMatch(message);
  });

  it('takes labels separated by commas, whitespace or newlines, once each', async () => {
    expect(
      (await planSubmission(inputs({ labels: ' kvm,x86_64  public\n\nkvm ,' }), {})).submission.labels,
    ).toEqual(['kvm', 'x86_64', 'public']);
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['false', false],
    ['', false],
  ])('reads wait %j as %s', async (wait, expected) => {
    expect((await planSubmission(inputs({ wait }), {})).wait).toBe(expected);
  });

  it('lets explicit repository and sha inputs override the workflow, and submits no commit for none', async () => {
    const workflow = { github: { repository: 'acme/widget' }, sha: SHA };
    const other = 'b'.repeat(40);
    expect(
      (await planSubmission(inputs({ repository: 'acme/images', sha: other }), workflow)).submission,
    ).toMatchObject({ repository: { owner: 'acme', name: 'images' }, sha: other });
    // A GitLab project in a subgroup: the namespace is the owner.
    expect(
      (await planSubmission(inputs({ repository: 'acme/infra/bots', sha: other }), workflow)).submission,
    ).toMatchObject({ repository: { owner: 'acme/infra', name: 'bots' } });
    const none = (await planSubmission(inputs({ repository: 'none' }), workflow)).submission;
    expect(none).not.toHaveProperty('repository');
    expect(none).not.toHaveProperty('sha');
  });

  it('declares in INPUT_DEFAULTS exactly the inputs and defaults of action.yml', async () => {
    const action = parseYaml(
      await readFile(path.resolve(import.meta.dirname, '../../action.yml'), 'utf8'),
    ) as { inputs: Record<string, { default?: string }>; outputs: Record<string, unknown> };
    expect(
      Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [name, spec.default ?? ''])),
    ).toEqual(INPUT_DEFAULTS);
    expect(Object.keys(action.outputs).sort()).toEqual(['job-id', 'log-url', 'state']);
  });

  it('reads one line as a command line even when it is not valid YAML', async () => {
    expect((await planSubmission(inputs({ job: `'sh' '-c' 'echo "a: b"'` }), {})).submission.command).toEqual(
      ['sh', '-c', 'echo "a: b"'],
    );
    expect((await planSubmission(inputs({ job: '{context: c, run: [x]}' }), {})).submission).toMatchObject({
      context: 'c',
      command: ['x'],
    });
  });

  it('splits command lines without expanding anything', () => {
    expect(splitCommandLine(`a "b c" 'd "e"' $(rm -rf /) \`x\` *`, 'job')).toEqual([
      'a',
      'b c',
      'd "e"',
      '$(rm',
      '-rf',
      '/)',
      '`x`',
      '*',
    ]);
    expect(splitCommandLine(`empty '' arg`, 'job')).toEqual(['empty', '', 'arg']);
  });
});

interface SeenRequest {
  url: string;
  method: string;
  authorization?: string;
  body?: unknown;
  signal?: unknown;
}

type Answer = Response | Error;

/**
 * A fake ironbots server behind an injected fetch, on a fake clock: `polls` answer the GETs in order (the
 * last one repeats); a string is a state, anything else is answered as is.
 */
function fakeServer(options: { submit?: Answer; polls?: (string | Answer)[] } = {}) {
  const requests: SeenRequest[] = [];
  const logs: string[] = [];
  let polls = 0;
  let clock = 0;
  const fetchFake = async (url: string, init: RequestInit): Promise<Response> => {
    const headers = init.headers as Record<string, string>;
    requests.push({
      url,
      method: init.method!,
      authorization: headers.authorization,
      signal: init.signal,
      ...(init.body ? { body: JSON.parse(String(init.body)) } : {}),
    });
    const answer: string | Answer =
      init.method === 'POST'
        ? (options.submit ??
          json(201, {
            id: 'job-1',
            state: 'queued',
            duplicate: false,
            url: 'https://ci.example.org/api/v1/jobs/job-1',
            logUrl: 'https://ci.example.org/logs/job-1',
          }))
        : options.polls![Math.min(polls++, options.polls!.length - 1)]!;
    if (answer instanceof Error) throw answer;
    if (answer instanceof Response) return answer;
    return json(200, { id: 'job-1', context: 'make', state: answer, description: `it is ${answer}` });
  };
  const deps: SubmitJobDeps = {
    fetch: fetchFake as typeof fetch,
    sleep: async (ms) => {
      clock += ms;
    },
    now: () => clock,
    log: (line) => logs.push(line),
  };
  return { deps, requests, logs, elapsed: () => clock };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error as Error,
  );
  if (outcome.message === 'expected a rejection') throw outcome;
  return outcome;
}

describe('root action submission', () => {
  it('posts the job with the bearer token and returns at once without wait', async () => {
    const server = fakeServer();
    const plan = await planSubmission(inputs({ labels: 'kvm' }), {});
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
        signal: expect.any(AbortSignal),
        body: { context: 'make', command: ['make', 'check'], labels: ['kvm'] },
      },
    ]);
  });

  it('submits every field of a YAML job, and the commit of the workflow', async () => {
    const server = fakeServer();
    const plan = await planSubmission(
      inputs({
        job: 'context: refresh\nrun: ironbots image-refresh "debian 12"\ntimeout: 600\nenv: { A: b }\nexecutor: podman\nimage: busybox',
      }),
      { github: { repository: 'acme/widget' }, sha: SHA },
    );
    await submitJob(plan, server.deps);
    expect(server.requests[0]!.body).toEqual({
      context: 'refresh',
      command: ['ironbots', 'image-refresh', 'debian 12'],
      labels: [],
      timeoutSeconds: 600,
      env: { A: 'b' },
      executor: 'podman',
      image: 'busybox',
      repository: { owner: 'acme', name: 'widget' },
      sha: SHA,
    });
  });

  it('reports a duplicate submission as such', async () => {
    const server = fakeServer({
      submit: json(200, { id: 'job-0', state: 'queued', duplicate: true, url: 'u', logUrl: 'l' }),
    });
    expect(await submitJob(await planSubmission(inputs(), {}), server.deps)).toMatchObject({
      jobId: 'job-0',
      duplicate: true,
    });
    expect(server.logs.join('\n')).toMatch(/the same as an earlier submission/);
  });

  it('waits, polling the configured server with growing delays, until a final state', async () => {
    const server = fakeServer({ polls: ['queued', 'running', 'running', 'success'] });
    const plan = await planSubmission(inputs({ wait: 'true' }), {});
    const result = await submitJob(plan, server.deps);
    expect(result).toMatchObject({ state: 'success', description: 'it is success' });
    const gets = server.requests.filter((r) => r.method === 'GET');
    expect(gets.map((r) => [r.url, r.authorization])).toEqual(
      Array(4).fill(['https://ci.example.org/api/v1/jobs/job-1', `Bearer ${TOKEN}`]),
    );
    expect(server.elapsed()).toBe(2000 + 3000 + 4500);
  });

  it('grows the delay between polls to 15 s and no further', async () => {
    const delays: number[] = [];
    const server = fakeServer({ polls: [...Array<string>(10).fill('running'), 'success'] });
    const sleep = server.deps.sleep;
    await submitJob(await planSubmission(inputs({ wait: 'true' }), {}), {
      ...server.deps,
      sleep: async (ms) => {
        delays.push(ms);
        await sleep(ms);
      },
    });
    expect(delays).toEqual([2000, 3000, 4500, 6750, 10125, 15000, 15000, 15000, 15000, 15000]);
  });

  it('sends the token only to the configured server, whatever URL the answer names', async () => {
    const server = fakeServer({
      submit: json(201, {
        id: 'job-1',
        state: 'queued',
        duplicate: false,
        url: 'http://elsewhere.example/api/v1/jobs/job-1',
        logUrl: 'http://elsewhere.example/logs/job-1',
      }),
      polls: ['success'],
    });
    const result = await submitJob(await planSubmission(inputs({ wait: 'true' }), {}), server.deps);
    expect(result.url).toBe('http://elsewhere.example/api/v1/jobs/job-1');
    expect(server.requests.map((r) => new URL(r.url).origin)).toEqual([
      'https://ci.example.org',
      'https://ci.example.org',
    ]);
  });

  it.each(['failure', 'error', 'cancelled', 'dead'])('reports a job that ended %s', async (state) => {
    const server = fakeServer({ polls: ['running', state] });
    expect((await submitJob(await planSubmission(inputs({ wait: 'true' }), {}), server.deps)).state).toBe(
      state,
    );
  });

  it('gives up after wait-timeout with the last state, and with what is known of the job', async () => {
    const server = fakeServer({ polls: ['running'] });
    const error = await failure(
      submitJob(await planSubmission(inputs({ wait: 'true', waitTimeout: '20' }), {}), server.deps),
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error.message).toMatch(
      /job job-1 did not finish within 20 s \(last state: running\); see https:\/\/ci\.example\.org\/logs\/job-1/,
    );
    expect((error as WaitTimeoutError).result).toMatchObject({ jobId: 'job-1', state: 'running' });
    expect(server.elapsed()).toBeLessThanOrEqual(20_000);
  });

  it('polls again through a server restart (network error, 503) while waiting', async () => {
    const server = fakeServer({
      polls: ['running', new TypeError('fetch failed'), json(503, { error: 'starting' }), 'success'],
    });
    const result = await submitJob(await planSubmission(inputs({ wait: 'true' }), {}), server.deps);
    expect(result.state).toBe('success');
    expect(server.logs.join('\n')).toMatch(
      /cannot reach the ironbots server at https:\/\/ci\.example\.org: fetch failed/,
    );
    expect(server.logs.join('\n')).toMatch(/failed with 503: starting/);
  });

  it('names the last problem when the server stays away until the wait times out', async () => {
    const server = fakeServer({ polls: [new TypeError('fetch failed')] });
    const error = await failure(
      submitJob(await planSubmission(inputs({ wait: 'true', waitTimeout: '10' }), {}), server.deps),
    );
    expect(error.message).toMatch(/last state: queued; last poll: cannot reach .*fetch failed/);
  });

  it('stops at once when the job is unknown to the server', async () => {
    const server = fakeServer({ polls: [json(404, { error: 'no job job-1' })] });
    const error = await failure(submitJob(await planSubmission(inputs({ wait: 'true' }), {}), server.deps));
    expect(error.message).toBe('GET /api/v1/jobs/job-1 failed with 404: no job job-1');
    expect(server.requests).toHaveLength(2);
  });

  it('explains a refused submission, and an answer that is not a job', async () => {
    const rejected = fakeServer({ submit: json(400, { error: 'command: Too small' }) });
    expect((await failure(submitJob(await planSubmission(inputs(), {}), rejected.deps))).message).toBe(
      'POST /api/v1/jobs failed with 400: command: Too small',
    );
    const odd = fakeServer({ submit: json(201, { ok: true }) });
    expect((await failure(submitJob(await planSubmission(inputs(), {}), odd.deps))).message).toMatch(
      /answer to the submission is not a job/,
    );
    const html = fakeServer({ submit: new Response('<html>bad gateway</html>', { status: 502 }) });
    expect((await failure(submitJob(await planSubmission(inputs(), {}), html.deps))).message).toBe(
      'POST /api/v1/jobs failed with 502: <html>bad gateway</html>',
    );
  });

  it('never shows the token: not for a refused token, nor when a server or the network echoes it', async () => {
    const cases = [
      fakeServer({ submit: json(401, { error: 'missing or invalid bearer token' }) }),
      fakeServer({ submit: json(400, { error: `bad header Bearer ${TOKEN}` }) }),
      fakeServer({ submit: new TypeError(`connect failed for Bearer ${TOKEN}`) }),
      fakeServer({ polls: [json(500, { error: `oops ${TOKEN}` }), json(404, { error: TOKEN })] }),
    ];
    const messages: string[] = [];
    for (const server of cases) {
      const error = await failure(submitJob(await planSubmission(inputs({ wait: 'true' }), {}), server.deps));
      messages.push(error.message, ...server.logs);
    }
    expect(messages[0]).toBe('the ironbots server refused the token (401): check the token input');
    expect(messages.join('\n')).toMatch(/\*\*\*/);
    for (const message of messages) expect(message).not.toContain(TOKEN);
  });
});
