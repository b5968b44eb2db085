import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStack } from '../../runner-agent/src/local/local-stack.ts';
import { silentLogger } from '../../core/logger.ts';
import { runActionDist } from '../support/run-action-dist.ts';

const runAction = (inputs: Record<string, string>, env: Record<string, string> = {}, entry?: string) =>
  runActionDist('.', { inputs, env, ...(entry ? { entry } : {}) });

const TOKEN = 'contract-test-token-0123456789';
const SHA = '0123456789abcdef0123456789abcdef01234567';

interface SeenSubmission {
  authorization: string | undefined;
  body: Record<string, unknown>;
}

/**
 * The job API as the contract states it, on node:http: bearer token or 401; POST → 201 with the job's URLs;
 * GET → the states listed for the job's context, one per poll (the last repeats); 404 for unknown jobs.
 */
async function startContractServer(statesByContext: Record<string, string[]>) {
  const submissions: SeenSubmission[] = [];
  const jobs = new Map<string, { context: string; polls: number }>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${TOKEN}`)
        return send(401, { error: 'missing or invalid bearer token' });
      if (req.method === 'POST' && req.url === '/api/v1/jobs') {
        const body = JSON.parse(raw) as Record<string, unknown>;
        submissions.push({ authorization: req.headers.authorization, body });
        if (typeof body.context !== 'string') return send(400, { error: 'context: Required' });
        const id = `job-${jobs.size + 1}`;
        jobs.set(id, { context: body.context, polls: 0 });
        return send(201, {
          id,
          state: 'queued',
          duplicate: false,
          url: `${url}/api/v1/jobs/${id}`,
          logUrl: `${url}/logs/${id}`,
        });
      }
      const job = req.method === 'GET' && jobs.get(req.url?.replace('/api/v1/jobs/', '') ?? '');
      if (!job) return send(404, { error: `no job at ${req.url}` });
      const states = statesByContext[job.context] ?? ['queued'];
      const state = states[Math.min(job.polls++, states.length - 1)]!;
      return send(200, {
        id: req.url!.split('/').pop(),
        context: job.context,
        state,
        ...(state === 'failure' ? { description: 'Failed (exit code 4)', exitCode: 4 } : {}),
        logUrl: `${url}/logs/${req.url!.split('/').pop()}`,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    submissions,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('root action dist/index.js against the job API contract', () => {
  let api: Awaited<ReturnType<typeof startContractServer>>;
  beforeAll(async () => {
    api = await startContractServer({
      nightly: ['running', 'success'],
      broken: ['failure'],
      slow: ['running'],
    });
  });
  afterAll(async () => api.stop());
  const workflow = { GITHUB_REPOSITORY: 'acme/widget', GITHUB_SHA: SHA };

  // The source as well as the bundle: the workflow's repository and commit come through @actions/github's context.
  it.each(['dist/index.js', 'actions/submit-job/main.ts'])(
    "%s submits the job with the workflow's commit, waits, and sets outputs and the summary",
    async (entry) => {
      const result = await runAction(
        {
          'server-url': api.url,
          token: TOKEN,
          job: 'context: nightly\nrun: [ironbots, image-refresh, "debian 12"]\ntimeout: 600',
          labels: 'kvm, x86_64',
          wait: 'true',
        },
        workflow,
        entry,
      );
      expect(result.log).not.toContain('::error::');
      expect(result.code).toBe(0);
      expect(api.submissions.at(-1)).toEqual({
        authorization: `Bearer ${TOKEN}`,
        body: {
          context: 'nightly',
          command: ['ironbots', 'image-refresh', 'debian 12'],
          labels: ['kvm', 'x86_64'],
          timeoutSeconds: 600,
          repository: { owner: 'acme', name: 'widget' },
          sha: SHA,
        },
      });
      const jobId = `job-${api.submissions.length}`;
      expect(result.outputs).toEqual({
        'job-id': jobId,
        state: 'success',
        'log-url': `${api.url}/logs/${jobId}`,
      });
      expect(result.summary).toContain('ironbots job nightly');
      expect(result.summary).toContain('success');
      expect(result.summary).toContain(`<a href="${api.url}/logs/${jobId}">log</a>`);
      expect(result.log.replace(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN);
    },
  );

  it('applies the defaults of action.yml itself: no wait, so the step succeeds with the job queued', async () => {
    const result = await runAction({ 'server-url': api.url, token: TOKEN, job: `broken --flag 'a b'` }, {});
    expect(result.code).toBe(0);
    expect(result.outputs.state).toBe('queued');
    expect(api.submissions.at(-1)!.body).toEqual({
      context: 'broken',
      command: ['broken', '--flag', 'a b'],
      labels: [],
    });
  });

  it('fails the step when the waited-for job fails', async () => {
    const result = await runAction(
      { 'server-url': api.url, token: TOKEN, job: 'broken', wait: 'true' },
      workflow,
    );
    expect(result.code).not.toBe(0);
    expect(result.outputs.state).toBe('failure');
    expect(result.log).toMatch(/::error::job job-\d+ ended failure: Failed \(exit code 4\)/);
    expect(result.summary).toContain('failure — Failed (exit code 4)');
  });

  it('fails at wait-timeout, still naming the job in its outputs', async () => {
    const result = await runAction(
      { 'server-url': api.url, token: TOKEN, job: 'slow', wait: 'true', 'wait-timeout': '1' },
      workflow,
    );
    expect(result.code).not.toBe(0);
    expect(result.log).toMatch(/::error::job job-\d+ did not finish within 1 s \(last state: running\)/);
    expect(result.outputs).toMatchObject({ 'job-id': expect.stringMatching(/^job-\d+$/), state: 'running' });
  });

  it('fails with a clear message on a refused token, and never prints the token', async () => {
    const before = api.submissions.length;
    const result = await runAction(
      { 'server-url': api.url, token: 'not-the-token-at-all', job: 'nightly' },
      workflow,
    );
    expect(result.code).not.toBe(0);
    expect(result.log).toMatch(/::error::the ironbots server refused the token \(401\)/);
    expect(result.log.replace('::add-mask::not-the-token-at-all', '')).not.toContain('not-the-token-at-all');
    expect(result.outputs).toEqual({});
    expect(api.submissions.length).toBe(before);
  });

  it("goes through the runner's HTTP proxy to a server that is not on loopback, unless NO_PROXY exempts it", async () => {
    // A forward proxy on loopback that takes any destination to the contract server, noting what it was
    // asked for; the server's name is one only the proxy knows.
    const server = new URL(api.url);
    const asked: string[] = [];
    const proxy = http.createServer((req, res) => {
      asked.push(`${req.method} ${req.url}`);
      const destination = new URL(req.url!);
      const upstream = http.request(
        new URL(destination.pathname + destination.search, server),
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (error) => res.destroy(error));
      req.pipe(upstream);
    });
    // undici's proxy agent (the toolkit's too) tunnels plain http through CONNECT as well.
    proxy.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      asked.push(`CONNECT ${req.url}`);
      const upstream = net.connect(Number(server.port), server.hostname, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const serverUrl = `http://ironbots.example.test:${server.port}`;
    const inputs = { 'server-url': serverUrl, token: TOKEN, job: 'context: nightly\nrun: [echo, hi]' };
    try {
      const proxied = await runAction(inputs, {
        ...workflow,
        HTTP_PROXY: proxyUrl,
        NO_PROXY: 'elsewhere.test',
      });
      expect(result(proxied)).toEqual([0, 'queued']);
      expect(asked).toEqual([`CONNECT ironbots.example.test:${server.port}`]);

      const exempt = await runAction(inputs, {
        ...workflow,
        HTTP_PROXY: proxyUrl,
        NO_PROXY: '.example.test',
      });
      expect(exempt.code).not.toBe(0);
      expect(asked).toHaveLength(1);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
    function result(run: Awaited<ReturnType<typeof runAction>>) {
      return [run.code, run.outputs.state];
    }
  });

  it('fails naming the input when a required one is missing', async () => {
    const result = await runAction({ 'server-url': api.url, job: 'nightly' }, workflow);
    expect(result.code).not.toBe(0);
    expect(result.log).toMatch(/::error::input token: required/);
  });
});

