import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GITLAB_ROUTES, GitLabEmulator, type GitLabRoute } from '../../emulators/gitlab/gitlab-emulator.ts';
import { matchGitLabRoute } from '../../emulators/gitlab/routes.ts';
import { GitLabForge } from '../../forge/gitlab/gitlab-forge.ts';
import { ScratchClone } from '../forge/scratch-clone.ts';
import { withTempDir } from '../support/temp-dir.ts';

/**
 * Every endpoint the GitLab emulator serves (its route table, so a new one cannot escape) answers a real
 * request with a body that has what GitLab's response for it has. GitLab publishes no complete machine-readable
 * description of its responses: its OpenAPI v2 document (doc/api/openapi/openapi_v2.yaml in gitlab-org/gitlab,
 * looked at in the gitlabhq/gitlabhq mirror at 0338625c4996c8b4dde44bd86d1767b654121ee7) covers part of the API,
 * and its response entities (`API_Entities_…`) mark no property as required. So the reference here is gitbeaker's
 * TypeScript schema types (`@gitbeaker/core`, the client our GitLab forge uses), read with the TypeScript
 * compiler: every property those types do not mark optional must be present, at every depth, with the type
 * they give it (string, number, boolean, null, literal unions, arrays, objects).
 */

const TOKEN = 'glpat-schematoken0123456789';
const PROJECT = 'acme%2Fwidget';

// ---- gitbeaker's schema types, through the TypeScript compiler ----

const require = createRequire(import.meta.url);
const gitbeakerTypes = require.resolve('@gitbeaker/core').replace(/index\.(m?js|cjs)$/, 'index.d.ts');
const program = ts.createProgram([gitbeakerTypes], {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  skipLibCheck: true,
  noEmit: true,
  strict: true,
});
const checker = program.getTypeChecker();
const declarations = new Map<string, ts.InterfaceDeclaration>();
for (const statement of program.getSourceFile(gitbeakerTypes)!.statements)
  if (ts.isInterfaceDeclaration(statement)) declarations.set(statement.name.text, statement);

function schemaType(name: string): ts.Type {
  const declaration = declarations.get(name);
  if (!declaration) throw new Error(`@gitbeaker/core declares no ${name}`);
  return checker.getTypeAtLocation(declaration.name);
}

/**
 * Where GitLab's own answers, as its API documentation shows them, differ from gitbeaker's types: properties
 * gitbeaker types as never null that GitLab sends as null (unset), and properties it requires that GitLab
 * sends only on request. Named `Interface.property`; nothing else is excused. A property gitbeaker marks
 * optional may be null too: GitLab sends null for an unset one rather than leaving it out.
 */
const GITLAB_SENDS_NULL = new Set([
  'SimpleMemberSchema.expires_at', // a membership without an end
  'ProjectSchema.group_access', // the caller is no member of the project's group
  'ProjectSchema.marked_for_deletion_on', // not scheduled for deletion
  'ProjectSchema.issue_branch_template',
  'ProjectSchema.mirror_user_id', // not a mirror
  'CommitStatusSchema.target_url', // posted without one
  'IssueSchema.description', // created without one
  'IssueSchema.due_date',
  'IssueSchema.discussion_locked', // never locked or unlocked
]);
/** Where gitbeaker's type is not what GitLab sends at all: only presence is checked. */
const GITBEAKER_MISTYPED = new Set([
  'ProjectSchema.ci_pipeline_variables_minimum_override_role', // a role name such as "developer", not a boolean
  'IssueSchema.closed_by', // a user, as for a merge request, not a string
]);
const GITLAB_MAY_OMIT = new Set([
  'SimpleUserSchema.created_at', // only administrators see it (GET /users)
  'SimpleMemberSchema.email', // only administrators see it
  'ProjectSchema.owner', // only a project in a user's namespace has one; these are in groups
  'ProjectSchema.license', // only with ?license=true
  'ProjectSchema.license_url',
]);

/** `Interface.property` of a property, named by the interface it is declared in (at any depth). */
function ownerName(property: ts.Symbol): string {
  let node: ts.Node | undefined = property.declarations?.[0];
  while (node && !ts.isInterfaceDeclaration(node)) node = node.parent;
  return `${node ? node.name.text : '?'}.${property.getName()}`;
}

