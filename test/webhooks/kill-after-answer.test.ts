import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sign } from '@octokit/webhooks-methods';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import type { WebhookDelivery } from '../../runner-agent/src/webhooks/delivery.ts';
import { withTempDir } from '../support/temp-dir.ts';

const SECRET = 'kill -9 secret';
const RECEIVER = path.join(import.meta.dirname, 'receiver-process.ts');

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

async function startReceiver(file: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [RECEIVER, file, SECRET], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code} before serving`)));
  });
  return { url, child };
}

/**
 * Sends deliveries over `connections` connections until `killAfter` of them were answered 202, and kills the
 * receiver (SIGKILL) the moment that answer arrives, while the others are still in flight. Returns what was
 * answered 202, by delivery id.
 */
async function deliverUntilKilled(
  url: string,
  child: ChildProcess,
  round: number,
  killAfter: number,
): Promise<Map<string, number>> {
  const pool = new Pool(url, { connections: 8 });
  const answered = new Map<string, number>();
  const exited = once(child, 'exit');
  let sent = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (answered.size < killAfter) {
        const number = round * 1000 + sent++;
        const deliveryId = `round-${round}-${number}`;
        const body = JSON.stringify({ action: 'synchronize', number, filler: 'x'.repeat(4000) });
        try {
          const res = await pool.request({
            path: '/webhooks/github',
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-github-event': 'pull_request',
              'x-github-delivery': deliveryId,
              'x-hub-signature-256': await sign(SECRET, body),
            },
            body,
          });
          await res.body.dump();
          if (res.statusCode !== 202) throw new Error(`delivery ${deliveryId} answered ${res.statusCode}`);
          answered.set(deliveryId, number);
          if (answered.size === killAfter) child.kill('SIGKILL');
        } catch (error) {
          if (child.signalCode === null && answered.size < killAfter) throw error;
          return; // In flight when the receiver was killed: never answered, so nothing was promised.
        }
      }
    }),
  );
  await exited;
  await pool.destroy();
  return answered;
}

describe('webhook receiver killed with SIGKILL right after answering', () => {
  it('has every delivery it answered 202 in the queue after a restart, again and again', async () => {
    const tmp = await withTempDir();
    try {
      const file = path.join(tmp.dir, 'queue.db');
      const answered = new Map<string, number>();
      for (let round = 0; round < 3; round++) {
        const { url, child } = await startReceiver(file);
        const killAfter = 40 + round * 20;
        const thisRound = await deliverUntilKilled(url, child, round, killAfter);
        expect(child.signalCode).toBe('SIGKILL');
        // Answers already on their way when the kill came count too: they were promised.
        expect(thisRound.size).toBeGreaterThanOrEqual(killAfter);
        for (const [id, number] of thisRound) answered.set(id, number);
      }

      // The dedup keys came through as well: a redelivery of an answered id stores nothing new.
      const { url } = await startReceiver(file);
      const [firstId, firstNumber] = [...answered][0]!;
      const body = JSON.stringify({ action: 'synchronize', number: firstNumber, filler: 'x'.repeat(4000) });
      const redelivered = await fetch(`${url}/webhooks/github`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'pull_request',
          'x-github-delivery': firstId,
          'x-hub-signature-256': await sign(SECRET, body),
        },
        body,
      });
      expect(redelivered.status).toBe(200);
      expect(await redelivered.json()).toMatchObject({ duplicate: true });
      children.pop()!.kill('SIGKILL');

      const events = await SqliteQueue.open<WebhookDelivery>({ path: file, name: 'events' });
      try {
        const stored = new Map<string, WebhookDelivery>();
        for (const { message } of await events.list({ limit: 10_000 })) {
          stored.set(message.payload.deliveryId, message.payload);
        }
        for (const [deliveryId, number] of answered) {
          expect(stored.get(deliveryId), `answered delivery ${deliveryId}`).toMatchObject({
            forge: 'github',
            event: 'pull_request',
            payload: { action: 'synchronize', number, filler: 'x'.repeat(4000) },
          });
        }
      } finally {
        await events.close();
      }
    } finally {
      await tmp.remove();
    }
  }, 120_000);
});
