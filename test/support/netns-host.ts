import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { LogEntry } from './ironbots-process.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');

async function ip(...args: string[]): Promise<void> {
  await run('ip', args);
}

/**
 * A test "host": a network namespace joined to this one by a veth pair in a /30 of its own
 * (10.231.<index>.1 here, 10.231.<index>.2 there). Its processes reach this machine only through the link,
 * which `linkDown()` cuts.
 */
export class NetnsHost {
  readonly namespace: string;
  readonly hostVeth: string;
  /** The address of this machine's end of the link, as the namespace sees it. */
  readonly hostAddress: string;
  readonly address: string;
  readonly #children = new Set<ChildProcess>();

  private constructor(namespace: string, index: number) {
    this.namespace = namespace;
    this.hostVeth = `${namespace}h`;
    this.hostAddress = `10.231.${index}.1`;
    this.address = `10.231.${index}.2`;
  }

  /** Null when this machine lets us create namespaces, else why not (the test then skips). */
  static async unavailableReason(): Promise<string | null> {
    const probe = `ibprobe${process.pid}`;
    try {
      await ip('netns', 'add', probe);
      await ip('netns', 'del', probe);
      return null;
    } catch (error) {
      return `\`ip netns add\` is not permitted here: ${(error as Error).message.split('\n')[0]}`;
    }
  }

  /** `namespace` must be at most 14 characters: the veth names derive from it. */
  static async create(namespace: string, index: number): Promise<NetnsHost> {
    if (namespace.length > 14) throw new Error(`namespace name too long for a veth name: ${namespace}`);
    const host = new NetnsHost(namespace, index);
    const peer = `${namespace}n`;
    try {
      await ip('netns', 'add', namespace);
      await ip('link', 'add', host.hostVeth, 'type', 'veth', 'peer', 'name', peer);
      await ip('link', 'set', peer, 'netns', namespace);
      await ip('addr', 'add', `${host.hostAddress}/30`, 'dev', host.hostVeth);
      await ip('link', 'set', host.hostVeth, 'up');
      await ip('netns', 'exec', namespace, 'ip', 'addr', 'add', `${host.address}/30`, 'dev', peer);
      await ip('netns', 'exec', namespace, 'ip', 'link', 'set', peer, 'up');
      await ip('netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up');
    } catch (error) {
      await host.remove();
      throw error;
    }
    return host;
  }

  /** A node script of this repository, run inside the namespace. */
  spawnNode(script: string, args: string[], env: Record<string, string>): ChildProcess {
    const child = spawn(
      'ip',
      ['netns', 'exec', this.namespace, process.execPath, path.join(repoRoot, script), ...args],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/nonexistent', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.#children.add(child);
    child.once('close', () => this.#children.delete(child));
    return child;
  }

  /** Cuts the link on this machine's end: the namespace's connections hang, as in a partition. */
  async linkDown(): Promise<void> {
    await ip('link', 'set', this.hostVeth, 'down');
  }

  /** Kills what it started and removes the namespace and the link; safe to call more than once. */
  async remove(): Promise<void> {
    await Promise.all(
      [...this.#children].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('close', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    await ip('netns', 'del', this.namespace).catch(() => undefined);
    // Deleting the namespace deletes its veth end, and with it this one; this is for a half-made host.
    await ip('link', 'del', this.hostVeth).catch(() => undefined);
  }
}

/** The log lines of a process in a namespace (pino JSON, or plain lines as `{ msg }`), to wait on. */
export class LogLines {
  readonly entries: LogEntry[] = [];
  readonly #child: ChildProcess;

  constructor(child: ChildProcess) {
    this.#child = child;
    for (const stream of [child.stdout!, child.stderr!])
      createInterface({ input: stream }).on('line', (line) => {
        try {
          this.entries.push(line.startsWith('{') ? (JSON.parse(line) as LogEntry) : { msg: line });
        } catch {
          this.entries.push({ msg: line });
        }
      });
  }

  /** Waits for an entry with `msg`; throws with the last lines if it does not come or the process ends. */
  async expect(msg: string, timeoutMs: number): Promise<LogEntry> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.entries.find((e) => e.msg === msg);
      if (found) return found;
      const ended = this.#child.exitCode !== null || this.#child.signalCode !== null;
      if (ended || Date.now() > deadline)
        throw new Error(
          `no "${msg}" (${ended ? 'process ended' : 'timed out'}):\n${this.entries
            .slice(-30)
            .map((e) => JSON.stringify(e))
            .join('\n')}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
