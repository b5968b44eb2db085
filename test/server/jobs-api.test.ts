import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../../core/http/http-server.ts';
import type { Job } from '../../runner-agent/src/jobs/job.ts';
import { NOT_YET_TESTED } from '../../runner-agent/src/jobs/status-text.ts';
import { FilesystemLogStore } from '../../runner-agent/src/logs/filesystem-log-store.ts';
import { silentLogger } from '../../core/logger.ts';
import { SecretRegistry } from '../../core/secrets.ts';
import type { Queue } from '../../runner-agent/src/queue/queue.ts';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import { jobsApiRoute } from '../../runner-agent/src/server/jobs-api.ts';
import { RecordingForge } from '../support/recording-forge.ts';
import { withTempDir } from '../support/temp-dir.ts';

const TOKEN = 'api-token-0123456789abcdef';
const SHA = '1'.repeat(40);

let server: RunningHttpServer;
let jobs: Queue<Job>;
let logStore: FilesystemLogStore;
let forge: RecordingForge;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const tmp = await withTempDir();
  jobs = await SqliteQueue.open<Job>({ path: path.join(tmp.dir, 'q.db'), name: 'jobs' });
  logStore = new FilesystemLogStore({ root: path.join(tmp.dir, 'logs'), secrets: new SecretRegistry() });
  forge = new RecordingForge();
  server = await startHttpServer({
    logger: silentLogger(),
    routes: [
      jobsApiRoute({
        tokens: ['another-token-0123456789', TOKEN],
        jobs,
        logStore,
        forge,
        publicUrl: () => server.url,
        logUrl: (id) => `${server.url}/logs/${id}`,
        logger: silentLogger(),
      }),
    ],
  });
  cleanup = async () => {
    await server.close();
    await jobs.close();
    await tmp.remove();
  };
});
afterEach(async () => cleanup());

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('job submission API', () => {
  it('queues a job with its labels and answers where to follow it', async () => {
    const res = await call('POST', '/api/v1/jobs', {
      context: 'image-refresh/debian-12',
      command: ['ironbots', 'image-refresh', 'debian-12'],
      labels: ['kvm'],
      timeoutSeconds: 7200,
    });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect(res.body).toEqual({
      id,
      state: 'queued',
      duplicate: false,
      url: `${server.url}/api/v1/jobs/${id}`,
      logUrl: `${server.url}/logs/${id}`,
    });
    const lease = await jobs.lease(
      { name: 'a', labels: ['kvm', 'executor:process'] },
      { visibilityTimeoutMs: 1000 },
    );
    expect(lease?.message).toMatchObject({
      id,
      labels: ['executor:process', 'kvm'],
      payload: {
        context: 'image-refresh/debian-12',
        command: ['ironbots', 'image-refresh', 'debian-12'],
        timeoutSeconds: 7200,
        trigger: { kind: 'api' },
      },
    });
    expect((await call('GET', `/api/v1/jobs/${id}`)).body).toMatchObject({ id, state: 'running' });
  });

  it('tests a commit of a repository and marks it "Not yet tested" first', async () => {
    const res = await call('POST', '/api/v1/jobs', {
      context: 'nightly',
      command: ['make', 'check'],
      repository: { owner: 'acme', name: 'widget' },
      sha: SHA,
    });
    expect(res.status).toBe(201);
    expect(forge.statusLog).toEqual([
      expect.objectContaining({
        sha: SHA,
        context: 'nightly',
        state: 'pending',
        description: NOT_YET_TESTED,
      }),
    ]);
    const lease = await jobs.lease(
      { name: 'a', labels: ['executor:process'] },
      { visibilityTimeoutMs: 1000 },
    );
    expect(lease?.message.payload).toMatchObject({
      repository: { owner: 'acme', name: 'widget', cloneUrl: forge.repository.cloneUrl },
      sha: SHA,
    });
  });

  it('reports the state of a job through its life', async () => {
    const { body } = await call('POST', '/api/v1/jobs', { context: 'c', command: ['true'] });
    const id = body.id as string;
    expect((await call('GET', `/api/v1/jobs/${id}`)).body).toMatchObject({
      id,
      context: 'c',
      state: 'queued',
    });
    const lease = await jobs.lease(
      { name: 'a', labels: ['executor:process'] },
      { visibilityTimeoutMs: 1000 },
    );
    const writer = await logStore.create({
      jobId: id,
      context: 'c',
      state: 'running',
      agent: 'a',
      attempt: 1,
      startedAt: new Date().toISOString(),
    });
    expect((await call('GET', `/api/v1/jobs/${id}`)).body).toMatchObject({
      state: 'running',
      logUrl: `${server.url}/logs/${id}`,
    });
    await writer.finish({ state: 'failure', exitCode: 2, description: 'Failed (exit code 2) in 1.0 s [a]' });
    await jobs.ack(lease!);
    expect((await call('GET', `/api/v1/jobs/${id}`)).body).toMatchObject({
      state: 'failure',
      exitCode: 2,
      description: 'Failed (exit code 2) in 1.0 s [a]',
    });
  });

  it('returns the first job again for a retried submission with the same Idempotency-Key', async () => {
    const first = await call(
      'POST',
      '/api/v1/jobs',
      { context: 'c', command: ['true'] },
      { 'idempotency-key': 'run-77' },
    );
    const retry = await call(
      'POST',
      '/api/v1/jobs',
      { context: 'c', command: ['true'] },
      { 'idempotency-key': 'run-77' },
    );
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ id: first.body.id, duplicate: true });
    expect((await jobs.stats()).queued).toBe(1);
  });

  it.each([
    ['no token', { authorization: '' }],
    ['a wrong token', { authorization: 'Bearer not-the-token-at-all' }],
    ['another scheme', { authorization: `token ${TOKEN}` }],
  ])('answers 401 with %s, and queues nothing', async (_what, headers) => {
    const res = await call('POST', '/api/v1/jobs', { context: 'c', command: ['true'] }, headers);
    expect(res.status).toBe(401);
    expect((await call('GET', '/api/v1/jobs/x', undefined, headers)).status).toBe(401);
    expect((await jobs.stats()).queued).toBe(0);
  });

  it.each([
    ['malformed JSON', '{"context":', /valid JSON/],
    ['a command that is a string', { context: 'c', command: 'make check' }, /^command: /],
    ['an empty command', { context: 'c', command: [] }, /^command: /],
    ['an unknown field', { context: 'c', command: ['x'], shell: true }, /shell/],
    [
      'a short sha',
      { context: 'c', command: ['x'], repository: { owner: 'acme', name: 'widget' }, sha: 'abc' },
      /^sha: must be a full/,
    ],
    ['a sha without repository', { context: 'c', command: ['x'], sha: SHA }, /^sha: sha needs a repository/],
    [
      'an unknown repository',
      { context: 'c', command: ['x'], repository: { owner: 'acme', name: 'nope' } },
      /not found/,
    ],
    ['a bad executor', { context: 'c', command: ['x'], executor: 'docker' }, /^executor: /],
  ])('answers 400 naming the field for %s', async (_what, body, message) => {
    const res = await call('POST', '/api/v1/jobs', body);
    expect(res.status).toBe(400);
    expect(String(res.body.error)).toMatch(message);
    expect((await jobs.stats()).queued).toBe(0);
  });

  it('answers 404 for an unknown job and 405 for the wrong method', async () => {
    expect((await call('GET', '/api/v1/jobs/no-such-job')).status).toBe(404);
    expect((await call('DELETE', '/api/v1/jobs')).status).toBe(405);
    expect((await call('PUT', '/api/v1/jobs/no-such-job')).status).toBe(405);
  });
});

