import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { loadDeploymentConfig } from '../../runner-agent/src/config/deployment-config.ts';
import type { AgentEvent } from '../../runner-agent/src/agent/agent.ts';
import type { Deployment } from '../../runner-agent/src/deployment/deployment.ts';
import { createLogger, type Logger } from '../../core/logger.ts';

const DEFAULT_CONFIG = process.env.IRONBOTS_CONFIG ?? '/etc/ironbots/config.yml';

/** Opens the deployment named by --config, with a logger that redacts every secret in it. */
async function open(configFile: string): Promise<{
  deployment: Deployment;
  logger: Logger;
}> {
  const config = await loadDeploymentConfig(configFile);
  const { openDeployment, secretsOf } = await import('../../runner-agent/src/deployment/deployment.ts');
  const secrets = secretsOf(config);
  const logger = createLogger({ name: 'ironbots', secrets });
  return { deployment: await openDeployment(config, logger, secrets), logger };
}

function parseListen(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  return { host: listen.slice(0, i), port: Number(listen.slice(i + 1)) };
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

export function registerDeploymentCommands(program: Command): void {
  const configOption = [
    '-c, --config <file>',
    'deployment configuration (env IRONBOTS_CONFIG)',
    DEFAULT_CONFIG,
  ] as const;

  program
    .command('serve')
    .description('run the server (webhook receiver, job API, planner, scanner) and, if configured, an agent')
    .option(...configOption)
    .action(async (options: { config: string }) => {
      const { deployment, logger } = await open(options.config);
      const server = deployment.config.server;
      if (!server)
        throw new Error(`${options.config}: the server section is required for \`ironbots serve\``);
      const { startServerRole } = await import('../../runner-agent/src/deployment/server-role.ts');
      const { logHttpRoute } = await import('../../runner-agent/src/logs/log-http.ts');
      const { Metrics } = await import('../../runner-agent/src/observability/metrics.ts');
      const metrics = new Metrics({ queues: [deployment.events, deployment.jobs] as never[] });
      const { host, port } = parseListen(server.listen);
      const role = await startServerRole({
        events: deployment.events,
        jobs: deployment.jobs,
        logStore: deployment.logStore,
        forge: deployment.forge,
        webhookSecret: server.webhookSecret,
        apiTokens: server.apiTokens,
        trust: { trustedAuthors: server.trustedAuthors },
        logger,
        host,
        port,
        ...(deployment.config.publicUrl ? { publicUrl: deployment.config.publicUrl } : {}),
        // Logs are served from the store, wherever it is (a local directory or S3).
        extraRoutes: [logHttpRoute(deployment.logStore)],
        scan: {
          repositories: await deployment.repositories(),
          intervalMs: server.scanIntervalSeconds * 1000,
        },
        metrics,
      });
      const agent = deployment.config.agent
        ? await startAgent(deployment, logger, deployment.config.publicUrl ?? role.url, (e) =>
            metrics.observeAgent(e),
          )
        : null;
      await untilSignal();
      await agent?.stop();
      await role.stop();
      await deployment.close();
    });

  program
    .command('agent')
    .description('run an agent: take jobs whose labels this machine offers, run them, report statuses')
    .option(...configOption)
    .action(async (options: { config: string }) => {
      const { deployment, logger } = await open(options.config);
      const agentConfig = deployment.config.agent;
      if (!agentConfig)
        throw new Error(`${options.config}: the agent section is required for \`ironbots agent\``);
      let logBase = deployment.config.publicUrl;
      let logServer: { close(): Promise<void> } | undefined;
      if (agentConfig.listen) {
        const { startHttpServer } = await import('../../core/http/http-server.ts');
        const { logHttpRoute } = await import('../../runner-agent/src/logs/log-http.ts');
        const http = await startHttpServer({
          logger,
          ...parseListen(agentConfig.listen),
          routes: [logHttpRoute(deployment.logStore)],
        });
        logBase ??= http.url;
        logServer = http;
      }
      if (!logBase)
        throw new Error(`${options.config}: set publicUrl or agent.listen so statuses can link to logs`);
      const agent = await startAgent(deployment, logger, logBase);
      await untilSignal();
      await agent.stop();
      await logServer?.close();
      await deployment.close();
    });

  program
    .command('scan')
    .description(
      're-read the forge once and plan every open PR whose jobs are missing (recovers lost webhooks)',
    )
    .option(...configOption)
    .action(async (options: { config: string }) => {
      const { deployment, logger } = await open(options.config);
      if (!deployment.forge)
        throw new Error(`${options.config}: the forge section is required for \`ironbots scan\``);
      const { Planner } = await import('../../runner-agent/src/planner/planner.ts');
      const planner = new Planner({
        forge: deployment.forge,
        jobs: deployment.jobs,
        logger,
        trust: { trustedAuthors: deployment.config.server?.trustedAuthors ?? [] },
      });
      // A project's bad config is its own error status, not a failure of the scan; the forge failing on a
      // pull request or a repository is, but only after everything else was planned.
      let failures = 0;
      for (const repo of await deployment.repositories()) {
        let results;
        try {
          results = await planner.scanRepository(repo);
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
      const { deployment } = await open(options.config);
      for (const q of [deployment.events, deployment.jobs]) {
        const s = await q.stats();
        process.stdout.write(
          `${q.name}: ${s.queued} queued, ${s.leased} running, ${s.done} done, ${s.dead} dead\n`,
        );
      }
      await deployment.close();
    });
  queue
    .command('dead')
    .description('list dead-lettered jobs and deliveries with the reason they died')
    .option(...configOption)
    .action(async (options: { config: string }) => {
      const { deployment } = await open(options.config);
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
      const { deployment } = await open(options.config);
      const found = (await deployment.jobs.state(id))
        ? deployment.jobs
        : (await deployment.events.state(id))
          ? deployment.events
          : null;
      if (!found) throw new Error(`no job or delivery ${id}`);
      await found.redrive(id);
      process.stdout.write(`${found.name} ${id} queued again\n`);
      await deployment.close();
    });
}

async function startAgent(
  deployment: Deployment,
  logger: Logger,
  logBase: string,
  onEvent?: (event: AgentEvent) => void,
) {
  const config = deployment.config.agent!;
  const stateDir = deployment.config.stateDir.replace(/^~(?=\/)/, os.homedir());
  const { Agent } = await import('../../runner-agent/src/agent/agent.ts');
  const { createExecutors } = await import('../../runner-agent/src/deployment/executors.ts');
  const agent = new Agent({
    name: config.name,
    labels: config.labels,
    jobs: deployment.jobs,
    executors: await createExecutors(
      config.executors,
      path.join(stateDir, 'executors', config.name),
      logger,
      config.executors.includes('vm')
        ? (await import('../../runner-agent/src/images/image-store-from-config.ts')).imageResolverFromConfig(
            deployment.config,
          )
        : undefined,
    ),
    forge: deployment.forge,
    logStore: deployment.logStore,
    logUrl: (jobId) => `${logBase}/logs/${jobId}`,
    workRoot: path.join(stateDir, 'work', config.name),
    logger: logger.child({ role: 'agent' }),
    secrets: deployment.secrets,
    concurrency: config.concurrency,
    visibilityTimeoutMs: config.visibilityTimeoutSeconds * 1000,
    ...(onEvent ? { onEvent } : {}),
  });
  await agent.start();
  return agent;
}
