import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueTitle, type RefreshResult } from '../../actions/container-refresh/container-refresh.ts';
import { GitLabEmulator } from '../../emulators/gitlab/gitlab-emulator.ts';
import { GitLabForge } from '../../forge/gitlab/gitlab-forge.ts';
import { startOciRegistry, type OciRegistry } from '../../emulators/oci-registry.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { ImageRepository } from './image-repository.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const TOKEN = 'glpat-containerrefresh0123456789';
const IMAGE = 'acme/ci-gitlab';

/** `ironbots container-refresh` as the GitLab CI template runs it: GitLab's CI_* variables, secrets in env. */
async function runCli(args: string[], env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'cli/ironbots.ts'), 'container-refresh', ...args],
    {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, IRONBOTS_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return { code, stderr, result: last.startsWith('{') ? (JSON.parse(last) as RefreshResult) : null };
}

describe('ironbots container-refresh in GitLab CI, with the issue on the GitLab emulator', () => {
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  let registry: OciRegistry;
  let emulator: GitLabEmulator;
  let repo: ImageRepository;
  let ci: Record<string, string>;
  let args: string[];

  beforeAll(async () => {
    tmp = await withTempDir('ironbots-container-refresh-cli-');
    registry = await startOciRegistry();
    emulator = await GitLabEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
    await emulator.createProject('acme', 'widget', { defaultBranch: 'main' });
    repo = await ImageRepository.create(path.join(tmp.dir, 'checkout'), 'v1');
    ci = {
      GITLAB_CI: 'true',
      CI_SERVER_URL: emulator.url,
      CI_PROJECT_PATH: 'acme/widget',
      CI_PROJECT_DIR: repo.dir,
      CI_JOB_URL: 'https://gitlab.example/acme/widget/-/jobs/9',
      IRONBOTS_FORGE_TOKEN: TOKEN,
    };
    args = [
      '--directory',
      'ci-image',
      '--image',
      IMAGE,
      '--registry',
      registry.host,
      '--tls-verify',
      'false',
    ];
  });
  afterAll(async () => {
    await emulator?.stop();
    await registry?.stop();
    await tmp?.remove();
  });

  it('a failing scheduled run opens a GitLab issue; the next green run publishes and closes it', async () => {
    const failing = await runCli([...args, '--test-command', 'echo missing tool >&2; exit 2'], {
      ...ci,
      CI_PIPELINE_SOURCE: 'schedule',
    });
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/test failed: .*\(issue opened: .*\/acme\/widget\/-\/issues\/1\)/);
    expect(failing.stderr).not.toContain(TOKEN);
    expect(await registry.tags(IMAGE)).toEqual([]);
    const forge = new GitLabForge({ token: TOKEN, host: emulator.url });
    const title = issueTitle({ registry: registry.host, image: IMAGE });
    const issue = await forge.findOpenIssue({ owner: 'acme', name: 'widget' }, title);
    expect(issue).toMatchObject({ number: 1, labels: ['container-refresh'] });
    expect(issue?.body).toContain('missing tool');
    expect(issue?.body).toContain('https://gitlab.example/acme/widget/-/jobs/9');

    const green = await runCli([...args, '--test-command', 'cat /etc/version'], {
      ...ci,
      CI_PIPELINE_SOURCE: 'schedule',
    });
    expect(green.code).toBe(0);
    expect(green.result).toMatchObject({ outcome: 'published', issue: { number: 1, action: 'closed' } });
    expect((await registry.tags(IMAGE)).sort()).toEqual([green.result!.tag, 'latest']);
    expect(await forge.findOpenIssue({ owner: 'acme', name: 'widget' }, title)).toBeNull();
  });

  it('a merge request pipeline tests and pushes nothing', async () => {
    const before = (await registry.tags(IMAGE)).sort();
    await repo.git('checkout', '--quiet', '-b', 'bump');
    await repo.setVersion('v2');
    await repo.commit('bump');
    const { code, result } = await runCli([...args, '--test-command', 'grep -q v2 /etc/version'], {
      ...ci,
      CI_PIPELINE_SOURCE: 'merge_request_event',
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
    });
    expect(code).toBe(0);
    expect(result).toMatchObject({ mode: 'pr', outcome: 'tested', built: true });
    expect((await registry.tags(IMAGE)).sort()).toEqual(before);
  });

  it('refuses a token on the command line: there is no such option', async () => {
    const { code, stderr } = await runCli([...args, '--token', TOKEN, '--test-command', 'true'], ci);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/unknown option '--token'/);
  });
});
