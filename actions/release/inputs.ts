import { ActionInputs, InputError, type InputSource } from '../../core/inputs.ts';
import type { CiRun } from '../../core/ci-run.ts';
import { FLOATING_TAG_KINDS, type FloatingTagKind } from './floating-tags.ts';
import { DEFAULT_VERSION_PATTERN, type TagTrust } from './tag-signature.ts';

/**
 * The release action's inputs, shared by the action (action.yml) and `ironbots release`: names as
 * action.yml declares them, with its defaults (the runner applies those; a local run must apply them itself,
 * and a test keeps this table and action.yml in step).
 */
export const INPUT_DEFAULTS: Readonly<Record<string, string>> = {
  tag: '',
  targets: 'github',
  'allowed-keys': '',
  keyring: '',
  'allowed-signers-file': '',
  'version-pattern': DEFAULT_VERSION_PATTERN,
  build: '',
  assets: '',
  'dry-run': 'false',
  'compare-link': 'true',
  'working-directory': '.',
  'floating-tags': '',
  token: '',
  'github-token': '',
  repository: '',
  'api-url': '',
  'gitlab-url': '',
  'gitlab-token': '',
  'gitlab-project': '',
  'gitlab-package-name': '',
  'npm-registry': 'https://registry.npmjs.org/',
  'npm-token': '',
  'npm-tarball': '',
  'npm-tag': '',
  'npm-access': '',
  'container-registry': '',
  'container-image': '',
  'container-username': '',
  'container-password': '',
  'container-tags': '{version}',
  'container-moving-tags': '',
  'container-archive': '',
  'container-context': '',
  'container-file': '',
  'container-tls-verify': 'true',
};

/** Inputs renamed to the suite's one scheme (old → new), still read under the old name for one release. */
export const RENAMED_INPUTS: Readonly<Record<string, string>> = { 'github-token': 'token' };

