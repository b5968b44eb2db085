import { describe, expect, it } from 'vitest';
import {
  DeploymentConfigError,
  parseDeploymentConfig,
} from '../../runner-agent/src/config/deployment-config.ts';

const noFiles = async (p: string): Promise<string> => {
  throw new Error(`ENOENT: no such file ${p}`);
};

async function parse(text: string, env: Record<string, string> = {}, readFile = noFiles) {
  return parseDeploymentConfig(text, 'config.yml', env, readFile);
}

async function failure(text: string, env: Record<string, string> = {}, readFile = noFiles): Promise<string> {
  const error = await parse(text, env, readFile).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DeploymentConfigError);
  return (error as Error).message;
}

describe('deployment configuration', () => {
  it('takes secrets from the environment and from files, and fills defaults', async () => {
    const config = await parse(
      [
        'stateDir: /var/lib/ironbots',
        'forge:',
        '  token: ${GITHUB_TOKEN}',
        '  repositories: [acme/widget]',
        'server:',
        '  webhookSecret: ${file:/run/secrets/hook}',
        '  apiTokens: ["${API_TOKEN}"]',
        'agent:',
        '  name: kvm-1',
        '  labels: [kvm]',
      ].join('\n'),
      { GITHUB_TOKEN: 'ghp_abc', API_TOKEN: 'api-token-0123456789' },
      async (p) => (p === '/run/secrets/hook' ? 'hook-secret-from-file\n' : noFiles(p)),
    );
    expect(config.forge).toEqual({
      kind: 'github',
      apiUrl: 'https://api.github.com',
      token: 'ghp_abc',
      repositories: ['acme/widget'],
      secondaryRateLimits: true,
    });
    expect(config.server).toMatchObject({
      listen: '127.0.0.1:8080',
      webhookSecret: 'hook-secret-from-file',
      apiTokens: ['api-token-0123456789'],
      scanIntervalSeconds: 300,
      fullScanIntervalSeconds: 3600,
    });
    expect(config.agent).toMatchObject({
      name: 'kvm-1',
      labels: ['kvm'],
      executors: ['process'],
      concurrency: 1,
      supersededPollSeconds: 30,
      cancelCheckSeconds: 10,
    });
    expect(config.queue).toEqual({ kind: 'sqlite' });
    expect(config.logs).toEqual({
      kind: 'filesystem',
      maxBytes: 50 * 1024 * 1024,
      retentionDays: 30,
      maxArtifactBytes: 1024 ** 3,
    });
  });

  it('names a missing environment variable and an unreadable secret file', async () => {
    expect(await failure('forge:\n  token: ${GITHUB_TOKEN}\n')).toBe(
      'config.yml: environment variable GITHUB_TOKEN is not set',
    );
    expect(await failure('server:\n  webhookSecret: ${file:/nope}\n')).toMatch(
      /^config\.yml: cannot read secret file \/nope: ENOENT/,
    );
  });

  it('reports every problem at once, each with its line', async () => {
    expect(
      await failure('forge:\n  token: ${GITHUB_TOKEN}\nserver:\n  webhookSecret: ${file:/nope}\n'),
    ).toMatch(
      /^config\.yml: 2 problems:\n {2}environment variable GITHUB_TOKEN is not set\n {2}cannot read secret file \/nope: ENOENT/,
    );
    expect(
      await failure(
        [
          'stateDir: 5',
          'logs:',
          '  kind: filesystem',
          '  retentionDays: -1',
          '  bogus: 1',
          'agent:',
          '  concurrency: 0',
          '',
        ].join('\n'),
      ),
    ).toBe(
      [
        'config.yml: 4 problems:',
        '  line 1: stateDir: Invalid input: expected string, received number',
        '  line 4: logs.retentionDays: Too small: expected number to be >=1',
        '  line 5: logs.bogus: unknown field',
        '  line 7: agent.concurrency: Too small: expected number to be >=1',
      ].join('\n'),
    );
  });

  it('names the line and the field of a bad value', async () => {
    expect(await failure('server:\n  webhookSecret: long-enough-secret\n  listen: localhost\n')).toMatch(
      /^config\.yml line 3: server\.listen: expected host:port/,
    );
    expect(await failure('agent:\n  concurrency: 0\n')).toMatch(/^config\.yml line 2: agent\.concurrency: /);
    expect(await failure('queue:\n  kind: kafka\n')).toMatch(/^config\.yml line 2: queue\.kind: /);
    expect(await failure('logs:\n  kind: s3\n  bucket: ci-logs\n  accessKeyId: AKIA\n')).toMatch(
      /logs: set both accessKeyId and secretAccessKey, or neither/,
    );
    expect(await failure('agent:\n  executors: [process, docker]\n')).toMatch(
      /^config\.yml line 2: agent\.executors\.1: /,
    );
    expect(await failure('forge:\n  token: x\n  repositories: [widget]\n')).toMatch(
      /forge\.repositories\.0: expected owner\/name/,
    );
    expect(await failure('serer:\n  listen: 1.2.3.4:80\n')).toBe('config.yml line 1: serer: unknown field');
    // GitLab's namespaces nest; nothing else gets past an infrastructure repository's name.
    const infra = (list: string) =>
      parse(`server:\n  webhookSecret: long-enough-secret\n  infraRepositories: [${list}]\n`);
    expect((await infra('acme/bots, acme/ci/bots')).server?.infraRepositories).toEqual([
      'acme/bots',
      'acme/ci/bots',
    ]);
    expect(
      await failure('server:\n  webhookSecret: long-enough-secret\n  infraRepositories: [acme//bots]\n'),
    ).toMatch(
      /^config\.yml line 3: server\.infraRepositories\.0: infrastructure repositories are owner\/name/,
    );
    expect(await failure('logs:\n  kind: filesystem\n  maxBytes: 512\n')).toMatch(
      /^config\.yml line 3: logs\.maxBytes: must be at least 1024 bytes/,
    );
    expect(await failure('logs:\n  kind: filesystem\n  maxBytes: 2048.5\n')).toMatch(
      /logs\.maxBytes: must be a whole number of bytes/,
    );
    expect(await failure('logs:\n  kind: filesystem\n  maxLogMegabytes: 50\n')).toBe(
      'config.yml line 3: logs.maxLogMegabytes: renamed to logs.maxBytes, in bytes (52428800 is 50 MiB)',
    );
    expect(await failure('logs:\n  kind: filesystem\n  maxArtifactMegabytes: 1024\n')).toBe(
      'config.yml line 3: logs.maxArtifactMegabytes: renamed to logs.maxArtifactBytes, in bytes (1073741824 is 1 GiB)',
    );
    expect(await failure('logs:\n  dir: /srv/logs\n')).toBe(
      'config.yml line 1: logs.kind: missing: one of filesystem, s3',
    );
    expect(await failure('queue:\n  kind: redis\n')).toBe(
      'config.yml line 2: queue.kind: "redis" is not one of sqlite, rabbitmq',
    );
    expect(await failure('server:\n  webhookSecret: short\n')).toMatch(/at least 8 characters/);
    expect(await failure('a: [\n')).toMatch(/^config\.yml line \d: invalid YAML/);
    expect(await failure('server:\n  apiTokens: [${API_TOKEN}]\n')).toMatch(
      /line 2: invalid YAML: .*quote values that use/,
    );
  });
});
