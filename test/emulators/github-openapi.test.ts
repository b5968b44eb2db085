import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GITHUB_ROUTES, GitHubEmulator, type GitHubRoute } from '../../emulators/github/github-emulator.ts';
import { matchGitHubRoute } from '../../emulators/github/routes.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { withTempDir } from '../support/temp-dir.ts';

/**
 * Every endpoint the GitHub emulator serves (its route table, so a new one cannot escape) answers a real
 * request with a body that GitHub's own OpenAPI description (`@octokit/openapi`, api.github.com) accepts:
 * every required property present, at every depth, with the documented type and format. The webhook
 * deliveries it sends are held to the description's webhook schemas the same way.
 */

const TOKEN = 'ghp_openapischema0123456789';
const OWNER = 'acme';
const REPO = 'widget';

interface OpenApiOperation {
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
  requestBody?: { content?: Record<string, { schema?: object }> };
}
interface OpenApiDescription {
  info: { version: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  'x-webhooks': Record<string, Record<string, OpenApiOperation>>;
}

const require = createRequire(import.meta.url);
// 70 MB: read once for the whole file.
const description = JSON.parse(
  readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.deref.json'), 'utf8'),
) as OpenApiDescription;

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
// `strict: false`: the description carries OpenAPI keywords (`example`, `nullable`'s friends) JSON Schema lacks.
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
const validators = new Map<object, ValidateFunction>();
function validatorFor(schema: object): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) validators.set(schema, (validate = ajv.compile(allowNullInEnums(schema) as object)));
  return validate;
}

/**
 * OpenAPI 3.0's `nullable: true` in the two places JSON Schema (Ajv) reads it differently. Next to an `enum` that lacks null: GitHub means null is allowed (its own
 * examples answer null there), but JSON Schema reads the enum strictly. Adds null to such enums, in a copy.
 */
function allowNullInEnums(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(allowNullInEnums);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy = Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, key === 'enum' ? value : allowNullInEnums(value)]),
  ) as Record<string, unknown>;
  if (copy.nullable === true && Array.isArray(copy.enum) && !copy.enum.includes(null))
    copy.enum = [...(copy.enum as unknown[]), null];
  // `nullable` beside `allOf`/`anyOf` and no `type`: Ajv wants a type to widen, so say it as anyOf.
  if (copy.nullable === true && copy.type === undefined) {
    const { nullable: _nullable, ...rest } = copy;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return copy;
}

