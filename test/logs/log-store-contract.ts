import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobLogMeta, LogStore } from '../../runner-agent/src/logs/log-store.ts';
import { SecretRegistry } from '../../core/secrets.ts';

/** What every log store must do (filesystem now, S3 later). */
export interface LogStoreHarness {
  store: LogStore;
  cleanup(): Promise<void>;
}

export interface LogStoreContractOptions {
  /** Secrets the store must redact; may be empty. */
  secrets: SecretRegistry;
  /** The size cap the store must enforce. */
  maxLogBytes: number;
}

const SECRET = 'SuperSecretToken-0123456789';
const CAP = 4096;

export function logStoreContract(
  name: string,
  makeStore: (options: LogStoreContractOptions) => Promise<LogStoreHarness>,
): void {
  describe(`log store contract: ${name}`, () => {
    const harnesses: LogStoreHarness[] = [];
    afterEach(async () => {
      for (const h of harnesses.splice(0)) await h.cleanup();
    });

    async function open(options: { secrets?: string[]; maxLogBytes?: number } = {}): Promise<LogStore> {
      const secrets = new SecretRegistry();
      for (const s of options.secrets ?? []) secrets.add(s);
      const harness = await makeStore({ secrets, maxLogBytes: options.maxLogBytes ?? 50 * 1024 * 1024 });
      harnesses.push(harness);
      return harness.store;
    }

    function meta(jobId: string, overrides: Partial<JobLogMeta> = {}): JobLogMeta {
      return {
        jobId,
        context: 'unit',
        state: 'running',
        agent: 'agent-1',
        attempt: 1,
        startedAt: '2025-01-02T03:04:05.000Z',
        ...overrides,
      };
    }

    /** Everything stored, following nextOffset (a store may hand out a large log in pieces). */
    async function readAll(
      store: LogStore,
      jobId: string,
    ): Promise<{ text: string; bytes: Buffer; complete: boolean }> {
      const parts: Buffer[] = [];
      let offset = 0;
      for (;;) {
        const chunk = await store.read(jobId, offset);
        expect(chunk).not.toBeNull();
        parts.push(chunk!.data);
        if (chunk!.data.length === 0 || chunk!.complete) {
          const bytes = Buffer.concat(parts);
          return { text: bytes.toString('utf8'), bytes, complete: chunk!.complete };
        }
        offset = chunk!.nextOffset;
      }
    }

    it('knows nothing about a job that was never created', async () => {
      const store = await open();
      expect(await store.read('no-such-job')).toBeNull();
      expect(await store.meta('no-such-job')).toBeNull();
    });

    it('makes appended output readable after flush, from any offset', async () => {
      const store = await open();
      const writer = await store.create(meta('job-1'));
      expect(await store.read('job-1')).toMatchObject({ nextOffset: 0, complete: false });

      writer.append('hello ');
      writer.append(Buffer.from('world\n'));
      await writer.flush();
      const first = await store.read('job-1');
      expect(first!.data.toString()).toBe('hello world\n');
      expect(first!.nextOffset).toBe(12);
      expect(first!.complete).toBe(false);

      writer.append('more\n');
      await writer.flush();
      const second = await store.read('job-1', first!.nextOffset);
      expect(second!.data.toString()).toBe('more\n');
      expect(second!.nextOffset).toBe(17);
      expect(await store.read('job-1', 6)).toMatchObject({ nextOffset: 17 });
      expect((await store.read('job-1', 6))!.data.toString()).toBe('world\nmore\n');

      const nothingNew = await store.read('job-1', 17);
      expect(nothingNew).toMatchObject({ nextOffset: 17, complete: false });
      expect(nothingNew!.data.length).toBe(0);
      await writer.finish({ state: 'success' });
    });

    it('marks the log complete after finish, with everything in it', async () => {
      const store = await open();
      const writer = await store.create(meta('job-2'));
      for (let i = 0; i < 1000; i++) writer.append(`line ${i}\n`);
      await writer.finish({ state: 'success', exitCode: 0 });
      const all = await readAll(store, 'job-2');
      expect(all.complete).toBe(true);
      expect(all.text).toBe(Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join(''));
      const end = await store.read('job-2', all.bytes.length);
      expect(end).toMatchObject({ nextOffset: all.bytes.length, complete: true });
    });

    it('round-trips the meta and records the final state', async () => {
      const store = await open();
      const initial = meta('job-3', { context: 'fedora-40/devel', agent: 'kvm-7', attempt: 2 });
      const writer = await store.create(initial);
      expect(await store.meta('job-3')).toEqual(initial);
      await writer.finish({
        state: 'failure',
        exitCode: 3,
        description: 'Failed (exit code 3) in 4 s [kvm-7]',
      });
      const final = await store.meta('job-3');
      expect(final).toEqual({
        ...initial,
        state: 'failure',
        exitCode: 3,
        description: 'Failed (exit code 3) in 4 s [kvm-7]',
        finishedAt: expect.any(String),
      });
      expect(Number.isNaN(Date.parse(final!.finishedAt!))).toBe(false);
    });

    it('redacts a secret split across two chunks, and never stores its first half', async () => {
      const store = await open({ secrets: [SECRET] });
      const writer = await store.create(meta('job-4'));
      writer.append(`token=${SECRET.slice(0, 10)}`);
      await writer.flush();
      expect((await readAll(store, 'job-4')).text).not.toContain(SECRET.slice(0, 10));
      writer.append(Buffer.from(`${SECRET.slice(10)} done\n`));
      writer.append(`again: ${SECRET}\n`);
      await writer.finish({ state: 'success' });
      const { text } = await readAll(store, 'job-4');
      expect(text).toBe('token=*** done\nagain: ***\n');
    });

    it('redacts a secret that arrives one byte at a time', async () => {
      const store = await open({ secrets: [SECRET] });
      const writer = await store.create(meta('job-5'));
      for (const byte of Buffer.from(`<${SECRET}>`)) writer.append(Buffer.from([byte]));
      await writer.finish({ state: 'success' });
      expect((await readAll(store, 'job-5')).text).toBe('<***>');
    });

    it('keeps multi-byte UTF-8 characters whole when they are split across chunks', async () => {
      const store = await open({ secrets: [SECRET] });
      const text = `ü € 😀 ${SECRET} 日本語 🎉\n`;
      const bytes = Buffer.from(text);
      for (let cut = 1; cut < bytes.length; cut++) {
        const jobId = `utf8-${cut}`;
        const writer = await store.create(meta(jobId));
        writer.append(bytes.subarray(0, cut));
        writer.append(bytes.subarray(cut));
        await writer.finish({ state: 'success' });
        expect((await readAll(store, jobId)).text, `split at byte ${cut}`).toBe(text.replace(SECRET, '***'));
      }
    });

    it('redacts a secret split across two chunks at every byte position', async () => {
      const store = await open({ secrets: [SECRET] });
      const bytes = Buffer.from(`token=${SECRET};\n`);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const jobId = `split-${cut}`;
        const writer = await store.create(meta(jobId));
        writer.append(bytes.subarray(0, cut));
        writer.append(bytes.subarray(cut));
        await writer.finish({ state: 'success' });
        expect((await readAll(store, jobId)).text, `split at byte ${cut}`).toBe('token=***;\n');
      }
    });

    it('stores bytes that are not valid UTF-8 exactly as written (a reader decodes them as U+FFFD)', async () => {
      const store = await open({ secrets: [SECRET] });
      const invalid = Buffer.from([0xff, 0xfe, 0x80, 0xc3]);
      const bytes = Buffer.concat([invalid, Buffer.from(` ${SECRET} `), invalid, Buffer.from('\n')]);
      const expected = Buffer.concat([invalid, Buffer.from(' *** '), invalid, Buffer.from('\n')]);
      for (const cut of [1, 3, 4, 6, 20, bytes.length - 2]) {
        const jobId = `invalid-${cut}`;
        const writer = await store.create(meta(jobId));
        writer.append(bytes.subarray(0, cut));
        writer.append(bytes.subarray(cut));
        await writer.finish({ state: 'success' });
        const stored = (await readAll(store, jobId)).bytes;
        expect(stored.equals(expected), `split at byte ${cut}: ${stored.toString('hex')}`).toBe(true);
        expect(stored.toString('utf8')).toBe('\uFFFD\uFFFD\uFFFD\uFFFD *** \uFFFD\uFFFD\uFFFD\uFFFD\n');
      }
    });

    it('copies what it keeps: the caller may reuse its buffer once append returns', async () => {
      const store = await open({ secrets: [SECRET] });
      const writer = await store.create(meta('job-reuse'));
      const buffer = Buffer.alloc(6);
      for (const word of ['first\n', 'again\n', 'third\n']) {
        buffer.write(word);
        writer.append(buffer);
      }
      buffer.fill('x');
      await writer.finish({ state: 'success' });
      expect((await readAll(store, 'job-reuse')).text).toBe('first\nagain\nthird\n');
    });

    it('rejects invalid job ids instead of touching paths', async () => {
      const store = await open();
      for (const bad of [
        '../escape',
        '..',
        '.',
        'a/b',
        'a\\b',
        '',
        'with space',
        'a..b',
        'ü',
        'x'.repeat(300),
      ]) {
        await expect(store.create(meta(bad)), bad).rejects.toThrow(/invalid job id/);
        await expect(store.read(bad), bad).rejects.toThrow(/invalid job id/);
        await expect(store.meta(bad), bad).rejects.toThrow(/invalid job id/);
      }
      // The allowed alphabet works.
      const writer = await store.create(meta('Job_1.retry-2'));
      await writer.finish({ state: 'success' });
      expect(await store.meta('Job_1.retry-2')).toMatchObject({ state: 'success' });
    });

    it('caps the log size with a final line saying so', async () => {
      const store = await open({ maxLogBytes: CAP });
      const writer = await store.create(meta('job-big'));
      const line = `${'y'.repeat(99)}\n`;
      for (let i = 0; i < 100; i++) writer.append(line);
      // The verdict is written last even past the cap: a truncated log still says how the job ended.
      await writer.finish({ state: 'success' }, 'ironbots: Passed in 1.0 s [agent]');
      const { text, bytes, complete } = await readAll(store, 'job-big');
      expect(complete).toBe(true);
      expect(bytes.length).toBeLessThanOrEqual(CAP);
      expect(bytes.length).toBeGreaterThan(CAP / 2);
      expect(text.startsWith(line.repeat(10))).toBe(true);
      expect(text).toMatch(/\nironbots: log truncated[^\n]*\nironbots: Passed in 1\.0 s \[agent\]\n$/);
      // What did not fit is counted: everything appended minus what the log kept of it.
      const kept = text.indexOf('\nironbots: log truncated');
      expect(await store.meta('job-big')).toMatchObject({
        state: 'success',
        droppedBytes: line.length * 100 - kept,
      });
    });

    it('ends a log cut by one huge chunk with the notice and the verdict, the secret in it redacted', async () => {
      const store = await open({ secrets: [SECRET], maxLogBytes: CAP });
      const writer = await store.create(meta('job-flood'));
      writer.append(`${SECRET}\n`);
      writer.append(Buffer.alloc(3 * CAP, 'z'));
      writer.append(`${SECRET}\n`);
      await writer.finish({ state: 'failure' }, `ironbots: Failed (exit code 1) in 2.0 s [agent] ${SECRET}`);
      const { text, bytes } = await readAll(store, 'job-flood');
      expect(bytes.length).toBeLessThanOrEqual(CAP);
      expect(text).not.toContain(SECRET);
      expect(text.startsWith('***\nzzz')).toBe(true);
      const lines = text.split('\n');
      expect(lines.at(-1)).toBe('');
      expect(lines.at(-2)).toBe('ironbots: Failed (exit code 1) in 2.0 s [agent] ***');
      expect(lines.at(-3)).toMatch(/^ironbots: log truncated: it reached the limit of 4096 bytes/);
      // Dropped: the z's that did not fit, and the whole second line (counted, never looked at).
      const keptZs = text.indexOf('\nironbots: log truncated') - '***\n'.length;
      expect((await store.meta('job-flood'))!.droppedBytes).toBe(3 * CAP - keptZs + SECRET.length + 1);
    });

    it('starts the closing line on a line of its own when the output does not end with a newline', async () => {
      const store = await open();
      const writer = await store.create(meta('job-no-newline'));
      writer.append('no newline at the end');
      await writer.finish({ state: 'success' }, 'ironbots: Passed in 1.0 s [agent]');
      expect((await readAll(store, 'job-no-newline')).text).toBe(
        'no newline at the end\nironbots: Passed in 1.0 s [agent]\n',
      );
    });

    it('keeps the logs of different jobs apart', async () => {
      const store = await open();
      const a = await store.create(meta('job-a'));
      const b = await store.create(meta('job-b'));
      a.append('from a\n');
      b.append('from b\n');
      await Promise.all([a.finish({ state: 'success' }), b.finish({ state: 'failure' })]);
      expect((await readAll(store, 'job-a')).text).toBe('from a\n');
      expect((await readAll(store, 'job-b')).text).toBe('from b\n');
      expect((await store.meta('job-b'))!.state).toBe('failure');
    });

    async function localFile(content: string | Buffer): Promise<string> {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-artifact-src-'));
      harnesses.push({ store: undefined as never, cleanup: () => rm(dir, { recursive: true, force: true }) });
      const file = path.join(dir, 'file');
      await writeFile(file, content);
      return file;
    }

    it('keeps a job’s artifacts beside its log: listed by path, read back byte for byte', async () => {
      const store = await open();
      const writer = await store.create(meta('job-art'));
      await writer.finish({ state: 'failure' });
      const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
      await store.putArtifact('job-art', 'screenshots/login page.png', await localFile(binary));
      await store.putArtifact('job-art', 'report.txt', await localFile('first\n'));
      // The same path again replaces it.
      await store.putArtifact('job-art', 'report.txt', await localFile('second\n'));
      expect(await store.listArtifacts('job-art')).toEqual([
        { path: 'report.txt', bytes: 7 },
        { path: 'screenshots/login page.png', bytes: 70_000 },
      ]);
      const read = (await store.readArtifact('job-art', 'screenshots/login page.png'))!;
      expect(read.bytes).toBe(70_000);
      expect(Buffer.concat(await read.body.toArray())).toEqual(binary);
      expect(await store.readArtifact('job-art', 'missing.txt')).toBeNull();
      expect(await store.readArtifact('job-art', 'screenshots')).toBeNull();
      expect(await store.listArtifacts('job-none')).toEqual([]);
      // Other jobs' artifacts are theirs.
      expect(await store.listArtifacts('job-art2')).toEqual([]);
    });

    it('refuses artifact paths that could leave the job’s place', async () => {
      const store = await open();
      const file = await localFile('x');
      for (const bad of ['../escape', '/abs', 'a/../../b', 'a//b', '', 'back\\slash', 'nul\u0000']) {
        await expect(store.putArtifact('job-bad', bad, file)).rejects.toThrow(/invalid artifact path/);
        await expect(store.readArtifact('job-bad', bad)).rejects.toThrow(/invalid artifact path/);
      }
      await expect(store.putArtifact('../job', 'a', file)).rejects.toThrow(/invalid job id/);
    });

    it('prunes the jobs that finished before a date, artifacts with them, and nothing else', async () => {
      const store = await open();
      const old = await store.create(meta('job-old', { startedAt: '2020-01-01T00:00:00.000Z' }));
      old.append('old output\n');
      await old.finish({ state: 'success', finishedAt: '2020-01-01T00:05:00.000Z' });
      await store.putArtifact('job-old', 'result.txt', await localFile('old result'));
      // Started long ago and never finished: its agent is gone.
      const stale = await store.create(meta('job-stale', { startedAt: '2020-01-02T00:00:00.000Z' }));
      await stale.flush();
      const recent = await store.create(meta('job-recent', { startedAt: new Date().toISOString() }));
      recent.append('recent\n');
      await recent.finish({ state: 'success' });
      await store.putArtifact('job-recent', 'result.txt', await localFile('recent result'));
      // Started long ago but finished after the cutoff: kept.
      const long = await store.create(meta('job-long', { startedAt: '2020-01-01T00:00:00.000Z' }));
      await long.finish({ state: 'success', finishedAt: '2024-06-01T00:00:00.000Z' });

      expect(await store.prune(new Date('2024-01-01T00:00:00.000Z'))).toEqual({ jobs: 2 });
      expect(await store.meta('job-old')).toBeNull();
      expect(await store.read('job-old')).toBeNull();
      expect(await store.listArtifacts('job-old')).toEqual([]);
      expect(await store.meta('job-stale')).toBeNull();
      expect(await store.meta('job-long')).toMatchObject({ state: 'success' });
      expect((await readAll(store, 'job-recent')).text).toBe('recent\n');
      expect(await store.listArtifacts('job-recent')).toEqual([{ path: 'result.txt', bytes: 13 }]);
      // Nothing left to prune.
      expect(await store.prune(new Date('2024-01-01T00:00:00.000Z'))).toEqual({ jobs: 0 });
    });
  });
}