describe('root action dist/index.js against a real ironbots server', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await LocalStack.start({ logger: silentLogger() });
  });
  afterAll(async () => stack.stop());

  it('submits a job, waits for the agent to run it, and sets outputs and the summary', async () => {
    const result = await runAction({
      'server-url': stack.server.url,
      token: stack.apiToken,
      job: 'context: nightly\nrun: [sh, -c, "echo hello from the root action"]',
      wait: 'true',
      repository: 'none',
    });
    // The runner consumes ::add-mask:: itself and hides the value everywhere else.
    expect(result.log).toContain(`::add-mask::${stack.apiToken}`);
    expect(result.log.replace(`::add-mask::${stack.apiToken}`, '')).not.toContain(stack.apiToken);
    expect(result.code).toBe(0);
    expect(result.outputs.state).toBe('success');
    expect(result.outputs['job-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.outputs['log-url']).toBe(`${stack.server.url}/logs/${result.outputs['job-id']}`);
    expect(await (await fetch(result.outputs['log-url']!)).text()).toContain('hello from the root action');
    expect(result.summary).toContain('ironbots job nightly');
  });

  it('fails the step when the waited-for job fails', async () => {
    const result = await runAction({
      'server-url': stack.server.url,
      token: stack.apiToken,
      job: 'sh -c "exit 4"',
      wait: 'true',
      repository: 'none',
    });
    expect(result.code).not.toBe(0);
    expect(result.outputs.state).toBe('failure');
    expect(result.log).toMatch(/::error::job .* ended failure: Failed \(exit code 4\)/);
  });

  it('fails with a clear message on a refused token, and submits nothing', async () => {
    const before = await stack.jobs.stats();
    const result = await runAction({
      'server-url': stack.server.url,
      token: 'not-the-token-at-all',
      job: 'true',
      repository: 'none',
    });
    expect(result.code).not.toBe(0);
    expect(result.log).toMatch(/::error::the ironbots server refused the token \(401\)/);
    expect(await stack.jobs.stats()).toEqual(before);
  });
});
