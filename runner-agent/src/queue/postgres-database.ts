import pg from 'pg';

/**
 * The fleet's shared state store: one PostgreSQL database (and schema) that the queue's bookkeeping and
 * the job records live in. Opening it waits for the server with capped backoff (an unreachable database
 * at start is reported clearly and retried, never a crash loop), then applies the migrations of each
 * component that uses it.
 */
export interface PostgresOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Every table goes into this schema, created if missing. Default `ironbots`. */
  schema?: string;
  /** Told about every failed attempt to reach the server; the message never contains the password. */
  onRetry?: (message: string) => void;
  /** Backoff between attempts: doubles from `initialMs` up to `maxMs`. */
  retry?: { initialMs: number; maxMs: number };
  /** Gives up waiting for the server (the open rejects) when this aborts. */
  signal?: AbortSignal;
  /** Pool size. Default 10. */
  maxConnections?: number;
}

export interface Migration {
  /** Append only: a released step is never edited, since databases remember which steps they ran. */
  sql: string;
}

const INT8_OID = 20;
/** Epoch milliseconds and sequence numbers are BIGINT; they fit a double for the next 285 000 years. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as never,
};

export class PostgresDatabase {
  readonly pool: pg.Pool;
  readonly schema: string;
  /** host:port/database, for messages: no credentials. */
  readonly where: string;

  private constructor(pool: pg.Pool, schema: string, where: string) {
    this.pool = pool;
    this.schema = schema;
    this.where = where;
  }

  static async open(options: PostgresOptions): Promise<PostgresDatabase> {
    const schema = options.schema ?? 'ironbots';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
      throw new Error(`PostgreSQL schema name ${JSON.stringify(schema)}: use lower-case letters, digits, _`);
    const where = describeUrl(options.url, 'postgres');
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 10,
      types,
      // Every connection of the pool works in the schema; `public` stays reachable for extensions.
      options: `-c search_path=${schema},public`,
      connectionTimeoutMillis: 10_000,
    });
    // An idle connection that dies (server restart) is dropped and replaced; without a listener it would throw.
    pool.on('error', (error) =>
      options.onRetry?.(`PostgreSQL at ${where}: idle connection lost: ${error.message}`),
    );
    const database = new PostgresDatabase(pool, schema, where);
    try {
      await retryWithBackoff(
        async () => {
          // The schema must exist before search_path can use it; created from a connection that needs none.
          await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch((error: { code?: string }) => {
            // Two processes creating it at once: one of them loses the race, and the schema is there.
            if (error.code !== '23505' && error.code !== '42P06') throw error;
          });
        },
        {
          what: `PostgreSQL at ${where}`,
          ...(options.onRetry ? { onRetry: options.onRetry } : {}),
          ...(options.retry ? { retry: options.retry } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        },
      );
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return database;
  }

  /**
   * Brings `component`'s tables up to date. Several processes may start at once: a transaction-scoped
   * advisory lock lets one of them migrate while the others wait and then find nothing to do.
   */
  async migrate(component: string, migrations: readonly Migration[]): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${this.schema}.${component}`]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT PRIMARY KEY, version INTEGER NOT NULL)`,
      );
      const { rows } = await client.query<{ version: number }>(
        'SELECT version FROM schema_migrations WHERE component = $1',
        [component],
      );
      const version = rows[0]?.version ?? 0;
      // A newer build's migrations are additive; an older build keeps working on what it knows.
      for (let step = version; step < migrations.length; step++) await client.query(migrations[step]!.sql);
      if (version < migrations.length) {
        await client.query(
          `INSERT INTO schema_migrations (component, version) VALUES ($1, $2)
           ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version`,
          [component, migrations.length],
        );
      }
    });
  }

  async transaction<R>(work: (client: pg.PoolClient) => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export interface RetryOptions {
  /** Names what is being reached, e.g. "RabbitMQ at 127.0.0.1:5672". */
  what: string;
  onRetry?: (message: string) => void;
  retry?: { initialMs: number; maxMs: number };
  signal?: AbortSignal;
}

export class UnreachableError extends Error {
  constructor(what: string, cause: unknown) {
    super(`${what} is unreachable: ${errorText(cause)}`, { cause });
    this.name = 'UnreachableError';
  }
}

/**
 * Runs `attempt` until it succeeds, waiting min(initial · 2^n, max) between tries and reporting each
 * failure. Only an abort ends the retrying: then it rejects with the last failure, described.
 */
export async function retryWithBackoff<R>(attempt: () => Promise<R>, options: RetryOptions): Promise<R> {
  const { initialMs, maxMs } = options.retry ?? { initialMs: 500, maxMs: 30_000 };
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const waitMs = Math.min(initialMs * 2 ** n, maxMs);
      if (options.signal?.aborted) throw new UnreachableError(options.what, error);
      options.onRetry?.(
        `${options.what} is unreachable (attempt ${n + 1}): ${errorText(error)}; retrying in ${formatSeconds(waitMs)}`,
      );
      const aborted = await sleep(waitMs, options.signal);
      if (aborted) throw new UnreachableError(options.what, error);
    }
  }
}

/** Resolves true if the signal aborted the sleep. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(true);
    const done = (aborted: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(aborted);
    };
    const onAbort = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    signal?.addEventListener('abort', onAbort);
  });
}

/** host:port/path of a URL, for messages: never the credentials. */
export function describeUrl(url: string, kind: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${kind} URL is not a URL (expected e.g. ${kind}://user:password@host:port/…)`);
  }
  return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

/** The password in a URL, if any, decoded: to be registered as a secret. */
export function urlPassword(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length)
    return error.errors.map((e: unknown) => errorText(e)).join('; ');
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s`;
}
