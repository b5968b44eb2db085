import { routeTable } from '../route-table.ts';

/**
 * Every REST endpoint the GitHub emulator answers, named as GitHub's OpenAPI description names it. The
 * emulator refuses any API request that matches none of them with 404 before a handler sees it, so a handler
 * cannot serve an endpoint missing here, and the test that holds each endpoint to GitHub's published response
 * schema (`test/emulators/github-openapi.test.ts`) reads this list: no endpoint escapes it.
 *
 * Git over smart HTTP, the pull request page and the stand-in runner's `/_runner/` protocol are not REST
 * endpoints of GitHub's API and are served before this gate.
 */
export interface GitHubRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The OpenAPI path template, e.g. `/repos/{owner}/{repo}/pulls/{pull_number}`. */
  path: string;
}

const REPO = '/repos/{owner}/{repo}';

export const GITHUB_ROUTES: readonly GitHubRoute[] = [
  { method: 'POST', path: '/app/installations/{installation_id}/access_tokens' },
  { method: 'POST', path: '/user/repos' },
  { method: 'POST', path: '/orgs/{org}/repos' },
  { method: 'GET', path: '/orgs/{org}/actions/runners' },
  { method: 'POST', path: '/orgs/{org}/actions/runners/generate-jitconfig' },
  { method: 'GET', path: '/orgs/{org}/actions/runners/{runner_id}' },
  { method: 'DELETE', path: '/orgs/{org}/actions/runners/{runner_id}' },
  { method: 'GET', path: REPO },
  { method: 'GET', path: `${REPO}/branches` },
  { method: 'GET', path: `${REPO}/collaborators/{username}/permission` },
  { method: 'GET', path: `${REPO}/pulls` },
  { method: 'POST', path: `${REPO}/pulls` },
  { method: 'GET', path: `${REPO}/pulls/{pull_number}` },
  { method: 'PATCH', path: `${REPO}/pulls/{pull_number}` },
  { method: 'GET', path: `${REPO}/issues` },
  { method: 'POST', path: `${REPO}/issues` },
  { method: 'GET', path: `${REPO}/issues/{issue_number}` },
  { method: 'PATCH', path: `${REPO}/issues/{issue_number}` },
  { method: 'DELETE', path: `${REPO}/issues/{issue_number}/labels/{name}` },
  { method: 'GET', path: `${REPO}/issues/{issue_number}/comments` },
  { method: 'POST', path: `${REPO}/issues/{issue_number}/comments` },
  { method: 'GET', path: `${REPO}/contents/{path}` },
  { method: 'GET', path: `${REPO}/git/blobs/{file_sha}` },
  { method: 'POST', path: `${REPO}/statuses/{sha}` },
  { method: 'GET', path: `${REPO}/commits/{ref}/statuses` },
  { method: 'GET', path: `${REPO}/commits/{ref}/status` },
  { method: 'GET', path: `${REPO}/hooks` },
  { method: 'POST', path: `${REPO}/hooks` },
  { method: 'GET', path: `${REPO}/releases` },
  { method: 'POST', path: `${REPO}/releases` },
  { method: 'GET', path: `${REPO}/releases/latest` },
  { method: 'GET', path: `${REPO}/releases/tags/{tag}` },
  { method: 'GET', path: `${REPO}/releases/assets/{asset_id}` },
  { method: 'DELETE', path: `${REPO}/releases/assets/{asset_id}` },
  { method: 'GET', path: `${REPO}/releases/{release_id}` },
  { method: 'PATCH', path: `${REPO}/releases/{release_id}` },
  { method: 'DELETE', path: `${REPO}/releases/{release_id}` },
  { method: 'GET', path: `${REPO}/releases/{release_id}/assets` },
  { method: 'POST', path: `${REPO}/releases/{release_id}/assets` },
  { method: 'GET', path: `${REPO}/actions/runners` },
  { method: 'POST', path: `${REPO}/actions/runners/generate-jitconfig` },
  { method: 'GET', path: `${REPO}/actions/runners/{runner_id}` },
  { method: 'DELETE', path: `${REPO}/actions/runners/{runner_id}` },
  { method: 'GET', path: `${REPO}/actions/runs` },
  { method: 'GET', path: `${REPO}/actions/runs/{run_id}` },
  { method: 'GET', path: `${REPO}/actions/runs/{run_id}/jobs` },
  { method: 'POST', path: `${REPO}/actions/runs/{run_id}/cancel` },
  { method: 'GET', path: `${REPO}/actions/jobs/{job_id}` },
];

/**
 * A template as find-my-way paths: `{path}` (a file path) spans slashes and may be empty (`contents` is the
 * root directory), ids and numbers are digits, every other parameter is one non-empty segment.
 */
function routerPaths(template: string): string[] {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
    name === 'path' ? '*' : /_(id|number)$/.test(name) ? `:${name}(^\\d+$)` : `:${name}`,
  );
  return path.endsWith('/*') ? [path.slice(0, -2), path] : [path];
}

/** The route a request is for (HEAD counts as GET), or null when the emulator serves no such endpoint. */
export const matchGitHubRoute = routeTable(GITHUB_ROUTES, routerPaths);