describe('listing and cancelling jobs', () => {
  const submit = async (context: string) =>
    (await call('POST', '/api/v1/jobs', { context, command: ['true'] })).body.id as string;

  it('lists jobs newest first, by state, with what each is and where it runs', async () => {
    const first = await submit('first');
    const second = await submit('second');
    const third = await submit('third');
    const lease = await jobs.lease(
      { name: 'box-1', labels: ['executor:process'] },
      { visibilityTimeoutMs: 60_000 },
    );
    expect(lease?.message.id).toBe(first);

    const all = await call('GET', '/api/v1/jobs');
    expect(all.status).toBe(200);
    expect((all.body.jobs as { id: string }[]).map((j) => j.id)).toEqual([third, second, first]);
    expect((all.body.jobs as unknown[])[2]).toEqual({
      id: first,
      context: 'first',
      state: 'running',
      attempt: 1,
      agent: 'box-1',
      enqueuedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const queued = await call('GET', '/api/v1/jobs?state=queued&limit=1');
    expect(queued.body.jobs).toEqual([expect.objectContaining({ id: third, state: 'queued', attempt: 0 })]);
    expect((await call('GET', '/api/v1/jobs?state=running')).body.jobs).toEqual([
      expect.objectContaining({ id: first }),
    ]);
    expect(await call('GET', '/api/v1/jobs?state=sleeping')).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^state: /) },
    });
    expect((await call('GET', '/api/v1/jobs?limit=0')).status).toBe(400);
  });

  it('cancels a queued job (202), says 409 for one that ended and 404 for an unknown one', async () => {
    const id = await submit('nightly');
    const res = await call('POST', `/api/v1/jobs/${id}/cancel`, { by: 'alice', reason: 'not tonight' });
    expect(res).toMatchObject({
      status: 202,
      body: {
        id,
        state: 'cancelled',
        reason: 'by alice (not tonight)',
        description: expect.stringMatching(/^Cancelled: by alice \(not tonight\), before it started$/),
      },
    });
    expect((await jobs.state(id))?.state).toBe('cancelled');
    expect(
      await jobs.lease({ name: 'a', labels: ['executor:process'] }, { visibilityTimeoutMs: 1000 }),
    ).toBeNull();
    expect((await call('GET', `/api/v1/jobs/${id}`)).body).toMatchObject({
      state: 'cancelled',
      description: 'Cancelled: by alice (not tonight), before it started',
    });
    expect((await call('GET', '/api/v1/jobs?state=cancelled')).body.jobs).toEqual([
      expect.objectContaining({ id, state: 'cancelled' }),
    ]);
    // Its log says what happened, and is complete.
    expect((await logStore.meta(id))?.state).toBe('cancelled');

    expect(await call('POST', `/api/v1/jobs/${id}/cancel`)).toMatchObject({
      status: 409,
      body: { id, state: 'cancelled', error: `job ${id} already ended: cancelled` },
    });
    expect(await call('POST', '/api/v1/jobs/no-such-job/cancel')).toMatchObject({
      status: 404,
      body: { error: 'no job no-such-job' },
    });
    const done = await submit('done');
    await jobs.ack(
      (await jobs.lease({ name: 'a', labels: ['executor:process'] }, { visibilityTimeoutMs: 1000 }))!,
    );
    expect((await call('POST', `/api/v1/jobs/${done}/cancel`)).status).toBe(409);
  });

  it('marks a running job for its agent to stop (202 cancelling), and refuses bad requests', async () => {
    const id = await submit('long');
    await jobs.lease({ name: 'box-1', labels: ['executor:process'] }, { visibilityTimeoutMs: 60_000 });
    expect(await call('POST', `/api/v1/jobs/${id}/cancel`, {})).toMatchObject({
      status: 202,
      body: { id, state: 'cancelling', agent: 'box-1', reason: 'by an API client' },
    });
    expect((await call('GET', `/api/v1/jobs/${id}`)).body).toMatchObject({
      state: 'cancelling',
      cancelRequested: 'by an API client',
    });
    expect(await call('POST', `/api/v1/jobs/${id}/cancel`, { who: 'x' })).toMatchObject({ status: 400 });
    expect(await call('POST', `/api/v1/jobs/${id}/cancel`, 'not json')).toMatchObject({ status: 400 });
    expect((await call('GET', `/api/v1/jobs/${id}/cancel`)).status).toBe(405);
    expect(
      await call('POST', `/api/v1/jobs/${id}/cancel`, {}, { authorization: 'Bearer wrong-token-0123456789' }),
    ).toMatchObject({ status: 401 });
    expect((await call('GET', '/api/v1/jobs', undefined, { authorization: 'Bearer nope' })).status).toBe(401);
  });
});
