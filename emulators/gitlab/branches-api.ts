import type { ServerResponse } from 'node:http';
import type { BareRepository } from '../github/bare-repository.ts';

/**
 * `GET /api/v4/projects/:id/repository/branches` in GitLab's shape (name, commit.id, default, protected),
 * with GitLab's offset pagination headers. Returns false when the request is not for this route.
 */
export async function routeBranches(
  res: ServerResponse,
  url: URL,
  method: string,
  project: { git: BareRepository; defaultBranch: string; webUrl: string },
  rest: string[],
): Promise<boolean> {
  if (rest.length !== 2 || rest[0] !== 'repository' || rest[1] !== 'branches' || method !== 'GET')
    return false;
  const all = [...(await project.git.branches())]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, sha]) => ({
      name,
      commit: { id: sha, short_id: sha.slice(0, 8) },
      default: name === project.defaultBranch,
      protected: false,
      merged: false,
      web_url: `${project.webUrl}/-/tree/${encodeURIComponent(name)}`,
    }));
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 20) || 20));
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const totalPages = Math.max(1, Math.ceil(all.length / perPage));
  const at = (n: number) => {
    const u = new URL(url);
    u.searchParams.set('page', String(n));
    u.searchParams.set('per_page', String(perPage));
    return u.toString();
  };
  const links = [`<${at(1)}>; rel="first"`, `<${at(totalPages)}>; rel="last"`];
  if (page < totalPages) links.unshift(`<${at(page + 1)}>; rel="next"`);
  res.writeHead(200, {
    'content-type': 'application/json',
    'x-page': String(page),
    'x-per-page': String(perPage),
    'x-next-page': page < totalPages ? String(page + 1) : '',
    'x-prev-page': page > 1 ? String(page - 1) : '',
    'x-total': String(all.length),
    'x-total-pages': String(totalPages),
    link: links.join(', '),
  });
  res.end(JSON.stringify(all.slice((page - 1) * perPage, page * perPage)));
  return true;
}
