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
  const branches = [...(await project.git.branches())].sort(([a], [b]) => a.localeCompare(b));
  // One look per distinct head: many branches usually share a few commits.
  const commits = new Map(
    await Promise.all(
      [...new Set(branches.map(([, sha]) => sha))].map(
        async (sha) => [sha, await project.git.commit(sha)] as const,
      ),
    ),
  );
  const all = branches.map(([name, sha]) => {
    const c = commits.get(sha);
    return {
      name,
      commit: {
        id: sha,
        short_id: sha.slice(0, 8),
        created_at: c?.timestamp ?? null,
        parent_ids: c?.parents ?? [],
        title: c?.message.split('\n')[0] ?? '',
        message: c?.message ?? '',
        author_name: c?.author.name ?? '',
        author_email: c?.author.email ?? '',
        authored_date: c?.timestamp ?? null,
        committer_name: c?.committer.name ?? '',
        committer_email: c?.committer.email ?? '',
        committed_date: c?.timestamp ?? null,
        trailers: {},
        extended_trailers: {},
        web_url: `${project.webUrl}/-/commit/${sha}`,
      },
      merged: false,
      protected: false,
      developers_can_push: false,
      developers_can_merge: false,
      can_push: true,
      default: name === project.defaultBranch,
      web_url: `${project.webUrl}/-/tree/${encodeURIComponent(name)}`,
    };
  });
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
