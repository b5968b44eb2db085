/**
 * What the CI system says about the run a command works for: the tag or event that started it, its commit,
 * its repository and forge. The actions take it from @actions/github's `context` (`actionsCiRun` in
 * core/actions-github.ts); the CLI, which is also what a GitLab CI job runs, from its environment
 * (cli/ci-environment.ts). The input parsers take it as given and read no environment for it.
 */
export interface CiRun {
  /** The tag whose push started the run (`refs/tags/<tag>`; CI_COMMIT_TAG on GitLab). */
  tag?: string;
  /** The commit the run is for. */
  sha?: string;
  /** The event that started it, as the CI names it: push, pull_request, schedule; merge_request_event on GitLab. */
  event?: string;
  /** The branch a pull or merge request targets. */
  baseRef?: string;
  /** On GitHub: the repository (owner/name) and the API and web URLs (a GitHub Enterprise Server's there). */
  github?: { repository?: string; apiUrl?: string; serverUrl?: string };
  /** On GitLab: the instance's URL and the project's path (group/name). */
  gitlab?: { url?: string; project?: string };
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'merge_request_event']);

/** Started for a pull request (merge request): such a run validates and publishes nothing. */
export function isPullRequestRun(run: CiRun): boolean {
  return PULL_REQUEST_EVENTS.has(run.event ?? '');
}
