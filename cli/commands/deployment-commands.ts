import { InvalidArgumentError, type Command } from 'commander';
import { CONFIG_OPTION } from './options.ts';
import { loadDeploymentConfig } from '../../runner-agent/src/config/deployment-config.ts';
import type { Deployment } from '../../runner-agent/src/deployment/deployment.ts';
import type { WalCheckpoints } from '../../runner-agent/src/queue/sqlite-wal-checkpointer.ts';
import type { Agent } from '../../runner-agent/src/agent/agent.ts';
import { createLogger, type Logger } from '../../core/logger.ts';
import { logDestination, logFormatOption, type LogFormat } from '../log-format.ts';

/**
 * Opens the deployment named by --config, with a logger that redacts every secret in it. Only `serve`
 * checkpoints its SQLite queue on a thread of its own (its webhook intake commits often); an agent or a
 * one-off command does it on its own thread, a V8 isolate less.
 */
export async function openDeploymentFile(
  configFile: string,
  logFormat?: LogFormat,
  walCheckpoints: WalCheckpoints = 'inline',
): Promise<Deployment> {
  const config = await loadDeploymentConfig(configFile);
  const { openDeployment, secretsOf } = await import('../../runner-agent/src/deployment/deployment.ts');
  const secrets = secretsOf(config);
  const destination = await logDestination(logFormat);
  return openDeployment(config, {
    logger: createLogger({ name: 'ironbots', secrets, destination }),
    secrets,
    walCheckpoints,
  });
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/**
 * Resolves once the agent has stopped after SIGTERM or SIGINT. The first signal drains it: no new job, the
 * running ones end as usual (statuses posted, leases acked). A second one hands the running jobs back to the
 * queue at once, for another agent. A third gets the default action: the process dies.
 */
function drainOnSignal(agent: Agent, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const handBack = (signal: NodeJS.Signals) => {
      process.off('SIGINT', handBack);
      process.off('SIGTERM', handBack);
      logger.info(
        { signal, jobs: agent.runningJobs },
        'second signal: handing the running jobs back to the queue now',
      );
      void agent.stop().then(resolve, resolve);
    };
    const drain = (signal: NodeJS.Signals) => {
      process.off('SIGINT', drain);
      process.off('SIGTERM', drain);
      process.once('SIGINT', handBack);
      process.once('SIGTERM', handBack);
      logger.info(
        { signal, jobs: agent.runningJobs },
        'draining: taking no new jobs, letting the running ones finish (signal again to hand them back now)',
      );
      void agent.drain().then(() => {
        logger.info('drained: no job running, stopping');
        resolve();
      }, resolve);
    };
    process.once('SIGINT', drain);
    process.once('SIGTERM', drain);
  });
}

