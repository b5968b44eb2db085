import Router from 'find-my-way';

/**
 * An emulator's table of REST endpoints as a find-my-way router (Fastify's): a request matches the endpoint
 * whose path it fits, a literal segment before a parameter, with or without a trailing slash; HEAD counts as
 * GET. Each forge's table writes its paths in its own documentation's notation and says how one becomes
 * find-my-way paths (`:name`, `:name(^\d+$)` for digits, `*` for the rest of the path).
 */
export function routeTable<R extends { method: string; path: string }>(
  routes: readonly R[],
  toRouterPaths: (path: string) => string[],
): (method: string, path: string) => R | null {
  // A GitLab file path or project path, URL-encoded, is one segment and may be long.
  const router = Router({ ignoreTrailingSlash: true, maxParamLength: 2048 });
  for (const route of routes)
    for (const path of toRouterPaths(route.path))
      router.on(route.method as Router.HTTPMethod, path, () => undefined, route);
  return (method, path) =>
    (router.find((method === 'HEAD' ? 'GET' : method) as Router.HTTPMethod, path)?.store as R | undefined) ??
    null;
}
