import net from 'node:net';

/** One forwarded port: connections to `listen` are piped to `target`. */
export interface Forward {
  listen: { host: string; port: number };
  target: { host: string; port: number };
}

/**
 * A plain TCP forwarder, for test hosts in network namespaces: what listens on loopback only (RabbitMQ,
 * PostgreSQL, the emulators) is offered on a veth address. A cut link leaves the far side's connections
 * hanging, as a real partition does; `close()` destroys every piped connection.
 */
export class TcpForwarder {
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();

  private constructor(server: net.Server, sockets: Set<net.Socket>) {
    this.#server = server;
    this.#sockets = sockets;
  }

  static async start(forward: Forward): Promise<TcpForwarder> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
      const upstream = net.connect(forward.target.port, forward.target.host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        // Either side failing ends both: the other end sees a closed connection, not a hang.
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(forward.listen.port, forward.listen.host, () => resolve());
    });
    return new TcpForwarder(server, sockets);
  }

  /** The port it listens on (useful after listening on port 0). */
  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** `host:port=host:port`, as given on the command line of the forwarder process. */
export function parseForward(text: string): Forward {
  const match = /^([\d.]+):(\d+)=([\d.]+):(\d+)$/.exec(text);
  if (!match) throw new Error(`expected listenHost:port=targetHost:port, not ${JSON.stringify(text)}`);
  return {
    listen: { host: match[1]!, port: Number(match[2]) },
    target: { host: match[3]!, port: Number(match[4]) },
  };
}

// Run as a process inside a network namespace: `node tcp-forwarder.ts 127.0.0.1:80=10.0.0.1:8080 …`.
if (import.meta.main) {
  const forwards = process.argv.slice(2).map(parseForward);
  if (!forwards.length) {
    process.stderr.write('usage: tcp-forwarder.ts listenHost:port=targetHost:port …\n');
    process.exit(2);
  }
  await Promise.all(forwards.map((f) => TcpForwarder.start(f)));
  process.stdout.write('forwarding\n');
}