/** What in `value` does not fit `type`: missing required properties and wrong types, with their paths. */
function misfits(value: unknown, type: ts.Type, at: string, depth = 0): string[] {
  if (depth > 8 || type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return [];
  if (type.isUnion()) {
    const tries = type.types.map((member) => misfits(value, member, at, depth));
    if (tries.some((t) => t.length === 0)) return [];
    return tries.reduce((best, t) => (t.length < best.length ? t : best));
  }
  if (type.isIntersection()) return type.types.flatMap((member) => misfits(value, member, at, depth));
  const wrong = () => [`${at}: ${JSON.stringify(value)?.slice(0, 60)} is not ${checker.typeToString(type)}`];
  if (type.flags & ts.TypeFlags.Null) return value === null ? [] : wrong();
  if (type.flags & ts.TypeFlags.Undefined) return value === undefined ? [] : wrong();
  if (type.isStringLiteral() || type.isNumberLiteral()) return value === type.value ? [] : wrong();
  if (type.flags & ts.TypeFlags.BooleanLiteral)
    return value === (checker.typeToString(type) === 'true') ? [] : wrong();
  if (type.flags & ts.TypeFlags.StringLike) return typeof value === 'string' ? [] : wrong();
  if (type.flags & ts.TypeFlags.NumberLike) return typeof value === 'number' ? [] : wrong();
  if (type.flags & ts.TypeFlags.BooleanLike) return typeof value === 'boolean' ? [] : wrong();
  if (checker.isArrayType(type)) {
    if (!Array.isArray(value)) return wrong();
    const [item] = checker.getTypeArguments(type as ts.TypeReference);
    return value.flatMap((v, i) => misfits(v, item!, `${at}[${i}]`, depth + 1));
  }
  if (type.flags & ts.TypeFlags.Object) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return wrong();
    const record = value as Record<string, unknown>;
    return checker.getPropertiesOfType(type).flatMap((property) => {
      const name = property.getName();
      const propertyType = checker.getTypeOfSymbol(property);
      const optional =
        property.flags & ts.SymbolFlags.Optional ||
        (propertyType.isUnion() && propertyType.types.some((t) => t.flags & ts.TypeFlags.Undefined));
      if (!(name in record))
        return optional || GITLAB_MAY_OMIT.has(ownerName(property)) ? [] : [`${at}.${name}: missing`];
      if (record[name] === null && (optional || GITLAB_SENDS_NULL.has(ownerName(property)))) return [];
      if (GITBEAKER_MISTYPED.has(ownerName(property))) return [];
      return misfits(record[name], propertyType, `${at}.${name}`, depth + 1);
    });
  }
  return [];
}

// ---- the world ----

let tmp: { dir: string; remove(): Promise<void> };
let emulator: GitLabEmulator;
let clone: ScratchClone;
let headSha = '';
let mergeRequestIid = 0;
let nextName = 0;
const unique = (prefix: string) => `${prefix}-${++nextName}`;

