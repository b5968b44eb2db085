import { describe, expect, it } from 'vitest';
import { ciRunFromEnvironment } from '../../cli/ci-environment.ts';
import { InputError } from '../../core/inputs.ts';
import { readSettings } from '../../actions/translations/inputs.ts';

const weblate = {
  sources: 'src/**/*.c, src/**/*.py\nbin/*.sh',
  token: 'ghp_forgetoken0123',
  'weblate-url': 'https://hosted.weblate.org',
  'weblate-token': 'wlu_weblatetoken0123',
  'weblate-project': 'widget',
  'weblate-component': 'app',
};

const parse = (
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = { GITHUB_REPOSITORY: 'acme/widget' },
) => readSettings((name) => inputs[name] ?? '', ciRunFromEnvironment(env));

const problem = (inputs: Record<string, string>, env?: NodeJS.ProcessEnv) => {
  try {
    parse(inputs, env);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
};

describe('translations inputs', () => {
  it("applies action.yml's defaults and what the CI system knows", () => {
    const config = parse(weblate, {
      GITHUB_REPOSITORY: 'acme/widget',
      GITHUB_API_URL: 'https://ghe.example/api/v3',
    });
    expect(config.plan).toEqual({
      repository: { owner: 'acme', name: 'widget' },
      branch: 'ironbots/translations',
      sources: ['src/**/*.c', 'src/**/*.py', 'bin/*.sh'],
      keywords: ['_', 'N_'],
      domain: 'widget',
      poDirectory: 'po',
      threshold: 80,
      title: 'Update translations',
      dryRun: false,
    });
    expect(config.forge).toEqual({
      kind: 'github',
      token: 'ghp_forgetoken0123',
      apiUrl: 'https://ghe.example/api/v3',
    });
    expect(config.source).toEqual({
      kind: 'weblate',
      url: 'https://hosted.weblate.org',
      token: 'wlu_weblatetoken0123',
      project: 'widget',
      component: 'app',
    });
    expect(config.secrets).toEqual(['ghp_forgetoken0123', 'wlu_weblatetoken0123']);
  });

  it('on GitLab takes the project and server from GitLab CI; a group path keeps its slashes in the owner', () => {
    const config = parse(
      { ...weblate, forge: 'gitlab', 'base-branch': 'stable', threshold: '66.5', 'dry-run': 'true' },
      { CI_PROJECT_PATH: 'group/sub/widget', CI_SERVER_URL: 'https://gitlab.example' },
    );
    expect(config.plan).toMatchObject({
      repository: { owner: 'group/sub', name: 'widget' },
      baseBranch: 'stable',
      threshold: 66.5,
      dryRun: true,
    });
    expect(config.forge).toEqual({
      kind: 'gitlab',
      token: 'ghp_forgetoken0123',
      apiUrl: 'https://gitlab.example',
    });
  });

  it('takes a git .po repository, whose token is optional', () => {
    const config = parse({
      sources: 'src/*.c',
      token: 't0ken-forge',
      source: 'git',
      'po-repository': 'https://x/po.git',
    });
    expect(config.source).toEqual({
      kind: 'git',
      url: 'https://x/po.git',
      branch: 'main',
      directory: '.',
      token: '',
    });
    expect(config.secrets).toEqual(['t0ken-forge']);
  });

  it('only validates in a pull request (merge request) pipeline, whatever dry-run says', () => {
    const env = { GITHUB_REPOSITORY: 'acme/widget' };
    expect(parse(weblate, { ...env, GITHUB_EVENT_NAME: 'schedule' }).plan.dryRun).toBe(false);
    expect(parse(weblate, { ...env, GITHUB_EVENT_NAME: 'pull_request' }).plan.dryRun).toBe(true);
    expect(parse(weblate, { ...env, GITHUB_EVENT_NAME: 'pull_request_target' }).plan.dryRun).toBe(true);
    expect(
      parse(
        { ...weblate, forge: 'gitlab', 'api-url': 'https://gitlab.example' },
        {
          CI_PROJECT_PATH: 'acme/widget',
          CI_PIPELINE_SOURCE: 'merge_request_event',
        },
      ).plan.dryRun,
    ).toBe(true);
  });

  it('names the input and what is wrong with it', () => {
    expect(problem({ ...weblate, threshold: '120' })).toBe(
      'input threshold: must be a percentage from 0 to 100, not "120"',
    );
    expect(problem({ ...weblate, threshold: 'most' })).toMatch(/^input threshold:/);
    expect(problem({ ...weblate, 'dry-run': 'yes' })).toBe(
      'input dry-run: "yes" is not a boolean: give true or false (or True, TRUE, False, FALSE)',
    );
    expect(problem({ ...weblate, sources: '' })).toMatch(/^input sources: required/);
    expect(problem({ ...weblate, 'weblate-token': '' })).toBe('input weblate-token: required');
    expect(problem({ ...weblate, source: 'crowdin' })).toBe(
      'input source: must be weblate or git, not "crowdin"',
    );
    expect(problem({ ...weblate, forge: 'gitea' })).toBe(
      'input forge: must be github or gitlab, not "gitea"',
    );
    expect(problem({ ...weblate, 'po-directory': '../elsewhere' })).toBe(
      'input po-directory: must be a path inside the repository',
    );
    expect(problem({ ...weblate, domain: 'a/b' })).toBe('input domain: must be a plain file name, not "a/b"');
    expect(problem(weblate, {})).toBe('input repository: must be owner/name, not ""');
    expect(problem({ ...weblate, forge: 'gitlab' }, { CI_PROJECT_PATH: 'a/b' })).toMatch(
      /^input api-url: required/,
    );
    expect(problem({ ...weblate, 'base-branch': 'ironbots/translations' })).toBe(
      'input branch: must differ from base-branch',
    );
  });
});
