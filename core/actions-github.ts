import { context } from '@actions/github';
import { defaults } from '@actions/github/lib/utils';
import type { CiRun } from './ci-run.ts';

/** The toolkit's Context class, which its package exports only as the type of `context`. */
type Context = typeof context;

/**
 * What an action knows of its run, the way the toolkit reads it (@actions/github's `context`): the
 * repository, the API and server URLs (GitHub Enterprise Server's when the job runs there), the run.
 * Actions only: the agent and the CLI never load this.
 */
export function actionsRun(): {
  repository: { owner: string; name: string } | null;
  apiUrl: string;
  serverUrl: string;
  runUrl: string | null;
} {
  const repository = repositoryOf(context);
  return {
    repository,
    apiUrl: context.apiUrl,
    serverUrl: context.serverUrl,
    runUrl:
      repository && context.runId
        ? `${context.serverUrl}/${repository.owner}/${repository.name}/actions/runs/${context.runId}`
        : null,
  };
}

/**
 * The transport of @actions/github's clients: through the runner's proxy (HTTPS_PROXY, NO_PROXY, as
 * @actions/http-client reads them), for the forge clients an action makes.
 */
export const actionsFetch = defaults.request?.fetch as typeof fetch | undefined;

/**
 * The run as the action's input parsers take it (core/ci-run.ts), from the toolkit's `context`: the tag a
 * tag push started it for, the event and, for a pull request, its base branch from the event payload.
 */
export function actionsCiRun(of: Context = context): CiRun {
  const repository = repositoryOf(of);
  const baseRef = (of.payload.pull_request as { base?: { ref?: string } } | undefined)?.base?.ref;
  return {
    ...(of.ref?.startsWith('refs/tags/') ? { tag: of.ref.slice('refs/tags/'.length) } : {}),
    ...(of.sha ? { sha: of.sha } : {}),
    ...(of.eventName ? { event: of.eventName } : {}),
    ...(baseRef ? { baseRef } : {}),
    github: {
      ...(repository ? { repository: `${repository.owner}/${repository.name}` } : {}),
      apiUrl: of.apiUrl,
      serverUrl: of.serverUrl,
    },
  };
}

function repositoryOf(of: Context): { owner: string; name: string } | null {
  try {
    const { owner, repo } = of.repo;
    return owner && repo ? { owner, name: repo } : null;
  } catch {
    // Outside a workflow (no GITHUB_REPOSITORY, no event payload): no repository of its own.
    return null;
  }
}
