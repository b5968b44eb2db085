import { isPullRequestRun, type CiRun } from '../../core/ci-run.ts';
import { ActionInputs, InputError, type InputSource } from '../../core/inputs.ts';

/**
 * The container-refresh inputs, as action.yml declares them and the CLI passes them: parsed and checked
 * here, before anything is built, so a typo fails the step with the input's name and touches nothing.
 */

export type RefreshMode = 'pr' | 'publish' | 'rollback';

/** Defaults as action.yml declares them: the runner applies those, a local run must apply them itself. */
export const INPUT_DEFAULTS = {
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
} as const satisfies Record<string, string>;

/** Every input by name, as a test or a caller holding plain values writes them. */
export type RefreshInputs = Record<keyof typeof INPUT_DEFAULTS, string>;

export interface RefreshSettings {
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

// The distribution spec's repository name grammar.
const IMAGE_NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const REGISTRY =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/;
/**
 * Reads and checks every input. `run` supplies what the CI system knows: the event that started the run and,
 * for a pull or merge request, the branch it targets.
 */
export function readSettings(values: InputSource, run: CiRun): RefreshSettings {
  const inputs = new ActionInputs(values, INPUT_DEFAULTS);
  const get = (name: keyof RefreshInputs) => inputs.getInput(name);
  const required = (name: keyof RefreshInputs) => inputs.getInput(name, { required: true });
  const image = required('image');
  if (!IMAGE_NAME.test(image))
    throw new InputError(
      'image',
      `"${image}" is not a registry repository name (lower case, e.g. acme/ci-image; no tag)`,
    );
  const registryInput = required('registry');
  const registry = registryInput.replace(/^(?:https?|docker):\/\//, '').replace(/\/+$/, '');
  if (!REGISTRY.test(registry))
    throw new InputError(
      'registry',
      `"${registryInput}" is not a registry host, e.g. ghcr.io or 127.0.0.1:5000`,
    );

  const modeInput = get('mode').toLowerCase();
  let mode: RefreshMode;
  if (modeInput === 'auto') {
    mode = isPullRequestRun(run) ? 'pr' : 'publish';
  } else if (modeInput === 'pr' || modeInput === 'publish' || modeInput === 'rollback') {
    mode = modeInput;
  } else {
    throw new InputError('mode', `"${get('mode')}" is none of auto, pr, publish, rollback`);
  }

  const directory = mode === 'rollback' ? get('directory') : required('directory');
  const testCommand = mode === 'rollback' ? get('test-command') : required('test-command');
  const baseRef = get('base-ref') || run.baseRef || '';
  if (mode === 'pr' && !baseRef)
    throw new InputError('base-ref', 'required in pr mode outside a pull request event');

  const tlsVerify = inputs.getBooleanInput('tls-verify');

  const username = get('registry-username');
  const password = inputs.getInput('registry-password', { trimWhitespace: false });
  if (Boolean(username) !== Boolean(password))
    throw new InputError(
      'registry-username',
      'give both registry-username and registry-password, or neither',
    );

  const containerfile = get('containerfile');
  if (containerfile.startsWith('/') || containerfile.split(/[\\/]/).includes('..'))
    throw new InputError('containerfile', `"${containerfile}" must be a path inside the directory`);

  return {
    mode,
    directory,
    containerfile,
    image,
    registry,
    testCommand,
    baseRef,
    credentials: username ? { username, password } : null,
    tlsVerify,
    issueLabel: get('issue-label'),
    token: get('token'),
  };
}
