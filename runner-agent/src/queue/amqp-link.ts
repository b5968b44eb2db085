import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type Options } from 'amqplib';
import { describeUrl, retryWithBackoff, sleep } from './postgres-database.ts';

/**
 * One connection to RabbitMQ that comes back by itself. amqplib does not reconnect: when the broker
 * restarts or the network drops, this reconnects with capped backoff and runs `onConnect` again (so
 * exclusive queues and consumers are recreated), while `publish` waits for the new connection and sends
 * again. Sending a message twice is harmless to the queue built on it, which discards copies it no longer
 * expects; losing one is not, so a publish only resolves once the broker confirmed it.
 */
export interface AmqpLinkOptions {
  url: string;
  /** Shown in the broker's connection list; lets an operator (or a test) find this connection. */
  connectionName: string;
  onTrouble?: (message: string) => void;
  retry?: { initialMs: number; maxMs: number };
  /** Runs on every new connection, before anything else uses it. */
  onConnect?: (connection: AmqpConnection) => Promise<void>;
}

export interface AmqpConnection {
  readonly model: ChannelModel;
  /** False once this connection closed; work that failed on it is worth repeating on the next one. */
  readonly alive: boolean;
  /** Counts connections: a consumer started on an older one is gone. */
  readonly generation: number;
  /** For declarations, gets, acks: a plain channel, reopened if a channel error closed it. */
  channel(): Promise<Channel>;
  confirmChannel(): Promise<ConfirmChannel>;
}

export class LinkClosedError extends Error {
  constructor() {
    super('the RabbitMQ link is closed');
    this.name = 'LinkClosedError';
  }
}

/** The broker refused the message (no queue to route it to, or a negative confirm). */
export class PublishRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishRefusedError';
  }
}

export class AmqpLink {
  readonly where: string;
  readonly #options: AmqpLinkOptions;
  readonly #closing = new AbortController();
  #current: Promise<AmqpConnection>;
  #generation = 0;
  #returned = new Map<string, string>();

  private constructor(options: AmqpLinkOptions) {
    this.#options = options;
    this.where = describeUrl(options.url, 'amqp');
    this.#current = this.#connect();
    // Nobody may be waiting yet; the failure is seen by whoever awaits ready().
    this.#current.catch(() => undefined);
  }