interface Answer {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

async function call(
  method: string,
  url: string,
  body?: Record<string, unknown> | string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${emulator.url}/api/v4${url}`, {
    method,
    headers: {
      'private-token': TOKEN,
      ...(body === undefined || typeof body === 'string' ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json');
  return {
    method,
    path: new URL(`${emulator.url}/api/v4${url}`).pathname.slice('/api/v4'.length),
    status: res.status,
    body: json && text ? (JSON.parse(text) as unknown) : text,
  };
}

async function json<T>(method: string, url: string, body?: Record<string, unknown>): Promise<T> {
  const answer = await call(method, url, body);
  if (answer.status >= 300)
    throw new Error(`${method} ${url}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as T;
}

const newRelease = async () => {
  const tag = unique('v1.0');
  await json('POST', `/projects/${PROJECT}/releases`, { tag_name: tag, ref: 'main', description: 'Notes' });
  return tag;
};
const newLink = async () => {
  const tag = await newRelease();
  const link = await json<{ id: number }>('POST', `/projects/${PROJECT}/releases/${tag}/assets/links`, {
    name: unique('asset'),
    url: 'https://example.com/asset.tar.gz',
    link_type: 'package',
  });
  return { tag, id: link.id };
};
const newPackageFile = async () => {
  const version = `1.0.${++nextName}`;
  await call('PUT', `/projects/${PROJECT}/packages/generic/app/${version}/app.tar.gz`, 'tarball-bytes');
  const packages = await json<{ id: number; version: string }[]>('GET', `/projects/${PROJECT}/packages`);
  const pkg = packages.find((p) => p.version === version)!;
  const files = await json<{ id: number }[]>('GET', `/projects/${PROJECT}/packages/${pkg.id}/package_files`);
  return { packageId: pkg.id, fileId: files[0]!.id, version };
};

/**
 * Each route: how it is asked in a world where it succeeds, and which gitbeaker type its answer has (null: the
 * answer is not JSON, or has no body). Keyed `METHOD path` as GITLAB_ROUTES names them.
 */
const exercises: Record<string, { schema: string | null; list?: true; ask: () => Promise<Answer> }> = {
  'GET /users': {
    schema: 'SimpleUserSchema',
    list: true,
    ask: () => {
      emulator.user('dana');
      return call('GET', '/users?username=dana');
    },
  },
  'GET /projects/:id': { schema: 'ProjectSchema', ask: () => call('GET', `/projects/${PROJECT}`) },
  'GET /projects/:id/members/all/:user_id': {
    schema: 'SimpleMemberSchema',
    ask: async () => {
      emulator.addMember('acme/widget', 'erin', 30);
      const [erin] = await json<{ id: number }[]>('GET', '/users?username=erin');
      return call('GET', `/projects/${PROJECT}/members/all/${erin!.id}`);
    },
  },
  'GET /projects/:id/repository/commits/:sha/merge_requests': {
    schema: 'MergeRequestSchemaWithBasicLabels',
    list: true,
    ask: async () => {
      const mr = await json<{ sha: string }>('GET', `/projects/${PROJECT}/merge_requests/${mergeRequestIid}`);
      return call('GET', `/projects/${PROJECT}/repository/commits/${mr.sha}/merge_requests`);
    },
  },
  'GET /projects/:id/merge_requests': {
    schema: 'MergeRequestSchemaWithBasicLabels',
    list: true,
    ask: () => call('GET', `/projects/${PROJECT}/merge_requests?state=all`),
  },
  'POST /projects/:id/merge_requests': {
    schema: 'ExpandedMergeRequestSchema',
    ask: async () => {
      const branch = unique('feature');
      await clone.createBranchWithFile(branch, `${branch}.txt`, `${branch}\n`);
      return call('POST', `/projects/${PROJECT}/merge_requests`, {
        source_branch: branch,
        target_branch: 'main',
        title: 'A feature',
      });
    },
  },
  'GET /projects/:id/merge_requests/:merge_request_iid': {
    schema: 'ExpandedMergeRequestSchema',
    ask: () => call('GET', `/projects/${PROJECT}/merge_requests/${mergeRequestIid}`),
  },
  'PUT /projects/:id/merge_requests/:merge_request_iid': {
    schema: 'ExpandedMergeRequestSchema',
    // Labels as the planner's approval sees them change (`labels` is a list of titles in the answer).
    ask: () =>
      call('PUT', `/projects/${PROJECT}/merge_requests/${mergeRequestIid}`, {
        title: 'Retitled',
        add_labels: 'ok-to-test,bug',
      }),
  },
  'GET /projects/:id/merge_requests/:merge_request_iid/notes': {
    schema: 'MergeRequestNoteSchema',
    list: true,
    ask: async () => {
      await json('POST', `/projects/${PROJECT}/merge_requests/${mergeRequestIid}/notes`, { body: 'Listed' });
      return call('GET', `/projects/${PROJECT}/merge_requests/${mergeRequestIid}/notes`);
    },
  },
  'POST /projects/:id/merge_requests/:merge_request_iid/notes': {
    schema: 'MergeRequestNoteSchema',
    ask: () => call('POST', `/projects/${PROJECT}/merge_requests/${mergeRequestIid}/notes`, { body: 'LGTM' }),
  },
  'GET /projects/:id/issues': {
    schema: 'IssueSchemaWithBasicLabels',
    list: true,
    ask: async () => {
      await json('POST', `/projects/${PROJECT}/issues`, { title: 'Listed', labels: 'bug' });
      return call('GET', `/projects/${PROJECT}/issues`);
    },
  },
  'POST /projects/:id/issues': {
    schema: 'IssueSchemaWithBasicLabels',
    ask: () => call('POST', `/projects/${PROJECT}/issues`, { title: 'Broken', description: 'It is.' }),
  },
  'GET /projects/:id/issues/:issue_iid': {
    schema: 'IssueSchemaWithBasicLabels',
    ask: async () => {
      const issue = await json<{ iid: number }>('POST', `/projects/${PROJECT}/issues`, { title: 'Got' });
      return call('GET', `/projects/${PROJECT}/issues/${issue.iid}`);
    },
  },
  'PUT /projects/:id/issues/:issue_iid': {
    schema: 'IssueSchemaWithBasicLabels',
    ask: async () => {
      const issue = await json<{ iid: number }>('POST', `/projects/${PROJECT}/issues`, { title: 'Closed' });
      return call('PUT', `/projects/${PROJECT}/issues/${issue.iid}`, { state_event: 'close' });
    },
  },
  'GET /projects/:id/repository/branches': {
    schema: 'BranchSchema',
    list: true,
    ask: () => call('GET', `/projects/${PROJECT}/repository/branches`),
  },
  'GET /projects/:id/repository/files/:file_path': {
    schema: 'RepositoryFileExpandedSchema',
    ask: () => call('GET', `/projects/${PROJECT}/repository/files/docs%2Fguide.md?ref=main`),
  },
  'GET /projects/:id/repository/files/:file_path/raw': {
    schema: null,
    ask: () => call('GET', `/projects/${PROJECT}/repository/files/docs%2Fguide.md/raw?ref=main`),
  },
  'GET /projects/:id/repository/commits/:sha/statuses': {
    schema: 'CommitStatusSchema',
    list: true,
    ask: async () => {
      await json('POST', `/projects/${PROJECT}/statuses/${headSha}`, { state: 'running', name: 'ci/listed' });
      return call('GET', `/projects/${PROJECT}/repository/commits/${headSha}/statuses`);
    },
  },
  'POST /projects/:id/statuses/:sha': {
    schema: 'CommitStatusSchema',
    ask: () =>
      call('POST', `/projects/${PROJECT}/statuses/${headSha}`, {
        state: 'success',
        name: 'ci/build',
        description: 'Built',
        target_url: 'https://ci.example/1',
      }),
  },
  'GET /projects/:id/releases': {
    schema: 'ReleaseSchema',
    list: true,
    ask: async () => {
      await newLink();
      return call('GET', `/projects/${PROJECT}/releases`);
    },
  },
  'POST /projects/:id/releases': {
    schema: 'ReleaseSchema',
    ask: () =>
      call('POST', `/projects/${PROJECT}/releases`, { tag_name: unique('v2.0'), ref: 'main', name: 'Two' }),
  },
  'GET /projects/:id/releases/:tag_name': {
    schema: 'ReleaseSchema',
    ask: async () => call('GET', `/projects/${PROJECT}/releases/${(await newLink()).tag}`),
  },
  'PUT /projects/:id/releases/:tag_name': {
    schema: 'ReleaseSchema',
    ask: async () => call('PUT', `/projects/${PROJECT}/releases/${await newRelease()}`, { name: 'Renamed' }),
  },
  'DELETE /projects/:id/releases/:tag_name': {
    schema: 'ReleaseSchema',
    ask: async () => call('DELETE', `/projects/${PROJECT}/releases/${await newRelease()}`),
  },
  'GET /projects/:id/releases/:tag_name/assets/links': {
    schema: 'ReleaseLinkSchema',
    list: true,
    ask: async () => call('GET', `/projects/${PROJECT}/releases/${(await newLink()).tag}/assets/links`),
  },
  'POST /projects/:id/releases/:tag_name/assets/links': {
    schema: 'ReleaseLinkSchema',
    ask: async () =>
      call('POST', `/projects/${PROJECT}/releases/${await newRelease()}/assets/links`, {
        name: 'app.tar.gz',
        url: 'https://example.com/app.tar.gz',
      }),
  },
  'GET /projects/:id/releases/:tag_name/assets/links/:link_id': {
    schema: 'ReleaseLinkSchema',
    ask: async () => {
      const { tag, id } = await newLink();
      return call('GET', `/projects/${PROJECT}/releases/${tag}/assets/links/${id}`);
    },
  },
  'PUT /projects/:id/releases/:tag_name/assets/links/:link_id': {
    schema: 'ReleaseLinkSchema',
    ask: async () => {
      const { tag, id } = await newLink();
      return call('PUT', `/projects/${PROJECT}/releases/${tag}/assets/links/${id}`, { name: 'renamed' });
    },
  },
  'DELETE /projects/:id/releases/:tag_name/assets/links/:link_id': {
    schema: 'ReleaseLinkSchema',
    ask: async () => {
      const { tag, id } = await newLink();
      return call('DELETE', `/projects/${PROJECT}/releases/${tag}/assets/links/${id}`);
    },
  },
  'PUT /projects/:id/packages/generic/:package_name/:package_version/:file_name': {
    schema: null,
    ask: () => call('PUT', `/projects/${PROJECT}/packages/generic/app/${unique('2.0')}/app.tar.gz`, 'bytes'),
  },
  'GET /projects/:id/packages/generic/:package_name/:package_version/:file_name': {
    schema: null,
    ask: async () =>
      call('GET', `/projects/${PROJECT}/packages/generic/app/${(await newPackageFile()).version}/app.tar.gz`),
  },
  'GET /projects/:id/packages': {
    schema: 'PackageSchema',
    list: true,
    ask: async () => {
      await newPackageFile();
      return call('GET', `/projects/${PROJECT}/packages`);
    },
  },
  'GET /projects/:id/packages/:package_id': {
    schema: 'PackageSchema',
    ask: async () => call('GET', `/projects/${PROJECT}/packages/${(await newPackageFile()).packageId}`),
  },
  'DELETE /projects/:id/packages/:package_id': {
    schema: null,
    ask: async () => call('DELETE', `/projects/${PROJECT}/packages/${(await newPackageFile()).packageId}`),
  },
  'GET /projects/:id/packages/:package_id/package_files': {
    schema: 'PackageFileSchema',
    list: true,
    ask: async () =>
      call('GET', `/projects/${PROJECT}/packages/${(await newPackageFile()).packageId}/package_files`),
  },
  'DELETE /projects/:id/packages/:package_id/package_files/:package_file_id': {
    schema: null,
    ask: async () => {
      const { packageId, fileId } = await newPackageFile();
      return call('DELETE', `/projects/${PROJECT}/packages/${packageId}/package_files/${fileId}`);
    },
  },
};

beforeAll(async () => {
  tmp = await withTempDir();
  emulator = await GitLabEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
  await emulator.createProject('acme', 'widget', { defaultBranch: 'main' });
  const forge = new GitLabForge({ token: TOKEN, host: emulator.url });
  clone = await ScratchClone.initAndPush(
    path.join(tmp.dir, 'work'),
    `${emulator.url}/acme/widget.git`,
    forge.gitCredentials(),
  );
  await clone.createBranchWithFile('main', 'docs/guide.md', '# Guide\n');
  headSha = await clone.createBranchWithFile('topic', 'topic.txt', 'topic\n');
  const mr = await json<{ iid: number }>('POST', `/projects/${PROJECT}/merge_requests`, {
    source_branch: 'topic',
    target_branch: 'main',
    title: 'A change',
    description: 'Please review.',
  });
  mergeRequestIid = mr.iid;
});

afterAll(async () => {
  await emulator?.stop();
  await tmp?.remove();
});

describe('the GitLab emulator against gitbeaker schema types', () => {
  it('has an exercise for every route it serves', () => {
    expect(Object.keys(exercises).sort()).toEqual(GITLAB_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const { schema } of Object.values(exercises))
      if (schema) expect(() => schemaType(schema)).not.toThrow();
  });

  it('refuses an endpoint outside its route table', async () => {
    expect((await call('GET', `/projects/${PROJECT}/merge_requests/${mergeRequestIid}/commits`)).status).toBe(
      404,
    );
  });

  for (const route of GITLAB_ROUTES as readonly GitLabRoute[]) {
    const key = `${route.method} ${route.path}`;
    it(`${key} answers what GitLab answers`, async () => {
      const { schema, list, ask } = exercises[key]!;
      const answer = await ask();
      expect(matchGitLabRoute(answer.method, answer.path), `${answer.method} ${answer.path}`).toEqual(route);
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
      if (!schema) return;
      const type = schemaType(schema);
      if (list) {
        expect(Array.isArray(answer.body)).toBe(true);
        expect((answer.body as unknown[]).length).toBeGreaterThan(0);
        expect((answer.body as unknown[]).flatMap((item, i) => misfits(item, type, `[${i}]`))).toEqual([]);
      } else {
        expect(misfits(answer.body, type, '$')).toEqual([]);
      }
    });
  }
});
