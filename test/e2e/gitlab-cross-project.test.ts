import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import type { CommitStatus, RepositoryId } from '../../forge/forge.ts';
import { NOT_YET_TESTED } from '../../runner-agent/src/jobs/status-text.ts';
import { LocalStack } from '../../runner-agent/src/local/local-stack.ts';

const project: RepositoryId = { owner: 'acme', name: 'widget' };
/** The infrastructure project, in a subgroup: GitLab's namespaces nest. */
const bots: RepositoryId = { owner: 'acme/ci', name: 'bots' };

/**
 * Cross-project testing on the GitLab emulator, through the production wiring: `unit@acme/ci/bots!1` (a
 * merge request as GitLab references one) asked for on the project's merge request runs the project's
 * `unit` with the infrastructure merge request's head beside it. GitLab sends no webhook for a commit
 * status, so the request is found by a scan (`ironbots scan`; the server's periodic full round) or comes
 * through the job API. The infrastructure project's main branch says otherwise than its merge request, so
 * only a checkout of the merge request's head passes.
 */
describe('cross-project contexts on GitLab', () => {
  let stack: LocalStack;
  let markers: string;
  let projectSha: string;
  let botsMrSha: string;
  let botsMr: number;

  const config = () =>
    [
      'contexts:',
      '  unit:',
      '    run:',
      '      - sh',
      '      - -c',
      `      - 'if [ -z "$IRONBOTS_INFRA_DIR" ]; then echo "plain" >>${markers}; exit 0; fi;` +
        ` echo "$IRONBOTS_CONTEXT $IRONBOTS_REPOSITORY $IRONBOTS_SHA $IRONBOTS_INFRA_REPOSITORY $IRONBOTS_INFRA_PULL_REQUEST $IRONBOTS_INFRA_SHA $(cat "$IRONBOTS_INFRA_DIR/VERSION")" >>${markers};` +
        ` test "$(cat "$IRONBOTS_INFRA_DIR/VERSION")" = from-merge-request'`,
      '',
    ].join('\n');

  beforeAll(async () => {
    stack = await LocalStack.start({
      logger: silentLogger(),
      forge: 'gitlab',
      infraRepositories: ['acme/ci/bots'],
    });
    markers = path.join(stack.stateDir, 'markers.txt');

    const infra = (await stack.createRepository(bots)).workingCopy;
    await infra.writeFiles({ VERSION: { content: 'main\n' } });
    await infra.commit('main');
    await infra.push('main');
    await infra.checkoutNewBranch('new-images');
    await infra.writeFiles({ VERSION: { content: 'from-merge-request\n' } });
    botsMrSha = await infra.commit('new images');
    await infra.push('new-images');
    botsMr = (
      await stack.forge.createPullRequest(bots, { title: 'images', head: 'new-images', base: 'main' })
    ).number;

    const copy = (await stack.createRepository(project)).workingCopy;
    await copy.writeFiles({ 'README.md': { content: 'widget\n' }, '.ironbots.yml': { content: config() } });
    await copy.commit('main');
    await copy.push('main');
    await copy.checkoutNewBranch('topic');
    await copy.writeFiles({ 'README.md': { content: 'widget, changed\n' } });
    projectSha = await copy.commit('change');
    await copy.push('topic');
    await stack.forge.createPullRequest(project, { title: 'change', head: 'topic', base: 'main' });
  }, 120_000);
  afterAll(async () => stack?.stop());

  const latest = async (context: string): Promise<CommitStatus | undefined> =>
    (await stack.forge.listCommitStatuses(project, projectSha)).find((s) => s.context === context);
  const ask = (context: string) =>
    stack.forge.setCommitStatus(project, projectSha, {
      state: 'pending',
      context,
      description: NOT_YET_TESTED,
    });
  const finalOf = async (context: string): Promise<CommitStatus> => {
    await expect
      .poll(async () => (await latest(context))?.state, { timeout: 60_000 })
      .toMatch(/^(success|failure|error)$/);
    return (await latest(context))!;
  };

  it('runs a request a scan finds with the infrastructure merge request’s head, and refuses what it must', async () => {
    expect((await finalOf('unit')).state).toBe('success');
    const context = `unit@acme/ci/bots!${botsMr}`;
    const refusals = {
      'unit@acme/ci/bots!99': 'Not run: acme/ci/bots!99 does not exist',
      'unit@acme/elsewhere!1':
        'Not run: acme/elsewhere is not an allowed infrastructure repository (server.infraRepositories)',
      'unit@acme/ci/$(reboot)!1':
        'Not run: "unit@acme/ci/$(reboot)!1" is not <context>@<namespace>/<project>!<merge request>',
      [`integration@acme/ci/bots!${botsMr}`]: 'Not run: .ironbots.yml has no context integration',
    };
    for (const asked of [context, ...Object.keys(refusals)]) await ask(asked);

    // No webhook announces a status on GitLab: the scan reads the head's statuses and plans the request.
    const results = await stack.scan(project);
    expect([...results.values()]).toEqual([
      expect.objectContaining({
        kind: 'planned',
        jobs: [expect.objectContaining({ context, duplicate: false })],
      }),
    ]);
    const final = await finalOf(context);
    expect([final.state, final.description]).toEqual(['success', expect.stringMatching(/^Passed in /)]);
    expect(await readFile(markers, 'utf8')).toBe(
      `plain\n${context} acme/widget ${projectSha} acme/ci/bots ${botsMr} ${botsMrSha} from-merge-request\n`,
    );
    const logUrl = final.targetUrl!.replace(/\.html$/, '');
    // The log names the merge request as GitLab does.
    expect(await (await fetch(logUrl)).text()).toContain(
      `ironbots: infrastructure: acme/ci/bots!${botsMr} at ${botsMrSha}\n`,
    );
    expect(await (await fetch(`${logUrl}/meta`)).json()).toMatchObject({
      infra: `acme/ci/bots!${botsMr}`,
      infraSha: botsMrSha,
      infraUrl: expect.stringMatching(new RegExp(`/acme/ci/bots/-/merge_requests/${botsMr}$`)),
    });
    for (const [asked, description] of Object.entries(refusals))
      expect([asked, (await finalOf(asked)).state, (await latest(asked))!.description]).toEqual([
        asked,
        'error',
        description,
      ]);

    // A second scan finds nothing left to ask: the request ran once.
    await stack.scan(project);
    expect((await readFile(markers, 'utf8')).split('\n').filter((l) => l.startsWith(context))).toHaveLength(
      1,
    );
  });

  it('takes `!` and `#` for the merge request through the job API', async () => {
    const submit = (context: string) =>
      fetch(`${stack.server.url}/api/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          context,
          command: ['sh', '-c', 'grep -qx from-merge-request "$IRONBOTS_INFRA_DIR/VERSION"'],
          repository: project,
          sha: projectSha,
        }),
      });
    for (const context of [`api@acme/ci/bots!${botsMr}`, `api@acme/ci/bots#${botsMr}`]) {
      expect((await submit(context)).status).toBe(201);
      expect((await finalOf(context)).state).toBe('success');
    }
    const refused = await submit('api@acme/ci/bots!99');
    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([
      422,
      'context: acme/ci/bots!99 does not exist',
    ]);
  });
});
