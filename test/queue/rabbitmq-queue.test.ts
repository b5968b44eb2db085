import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  destroyRabbitMqQueue,
  RabbitMqQueue,
  type RabbitMqQueueOptions,
} from '../../runner-agent/src/queue/rabbitmq-queue.ts';
import type { PostgresDatabase } from '../../runner-agent/src/queue/postgres-database.ts';
import { openTestDatabase, TEST_AMQP_URL, uniqueName } from './fleet-services.ts';
import { queueContract } from './queue-contract.ts';

// Real time only: the broker's TTLs run on its own clock.
queueContract('RabbitMqQueue', async ({ tuning }) => {
  const { database, drop } = await openTestDatabase('queue');
  const name = uniqueName('jobs');
  const queue = await RabbitMqQueue.open<unknown>({ amqpUrl: TEST_AMQP_URL, database, name, tuning });
  return {
    queue,
    cleanup: async () => {
      await queue.close();
      await destroyRabbitMqQueue({ amqpUrl: TEST_AMQP_URL, database, name });
      await drop();
    },
  };
});
