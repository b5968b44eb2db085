import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretRegistry } from '../../core/secrets.ts';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { GitLabEmulator } from '../../emulators/gitlab/gitlab-emulator.ts';
import { forgeFromConfig } from '../../forge/forge-from-config.ts';
import { ForgeError, type ForgeKind } from '../../forge/forge.ts';
import { withTempDir } from '../support/temp-dir.ts';

const GITHUB_TOKEN = 'ghp_fromconfig0123456789';
const GITLAB_TOKEN = 'glpat-fromconfig0123456789';
const repo = { owner: 'acme', name: 'widget' };

describe('forgeFromConfig', () => {
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  let github: GitHubEmulator;
  let gitlab: GitLabEmulator;
  beforeAll(async () => {
    tmp = await withTempDir();
    github = await GitHubEmulator.start({ dataDir: path.join(tmp.dir, 'github'), tokens: [GITHUB_TOKEN] });
    gitlab = await GitLabEmulator.start({ dataDir: path.join(tmp.dir, 'gitlab'), tokens: [GITLAB_TOKEN] });
    await github.createRepository(repo.owner, repo.name);
    await gitlab.createProject(repo.owner, repo.name);
  });
  afterAll(async () => {
    await github?.stop();
    await gitlab?.stop();
    await tmp?.remove();
  });

  it('builds a GitHub client that talks to the configured API and registers its token as a secret', async () => {
    const secrets = new SecretRegistry();
    const forge = await forgeFromConfig(
      { kind: 'github', token: GITHUB_TOKEN, apiUrl: github.url },
      { secrets, throttle: false },
    );
    expect(forge.kind).toBe('github');
    expect(await forge.getRepository(repo)).toMatchObject({ owner: 'acme', name: 'widget' });
    expect(forge.gitCredentials()).toEqual({ username: 'x-access-token', password: GITHUB_TOKEN });
    expect(secrets.redact(`token ${GITHUB_TOKEN}`)).toBe('token ***');
  });

  it('hands the GitHub client the transport the wiring names (an action’s proxy-aware fetch)', async () => {
    const requested: string[] = [];
    const transport = ((input: string | URL | Request, init?: RequestInit) => {
      requested.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    }) as typeof fetch;
    const forge = await forgeFromConfig(
      { kind: 'github', token: GITHUB_TOKEN, apiUrl: github.url },
      { throttle: false, fetch: transport },
    );
    expect(await forge.getRepository(repo)).toMatchObject({ owner: 'acme', name: 'widget' });
    expect(requested).toEqual([`${github.url}/repos/acme/widget`]);
  });

  it('builds a GitLab client that talks to the configured instance', async () => {
    const forge = await forgeFromConfig({ kind: 'gitlab', token: GITLAB_TOKEN, apiUrl: gitlab.url });
    expect(forge.kind).toBe('gitlab');
    expect(await forge.getRepository(repo)).toMatchObject({ owner: 'acme', name: 'widget' });
    expect(forge.gitCredentials()).toEqual({ username: 'oauth2', password: GITLAB_TOKEN });
  });

  it.each([
    ['github', () => github.rateLimit({ retryAfterSeconds: 30 })],
    ['gitlab', () => gitlab.rateLimit({ retryAfterSeconds: 30 })],
  ] as const)('hands maxRateLimitWaitSeconds to the %s client', async (kind, rateLimit) => {
    const forge = await forgeFromConfig(
      {
        kind,
        token: kind === 'github' ? GITHUB_TOKEN : GITLAB_TOKEN,
        apiUrl: kind === 'github' ? github.url : gitlab.url,
      },
      { maxRateLimitWaitSeconds: 10 },
    );
    rateLimit();
    // 30 s is more than the 10 allowed: refused at once, not waited for.
    const error = await forge.getRepository(repo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect(error).toMatchObject({ status: 429 });
  });

  it.each([
    [{ kind: 'bitbucket', token: 't0ken' }, {}, 'forge kind "bitbucket": expected github or gitlab'],
    [{ kind: 'github', token: '' }, {}, 'github forge: the token is empty'],
    [{ kind: 'gitlab', token: '   ' }, {}, 'gitlab forge: the token is empty'],
    [
      { kind: 'github', token: 't0ken', apiUrl: 'api.github.com' },
      {},
      'github forge: apiUrl "api.github.com" is not an http(s) URL',
    ],
    [
      { kind: 'gitlab', token: 't0ken', apiUrl: 'ftp://gitlab.example' },
      {},
      'gitlab forge: apiUrl "ftp://gitlab.example" is not an http(s) URL',
    ],
    [
      { kind: 'github', token: 't0ken' },
      { maxRateLimitWaitSeconds: -1 },
      'maxRateLimitWaitSeconds: -1 is not a number of seconds ≥ 0',
    ],
  ])('refuses %j %j', async (config, wiring, message) => {
    const secrets = new SecretRegistry();
    await expect(
      forgeFromConfig(config as { kind: ForgeKind['kind']; token: string }, { ...wiring, secrets }),
    ).rejects.toThrow(message);
    expect(secrets.values()).toEqual([]);
  });
});