export const TARGET_NAMES = ['github', 'gitlab', 'npm', 'container'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export type TargetConfig =
  | { kind: 'github'; token: string; repository: string; apiUrl: string; serverUrl: string }
  | { kind: 'gitlab'; url: string; token: string; project: string; packageName?: string }
  | {
      kind: 'npm';
      registry: string;
      token: string;
      tarball: string;
      tag?: string;
      access?: 'public' | 'restricted';
    }
  | {
      kind: 'container';
      registry: string;
      image: string;
      username: string;
      password: string;
      tags: string[];
      movingTags: string[];
      tlsVerify: boolean;
      archive?: string;
      buildContext?: string;
      containerfile?: string;
    };

export interface ReleaseSettings {
  repoDir: string;
  tag: string;
  trust: TagTrust;
  /** An allowed_signers file in the repository, read when the release runs (relative to repoDir). */
  allowedSignersFile: string;
  versionPattern: string;
  buildCommand: string[];
  assetPatterns: string[];
  dryRun: boolean;
  compareLink: boolean;
  /** After the release, move these floating tags (vX, vX.Y) of the working directory's origin to it. */
  floatingTags: FloatingTagKind[];
  targets: TargetConfig[];
  /** Every secret among the inputs, to be masked in logs and kept from the build. */
  secrets: string[];
}

/**
 * Reads and checks every input; `run` supplies what the CI system knows (the tag that started it, the GitHub
 * repository and URLs, the GitLab instance and project). A dry run needs no tokens. `warn` gets what the user
 * should change, such as an input under its old name.
 */
export function readSettings(
  values: InputSource,
  run: CiRun,
  warn: (message: string) => void,
): ReleaseSettings {
  const inputs = new ActionInputs(values, INPUT_DEFAULTS, { renamed: RENAMED_INPUTS, warn });
  const get = (name: string) => inputs.getInput(name);
  const dryRun = inputs.getBooleanInput('dry-run');
  const secrets: string[] = [];
  const secret = (name: string, fallback = '') => {
    const value = get(name) || fallback;
    if (value) secrets.push(value);
    return value;
  };
  const needed = (name: string, value: string, why: string) => {
    if (!value && !dryRun) throw new InputError(name, `required ${why}`);
    return value;
  };

  const tag = get('tag') || run.tag || '';
  if (!tag)
    throw new InputError(
      'tag',
      'required: no tag given and this run was not started by a tag (GITHUB_REF is not refs/tags/…, CI_COMMIT_TAG is unset)',
    );

  const versionPattern = get('version-pattern');
  try {
    new RegExp(versionPattern);
  } catch (error) {
    throw new InputError('version-pattern', `not a regular expression: ${(error as Error).message}`);
  }

  const trust = parseTrust(get('allowed-keys'), get('keyring'), get('allowed-signers-file'));

  const targetNames = inputs.getListInput('targets');
  if (targetNames.length === 0)
    throw new InputError('targets', `name at least one of ${TARGET_NAMES.join(', ')}`);
  for (const name of targetNames)
    if (!(TARGET_NAMES as readonly string[]).includes(name))
      throw new InputError('targets', `unknown target "${name}"; known: ${TARGET_NAMES.join(', ')}`);
  if (new Set(targetNames).size !== targetNames.length)
    throw new InputError('targets', 'a target is listed twice');

  const targets: TargetConfig[] = targetNames.map((name): TargetConfig => {
    switch (name as TargetName) {
      case 'github': {
        const repository = get('repository') || run.github?.repository || '';
        if (!/^[^/\s]+\/[^/\s]+$/.test(repository))
          throw new InputError(
            'repository',
            `owner/name required for the github target, got "${repository}"`,
          );
        return {
          kind: 'github',
          token: needed('token', secret('token'), 'for the github target (contents: write)'),
          repository,
          apiUrl: get('api-url') || run.github?.apiUrl || 'https://api.github.com',
          serverUrl: run.github?.serverUrl || 'https://github.com',
        };
      }
      case 'gitlab': {
        const url = get('gitlab-url') || run.gitlab?.url || '';
        const project = get('gitlab-project') || run.gitlab?.project || '';
        if (!/^https?:\/\//.test(url))
          throw new InputError('gitlab-url', `an http(s) URL required for the gitlab target, got "${url}"`);
        if (!project)
          throw new InputError('gitlab-project', 'required for the gitlab target (id or group/name)');
        const packageName = get('gitlab-package-name');
        return {
          kind: 'gitlab',
          url,
          project,
          token: needed('gitlab-token', secret('gitlab-token'), 'for the gitlab target (Developer access)'),
          ...(packageName ? { packageName } : {}),
        };
      }
      case 'npm': {
        const access = get('npm-access');
        if (access && access !== 'public' && access !== 'restricted')
          throw new InputError('npm-access', `public or restricted, not "${access}"`);
        const npmTag = get('npm-tag');
        return {
          kind: 'npm',
          registry: get('npm-registry'),
          token: needed(
            'npm-token',
            secret('npm-token'),
            'for the npm target (an automation or granular token)',
          ),
          tarball: inputs.getInput('npm-tarball', {
            required: 'for the npm target: the npm pack tarball (asset name or path)',
          }),
          ...(npmTag ? { tag: npmTag } : {}),
          ...(access ? { access: access as 'public' | 'restricted' } : {}),
        };
      }
      case 'container': {
        const archive = get('container-archive');
        const buildContext = get('container-context');
        if (!archive === !buildContext)
          throw new InputError(
            'container-archive',
            'give exactly one of container-archive and container-context',
          );
        const containerfile = get('container-file');
        return {
          kind: 'container',
          registry: inputs.getInput('container-registry', {
            required: 'for the container target (host[:port])',
          }),
          image: inputs.getInput('container-image', {
            required: 'for the container target (repository in the registry)',
          }),
          username: needed('container-username', get('container-username'), 'for the container target'),
          password: needed('container-password', secret('container-password'), 'for the container target'),
          tags: inputs.getListInput('container-tags'),
          movingTags: inputs.getListInput('container-moving-tags'),
          tlsVerify: inputs.getBooleanInput('container-tls-verify'),
          ...(archive ? { archive } : {}),
          ...(buildContext ? { buildContext } : {}),
          ...(containerfile ? { containerfile } : {}),
        };
      }
    }
  });

  const floatingTags = inputs.getListInput('floating-tags');
  for (const kind of floatingTags)
    if (!(FLOATING_TAG_KINDS as readonly string[]).includes(kind))
      throw new InputError(
        'floating-tags',
        `"${kind}" is not one of ${FLOATING_TAG_KINDS.join(', ')} (major moves v1, minor moves v1.4)`,
      );

  return {
    repoDir: get('working-directory'),
    tag,
    trust,
    allowedSignersFile: get('allowed-signers-file'),
    versionPattern,
    buildCommand: inputs.getCommandLineInput('build'),
    assetPatterns: get('assets').split(/\s+/).filter(Boolean),
    dryRun,
    compareLink: inputs.getBooleanInput('compare-link'),
    floatingTags: [...new Set(floatingTags)] as FloatingTagKind[],
    targets,
    secrets,
  };
}

/**
 * `allowed-keys` holds armored OpenPGP public keys and/or allowed_signers lines for SSH signatures
 * (`<principal> <key type> <base64 key>`), in any order; `#` lines outside key blocks are comments.
 */
export function parseTrust(allowedKeys: string, keyring: string, allowedSignersFile: string): TagTrust {
  const openpgp: string[] = [];
  const ssh: string[] = [];
  const blocks = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;
  for (const block of allowedKeys.match(blocks) ?? []) openpgp.push(block);
  for (const line of allowedKeys.replace(blocks, '').split('\n')) {
    const text = line.trim();
    if (!text || text.startsWith('#')) continue;
    if (text.startsWith('-----'))
      throw new InputError(
        'allowed-keys',
        `an incomplete key block: "${text}" has no matching BEGIN/END line`,
      );
    if (!/\b(ssh-ed25519|ssh-rsa|ecdsa-sha2-\S+|sk-\S+)\s+[A-Za-z0-9+/=]+/.test(text))
      throw new InputError(
        'allowed-keys',
        `"${text.slice(0, 60)}" is neither part of an armored OpenPGP key nor an allowed_signers line (<principal> ssh-ed25519 AAAA…)`,
      );
    ssh.push(text);
  }
  if (openpgp.length === 0 && ssh.length === 0 && !keyring && !allowedSignersFile)
    throw new InputError(
      'allowed-keys',
      'required: the keys allowed to sign release tags (armored OpenPGP public keys or SSH allowed_signers lines), or a keyring / allowed-signers-file in the repository',
    );
  return {
    ...(openpgp.length ? { openpgpKeys: `${openpgp.join('\n')}\n` } : {}),
    ...(keyring ? { openpgpKeyringFile: keyring } : {}),
    ...(ssh.length ? { sshAllowedSigners: `${ssh.join('\n')}\n` } : {}),
  };
}