  /** Resolves once connected; retries an unreachable broker until it answers or `signal` aborts. */
  static async open(options: AmqpLinkOptions, signal?: AbortSignal): Promise<AmqpLink> {
    const link = new AmqpLink(options);
    const onAbort = () => void link.close();
    signal?.addEventListener('abort', onAbort);
    try {
      await link.ready();
      return link;
    } catch (error) {
      await link.close();
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  get closed(): boolean {
    return this.#closing.signal.aborted;
  }

  /** Aborted when the link closes. */
  get closing(): AbortSignal {
    return this.#closing.signal;
  }

  /** The live connection, waiting for a reconnect in progress. */
  ready(): Promise<AmqpConnection> {
    if (this.closed) return Promise.reject(new LinkClosedError());
    return this.#current;
  }

  async #connect(): Promise<AmqpConnection> {
    const connection = await retryWithBackoff(() => this.#open(), {
      what: `RabbitMQ at ${this.where}`,
      signal: this.#closing.signal,
      ...(this.#options.onTrouble ? { onRetry: this.#options.onTrouble } : {}),
      ...(this.#options.retry ? { retry: this.#options.retry } : {}),
    });
    if (this.closed) {
      await connection.model.close().catch(() => undefined);
      throw new LinkClosedError();
    }
    return connection;
  }

  async #open(): Promise<AmqpConnection> {
    const model = await amqp.connect(this.#options.url, {
      clientProperties: { connection_name: this.#options.connectionName },
      // amqplib leaves Nagle's algorithm on; with delayed ACKs it holds small frames back ~40 ms.
      noDelay: true,
    });
    const generation = ++this.#generation;
    let plain: Promise<Channel> | null = null;
    let confirm: Promise<ConfirmChannel> | null = null;
    // A channel error (e.g. a queue deleted under us) closes only that channel: open a new one on demand.
    const reopenOnClose = <C extends Channel>(make: () => Promise<C>, forget: () => void) =>
      make().then((channel) => {
        channel.on('error', () => undefined);
        channel.on('close', forget);
        return channel;
      });
    let alive = true;
    const connection: AmqpConnection = {
      model,
      generation,
      get alive() {
        return alive;
      },
      channel: () =>
        (plain ??= reopenOnClose(
          () => model.createChannel(),
          () => (plain = null),
        )),
      confirmChannel: () =>
        (confirm ??= reopenOnClose(
          async () => {
            const channel = await model.createConfirmChannel();
            // Mandatory messages nobody could route come back before their confirm: remember which.
            channel.on('return', (message) => {
              const id = message.properties.messageId as string | undefined;
              if (id)
                this.#returned.set(
                  id,
                  `${(message.fields as { replyText?: string }).replyText ?? 'returned'} (${message.fields.routingKey})`,
                );
            });
            return channel;
          },
          () => (confirm = null),
        )),
    };
    model.on('error', () => undefined);
    model.once('close', (error?: Error) => {
      alive = false;
      if (this.closed) return;
      this.#options.onTrouble?.(
        `RabbitMQ connection to ${this.where} lost${error ? `: ${error.message}` : ''}; reconnecting`,
      );
      this.#current = this.#connect();
      this.#current.catch(() => undefined);
    });
    try {
      await this.#options.onConnect?.(connection);
    } catch (error) {
      await model.close().catch(() => undefined);
      throw error;
    }
    return connection;
  }

  /**
   * Runs `work` on the live connection, and again on the next one if the connection dropped under it
   * (amqplib then fails every pending call with "Channel ended"). Errors of a healthy connection — a
   * refused declaration, a missing queue — are the caller's.
   */
  async run<R>(work: (connection: AmqpConnection) => Promise<R>): Promise<R> {
    for (;;) {
      const connection = await this.ready();
      try {
        return await work(connection);
      } catch (error) {
        if (connection.alive || this.closed) throw error;
        await sleep(50, this.#closing.signal);
      }
    }
  }

  /**
   * Publishes persistently and mandatorily, and resolves once the broker confirmed it. A lost connection
   * is waited out and the message sent again; a message the broker refuses rejects with PublishRefusedError.
   */
  async publish(exchange: string, routingKey: string, body: Buffer, options: Options.Publish): Promise<void> {
    const messageId = options.messageId;
    if (!messageId) throw new Error('publish needs a messageId, to tell which message came back unroutable');
    for (;;) {
      const connection = await this.ready();
      try {
        const channel = await connection.confirmChannel();
        await new Promise<void>((resolve, reject) => {
          channel.publish(
            exchange,
            routingKey,
            body,
            { ...options, persistent: true, mandatory: true },
            (error) => {
              if (!error) resolve();
              // amqplib's words for a broker nack; anything else is the channel closing before the confirm.
              else if ((error as Error).message === 'message nacked')
                reject(new PublishRefusedError(`RabbitMQ refused message ${messageId}`));
              else reject(error as Error);
            },
          );
        });
        const returned = this.#returned.get(messageId);
        if (returned !== undefined) {
          this.#returned.delete(messageId);
          throw new PublishRefusedError(`RabbitMQ could not route message ${messageId}: ${returned}`);
        }
        return;
      } catch (error) {
        if (error instanceof PublishRefusedError) throw error;
        // The channel or connection went away before the confirm: the broker may or may not have the
        // message. Send it again on the next connection; a duplicate is discarded downstream.
        if (this.closed) throw new LinkClosedError();
        await sleep(50, this.#closing.signal);
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.#closing.abort();
    const connection = await this.#current.catch(() => null);
    await connection?.model.close().catch(() => undefined);
  }
}
