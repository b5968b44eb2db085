import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildEnvironment, createTargets } from '../../actions/release/configured-run.ts';
import { ciRunFromEnvironment } from '../../cli/ci-environment.ts';
import { silentLog } from '../../cli/text-log.ts';
import { INPUT_DEFAULTS, readSettings, type ReleaseSettings } from '../../actions/release/inputs.ts';

const SSH_LINE = 'rm@example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDr2';
const PGP = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----';

function parse(
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = {},
  warn = (message: string): void => {
    throw new Error(`unexpected warning: ${message}`);
  },
): ReleaseSettings {
  return readSettings(
    (name) => inputs[name] ?? '',
    ciRunFromEnvironment({ GITHUB_REF: 'refs/tags/v1.2', GITHUB_REPOSITORY: 'acme/widget', ...env }),
    warn,
  );
}

describe('release inputs', () => {
  it('action.yml declares exactly these inputs, with the same defaults', async () => {
    const yaml = parseYaml(
      await readFile(path.resolve(import.meta.dirname, '../../actions/release/action.yml'), 'utf8'),
    ) as { inputs: Record<string, { default?: string }>; runs: { using: string; main: string } };
    expect(yaml.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(Object.keys(yaml.inputs).sort()).toEqual(Object.keys(INPUT_DEFAULTS).sort());
    // An expression is the runner's to apply; a local run has no workflow token.
    for (const [name, spec] of Object.entries(yaml.inputs))
      if (name !== 'token') expect([name, spec.default ?? '']).toEqual([name, INPUT_DEFAULTS[name]]);
    expect(yaml.inputs.token!.default).toBe('${{ github.token }}');
  });

  it('reads the tag from GITHUB_REF or CI_COMMIT_TAG, the keys of both kinds, and the build as argv', () => {
    const config = parse({
      'allowed-keys': `# release managers\n${PGP}\n${SSH_LINE}\n`,
      build: `make dist VERSION='1.2 final'`,
      assets: 'dist/*.tar.gz\n  dist/*.zip',
      token: 'ghs_secret0123',
    });
    expect(config.tag).toBe('v1.2');
    expect(config.trust).toEqual({ openpgpKeys: `${PGP}\n`, sshAllowedSigners: `${SSH_LINE}\n` });
    expect(config.buildCommand).toEqual(['make', 'dist', 'VERSION=1.2 final']);
    expect(config.assetPatterns).toEqual(['dist/*.tar.gz', 'dist/*.zip']);
    expect(config.targets).toEqual([
      {
        kind: 'github',
        token: 'ghs_secret0123',
        repository: 'acme/widget',
        apiUrl: 'https://api.github.com',
        serverUrl: 'https://github.com',
      },
    ]);
    expect(config.secrets).toEqual(['ghs_secret0123']);
    expect(
      parse({ keyring: 'keys.asc', 'dry-run': 'true' }, { GITHUB_REF: '', CI_COMMIT_TAG: '2.0' }).tag,
    ).toBe('2.0');
  });

  it.each([
    [{}, /input allowed-keys: required: the keys allowed to sign/],
    [
      { keyring: 'k', targets: 'github,pypi' },
      /input targets: unknown target "pypi"; known: github, gitlab, npm, container/,
    ],
    [{ keyring: 'k', targets: 'github,github' }, /input targets: a target is listed twice/],
    [{ keyring: 'k' }, /input token: required for the github target \(contents: write\)/],
    [{ keyring: 'k', 'dry-run': 'maybe' }, /input dry-run: "maybe" is not a boolean/],
    // @actions/core's booleans only: yes, 1 and on are not true.
    [{ keyring: 'k', 'dry-run': 'yes' }, /input dry-run: "yes" is not a boolean/],
    [{ keyring: 'k', 'dry-run': 'true', 'compare-link': '1' }, /input compare-link: "1" is not a boolean/],
    [{ keyring: 'k', 'dry-run': 'on' }, /input dry-run: "on" is not a boolean/],
    [{ keyring: 'k', 'version-pattern': '(' }, /input version-pattern: not a regular expression/],
    [
      { keyring: 'k', 'dry-run': 'true', 'floating-tags': 'major, latest' },
      /input floating-tags: "latest" is not one of major, minor/,
    ],
    [{ keyring: 'k', build: "sh -c 'make", 'dry-run': 'true' }, /input build: unterminated ' quote/],
    [
      { 'allowed-keys': 'just some text' },
      /input allowed-keys: "just some text" is neither part of an armored OpenPGP key nor an allowed_signers line/,
    ],
    [{ 'allowed-keys': '-----BEGIN PGP PUBLIC KEY BLOCK-----\nabc' }, /an incomplete key block/],
    [
      { keyring: 'k', targets: 'npm', 'npm-token': 'npm_x' },
      /input npm-tarball: required for the npm target/,
    ],
    [{ keyring: 'k', targets: 'gitlab', 'dry-run': 'true' }, /input gitlab-url: an http\(s\) URL required/],
    [
      {
        keyring: 'k',
        targets: 'container',
        'dry-run': 'true',
        'container-registry': 'r',
        'container-image': 'i',
      },
      /give exactly one of container-archive and container-context/,
    ],
  ])('refuses %o', (inputs, message) => {
    expect(() => parse(inputs)).toThrow(message);
  });

  it('still reads the token under its old name github-token, over token, and warns to rename it', () => {
    const warnings: string[] = [];
    // The runner fills token with its default (the workflow token) whether or not the step names it.
    const config = parse({ keyring: 'k', token: 'ghs_default0123', 'github-token': 'ghs_old0123' }, {}, (m) =>
      warnings.push(m),
    );
    expect(config.targets[0]).toMatchObject({ kind: 'github', token: 'ghs_old0123' });
    expect(config.secrets).toEqual(['ghs_old0123']);
    expect(warnings).toEqual([
      'input github-token is deprecated and will be removed in the next release: rename it to token (until then github-token is used, and wins over token)',
    ]);
  });

  it('reads floating-tags as a list of major and minor, none by default', () => {
    expect(parse({ keyring: 'k', 'dry-run': 'true' }).floatingTags).toEqual([]);
    expect(parse({ keyring: 'k', 'dry-run': 'true', 'floating-tags': 'major,\nminor' }).floatingTags).toEqual(
      ['major', 'minor'],
    );
  });

  it('needs no tag when started by a tag, and says so when it was not', () => {
    expect(() => parse({ keyring: 'k', 'dry-run': 'true' }, { GITHUB_REF: 'refs/heads/main' })).toThrow(
      /input tag: required: no tag given and this run was not started by a tag/,
    );
  });

  it('reads the GitLab target from GitLab CI variables', () => {
    const config = parse(
      { keyring: 'k', targets: 'gitlab', 'gitlab-token': 'glpat-secret' },
      {
        GITHUB_REF: '',
        CI_COMMIT_TAG: '1.0',
        CI_SERVER_URL: 'https://gitlab.example.org',
        CI_PROJECT_PATH: 'g/p',
      },
    );
    expect(config.targets).toEqual([
      { kind: 'gitlab', url: 'https://gitlab.example.org', project: 'g/p', token: 'glpat-secret' },
    ]);
  });

  it('the build sees neither the action inputs nor any variable holding a secret', () => {
    const env = buildEnvironment(
      {
        PATH: '/usr/bin',
        'INPUT_GITHUB-TOKEN': 'ghs_secret0123',
        GITHUB_TOKEN: 'ghs_other',
        SOME_URL: 'https://x:ghs_secret0123@example.org',
        VERSION: '1.2',
      },
      ['ghs_secret0123'],
    );
    expect(env).toEqual({ PATH: '/usr/bin', VERSION: '1.2' });
  });

  it('makes one target per configured kind, in the order given', () => {
    const config = parse({
      keyring: 'k',
      targets: 'npm, container,gitlab,github',
      token: 'ghs_x0123',
      'gitlab-url': 'https://gitlab.example.org',
      'gitlab-project': 'g/p',
      'gitlab-token': 'glpat-x',
      'npm-token': 'npm_x0123',
      'npm-tarball': 'widget-1.2.0.tgz',
      'container-registry': 'registry.example.org',
      'container-image': 'acme/widget',
      'container-username': 'bot',
      'container-password': 'pw-x0123',
      'container-archive': 'image.tar',
    });
    expect(createTargets(config.targets, silentLog()).map((t) => t.name)).toEqual([
      'npm',
      'container',
      'gitlab',
      'github',
    ]);
    expect(config.secrets.sort()).toEqual(['ghs_x0123', 'glpat-x', 'npm_x0123', 'pw-x0123']);
  });
});