export function registerDeploymentCommands(program: Command): void {
  const configOption = CONFIG_OPTION;
  program
    .command('serve')
    .description('run the server (webhook receiver, job API, planner, scanner) and, if configured, an agent')
    .option(...configOption)
    .addOption(logFormatOption())
    .action(async (options: { config: string; logFormat?: LogFormat }) => {
      const deployment = await openDeploymentFile(options.config, options.logFormat, 'thread');
      if (!deployment.config.server)
        throw new Error(`${options.config}: the server section is required for \`ironbots serve\``);
      await deployment.startServer();
      if (deployment.config.agent) await deployment.startAgent();
      await untilSignal();
      await deployment.close();
    });

  program
    .command('agent')
    .description('run an agent: take jobs whose labels this machine offers, run them, report statuses')
    .option(...configOption)
    .addOption(logFormatOption())
    .action(async (options: { config: string; logFormat?: LogFormat }) => {
      const deployment = await openDeploymentFile(options.config, options.logFormat);
      if (!deployment.config.agent)
        throw new Error(`${options.config}: the agent section is required for \`ironbots agent\``);
      const agent = await deployment.startAgent().catch(async (error: unknown) => {
        await deployment.close();
        throw new Error(`${options.config}: ${(error as Error).message}`);
      });
      await drainOnSignal(agent, deployment.logger);
      await deployment.close();
    });

  program
    .command('scan')
    .description(
      're-read the forge once, statuses included, and plan every open PR whose jobs are missing (recovers lost webhooks)',
    )
    .option(...configOption)
    .action(async (options: { config: string }) => {
      const deployment = await openDeploymentFile(options.config);
      if (!deployment.forge)
        throw new Error(`${options.config}: the forge section is required for \`ironbots scan\``);
      const planner = await deployment.planner();
      // A project's bad config is its own error status, not a failure of the scan; the forge failing on a
      // pull request or a repository is, but only after everything else was planned.
      let failures = 0;
      for (const repo of await deployment.repositories()) {
        let results;
        try {
          // Full: a cross-project request whose status webhook was lost is found too.
          results = await planner.scanRepository(repo, { full: true });
        } catch (error) {
          failures++;
          process.stdout.write(`${repo.owner}/${repo.name}: failed: ${(error as Error).message}\n`);
          continue;
        }
        for (const [number, result] of results) {
          const detail =
            result.kind === 'planned'
              ? `${result.jobs.filter((j) => !j.duplicate).length} new job(s), ${result.skipped.length} context(s) already have a status`
              : result.kind === 'ignored'
                ? result.reason
                : result.kind === 'config-error'
                  ? `config error (status posted): ${result.message}`
                  : result.kind === 'failed'
                    ? `failed: ${result.message}`
                    : result.kind;
          if (result.kind === 'failed') failures++;
          process.stdout.write(`${repo.owner}/${repo.name}#${number}: ${detail}\n`);
        }
      }
      await deployment.close();
      if (failures) {
        process.stderr.write(
          `ironbots scan: ${failures} pull request(s) or repositories could not be planned\n`,
        );
        process.exitCode = 1;
      }
    });

  const queue = program.command('queue').description('look into the job queue');
  queue
    .command('stats')
    .option(...configOption)
    .action(async (options: { config: string }) => {
      const deployment = await openDeploymentFile(options.config);
      for (const q of [deployment.events, deployment.jobs]) {
        const s = await q.stats();
        process.stdout.write(
          `${q.name}: ${s.queued} queued, ${s.leased} running, ${s.done} done, ${s.dead} dead, ${s.cancelled} cancelled\n`,
        );
      }
      await deployment.close();
    });
  queue
    .command('dead')
    .description('list dead-lettered jobs and deliveries with the reason they died')
    .option(...configOption)
    .action(async (options: { config: string }) => {
      const deployment = await openDeploymentFile(options.config);
      for (const q of [deployment.events, deployment.jobs]) {
        for (const d of await q.deadLetters()) {
          process.stdout.write(
            `${q.name} ${d.message.id} after ${d.message.attempt} attempt(s) at ${new Date(d.deadAt).toISOString()}: ${d.reason}\n`,
          );
        }
      }
      await deployment.close();
    });
  queue
    .command('redrive')
    .description('give a dead-lettered job a fresh attempt budget')
    .argument('<id>')
    .option(...configOption)
    .action(async (id: string, options: { config: string }) => {
      const deployment = await openDeploymentFile(options.config);
      const found = (await deployment.jobs.state(id))
        ? deployment.jobs
        : (await deployment.events.state(id))
          ? deployment.events
          : null;
      if (!found) throw new Error(`no job or delivery ${id}`);
      await found.redrive(id);
      if (found === deployment.jobs) {
        // A fresh attempt budget means the job may run again: its record (ended by the reconciler) reopens.
        const { jobDedupKey } = await import('../../runner-agent/src/jobs/job.ts');
        const state = await deployment.jobs.state(id);
        const key = state ? jobDedupKey(state.message.payload) : undefined;
        if (key) await deployment.records.reopen(key);
      }
      process.stdout.write(`${found.name} ${id} queued again\n`);
      await deployment.close();
    });

  const runners = program
    .command('runners')
    .description(
      'GitHub runners registered by ironbots (runners.github): what is there, and removing ghosts',
    );
  runners
    .command('list')
    .description('the runner registrations ironbots made, and the queued workflow jobs of each repository')
    .option(...configOption)
    .action(async (options: { config: string }) => {
      const deployment = await openDeploymentFile(options.config);
      try {
        const tools = requireRunners(deployment, options.config);
        const { describeScope } = await import('../../forge/forge.ts');
        const { runnerNameTime } = await import('../../runner-agent/src/runners/jit-runner-launcher.ts');
        for (const scope of tools.scopes) {
          const ours = (await tools.forge.listRunners(scope)).filter(
            (r) => runnerNameTime(tools.settings.namePrefix, r.name) !== null,
          );
          process.stdout.write(`${describeScope(scope)}: ${ours.length} runner(s) of ironbots\n`);
          for (const r of ours) {
            const age = Math.round((Date.now() - runnerNameTime(tools.settings.namePrefix, r.name)!) / 1000);
            process.stdout.write(
              `  ${r.name}  id ${r.id}  ${r.online ? 'online' : 'offline'}${r.busy ? ', busy' : ''}  ${age} s old  [${r.labels.join(', ')}]\n`,
            );
          }
        }
        for (const repo of tools.repositories) {
          const queued = await tools.forge.listQueuedWorkflowJobs(repo);
          process.stdout.write(`${repo.owner}/${repo.name}: ${queued.length} queued workflow job(s)\n`);
          for (const job of queued)
            process.stdout.write(
              `  ${job.id}  ${job.name}  runs-on [${job.labels.join(', ')}]  queued ${job.createdAt}\n`,
            );
        }
      } finally {
        await deployment.close();
      }
    });
  runners
    .command('reap')
    .description(
      'remove ghost registrations: offline runners of ironbots older than a runner could need to come online (the server does this every runners.github.reapIntervalSeconds)',
    )
    .option(...configOption)
    .action(async (options: { config: string }) => {
      const deployment = await openDeploymentFile(options.config);
      try {
        const { alive, removed } = await requireRunners(deployment, options.config).reaper.reap();
        process.stdout.write(
          `removed ${removed} ghost registration(s); ${alive} registration(s) of ironbots remain\n`,
        );
      } finally {
        await deployment.close();
      }
    });

  const logs = program.command('logs').description('job logs and artifacts in the deployment’s log store');
  logs
    .command('prune')
    .description(
      'remove the logs and artifacts of jobs that ended longer ago than logs.retentionDays (the server also does this hourly)',
    )
    .option('--older-than <days>', 'days instead of logs.retentionDays', parseDays)
    .option(...configOption)
    .action(async (options: { config: string; olderThan?: number }) => {
      const deployment = await openDeploymentFile(options.config);
      try {
        const days = options.olderThan ?? deployment.config.logs.retentionDays;
        const before = new Date(Date.now() - days * 24 * 3_600_000);
        const { jobs } = await deployment.logStore.prune(before);
        process.stdout.write(
          `removed the logs and artifacts of ${jobs} job(s) that ended before ${before.toISOString()} (${days} days ago)\n`,
        );
      } finally {
        await deployment.close();
      }
    });
}

function requireRunners(deployment: Deployment, configFile: string) {
  const tools = deployment.runners();
  if (!tools)
    throw new Error(`${configFile}: the runners.github section is required for \`ironbots runners\``);
  return tools;
}

function parseDays(value: string): number {
  const days = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(days > 0))
    throw new InvalidArgumentError('a number of days greater than 0, e.g. 30');
  return days;
}
