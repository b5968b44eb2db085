import { ActionInputs, InputError, type InputSource } from '../../core/inputs.ts';
import { isPullRequestRun, type CiRun } from '../../core/ci-run.ts';
import type { TranslationsPlan } from './translations.ts';

/**
 * The translations action's inputs, shared by the action (action.yml) and `ironbots translations`: names
 * as action.yml declares them, with its defaults (the runner applies those, a local run must apply them
 * itself; a test keeps this table and action.yml in step).
 */
export const INPUT_DEFAULTS: Readonly<Record<string, string>> = {
  forge: 'github',
  token: '',
  'api-url': '',
  repository: '',
  'base-branch': '',
  branch: 'ironbots/translations',
  sources: '',
  keywords: '_ N_',
  domain: '',
  'po-directory': 'po',
  threshold: '80',
  title: 'Update translations',
  'package-name': '',
  source: 'weblate',
  'weblate-url': '',
  'weblate-token': '',
  'weblate-project': '',
  'weblate-component': '',
  'po-repository': '',
  'po-repository-branch': 'main',
  'po-repository-directory': '.',
  'po-repository-token': '',
  'dry-run': 'false',
};

export type SourceConfig =
  | { kind: 'weblate'; url: string; token: string; project: string; component: string }
  | { kind: 'git'; url: string; branch: string; directory: string; token: string };

export interface ForgeConfig {
  kind: 'github' | 'gitlab';
  token: string;
  /** GitHub: the REST API's base URL; GitLab: the server's URL (the API is under /api/v4). */
  apiUrl: string;
}

export interface TranslationsSettings {
  plan: TranslationsPlan;
  forge: ForgeConfig;
  source: SourceConfig;
  /** Every secret among the inputs, to be masked in logs. */
  secrets: string[];
}

/**
 * Reads and checks every input; `run` supplies what the CI system knows (the repository and the API URL on
 * GitHub, the project and instance on GitLab, the event). A run for a pull request (merge request) validates
 * only: it extracts, checks and merges, but publishes, pushes and opens nothing, so a change to the sources
 * or catalogs is tested before it lands.
 */
export function readSettings(values: InputSource, run: CiRun): TranslationsSettings {
  const inputs = new ActionInputs(values, INPUT_DEFAULTS);
  const get = (name: string) => inputs.getInput(name);
  const required = (name: string, why?: string) => inputs.getInput(name, { required: why ?? true });

  const forgeKind = get('forge');
  if (forgeKind !== 'github' && forgeKind !== 'gitlab')
    throw new InputError('forge', `must be github or gitlab, not "${forgeKind}"`);
  const apiUrl =
    get('api-url') ||
    (forgeKind === 'github' ? run.github?.apiUrl || 'https://api.github.com' : run.gitlab?.url || '');
  if (!apiUrl) throw new InputError('api-url', 'required on GitLab outside GitLab CI (CI_SERVER_URL)');
  const repositoryName =
    get('repository') || (forgeKind === 'github' ? run.github?.repository : run.gitlab?.project) || '';
  const slash = repositoryName.lastIndexOf('/');
  if (slash <= 0 || slash === repositoryName.length - 1)
    throw new InputError('repository', `must be owner/name, not "${repositoryName}"`);
  const repository = { owner: repositoryName.slice(0, slash), name: repositoryName.slice(slash + 1) };

  const thresholdText = get('threshold');
  const threshold = Number(thresholdText);
  if (!/^\d+(\.\d+)?$/.test(thresholdText) || threshold > 100)
    throw new InputError('threshold', `must be a percentage from 0 to 100, not "${thresholdText}"`);
  const dryRun = inputs.getBooleanInput('dry-run');
  const sources = inputs.getListInput('sources', {
    required: 'globs of source files, e.g. "src/**/*.c src/**/*.py"',
  });
  const domain = get('domain') || repository.name;
  if (!/^[\w.-]+$/.test(domain)) throw new InputError('domain', `must be a plain file name, not "${domain}"`);
  const poDirectory = get('po-directory');
  if (poDirectory.startsWith('/') || poDirectory.split('/').includes('..'))
    throw new InputError('po-directory', 'must be a path inside the repository');
  const branch = get('branch');
  const baseBranch = get('base-branch');
  if (branch === baseBranch) throw new InputError('branch', 'must differ from base-branch');

  const sourceKind = get('source');
  let source: SourceConfig;
  if (sourceKind === 'weblate') {
    source = {
      kind: 'weblate',
      url: required('weblate-url'),
      token: required('weblate-token'),
      project: required('weblate-project'),
      component: required('weblate-component'),
    };
  } else if (sourceKind === 'git') {
    source = {
      kind: 'git',
      url: required('po-repository'),
      branch: get('po-repository-branch'),
      directory: get('po-repository-directory'),
      token: get('po-repository-token'),
    };
  } else throw new InputError('source', `must be weblate or git, not "${sourceKind}"`);

  const token = required('token');
  const packageName = get('package-name');
  return {
    plan: {
      repository,
      ...(baseBranch ? { baseBranch } : {}),
      branch,
      sources,
      keywords: inputs.getListInput('keywords'),
      domain,
      poDirectory,
      threshold,
      title: get('title'),
      ...(packageName ? { packageName } : {}),
      dryRun: dryRun || isPullRequestRun(run),
    },
    forge: { kind: forgeKind, token, apiUrl },
    source,
    secrets: [token, source.token].filter(Boolean),
  };
}
