import { connect, createServer, type Socket } from 'node:net';

/** One end of a qemu chardev socket (abstract unix socket, no file to clean up, no path length limit). */
export interface PortSocket {
  /** Abstract socket name (without the leading NUL). */
  name: string;
  /** qemu's connection, once it made it. */
  connection: Promise<Socket>;
  close(): void;
}

/** Listens on an abstract socket that qemu connects to (`-chardev socket,…` in client mode). */
export async function listenForPort(name: string): Promise<PortSocket> {
  const server = createServer();
  const connection = new Promise<Socket>((resolve) =>
    server.once('connection', (socket) => {
      // qemu killed with data unread resets the connection: that is its end, which 'close' reports.
      socket.on('error', () => undefined);
      resolve(socket);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(`\0${name}`, resolve);
  });
  return {
    name,
    connection,
    close() {
      server.close();
      void connection.then((socket) => socket.destroy());
    },
  };
}

/**
 * Connects to an abstract socket qemu listens on (`-chardev socket,…,server=on,wait=off`), trying again
 * while qemu is still starting (nothing listens yet) until `timeoutMs`.
 */
export async function connectToPort(
  name: string,
  timeoutMs: number,
  stillWorthIt: () => boolean = () => true,
): Promise<Socket> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect(`\0${name}`);
        socket.once('connect', () => {
          socket.off('error', reject);
          // A reset when qemu is killed is the end of the port, which 'close' reports.
          socket.on('error', () => undefined);
          resolve(socket);
        });
        socket.once('error', reject);
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ECONNREFUSED' && code !== 'ENOENT') || performance.now() > deadline || !stillWorthIt())
        throw new Error(`cannot connect to the VM's ${name} socket: ${(error as Error).message}`, {
          cause: error,
        });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
