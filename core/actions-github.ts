import { context } from '@actions/github';
import { defaults } from '@actions/github/lib/utils';

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
  let repository: { owner: string; name: string } | null = null;
  try {
    const { owner, repo } = context.repo;
    if (owner && repo) repository = { owner, name: repo };
  } catch {
    // Outside a workflow (no GITHUB_REPOSITORY, no event payload): no repository of its own.
  }
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
