import { randomBytes } from 'node:crypto';
import { PostgresDatabase } from '../../runner-agent/src/queue/postgres-database.ts';

/**
 * The fleet's real services on this machine (see README, "from one machine to a fleet"): RabbitMQ and
 * PostgreSQL. Tests give every queue and every database its own names so parallel test files never meet.
 */
export const TEST_AMQP_URL = process.env.IRONBOTS_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const TEST_POSTGRES_URL =
  process.env.IRONBOTS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A name no other test uses, valid as a PostgreSQL schema and in RabbitMQ queue names. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** A database in a schema of its own; `drop` removes the schema with everything in it. */
export async function openTestDatabase(
  prefix = 't',
): Promise<{ database: PostgresDatabase; drop(): Promise<void> }> {
  const database = await PostgresDatabase.open({ url: TEST_POSTGRES_URL, schema: uniqueName(prefix) });
  return {
    database,
    async drop() {
      await database.pool.query(`DROP SCHEMA IF EXISTS ${database.schema} CASCADE`);
      await database.close();
    },
  };
}
