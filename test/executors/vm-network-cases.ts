import { createServer } from 'node:http';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { ExecutionRequest } from '../../runner-agent/src/executors/executor.ts';
import type { VmExecutor } from '../../runner-agent/src/executors/vm-executor.ts';
import { withTempDir } from '../support/temp-dir.ts';

/** How a guest image fetches a URL (printing the body) and serves a directory over HTTP (in the background). */
export interface GuestTools {
  fetch: string;
  serve: (port: string, dir: string) => string;
}

/**
 * Guest networking, for any image: user-mode by default (the host's loopback at the gateway address, a
 * forwarded port the job is told), `none` on request, and the mode in the job's log.
 */
export function vmNetworkCases(
  setup: () => { executor: VmExecutor; image: string; env: Record<string, string> },
  tools: GuestTools,
): void {
  async function run(
    request: Partial<ExecutionRequest> & { argv: string[] },
    during?: (soFar: string, workdir: string) => void,
  ) {
    const { executor, image, env } = setup();
    const work = await withTempDir('ironbots-vm-net-');
    const chunks: Buffer[] = [];
    const lines: string[] = [];
    try {
      const result = await executor.run(
        { jobId: 'net', workdir: work.dir, env, timeoutMs: 120_000, image, ...request },
        {
          onOutput: (c) => {
            chunks.push(c);
            during?.(Buffer.concat(chunks).toString('utf8'), work.dir);
          },
          log: (line) => lines.push(line),
          signal: new AbortController().signal,
        },
      );
      return { result, text: Buffer.concat(chunks).toString('utf8'), log: lines.join('\n') };
    } finally {
      await work.remove();
    }
  }

  it('by default, the guest reaches a server on the host’s loopback through the gateway address', async () => {
    const server = createServer((_request, response) => response.end('hello from the host\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const { result, text, log } = await run({
        argv: ['sh', '-c', `${tools.fetch} "http://$IRONBOTS_HOST_ADDRESS:${port}/"`],
      });
      expect(text).toBe('hello from the host\n');
      expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      expect(log).toMatch(
        /network: user-mode \(the host's loopback is 10\.0\.2\.2; host 127\.0\.0\.1:\d+ forwards/,
      );
    } finally {
      server.close();
    }
  });

  it('forwards the port it tells the job: a server in the guest is reached from the host', async () => {
    let fetched: Promise<string> | undefined;
    const { result, text } = await run(
      {
        argv: [
          'sh',
          '-c',
          [
            'mkdir -p /tmp/www && echo "served by the guest" >/tmp/www/index.html',
            tools.serve('$IRONBOTS_FORWARDED_PORT', '/tmp/www'),
            'sleep 1',
            'echo "listening on $IRONBOTS_FORWARDED_PORT"',
            // The host says when it is done by writing into the shared working directory.
            'while [ ! -f host-done ]; do sleep 0.2; done',
            'echo done',
          ].join('\n'),
        ],
      },
      (soFar, workdir) => {
        const port = /listening on (\d+)/.exec(soFar)?.[1];
        if (!port || fetched) return;
        fetched = fetchWithRetries(`http://127.0.0.1:${port}/`).finally(() =>
          writeFile(path.join(workdir, 'host-done'), ''),
        );
        // Awaited once the job is over; a failure meanwhile is no unhandled rejection.
        fetched.catch(() => undefined);
      },
    );
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(text).toMatch(/listening on \d+\ndone\n$/);
    expect(await fetched).toBe('served by the guest\n');
  });

  it('with network: none, the guest has no network device and the log says so', async () => {
    const { result, text, log } = await run({
      argv: ['sh', '-c', 'ls /sys/class/net; echo "port=${IRONBOTS_FORWARDED_PORT:-unset}"'],
      network: 'none',
    });
    expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
    expect(text).toBe('lo\nport=unset\n');
    expect(log).toContain('network: none');
  });
}

/** The guest's server starts in the background: a refused connection right after it printed is retried. */
async function fetchWithRetries(url: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url);
      return await response.text();
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
