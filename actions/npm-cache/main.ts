import * as core from '@actions/core';
import { actionsLog, runActionStep, writeJobSummary } from '../../core/action-log.ts';
import { errorMessage } from '../../core/errors.ts';
import { actionEnvironmentInputs } from '../../core/inputs.ts';
import { configuredContext, runConfigured, runInstall, type NpmCacheOutcome } from './configured-run.ts';
import { readSettings, type NpmCacheSettings } from './inputs.ts';
import { save, type InstallResult, type RestoreResult, type StepReport } from './npm-cache.ts';
import { unmountTree, type MountedTree } from './squashfs-image.ts';
import { formatBytes, formatDuration } from '../../core/sizes.ts';

/**
 * The npm-cache action: inputs → install, restore, save or update → outputs; and its post step, which saves
 * what install mode installed. The runner runs this same file for both: the main step leaves the state
 * `npm-cache-post` (STATE_npm-cache-post in the post step's environment), set before anything can fail.
 */
const POST_STATE = 'npm-cache-post';
/** The key install mode installed for, which the post step saves; unset after a hit or in other modes. */
const SAVE_KEY_STATE = 'npm-cache-save-key';
/**
 * save-always's variable: the runner gives post-if no `inputs` (actions/cache's save-always never worked for
 * that reason), but it does give `env`, which the main step sets through GITHUB_ENV.
 */
const SAVE_ALWAYS_VARIABLE = 'IRONBOTS_NPM_CACHE_SAVE_ALWAYS';
/** mount: auto's mounts (a MountedTree as JSON), which the post step takes down. */
const MOUNTED_STATE = 'npm-cache-mounted';
/** Set when something is mounted, so that post-if runs the post step to unmount after a failed job too. */
const MOUNTED_VARIABLE = 'IRONBOTS_NPM_CACHE_MOUNTED';

/** Leaves the post step what it must unmount, first thing after a mount. */
function rememberMount(result: RestoreResult): void {
  if (!result.mounted) return;
  core.saveState(MOUNTED_STATE, JSON.stringify(result.mounted));
  core.exportVariable(MOUNTED_VARIABLE, 'true');
}

const settingsHere = () =>
  readSettings(actionEnvironmentInputs(), process.env, (message) => core.warning(message), {
    postStep: true,
  });

if (core.getState(POST_STATE) === 'true') {
  void runActionStep('npm-cache post', post);
} else {
  core.saveState(POST_STATE, 'true');
  void runActionStep('npm-cache', main);
}

async function main(): Promise<void> {
  const started = performance.now();
  const report: StepReport = {};
  let mode = core.getInput('mode');
  try {
    const settings = settingsHere();
    mode = settings.mode;
    const log = actionsLog([settings.token]);
    if (settings.mode === 'install') {
      if (settings.saveAlways) core.exportVariable(SAVE_ALWAYS_VARIABLE, 'true');
      const result = await runInstall(settings, { log, report });
      rememberMount(result);
      core.setOutput('key', result.key);
      core.setOutput('cache-hit', String(result.hit));
      core.setOutput('cache-matched-key', result.matchedKey ?? '');
      core.setOutput('outcome', result.outcome);
      if (!result.hit) core.saveState(SAVE_KEY_STATE, result.key);
      await writeJobSummary(summary('install', installStatus(result), report, started));
      // The node_modules a restore replaced goes now, with the outputs already set.
      await result.oldTreeRemoved;
      return;
    }
    const result = await runConfigured(settings, {
      log,
      report,
      ...(settings.openPr ? { pullRequest: await pullRequestTarget(settings) } : {}),
    });
    if (result.mode === 'restore') rememberMount(result);
    core.setOutput('key', result.key);
    if (result.mode === 'restore') {
      core.setOutput('cache-hit', String(result.hit));
      core.setOutput('cache-matched-key', result.hit ? result.key : '');
      core.setOutput('outcome', result.outcome);
    } else if (result.mode === 'save') {
      core.setOutput('saved', String(result.saved));
    } else {
      core.setOutput('saved', String(result.refreshed));
      core.setOutput('changes', result.changes.join('\n'));
      core.setOutput('pull-request-url', result.pullRequest?.htmlUrl ?? '');
    }
    await writeJobSummary(summary(result.mode, status(result), report, started, details(result)));
    if (result.mode === 'restore') await result.oldTreeRemoved;
  } catch (error) {
    await writeJobSummary(summary(mode, 'failed', report, started, [errorMessage(error).split('\n')[0]!]));
    throw error;
  }
}

