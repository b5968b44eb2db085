import type { CiRun } from '../core/ci-run.ts';

/**
 * The CLI's view of the run it is part of, from the variables GitHub Actions (GITHUB_*) or GitLab CI (CI_*)
 * set; outside CI, whatever of them the caller set. The actions read the same facts through
 * @actions/github's `context` instead.
 */
export function ciRunFromEnvironment(env: Record<string, string | undefined>): CiRun {
  const tag = env.GITHUB_REF?.startsWith('refs/tags/')
    ? env.GITHUB_REF.slice('refs/tags/'.length)
    : env.CI_COMMIT_TAG || undefined;
  const defined = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
  return defined({
    tag,
    sha: env.GITHUB_SHA,
    event: env.GITHUB_EVENT_NAME || env.CI_PIPELINE_SOURCE,
    baseRef: env.GITHUB_BASE_REF || env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME,
    github: defined({
      repository: env.GITHUB_REPOSITORY,
      apiUrl: env.GITHUB_API_URL,
      serverUrl: env.GITHUB_SERVER_URL,
    }),
    gitlab: defined({ url: env.CI_SERVER_URL, project: env.CI_PROJECT_PATH }),
  });
}
