import os from 'node:os';
import path from 'node:path';
import { forgeFromConfig } from '../../../forge/forge-from-config.ts';
import type { Forge, Repository } from '../../../forge/forge.ts';
import type { DeploymentConfig } from '../config/deployment-config.ts';
import type { Job } from '../jobs/job.ts';
import { FilesystemLogStore } from '../logs/filesystem-log-store.ts';
import { S3LogStore } from '../logs/s3-log-store.ts';
import type { LogStore } from '../logs/log-store.ts';
import type { Logger } from '../../../core/logger.ts';
import { SecretRegistry } from '../../../core/secrets.ts';
import type { Queue } from '../queue/queue.ts';
import { SqliteQueue } from '../queue/sqlite-queue.ts';
import type { WebhookDelivery } from '../webhooks/delivery.ts';
import { s3ClientFromConfig } from '../config/s3-client.ts';

/** The engines a deployment's configuration names, opened: what every role of the process shares. */
export interface Deployment {
  config: DeploymentConfig;
  secrets: SecretRegistry;
  forge: Forge | null;
  events: Queue<WebhookDelivery>;
  jobs: Queue<Job>;
  logStore: LogStore;
  repositories(): Promise<Repository[]>;
  close(): Promise<void>;
}

/** Every secret in the configuration is registered before anything can log. */
export function secretsOf(config: DeploymentConfig): SecretRegistry {
  const secrets = new SecretRegistry();
  secrets.add(config.forge?.token);
  secrets.add(config.server?.webhookSecret);
  if (config.logs.kind === 's3') secrets.add(config.logs.secretAccessKey);
  if (config.images.kind === 's3') secrets.add(config.images.secretAccessKey);
  for (const token of config.server?.apiTokens ?? []) secrets.add(token);
  return secrets;
}

export async function openDeployment(
  config: DeploymentConfig,
  logger: Logger,
  secrets = secretsOf(config),
): Promise<Deployment> {
  const stateDir = config.stateDir.replace(/^~(?=\/)/, os.homedir());
  const forge = config.forge ? await forgeFromConfig(config.forge, { secrets, logger }) : null;

  const queuePath = config.queue.path ?? path.join(stateDir, 'queue.db');
  const events = await SqliteQueue.open<WebhookDelivery>({ path: queuePath, name: 'events' });
  const jobs = await SqliteQueue.open<Job>({ path: queuePath, name: 'jobs' });
  const logStore = openLogStore(config.logs, stateDir, secrets);

  return {
    config,
    secrets,
    forge,
    events,
    jobs,
    logStore,
    async repositories() {
      if (!forge || !config.forge) return [];
      return Promise.all(
        config.forge.repositories.map((full) => {
          const [owner, name] = full.split('/') as [string, string];
          return forge.getRepository({ owner, name });
        }),
      );
    },
    async close() {
      await Promise.allSettled([events.close(), jobs.close()]);
    },
  };
}

function openLogStore(logs: DeploymentConfig['logs'], stateDir: string, secrets: SecretRegistry): LogStore {
  if (logs.kind === 'filesystem')
    return new FilesystemLogStore({ root: logs.dir ?? path.join(stateDir, 'logs'), secrets });
  const client = s3ClientFromConfig(logs);
  return new S3LogStore({ client, bucket: logs.bucket, prefix: logs.prefix, secrets });
}
