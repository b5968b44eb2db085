/**
 * Tests may only talk to this machine. Every TCP connection to anything but loopback fails loudly, the way
 * nock.disableNetConnect() does, but for every client (Octokit, undici, amqplib). git runs as a child
 * process and is pointed at loopback URLs by the tests themselves.
 */
import net from 'node:net';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;

type ConnectArgs = unknown[];

function destination(args: ConnectArgs): { host?: string; path?: string } {
  let first = args[0];
  // Node's own net.connect() passes its normalized [options, callback] array.
  if (Array.isArray(first)) first = first[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; path?: string };
    return options.path ? { path: options.path } : { host: options.host ?? 'localhost' };
  }
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { path: first };
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost' };
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: ConnectArgs) {
  const { host, path } = destination(args);
  if (!path && host !== undefined && !LOOPBACK.test(host.replace(/^\[|\]$/g, ''))) {
    throw new Error(`network guard: tests may only connect to loopback, not to ${host}`);
  }
  return (originalConnect as (...a: ConnectArgs) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
