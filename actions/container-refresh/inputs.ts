/**
 * The container-refresh inputs, as action.yml declares them and the CLI passes them: parsed and checked
 * here, before anything is built, so a typo fails the step with the input's name and touches nothing.
 */

export type RefreshMode = 'pr' | 'publish' | 'rollback';

export interface RefreshInputs {
  directory: string;
  image: string;
  registry: string;
  'test-command': string;
  mode: string;
  'base-ref': string;
  containerfile: string;
  token: string;
  'registry-username': string;
  'registry-password': string;
  'tls-verify': string;
  'issue-label': string;
}

/** Defaults as action.yml declares them: the runner applies those, a local run must apply them itself. */
export const INPUT_DEFAULTS: Readonly<RefreshInputs> = {
  directory: '',
  image: '',
  registry: '',
  'test-command': '',
  mode: 'auto',
  'base-ref': '',
  containerfile: '',
  token: '',
  'registry-username': '',
  'registry-password': '',
  'tls-verify': 'true',
  'issue-label': 'container-refresh',
};

export interface RefreshPlan {
  mode: RefreshMode;
  /** The build context. */
  directory: string;
  /** Relative to the directory; empty: Containerfile, else Dockerfile. */
  containerfile: string;
  /** Repository path in the registry, e.g. acme/ci. */
  image: string;
  /** host[:port], e.g. ghcr.io or 127.0.0.1:5000. */
  registry: string;
  /** A shell line run with /bin/sh -c inside the image. */
  testCommand: string;
  /** The branch a pull request targets; changes are looked for since the merge base with it. */
  baseRef: string;
  credentials: { username: string; password: string } | null;
  tlsVerify: boolean;
  issueLabel: string;
  /** Forge token for the failure issue; empty: no issue is opened (a warning says so). */
  token: string;
}

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

// The distribution spec's repository name grammar.
const IMAGE_NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const REGISTRY =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/;
const PR_EVENTS = new Set(['pull_request', 'pull_request_target', 'merge_request_event']);

/**
 * Turns inputs into a plan. `env` supplies what the CI system knows: GITHUB_EVENT_NAME / GITHUB_BASE_REF on
 * GitHub, CI_PIPELINE_SOURCE / CI_MERGE_REQUEST_TARGET_BRANCH_NAME on GitLab.
 */
export function planRefresh(inputs: RefreshInputs, env: Record<string, string | undefined>): RefreshPlan {
  const required = (name: keyof RefreshInputs): string => {
    const value = inputs[name].trim();
    if (!value) throw new InputError(`input ${name}: is required`);
    return value;
  };
  const image = required('image');
  if (!IMAGE_NAME.test(image))
    throw new InputError(
      `input image: "${image}" is not a registry repository name (lower case, e.g. acme/ci-image; no tag)`,
    );
  const registry = required('registry')
    .replace(/^(?:https?|docker):\/\//, '')
    .replace(/\/+$/, '');
  if (!REGISTRY.test(registry))
    throw new InputError(
      `input registry: "${inputs.registry}" is not a registry host, e.g. ghcr.io or 127.0.0.1:5000`,
    );

  const modeInput = (inputs.mode.trim() || 'auto').toLowerCase();
  let mode: RefreshMode;
  if (modeInput === 'auto') {
    const event = env.GITHUB_EVENT_NAME ?? env.CI_PIPELINE_SOURCE ?? '';
    mode = PR_EVENTS.has(event) ? 'pr' : 'publish';
  } else if (modeInput === 'pr' || modeInput === 'publish' || modeInput === 'rollback') {
    mode = modeInput;
  } else {
    throw new InputError(`input mode: "${inputs.mode}" is none of auto, pr, publish, rollback`);
  }

  const directory = mode === 'rollback' ? inputs.directory.trim() : required('directory');
  const testCommand = mode === 'rollback' ? inputs['test-command'].trim() : required('test-command');
  const baseRef =
    inputs['base-ref'].trim() || env.GITHUB_BASE_REF || env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME || '';
  if (mode === 'pr' && !baseRef)
    throw new InputError('input base-ref: is required in pr mode outside a pull request event');

  const tls = (inputs['tls-verify'].trim() || 'true').toLowerCase();
  if (tls !== 'true' && tls !== 'false')
    throw new InputError(`input tls-verify: "${inputs['tls-verify']}" is neither true nor false`);

  const username = inputs['registry-username'].trim();
  const password = inputs['registry-password'];
  if (Boolean(username) !== Boolean(password))
    throw new InputError('inputs registry-username and registry-password: give both or neither');

  const containerfile = inputs.containerfile.trim();
  if (containerfile.startsWith('/') || containerfile.split(/[\\/]/).includes('..'))
    throw new InputError(`input containerfile: "${containerfile}" must be a path inside the directory`);

  return {
    mode,
    directory,
    containerfile,
    image,
    registry,
    testCommand,
    baseRef,
    credentials: username ? { username, password } : null,
    tlsVerify: tls === 'true',
    issueLabel: inputs['issue-label'].trim() || INPUT_DEFAULTS['issue-label'],
    token: inputs.token.trim(),
  };
}
