import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { issueTitle } from '../../actions/container-refresh/container-refresh.ts';
import { startOciRegistry, type OciRegistry } from '../../emulators/oci-registry.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { ImageRepository } from './image-repository.ts';
import { runActionDist } from '../support/run-action-dist.ts';

const run = promisify(execFile);
const TOKEN = 'ghp_containerrefreshdisttoken0123456789';
const IMAGE = 'acme/ci-dist';

const runAction = (_dir: string, inputs: Record<string, string>, env: Record<string, string>) =>
  runActionDist('actions/container-refresh', { inputs, env });

describe('container-refresh dist/index.js run as the Actions runner does', () => {
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  let registry: OciRegistry;
  let emulator: GitHubEmulator;
  let repo: ImageRepository;
  let workflow: Record<string, string>;
  let inputs: Record<string, string>;

  beforeAll(async () => {
    tmp = await withTempDir('ironbots-container-refresh-dist-');
    registry = await startOciRegistry();
    emulator = await GitHubEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
    await emulator.createRepository('acme', 'widget');
    repo = await ImageRepository.create(path.join(tmp.dir, 'checkout'), 'v1');
    workflow = {
      GITHUB_WORKSPACE: repo.dir,
      GITHUB_REPOSITORY: 'acme/widget',
      GITHUB_API_URL: emulator.url,
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_RUN_ID: '42',
    };
    // As action.yml's defaults would be applied by the runner, plus the workflow's own inputs.
    inputs = {
      directory: 'ci-image',
      image: IMAGE,
      registry: registry.host,
      'test-command': 'cat /etc/version',
      mode: 'auto',
      token: TOKEN,
      'tls-verify': 'false',
      'issue-label': 'container-refresh',
    };
  });
  afterAll(async () => {
    await emulator?.stop();
    await registry?.stop();
    // What pr mode pulled from the test registry stays in podman's store otherwise.
    if (registry)
      await run('podman', ['--runtime', 'runc', 'rmi', '--force', `${registry.host}/${IMAGE}:latest`]).catch(
        () => undefined,
      );
    await tmp?.remove();
  });

  it('on a schedule: publishes the dated tag and latest, sets outputs, masks the token', async () => {
    const result = await runAction(tmp.dir, inputs, { ...workflow, GITHUB_EVENT_NAME: 'schedule' });
    expect(result.log).not.toContain('::error::');
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ mode: 'publish', outcome: 'published', built: 'true' });
    const today = result.outputs.tag!;
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(result.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await registry.tags(IMAGE)).sort()).toEqual([today, 'latest']);
    expect(result.log).toContain(`::add-mask::${TOKEN}`);
    expect(result.log.replace(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN);
  });

  it('on a pull request: tests the published image when the directory did not change, and pushes nothing', async () => {
    const before = (await registry.tags(IMAGE)).sort();
    await repo.git('checkout', '--quiet', '-b', 'readme');
    await repo.writeOutside('README', 'changed\n');
    await repo.commit('readme');
    // As the runner starts a pull_request job: the event's payload in a file, its base branch also in the env.
    const event = path.join(tmp.dir, 'pull-request-event.json');
    await writeFile(
      event,
      JSON.stringify({ action: 'opened', pull_request: { number: 1, base: { ref: 'main' } } }),
    );
    const result = await runAction(tmp.dir, inputs, {
      ...workflow,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event,
      GITHUB_BASE_REF: 'main',
    });
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ mode: 'pr', outcome: 'tested', built: 'false', tag: '' });
    expect((await registry.tags(IMAGE)).sort()).toEqual(before);
    await repo.git('checkout', '--quiet', 'main');
  });

  it('fails the step on a failing test, with the issue in its outputs and the error', async () => {
    const before = (await registry.tags(IMAGE)).sort();
    const result = await runAction(
      tmp.dir,
      { ...inputs, 'test-command': 'echo the compiler is gone; exit 1' },
      { ...workflow, GITHUB_EVENT_NAME: 'schedule' },
    );
    expect(result.code).not.toBe(0);
    expect(result.log).toMatch(/::error::test failed: .*\(issue opened: .*\/acme\/widget\/issues\/\d+\)/);
    expect(result.outputs).toMatchObject({
      outcome: 'failed',
      'issue-number': expect.stringMatching(/^\d+$/),
    });
    expect((await registry.tags(IMAGE)).sort()).toEqual(before);
    const forge = new GitHubForge({ token: TOKEN, baseUrl: emulator.url, retries: 0, throttle: false });
    const issue = await forge.findOpenIssue(
      { owner: 'acme', name: 'widget' },
      issueTitle({ registry: registry.host, image: IMAGE }),
    );
    expect(issue?.number).toBe(Number(result.outputs['issue-number']));
    expect(issue?.labels).toEqual(['container-refresh']);
    expect(issue?.body).toContain('the compiler is gone');
    expect(issue?.body).toContain('https://github.example/acme/widget/actions/runs/42');
  });

  it('fails with the input named on bad input, and touches nothing', async () => {
    const before = (await registry.tags(IMAGE)).sort();
    const result = await runAction(tmp.dir, { ...inputs, image: 'Acme/CI:latest' }, workflow);
    expect(result.code).not.toBe(0);
    expect(result.log).toMatch(/::error::input image: "Acme\/CI:latest" is not a registry repository name/);
    expect(result.outputs).toEqual({});
    expect((await registry.tags(IMAGE)).sort()).toEqual(before);
    const missing = await runAction(tmp.dir, { ...inputs, directory: 'not-there' }, workflow);
    expect(missing.log).toMatch(/::error::input directory: .*not-there is not a directory/);
  });
});
