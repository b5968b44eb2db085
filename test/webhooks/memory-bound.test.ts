import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { withTempDir } from '../support/temp-dir.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const HOOK_SECRET = 'memory-bound-hook-secret';
const CONNECTIONS = 40;
/** Just under GitHub's 25 MB cap, so the size check lets every one of them in. */
const DECLARED = 26_100_000;
const MB = 1024 * 1024;

/** Peak and current resident memory of a process, from /proc. */
async function memoryOf(pid: number): Promise<{ peakMb: number; currentMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]);
  return { peakMb: Math.round(kb('VmHWM') / 1024), currentMb: Math.round(kb('VmRSS') / 1024) };
}

/** Sends headers and all but the last 16 bytes of the declared body, as fast as the server reads them. */
async function uploadAllButTheEnd(url: URL, n: number): Promise<{ sent: number; socket: net.Socket }> {
  const socket = net.connect(Number(url.port), url.hostname);
  socket.on('error', () => undefined);
  let open = true;
  socket.on('close', () => (open = false));
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    [
      'POST /webhooks/github HTTP/1.1',
      `Host: ${url.host}`,
      'Content-Type: application/json',
      'X-GitHub-Event: pull_request',
      `X-GitHub-Delivery: flood-${n}`,
      `X-Hub-Signature-256: sha256=${'0'.repeat(64)}`,
      `Content-Length: ${DECLARED}`,
      '',
      '',
    ].join('\r\n'),
  );
  const chunk = Buffer.alloc(MB, 0x20);
  let sent = 0;
  while (open && sent < DECLARED - 16) {
    const piece = chunk.subarray(0, Math.min(chunk.length, DECLARED - 16 - sent));
    sent += piece.length;
    if (!socket.write(piece)) {
      await new Promise((resolve) => {
        socket.once('drain', resolve);
        socket.once('close', resolve);
      });
    }
  }
  return { sent, socket };
}

describe('webhook intake memory under a flood of unfinished bodies', () => {
  it(`keeps the server under 300 MB with ${CONNECTIONS} connections each sending ~25 MB without the last bytes`, async () => {
    const tmp = await withTempDir();
    const configFile = path.join(tmp.dir, 'config.yml');
    await writeFile(
      configFile,
      [
        `stateDir: ${path.join(tmp.dir, 'state')}`,
        'server:',
        '  listen: 127.0.0.1:0',
        '  webhookSecret: ${IRONBOTS_WEBHOOK_SECRET}',
        '',
      ].join('\n'),
    );
    const server = spawn(
      process.execPath,
      [path.join(repoRoot, 'cli/ironbots.ts'), 'serve', '--config', configFile],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, IRONBOTS_WEBHOOK_SECRET: HOOK_SECRET },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const closed = new Promise((resolve) => server.once('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: server.stderr! }).on('line', (line) => {
          if (!line.startsWith('{')) return;
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'server listening') resolve(entry.url!);
        });
        void closed.then(() => reject(new Error('ironbots serve exited')));
      });
      const before = await memoryOf(server.pid!);
      const uploads = await Promise.all(
        Array.from({ length: CONNECTIONS }, (_, n) => uploadAllButTheEnd(new URL(url), n)),
      );
      const after = await memoryOf(server.pid!);
      const sentMb = Math.round(uploads.reduce((sum, u) => sum + u.sent, 0) / MB);
      const held = uploads.filter((u) => !u.socket.closed).length;
      process.stdout.write(
        `webhook flood: ${CONNECTIONS} connections, ${sentMb} MB sent, ${held} bodies held open; ` +
          `server RSS ${before.currentMb} MB before, ${after.currentMb} MB after, peak ${after.peakMb} MB\n`,
      );
      for (const upload of uploads) upload.socket.destroy();
      expect(after.peakMb).toBeLessThan(300);
      // Bodies that fit the budget were taken in, not refused outright.
      expect(held).toBeGreaterThanOrEqual(1);
    } finally {
      server.kill('SIGTERM');
      await closed;
      await tmp.remove();
    }
  });
});
