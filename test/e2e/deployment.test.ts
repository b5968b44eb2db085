import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { DEMO_FILES_MAIN } from '../../runner-agent/src/local/demo-project.ts';
import { followStatuses } from '../../runner-agent/src/local/local-demo.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { startS3Server } from '../support/s3-server.ts';
import { withTempDir } from '../support/temp-dir.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const TOKEN = 'ghp_deploymenttoken0123456789';
const HOOK_SECRET = 'deployment-hook-secret';
const API_TOKEN = 'deployment-api-token-0123456789';
const METRICS_TOKEN = 'deployment-metrics-token-0123456789';

function ironbots(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [path.join(repoRoot, 'cli/ironbots.ts'), ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function output(child: ChildProcess): Promise<{ code: number | null; text: string }> {
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, text };
}

describe.each(['filesystem', 's3'] as const)(
  'a deployment run from its configuration file, logs on %s',
  (logStore) => {
    let tmp: { dir: string; remove(): Promise<void> };
    let emulator: GitHubEmulator;
    let s3: Awaited<ReturnType<typeof startS3Server>> | undefined;
    let configFile: string;
    const env = {
      GITHUB_TOKEN: TOKEN,
      IRONBOTS_WEBHOOK_SECRET: HOOK_SECRET,
      IRONBOTS_API_TOKEN: API_TOKEN,
      IRONBOTS_METRICS_TOKEN: METRICS_TOKEN,
      S3_SECRET_KEY: 'S3RVER',
    };

    beforeEach(async () => {
      tmp = await withTempDir();
      s3 = logStore === 's3' ? await startS3Server('ironbots-logs') : undefined;
      const logsSection = s3
        ? [
            'logs:',
            '  kind: s3',
            '  bucket: ironbots-logs',
            `  endpoint: ${s3.endpoint}`,
            '  forcePathStyle: true',
            '  accessKeyId: S3RVER',
            '  secretAccessKey: ${S3_SECRET_KEY}',
          ]
        : [];
      emulator = await GitHubEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
      await emulator.createRepository('acme', 'widget');
      configFile = path.join(tmp.dir, 'config.yml');
      await writeFile(
        configFile,
        [
          `stateDir: ${path.join(tmp.dir, 'state')}`,
          'forge:',
          `  apiUrl: ${emulator.url}`,
          '  token: ${GITHUB_TOKEN}',
          '  repositories: [acme/widget]',
          'server:',
          '  listen: 127.0.0.1:0',
          '  webhookSecret: ${IRONBOTS_WEBHOOK_SECRET}',
          '  apiTokens: ["${IRONBOTS_API_TOKEN}"]',
          'metrics:',
          '  tokens: ["${IRONBOTS_METRICS_TOKEN}"]',
          'agent:',
          '  name: box-1',
          '  labels: [x86_64]',
          ...logsSection,
          '',
        ].join('\n'),
      );
    });
    afterEach(async () => {
      await emulator.stop();
      await s3?.stop();
      await tmp.remove();
    });

    it('`ironbots serve` receives the webhook, plans, runs and reports; `ironbots queue stats` shows the work', async () => {
      const server = ironbots(['serve', '--config', configFile], env);
      let logs = '';
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: server.stderr! }).on('line', (line) => {
          logs += `${line}\n`;
          if (!line.startsWith('{')) return;
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'server listening') resolve(entry.url!);
        });
        server.once('close', (code) => reject(new Error(`serve exited ${code}: ${logs}`)));
      });
      try {
        emulator.addWebhook('acme', 'widget', {
          url: `${url}/webhooks/github`,
          secret: HOOK_SECRET,
          events: ['pull_request'],
        });
        const forge = new GitHubForge({ token: TOKEN, baseUrl: emulator.url, throttle: false });
        const copy = new GitWorkingCopy(path.join(tmp.dir, 'work'), forge.gitCredentials());
        await copy.init(`${emulator.url}/acme/widget.git`);
        await copy.writeFiles(DEMO_FILES_MAIN);
        await copy.commit('main');
        await copy.push('main');
        await copy.checkoutNewBranch('topic');
        await copy.writeFiles({ VERSION: { content: '3.0\n' } });
        const sha = await copy.commit('bump');
        await copy.push('topic');
        await forge.createPullRequest(
          { owner: 'acme', name: 'widget' },
          { title: 'bump', head: 'topic', base: 'main' },
        );
        const final = await followStatuses(
          forge,
          { owner: 'acme', name: 'widget' },
          sha,
          ['unit', 'lint'],
          60_000,
          () => undefined,
        );
        expect(final.map((s) => [s.context, s.state, s.description])).toEqual([
          ['unit', 'success', expect.stringMatching(/\[box-1\]$/)],
          ['lint', 'success', expect.stringMatching(/\[box-1\]$/)],
        ]);
        // The agent counts a job once it has also closed its log, just after the final status went out.
        let metrics = '';
        for (
          let i = 0;
          i < 100 && !metrics.includes('ironbots_jobs_finished_total{state="success"} 2');
          i++
        ) {
          if (i) await new Promise((r) => setTimeout(r, 50));
          metrics = await (
            await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
          ).text();
        }
        expect(metrics).toContain('ironbots_jobs_finished_total{state="success"} 2');
        expect(metrics).toContain('ironbots_job_startup_duration_seconds_count 2');
        // The status links to the log viewer; the log beside it is served from the configured store.
        const log = await (await fetch(final[0]!.targetUrl!.replace(/\.html$/, ''))).text();
        expect(log).toContain('ok 1 - VERSION 3.0 is major.minor');
        // No secret reaches the logs.
        for (const secret of [TOKEN, HOOK_SECRET, API_TOKEN, METRICS_TOKEN])
          expect(logs).not.toContain(secret);
      } finally {
        server.kill('SIGTERM');
        await new Promise((resolve) => server.once('close', resolve));
      }
      const stats = await output(ironbots(['queue', 'stats', '--config', configFile], env));
      expect(stats.code).toBe(0);
      expect(stats.text).toContain('events: 0 queued, 0 running, 1 done, 0 dead');
      expect(stats.text).toContain('jobs: 0 queued, 0 running, 2 done, 0 dead');
    });

    it('refuses to start with a clear message when a secret is missing', async () => {
      const result = await output(ironbots(['serve', '--config', configFile], { GITHUB_TOKEN: TOKEN }));
      expect(result.code).not.toBe(0);
      expect(result.text).toContain('environment variable IRONBOTS_WEBHOOK_SECRET is not set');
    });
  },
);
