import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import type { AgentEvent } from '../../runner-agent/src/agent/agent.ts';
import {
  DeploymentConfigError,
  DeploymentConfigSchema,
  parseDeploymentConfig,
} from '../../runner-agent/src/config/deployment-config.ts';
import { openDeployment, secretsOf } from '../../runner-agent/src/deployment/deployment.ts';
import { requiredLabels, type Job } from '../../runner-agent/src/jobs/job.ts';
import { destroyRabbitMqQueue } from '../../runner-agent/src/queue/rabbitmq-queue.ts';
import { openTestDatabase, TEST_AMQP_URL, uniqueName } from '../queue/fleet-services.ts';
import { withTempDir } from '../support/temp-dir.ts';

const parse = (text: string) =>
  parseDeploymentConfig(text, 'config.yml', { PG_PASSWORD: 'pg-secret-pw' }, async (p) => {
    throw new Error(`no file ${p}`);
  });

describe('fleet configuration', () => {
  it('reads the queue and state blocks, and registers the passwords in their URLs as secrets', async () => {
    const config = await parse(
      [
        'queue: { kind: rabbitmq, url: "amqp://ironbots:mq-secret-pw@mq.internal:5672/ci" }',
        'state:',
        '  kind: postgres',
        '  url: postgres://ironbots:${PG_PASSWORD}@db.internal:5432/ironbots',
      ].join('\n'),
    );
    expect(config.queue).toEqual({
      kind: 'rabbitmq',
      url: 'amqp://ironbots:mq-secret-pw@mq.internal:5672/ci',
      prefix: 'ironbots',
    });
    expect(config.state).toEqual({
      kind: 'postgres',
      url: 'postgres://ironbots:pg-secret-pw@db.internal:5432/ironbots',
      schema: 'ironbots',
    });
    expect(secretsOf(config).values()).toEqual(expect.arrayContaining(['mq-secret-pw', 'pg-secret-pw']));
  });

  it('keeps SQLite for both by default, and refuses a RabbitMQ queue without PostgreSQL state', async () => {
    const embedded = await parse('stateDir: /tmp/x');
    expect([embedded.queue.kind, embedded.state.kind]).toEqual(['sqlite', 'sqlite']);
    const error = await parse('queue: { kind: rabbitmq, url: "amqp://h:5672" }').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentConfigError);
    expect((error as Error).message).toMatch(/state: a rabbitmq queue keeps its bookkeeping in PostgreSQL/);
    await expect(parse('queue: { kind: rabbitmq, url: "http://h" }')).rejects.toThrow(/expected amqp:\/\//);
    await expect(
      parse('state: { kind: postgres, url: "postgres://h/db", schema: "Bad-Name" }'),
    ).rejects.toThrow(/schema/);
  });
});

describe('a fleet deployment: RabbitMQ queue, PostgreSQL state', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let testDb: Awaited<ReturnType<typeof openTestDatabase>>;
  let prefix: string;

  beforeEach(async () => {
    tmp = await withTempDir();
    testDb = await openTestDatabase('deploy');
    prefix = uniqueName('ironbots');
  });
  afterEach(async () => {
    for (const name of ['events', 'jobs'])
      await destroyRabbitMqQueue({
        amqpUrl: TEST_AMQP_URL,
        database: testDb.database,
        name,
        brokerPrefix: `${prefix}.${name}`,
      });
    await testDb.drop();
    await tmp.remove();
  });

  it('opens through openDeployment and runs a job from enqueue to its recorded end', async () => {
    const config = DeploymentConfigSchema.parse({
      stateDir: path.join(tmp.dir, 'state'),
      queue: { kind: 'rabbitmq', url: TEST_AMQP_URL, prefix },
      // Trust authentication ignores the password; it is here to be registered as a secret.
      state: {
        kind: 'postgres',
        url: 'postgres://postgres:pg-secret-pw@127.0.0.1:5432/test',
        schema: testDb.database.schema,
      },
      agent: { name: 'fleet-box', labels: ['x86_64'], listen: '127.0.0.1:0' },
    });
    const deployment = await openDeployment(config, { logger: silentLogger(), processMetrics: false });
    try {
      expect(deployment.secrets.values()).toEqual(expect.arrayContaining(['guest', 'pg-secret-pw']));
      const finished = new Promise<Extract<AgentEvent, { type: 'finished' }>>((resolve) => {
        void deployment.startAgent({
          onEvent: (event) => {
            if (event.type === 'finished') resolve(event);
          },
        });
      });
      const job: Job = {
        context: 'fleet',
        command: ['sh', '-c', 'echo ran on the fleet'],
        labels: ['x86_64'],
        timeoutSeconds: 60,
        env: {},
        executor: 'process',
        trigger: { kind: 'api' },
        createdAt: new Date().toISOString(),
      };
      const { id } = await deployment.jobs.enqueue(job, { labels: requiredLabels(job) });
      const event = await finished;
      expect(event).toMatchObject({ jobId: id, state: 'success' });
      expect((await deployment.jobs.state(id))?.state).toBe('done');
      // The bookkeeping is in PostgreSQL, where every host sees it.
      const { rows } = await testDb.database.pool.query(
        `SELECT state FROM ${testDb.database.schema}.queue_messages WHERE id = $1`,
        [id],
      );
      expect(rows).toEqual([{ state: 'done' }]);
    } finally {
      await deployment.close();
    }
  });
});
