import type { ServerResponse } from 'node:http';
import type { BareRepository } from './bare-repository.ts';
import { sendJson } from './github-http.ts';

/**
 * `GET /repos/:owner/:repo/branches` in GitHub's shape (name, head commit, protected), paged with a Link
 * header like GitHub: what a client needs to read every branch head (image pruning does).
 * Returns false when the request is not for this route.
 */
export async function routeBranches(
  res: ServerResponse,
  url: URL,
  method: string,
  repo: { owner: string; name: string; git: BareRepository },
  rest: string[],
  baseUrl: string,
): Promise<boolean> {
  if (rest.length !== 1 || rest[0] !== 'branches' || method !== 'GET') return false;
  const branches = [...(await repo.git.branches())]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, sha]) => ({
      name,
      commit: { sha, url: `${baseUrl}/repos/${repo.owner}/${repo.name}/commits/${sha}` },
      protected: false,
    }));
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(branches.length / perPage));
  const at = (n: number) => {
    const u = new URL(url);
    u.searchParams.set('page', String(n));
    u.searchParams.set('per_page', String(perPage));
    return u.toString();
  };
  const headers: Record<string, string> = {};
  if (page < last) headers.link = `<${at(page + 1)}>; rel="next", <${at(last)}>; rel="last"`;
  sendJson(res, 200, branches.slice((page - 1) * perPage, page * perPage), headers);
  return true;
}