function problems(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

/** The documented success answer of an operation: its status and, when it has a JSON body, the schema. */
function documented(route: GitHubRoute): { status: number; schema: object | null } {
  const operation = description.paths[route.path]?.[route.method.toLowerCase()];
  if (!operation) throw new Error(`GitHub's description has no ${route.method} ${route.path}`);
  const success = Object.keys(operation.responses).find((code) => /^2\d\d$/.test(code));
  if (!success) throw new Error(`${route.method} ${route.path} documents no success answer`);
  const schema = operation.responses[success]!.content?.['application/json']?.schema ?? null;
  return { status: Number(success), schema };
}

// ---- the world ----

let tmp: { dir: string; remove(): Promise<void> };
let emulator: GitHubEmulator;
let receiver: http.Server;
const deliveries: { event: string; body: Record<string, unknown> }[] = [];
let headSha = '';
let pullNumber = 0;
let copy: GitWorkingCopy;

async function call(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ method: string; path: string; status: number; body: unknown }> {
  const res = await fetch(`${emulator.url}${url}`, {
    method,
    headers: {
      authorization: `token ${TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    method,
    path: new URL(url, emulator.url).pathname,
    status: res.status,
    body: text ? (JSON.parse(text) as unknown) : null,
  };
}

async function json<T>(method: string, url: string, body?: unknown): Promise<T> {
  const answer = await call(method, url, body);
  if (answer.status >= 300)
    throw new Error(`${method} ${url}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as T;
}

const repoApi = `/repos/${OWNER}/${REPO}`;
let nextName = 0;
const unique = (prefix: string) => `${prefix}-${++nextName}`;

async function newRelease(): Promise<{ id: number }> {
  return json('POST', `${repoApi}/releases`, { tag_name: unique('v1.0'), target_commitish: 'main' });
}

async function newAsset(): Promise<{ releaseId: number; id: number }> {
  const release = await newRelease();
  const asset = await call(
    'POST',
    `${repoApi}/releases/${release.id}/assets?name=${unique('a')}.txt`,
    'bytes',
    {
      'content-type': 'text/plain',
    },
  );
  return { releaseId: release.id, id: (asset.body as { id: number }).id };
}

async function newRunner(scope: string): Promise<{ id: number; token: string }> {
  const answer = await json<{ runner: { id: number }; encoded_jit_config: string }>(
    'POST',
    `${scope}/actions/runners/generate-jitconfig`,
    { name: unique('runner'), runner_group_id: 1, labels: ['self-hosted', 'linux'] },
  );
  const config = JSON.parse(Buffer.from(answer.encoded_jit_config, 'base64').toString('utf8')) as {
    token: string;
  };
  return { id: answer.runner.id, token: config.token };
}

/** A run whose one job a runner took and finished, so that every timestamp of it is set. */
async function finishedRun(): Promise<{ runId: number; jobId: number }> {
  const runner = await newRunner(repoApi);
  const queued = await emulator.queueWorkflowJob({
    owner: OWNER,
    repo: REPO,
    labels: ['self-hosted', 'linux'],
    steps: [{ name: 'build', run: 'true' }],
  });
  const runnerCall = (pathname: string, body?: unknown) =>
    fetch(`${emulator.url}/_runner/${pathname}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runner.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  expect((await runnerCall('acquire?wait=5')).status).toBe(200);
  expect((await runnerCall(`jobs/${queued.jobId}/complete`, { conclusion: 'success' })).status).toBe(200);
  return queued;
}

/** How each route is asked, in a world where it succeeds. Keyed `METHOD path` as GITHUB_ROUTES names them. */
const exercises: Record<string, () => Promise<Awaited<ReturnType<typeof call>>>> = {
  'POST /app/installations/{installation_id}/access_tokens': async () => {
    const app = emulator.registerApp();
    const { createAppAuth } = await import('@octokit/auth-app');
    const auth = createAppAuth({ appId: app.appId, privateKey: app.privateKey });
    const { token } = await auth({ type: 'app' });
    return call('POST', `/app/installations/${app.installationId}/access_tokens`, undefined, {
      authorization: `Bearer ${token}`,
    });
  },
  'POST /user/repos': () => call('POST', '/user/repos', { name: unique('mine') }),
  'POST /orgs/{org}/repos': () => call('POST', `/orgs/${OWNER}/repos`, { name: unique('theirs') }),
  'GET /orgs/{org}/actions/runners': async () => {
    await newRunner(`/orgs/${OWNER}`);
    return call('GET', `/orgs/${OWNER}/actions/runners`);
  },
  'POST /orgs/{org}/actions/runners/generate-jitconfig': () =>
    call('POST', `/orgs/${OWNER}/actions/runners/generate-jitconfig`, {
      name: unique('org-runner'),
      runner_group_id: 1,
      labels: ['self-hosted'],
    }),
  'GET /orgs/{org}/actions/runners/{runner_id}': async () =>
    call('GET', `/orgs/${OWNER}/actions/runners/${(await newRunner(`/orgs/${OWNER}`)).id}`),
  'DELETE /orgs/{org}/actions/runners/{runner_id}': async () =>
    call('DELETE', `/orgs/${OWNER}/actions/runners/${(await newRunner(`/orgs/${OWNER}`)).id}`),
  'GET /repos/{owner}/{repo}': () => call('GET', repoApi),
  'GET /repos/{owner}/{repo}/branches': () => call('GET', `${repoApi}/branches`),
  'GET /repos/{owner}/{repo}/pulls': () => call('GET', `${repoApi}/pulls?state=all`),
  'POST /repos/{owner}/{repo}/pulls': () =>
    call('POST', `${repoApi}/pulls`, { title: 'Second change', head: 'topic-2', base: 'main' }),
  'GET /repos/{owner}/{repo}/pulls/{pull_number}': () => call('GET', `${repoApi}/pulls/${pullNumber}`),
  'PATCH /repos/{owner}/{repo}/pulls/{pull_number}': () =>
    call('PATCH', `${repoApi}/pulls/${pullNumber}`, { title: 'The change, retitled' }),
  'GET /repos/{owner}/{repo}/issues': async () => {
    await json('POST', `${repoApi}/issues`, { title: 'Listed', labels: ['bug'] });
    return call('GET', `${repoApi}/issues?state=all`);
  },
  'POST /repos/{owner}/{repo}/issues': () =>
    call('POST', `${repoApi}/issues`, { title: 'Broken', body: 'It is.', labels: ['bug'] }),
  'GET /repos/{owner}/{repo}/issues/{issue_number}': async () => {
    const issue = await json<{ number: number }>('POST', `${repoApi}/issues`, { title: 'Got' });
    return call('GET', `${repoApi}/issues/${issue.number}`);
  },
  'PATCH /repos/{owner}/{repo}/issues/{issue_number}': async () => {
    const issue = await json<{ number: number }>('POST', `${repoApi}/issues`, { title: 'Closed' });
    return call('PATCH', `${repoApi}/issues/${issue.number}`, { state: 'closed' });
  },
  'GET /repos/{owner}/{repo}/collaborators/{username}/permission': async () => {
    emulator.setCollaborator(OWNER, REPO, 'carol', 'write');
    const outsider = await call('GET', `${repoApi}/collaborators/mallory/permission`);
    expect(
      validateDocumented('GET /repos/{owner}/{repo}/collaborators/{username}/permission', outsider),
    ).toEqual([]);
    return call('GET', `${repoApi}/collaborators/carol/permission`);
  },
  'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}': async () => {
    await emulator.labelPullRequest(OWNER, REPO, pullNumber, 'ok-to-test', OWNER);
    await emulator.labelPullRequest(OWNER, REPO, pullNumber, 'kept', OWNER);
    return call('DELETE', `${repoApi}/issues/${pullNumber}/labels/ok-to-test`);
  },
  'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': async () => {
    await json('POST', `${repoApi}/issues/${pullNumber}/comments`, { body: 'Listed comment' });
    const issue = await json<{ number: number }>('POST', `${repoApi}/issues`, { title: 'Discussed' });
    await json('POST', `${repoApi}/issues/${issue.number}/comments`, { body: 'On an issue' });
    const onIssue = await call('GET', `${repoApi}/issues/${issue.number}/comments`);
    expect(validateDocumented('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', onIssue)).toEqual(
      [],
    );
    return call('GET', `${repoApi}/issues/${pullNumber}/comments`);
  },
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': async () => {
    const issue = await json<{ number: number }>('POST', `${repoApi}/issues`, { title: 'Commented' });
    const onIssue = await call('POST', `${repoApi}/issues/${issue.number}/comments`, { body: 'On an issue' });
    expect(validateDocumented('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', onIssue)).toEqual(
      [],
    );
    return call('POST', `${repoApi}/issues/${pullNumber}/comments`, { body: 'Looks good' });
  },
  'GET /repos/{owner}/{repo}/contents/{path}': async () => {
    const dir = await call('GET', `${repoApi}/contents/src`);
    expect(validateDocumented('GET /repos/{owner}/{repo}/contents/{path}', dir)).toEqual([]);
    return call('GET', `${repoApi}/contents/README.md`);
  },
  'GET /repos/{owner}/{repo}/git/blobs/{file_sha}': async () => {
    const file = await json<{ sha: string }>('GET', `${repoApi}/contents/README.md`);
    return call('GET', `${repoApi}/git/blobs/${file.sha}`);
  },
  'POST /repos/{owner}/{repo}/statuses/{sha}': () =>
    call('POST', `${repoApi}/statuses/${headSha}`, {
      state: 'success',
      context: 'ci/build',
      description: 'Built',
      target_url: 'https://ci.example/1',
    }),
  'GET /repos/{owner}/{repo}/commits/{ref}/statuses': () =>
    call('GET', `${repoApi}/commits/${headSha}/statuses`),
  'GET /repos/{owner}/{repo}/commits/{ref}/status': () => call('GET', `${repoApi}/commits/${headSha}/status`),
  'GET /repos/{owner}/{repo}/hooks': () => call('GET', `${repoApi}/hooks`),
  'POST /repos/{owner}/{repo}/hooks': () =>
    call('POST', `${repoApi}/hooks`, {
      config: { url: 'http://127.0.0.1:9/unused', content_type: 'json', secret: 's' },
      events: ['push'],
      active: false,
    }),
  'GET /repos/{owner}/{repo}/releases': async () => {
    await newAsset();
    return call('GET', `${repoApi}/releases`);
  },
  'POST /repos/{owner}/{repo}/releases': () =>
    call('POST', `${repoApi}/releases`, { tag_name: unique('v2.0'), name: 'Two', body: 'Notes' }),
  'GET /repos/{owner}/{repo}/releases/latest': async () => {
    await newAsset();
    return call('GET', `${repoApi}/releases/latest`);
  },
  'GET /repos/{owner}/{repo}/releases/tags/{tag}': async () => {
    const tag = unique('v3.0');
    await json('POST', `${repoApi}/releases`, { tag_name: tag });
    return call('GET', `${repoApi}/releases/tags/${tag}`);
  },
  'GET /repos/{owner}/{repo}/releases/assets/{asset_id}': async () =>
    call('GET', `${repoApi}/releases/assets/${(await newAsset()).id}`),
  'DELETE /repos/{owner}/{repo}/releases/assets/{asset_id}': async () =>
    call('DELETE', `${repoApi}/releases/assets/${(await newAsset()).id}`),
  'GET /repos/{owner}/{repo}/releases/{release_id}': async () =>
    call('GET', `${repoApi}/releases/${(await newAsset()).releaseId}`),
  'PATCH /repos/{owner}/{repo}/releases/{release_id}': async () =>
    call('PATCH', `${repoApi}/releases/${(await newRelease()).id}`, { name: 'Renamed', prerelease: true }),
  'DELETE /repos/{owner}/{repo}/releases/{release_id}': async () =>
    call('DELETE', `${repoApi}/releases/${(await newRelease()).id}`),
  'GET /repos/{owner}/{repo}/releases/{release_id}/assets': async () =>
    call('GET', `${repoApi}/releases/${(await newAsset()).releaseId}/assets`),
  'POST /repos/{owner}/{repo}/releases/{release_id}/assets': async () =>
    call(
      'POST',
      `${repoApi}/releases/${(await newRelease()).id}/assets?name=app.tar.gz&label=App`,
      'tarball',
      {
        'content-type': 'application/gzip',
      },
    ),
  'GET /repos/{owner}/{repo}/actions/runners': async () => {
    await newRunner(repoApi);
    return call('GET', `${repoApi}/actions/runners`);
  },
  'POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig': () =>
    call('POST', `${repoApi}/actions/runners/generate-jitconfig`, {
      name: unique('repo-runner'),
      runner_group_id: 1,
      labels: ['self-hosted', 'x64'],
      work_folder: '_work',
    }),
  'GET /repos/{owner}/{repo}/actions/runners/{runner_id}': async () =>
    call('GET', `${repoApi}/actions/runners/${(await newRunner(repoApi)).id}`),
  'DELETE /repos/{owner}/{repo}/actions/runners/{runner_id}': async () =>
    call('DELETE', `${repoApi}/actions/runners/${(await newRunner(repoApi)).id}`),
  'GET /repos/{owner}/{repo}/actions/runs': async () => {
    await finishedRun();
    await emulator.queueWorkflowJob({ owner: OWNER, repo: REPO, labels: ['gpu'], steps: [{ run: 'true' }] });
    return call('GET', `${repoApi}/actions/runs`);
  },
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}': async () =>
    call('GET', `${repoApi}/actions/runs/${(await finishedRun()).runId}`),
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs': async () => {
    const queued = await emulator.queueWorkflowJob({
      owner: OWNER,
      repo: REPO,
      labels: ['gpu'],
      steps: [{ run: 'true' }],
    });
    const waiting = await call('GET', `${repoApi}/actions/runs/${queued.runId}/jobs`);
    expect(validateDocumented('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', waiting)).toEqual([]);
    return call('GET', `${repoApi}/actions/runs/${(await finishedRun()).runId}/jobs`);
  },
  'POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel': async () => {
    const queued = await emulator.queueWorkflowJob({
      owner: OWNER,
      repo: REPO,
      labels: ['gpu'],
      steps: [{ run: 'true' }],
    });
    return call('POST', `${repoApi}/actions/runs/${queued.runId}/cancel`);
  },
  'GET /repos/{owner}/{repo}/actions/jobs/{job_id}': async () =>
    call('GET', `${repoApi}/actions/jobs/${(await finishedRun()).jobId}`),
};

/** What is wrong with an answer, measured against the route's documented success answer. */
function validateDocumented(key: string, answer: Awaited<ReturnType<typeof call>>): string[] {
  const route = GITHUB_ROUTES.find((r) => `${r.method} ${r.path}` === key)!;
  const { status, schema } = documented(route);
  if (answer.status !== status)
    return [`answered ${answer.status}, documented ${status}: ${JSON.stringify(answer.body)}`];
  if (!schema) return answer.body === null ? [] : ['documented without a body, answered with one'];
  const validate = validatorFor(schema);
  return validate(answer.body) ? [] : problems(validate);
}

beforeAll(async () => {
  tmp = await withTempDir();
  emulator = await GitHubEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
  receiver = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      deliveries.push({
        event: String(req.headers['x-github-event']),
        body: JSON.parse(text) as Record<string, unknown>,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  await emulator.createRepository(OWNER, REPO);
  emulator.addWebhook(OWNER, REPO, {
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    secret: 'hook-secret',
    events: ['*'],
  });
  copy = new GitWorkingCopy(path.join(tmp.dir, 'work'), {
    username: 'x-access-token',
    password: TOKEN,
  });
  await copy.init(emulator.cloneUrl(OWNER, REPO));
  await copy.writeFiles({ 'README.md': { content: 'hello\n' }, 'src/main.c': { content: 'int main;\n' } });
  await copy.commit('initial');
  await copy.push('main');
  for (const topic of ['topic', 'topic-2']) {
    await copy.git('checkout', '-q', '-B', topic, 'main');
    await copy.writeFiles({ [`${topic}.txt`]: { content: `${topic}\n` } });
    await copy.commit(`add ${topic}`);
    await copy.push(topic);
  }
  const pull = await json<{ number: number; head: { sha: string } }>('POST', `${repoApi}/pulls`, {
    title: 'A change',
    head: 'topic',
    base: 'main',
    body: 'Please review.',
  });
  pullNumber = pull.number;
  headSha = pull.head.sha;
});

afterAll(async () => {
  await emulator?.stop();
  receiver?.close();
  await tmp?.remove();
});

describe('the GitHub emulator against GitHub OpenAPI description', () => {
  it('has an exercise for every route it serves, and every route is in the description', () => {
    expect(Object.keys(exercises).sort()).toEqual(GITHUB_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of GITHUB_ROUTES) expect(() => documented(route)).not.toThrow();
  });

  it('refuses an endpoint outside its route table, even one a handler would know', async () => {
    const answer = await call('GET', `${repoApi}/pulls/${pullNumber}/commits`);
    expect(answer.status).toBe(404);
  });

  for (const route of GITHUB_ROUTES) {
    const key = `${route.method} ${route.path}`;
    it(`${key} answers what GitHub documents`, async () => {
      const answer = await exercises[key]!();
      expect(matchGitHubRoute(answer.method, answer.path), `${answer.method} ${answer.path}`).toEqual(route);
      expect(validateDocumented(key, answer)).toEqual([]);
    });
  }

  it('sends webhook deliveries that match the description webhook schemas', async () => {
    // A push to an open pull request's branch, a close and a reopen: synchronize, closed, reopened.
    await copy.git('checkout', '-q', 'topic');
    await copy.writeFiles({ 'topic.txt': { content: 'topic, again\n' } });
    await copy.commit('change topic');
    await copy.push('topic');
    // git is answered before the emulator looks at what the push changed, as on GitHub.
    await emulator.idle();
    await json('PATCH', `${repoApi}/pulls/${pullNumber}`, { state: 'closed' });
    await json('PATCH', `${repoApi}/pulls/${pullNumber}`, { state: 'open' });
    await emulator.idle();
    const webhooks = description['x-webhooks'];
    const checked: string[] = [];
    const failures: Record<string, string[]> = {};
    for (const { event, body } of deliveries) {
      const name = [event, body.action]
        .filter((part) => typeof part === 'string')
        .join('-')
        .replace(/_/g, '-');
      const schema = webhooks[name]?.post?.requestBody?.content?.['application/json']?.schema;
      if (!schema) {
        failures[name] = ['no schema in the description'];
        continue;
      }
      const validate = validatorFor(schema);
      if (!validate(body)) failures[name] = problems(validate).slice(0, 20);
      checked.push(name);
    }
    expect(failures).toEqual({});
    expect(new Set(checked)).toEqual(
      new Set([
        'push',
        'pull-request-opened',
        'pull-request-edited',
        'pull-request-synchronize',
        'pull-request-closed',
        'pull-request-labeled',
        'pull-request-reopened',
        'status',
        'issue-comment-created',
        'workflow-job-queued',
        'workflow-job-in-progress',
        'workflow-job-completed',
      ]),
    );
  });
});
