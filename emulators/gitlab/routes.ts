import { routeTable } from '../route-table.ts';

/**
 * Every REST endpoint of the GitLab emulator, named as GitLab's API documentation names it. The emulator
 * refuses any project API request that matches none of them with 404 before a handler sees it, and the test
 * that holds each endpoint's answer to GitLab's response shapes (`test/emulators/gitlab-schema.test.ts`) reads
 * this list: no endpoint escapes it.
 *
 * Git over smart HTTP and the runner-facing jobs API (`/api/v4/jobs/…`, `/api/v4/runners/…`) are served before
 * this gate.
 */
export interface GitLabRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path as GitLab's documentation writes it, e.g. `/projects/:id/merge_requests/:merge_request_iid`. */
  path: string;
}

const PROJECT = '/projects/:id';
const RELEASE = `${PROJECT}/releases/:tag_name`;
const PACKAGE = `${PROJECT}/packages/:package_id`;

export const GITLAB_ROUTES: readonly GitLabRoute[] = [
  { method: 'GET', path: '/users' },
  { method: 'GET', path: PROJECT },
  { method: 'GET', path: `${PROJECT}/members/all/:user_id` },
  { method: 'GET', path: `${PROJECT}/merge_requests` },
  { method: 'POST', path: `${PROJECT}/merge_requests` },
  { method: 'GET', path: `${PROJECT}/merge_requests/:merge_request_iid` },
  { method: 'PUT', path: `${PROJECT}/merge_requests/:merge_request_iid` },
  { method: 'GET', path: `${PROJECT}/merge_requests/:merge_request_iid/notes` },
  { method: 'POST', path: `${PROJECT}/merge_requests/:merge_request_iid/notes` },
  { method: 'GET', path: `${PROJECT}/issues` },
  { method: 'POST', path: `${PROJECT}/issues` },
  { method: 'GET', path: `${PROJECT}/issues/:issue_iid` },
  { method: 'PUT', path: `${PROJECT}/issues/:issue_iid` },
  { method: 'GET', path: `${PROJECT}/repository/branches` },
  { method: 'GET', path: `${PROJECT}/repository/files/:file_path` },
  { method: 'GET', path: `${PROJECT}/repository/files/:file_path/raw` },
  { method: 'GET', path: `${PROJECT}/repository/commits/:sha/statuses` },
  { method: 'GET', path: `${PROJECT}/repository/commits/:sha/merge_requests` },
  { method: 'POST', path: `${PROJECT}/statuses/:sha` },
  { method: 'GET', path: `${PROJECT}/releases` },
  { method: 'POST', path: `${PROJECT}/releases` },
  { method: 'GET', path: RELEASE },
  { method: 'PUT', path: RELEASE },
  { method: 'DELETE', path: RELEASE },
  { method: 'GET', path: `${RELEASE}/assets/links` },
  { method: 'POST', path: `${RELEASE}/assets/links` },
  { method: 'GET', path: `${RELEASE}/assets/links/:link_id` },
  { method: 'PUT', path: `${RELEASE}/assets/links/:link_id` },
  { method: 'DELETE', path: `${RELEASE}/assets/links/:link_id` },
  { method: 'PUT', path: `${PROJECT}/packages/generic/:package_name/:package_version/:file_name` },
  { method: 'GET', path: `${PROJECT}/packages/generic/:package_name/:package_version/:file_name` },
  { method: 'GET', path: `${PROJECT}/packages` },
  { method: 'GET', path: PACKAGE },
  { method: 'DELETE', path: PACKAGE },
  { method: 'GET', path: `${PACKAGE}/package_files` },
  { method: 'DELETE', path: `${PACKAGE}/package_files/:package_file_id` },
];

/**
 * A path as a find-my-way path over the request's path below `/api/v4` as it arrives (still URL-encoded, so
 * that a project path or file path is one segment, as GitLab wants them): ids and iids are digits, every other
 * parameter is one segment. A literal segment wins over a parameter: `packages/generic/…` is not a package
 * id's route.
 */
function routerPaths(path: string): string[] {
  return [path.replace(/:(\w+_(?:id|iid))\b/g, ':$1(^\\d+$)')];
}

/** The route a request under `/api/v4` is for (HEAD counts as GET), or null when the emulator serves none. */
export const matchGitLabRoute = routeTable(GITLAB_ROUTES, routerPaths);
