import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { context } from '@actions/github';
import { describe, expect, it } from 'vitest';
import { readSettings as readReleaseSettings } from '../../actions/release/inputs.ts';
import { readSettings as readTranslationsSettings } from '../../actions/translations/inputs.ts';
import { ciRunFromEnvironment } from '../../cli/ci-environment.ts';
import { actionsCiRun } from '../../core/actions-context.ts';
import { isPullRequestRun, type CiRun } from '../../core/ci-run.ts';
import { withTempDir } from '../support/temp-dir.ts';

/**
 * The run as an action reads it in a job with these variables and event: the toolkit's Context reads GITHUB_*
 * and the event file when it is made (the package exports only its instance), and the repository when asked.
 */
async function actionRunOf(variables: Record<string, string>, event: unknown): Promise<CiRun> {
  const tmp = await withTempDir('ironbots-ci-run-');
  const saved = { ...process.env };
  try {
    const eventPath = path.join(tmp.dir, 'event.json');
    await writeFile(eventPath, JSON.stringify(event));
    for (const name of Object.keys(process.env)) if (name.startsWith('GITHUB_')) delete process.env[name];
    Object.assign(process.env, variables, { GITHUB_EVENT_PATH: eventPath });
    return actionsCiRun(new (context.constructor as new () => typeof context)());
  } finally {
    process.env = saved;
    await tmp.remove();
  }
}

/** Every event's payload names its repository; `context.repo` reads GITHUB_REPOSITORY when it is asked, else this. */
const REPOSITORY = { repository: { name: 'widget', owner: { login: 'acme' } } };

const GHES = {
  GITHUB_REPOSITORY: 'acme/widget',
  GITHUB_API_URL: 'https://ghe.example.org/api/v3',
  GITHUB_SERVER_URL: 'https://ghe.example.org',
  GITHUB_SHA: 'a'.repeat(40),
};

describe('the run an action or a CLI command works for', () => {
  it("reads a tag push on GitHub Enterprise Server from the toolkit's context", async () => {
    const run = await actionRunOf(
      { ...GHES, GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/tags/v1.2' },
      REPOSITORY,
    );
    expect(run).toEqual({
      tag: 'v1.2',
      sha: 'a'.repeat(40),
      event: 'push',
      github: {
        repository: 'acme/widget',
        apiUrl: 'https://ghe.example.org/api/v3',
        serverUrl: 'https://ghe.example.org',
      },
    });
    // The release action's github target then talks to that server, for that repository.
    const settings = readReleaseSettings(
      (name) => ({ keyring: 'keys.asc', 'dry-run': 'true' })[name] ?? '',
      run,
      () => undefined,
    );
    expect(settings.tag).toBe('v1.2');
    expect(settings.targets[0]).toMatchObject({
      kind: 'github',
      repository: 'acme/widget',
      apiUrl: 'https://ghe.example.org/api/v3',
      serverUrl: 'https://ghe.example.org',
    });
  });

  it("reads a pull request's base branch from the event payload, and validates only", async () => {
    const run = await actionRunOf(
      { ...GHES, GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' },
      { ...REPOSITORY, pull_request: { number: 7, base: { ref: 'main' } } },
    );
    expect(run).toMatchObject({ event: 'pull_request', baseRef: 'main' });
    expect(run).not.toHaveProperty('tag');
    expect(isPullRequestRun(run)).toBe(true);
    const settings = readTranslationsSettings(
      (name) =>
        ({
          sources: 'src/*.c',
          token: 'ghp_forgetoken0123',
          'weblate-url': 'https://hosted.weblate.org',
          'weblate-token': 'wlu_weblatetoken0123',
          'weblate-project': 'widget',
          'weblate-component': 'app',
        })[name] ?? '',
      run,
    );
    expect(settings.plan.dryRun).toBe(true);
    expect(settings.forge.apiUrl).toBe('https://ghe.example.org/api/v3');
  });

  it('has no repository outside a workflow, and the public GitHub as its URLs', async () => {
    expect(await actionRunOf({}, {})).toEqual({
      github: { apiUrl: 'https://api.github.com', serverUrl: 'https://github.com' },
    });
  });

  it("reads GitLab CI's and GitHub's variables in the CLI, and leaves out what is not set", () => {
    expect(
      ciRunFromEnvironment({
        CI_COMMIT_TAG: '2.0',
        CI_PIPELINE_SOURCE: 'merge_request_event',
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
        CI_SERVER_URL: 'https://gitlab.example.org',
        CI_PROJECT_PATH: 'group/sub/widget',
      }),
    ).toEqual({
      tag: '2.0',
      event: 'merge_request_event',
      baseRef: 'main',
      github: {},
      gitlab: { url: 'https://gitlab.example.org', project: 'group/sub/widget' },
    });
    expect(
      ciRunFromEnvironment({ ...GHES, GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'schedule' }),
    ).toEqual({
      sha: 'a'.repeat(40),
      event: 'schedule',
      github: {
        repository: 'acme/widget',
        apiUrl: 'https://ghe.example.org/api/v3',
        serverUrl: 'https://ghe.example.org',
      },
      gitlab: {},
    });
  });
});