/**
 * The post step: after install mode installed (no hit), save node_modules under its key, verified against
 * the lockfile first as in save mode. A cache is an optimisation, so a failure here is a warning, as in
 * actions/cache: the job's own result stands.
 */
async function post(): Promise<void> {
  const mounted = core.getState(MOUNTED_STATE);
  if (mounted) await takeDown(JSON.parse(mounted) as MountedTree);
  const key = core.getState(SAVE_KEY_STATE);
  if (!key) {
    core.info('npm-cache: nothing to save (a cache hit, or not install mode)');
    return;
  }
  const started = performance.now();
  const report: StepReport = {};
  try {
    const settings = settingsHere();
    const log = actionsLog([settings.token]);
    const result = await save(await configuredContext(settings, { log, report }));
    if (result.key !== key)
      log.info(`package-lock.json changed during the job: the tree is saved under ${result.key}, not ${key}`);
    await writeJobSummary(
      summary('save (post)', result.saved ? 'saved' : 'not saved', report, started, [result.detail]),
    );
  } catch (error) {
    const message = errorMessage(error);
    core.warning(`npm-cache could not save node_modules: ${message}`);
    await writeJobSummary(summary('save (post)', 'failed', report, started, [message.split('\n')[0]!]));
  }
}

/** Unmounts a restored tree; a failure is a warning (the job's work is done by now). */
async function takeDown(tree: MountedTree): Promise<void> {
  try {
    const problems = await unmountTree(tree);
    for (const problem of problems) core.warning(`npm-cache: ${problem}`);
    if (!problems.length) core.info(`npm-cache: unmounted ${tree.target}`);
  } catch (error) {
    core.warning(`npm-cache could not unmount ${tree.target}: ${errorMessage(error)}`);
  }
}

function installStatus(result: InstallResult): string {
  if (result.hit) return result.mounted ? 'hit (mounted)' : 'hit';
  const partial = result.partial ? `, partial hit \`${result.partial.matchedKey}\`` : '';
  return `miss (${result.outcome})${partial}, installed with ${result.installedWith}; the post step saves`;
}

function status(result: NpmCacheOutcome): string {
  if (result.mode === 'restore')
    return result.hit ? (result.mounted ? 'hit (mounted)' : 'hit') : `miss (${result.outcome})`;
  if (result.mode === 'save') return result.saved ? 'saved' : 'not saved';
  return result.refreshed ? 'cache refreshed' : 'cache already up to date';
}

function details(result: NpmCacheOutcome): Array<string | undefined> {
  if (result.mode === 'restore') return [result.hit ? undefined : result.detail];
  if (result.mode === 'save') return [result.saved ? undefined : result.detail];
  return [
    result.changes.length ? `npm update changed: ${result.changes.join(', ')}` : undefined,
    result.pullRequest ? `pull request: ${result.pullRequest.htmlUrl}` : undefined,
  ];
}

/** The job summary: one line with the status, key, archive size and time, then any details. */
function summary(
  mode: string,
  what: string,
  report: StepReport,
  started: number,
  more: Array<string | undefined> = [],
): string {
  const line = [
    `**${what}**`,
    `key \`${report.key ?? '(not computed)'}\``,
    report.archiveBytes === undefined ? 'no archive' : `archive ${formatBytes(report.archiveBytes)}`,
    formatDuration(performance.now() - started),
  ].join(' · ');
  const extra = more.filter((m): m is string => Boolean(m)).map((m) => `- ${m}`);
  return `### npm-cache ${mode || '(no mode)'}\n\n- ${line}\n${extra.length ? `${extra.join('\n')}\n` : ''}`;
}

async function pullRequestTarget(settings: NpmCacheSettings) {
  const [{ buildForge }, { actionsRun }, { actionsFetch }] = await Promise.all([
    import('../../forge/build-forge.ts'),
    import('../../core/actions-context.ts'),
    import('../../core/actions-github.ts'),
  ]);
  const run = actionsRun();
  if (!run.repository) throw new Error('no repository: GITHUB_REPOSITORY (owner/name) is not set');
  // GitHub only: the GitLab client stays out of this bundle.
  const forge = await buildForge(
    { kind: 'github', token: settings.token, apiUrl: run.apiUrl },
    actionsFetch ? { fetch: actionsFetch } : {},
    { github: () => import('../../forge/github/github-forge.ts') },
  );
  const repository = await forge.getRepository(run.repository);
  return {
    forge,
    repo: run.repository,
    base: settings.baseBranch || repository.defaultBranch,
    branch: settings.branch,
    remoteUrl: repository.cloneUrl,
  };
}
