import { Context } from '../node_modules/@actions/github/lib/context.js';
import type { CiRun } from './ci-run.ts';

/*
 * @actions/github's own `context`, without the package's entry point: that one also builds its Octokit
 * (the REST endpoint table and plugins, a quarter of a bundled action's start), while an action needs the
 * run's facts before it knows whether its inputs are good. The Context class is the same file the entry
 * point's `context` is made from; the package exports it only through the entry point, hence the path.
 */
let current: Context | undefined;
/** The toolkit's context of this run, read once (environment and event payload), as `github.context` is. */
function context(): Context {
  return (current ??= new Context());
}

/**
 * What an action knows of its run, the way the toolkit reads it (@actions/github's `context`): the
 * repository, the API and server URLs (GitHub Enterprise Server's when the job runs there), the run.
 * Actions only: the agent and the CLI never load this.
 */
export function actionsRun(of: Context = context()): {
  repository: { owner: string; name: string } | null;
  apiUrl: string;
  serverUrl: string;
  runUrl: string | null;
} {
  const repository = repositoryOf(of);
  return {
    repository,
    apiUrl: of.apiUrl,
    serverUrl: of.serverUrl,
    runUrl:
      repository && of.runId
        ? `${of.serverUrl}/${repository.owner}/${repository.name}/actions/runs/${of.runId}`
        : null,
  };
}

/**
 * The run as the action's input parsers take it (core/ci-run.ts), from the toolkit's `context`: the tag a
 * tag push started it for, the event and, for a pull request, its base branch from the event payload.
 */
export function actionsCiRun(of: Context = context()): CiRun {
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
