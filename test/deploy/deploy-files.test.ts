import { execFile, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseDeploymentConfig } from '../../runner-agent/src/config/deployment-config.ts';
import { withTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const deploy = (file: string) => path.join(repoRoot, 'deploy', file);
const systemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

const ENV = {
  GITHUB_TOKEN: 'ghp_example',
  IRONBOTS_WEBHOOK_SECRET: 'example-webhook-secret',
  IRONBOTS_API_TOKEN: 'example-api-token-0123456789',
  IRONBOTS_METRICS_TOKEN: 'example-metrics-token-0123456789',
  MQ_PASSWORD: 'mq-secret',
  PG_PASSWORD: 'pg-secret',
  S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  S3_SECRET_ACCESS_KEY: 'example-s3-secret',
  IRONBOTS_AGENT_NAME: 'kvm-host-1',
};

async function config(file: string) {
  return parseDeploymentConfig(await readFile(deploy(file), 'utf8'), file, ENV, () =>
    Promise.reject(new Error('no secret files here')),
  );
}

describe('deploy/: sample configurations, systemd units, Containerfile', () => {
  it('the one-machine configuration is the embedded deployment', async () => {
    const c = await config('one-machine.yml');
    expect(c.queue.kind).toBe('sqlite');
    expect(c.state.kind).toBe('sqlite');
    expect(c.logs.kind).toBe('filesystem');
    expect(c.agent?.executors).toEqual(['process', 'podman', 'vm']);
  });

  it('the fleet configuration runs on RabbitMQ, PostgreSQL and S3', async () => {
    const c = await config('fleet.yml');
    expect(c.queue).toMatchObject({ kind: 'rabbitmq', url: 'amqp://ironbots:mq-secret@mq.internal:5672' });
    expect(c.state).toMatchObject({ kind: 'postgres' });
    expect([c.logs.kind, c.images.kind]).toEqual(['s3', 's3']);
    expect(c.agent?.name).toBe('kvm-host-1');
  });

  it.skipIf(!systemdAnalyze)('the systemd units verify, and start commands that exist', async () => {
    const tmp = await withTempDir();
    try {
      for (const unit of ['ironbots-server.service', 'ironbots-agent.service']) {
        const text = await readFile(deploy(unit), 'utf8');
        // As installed under /opt/ironbots; here the checkout stands in for it.
        const copy = path.join(tmp.dir, unit);
        await writeFile(copy, text.replaceAll('/opt/ironbots', repoRoot));
        const verified = await run('systemd-analyze', ['verify', copy]).then(
          ({ stderr }) => ({ code: 0, stderr }),
          (error: { code: number; stderr: string }) => error,
        );
        expect(verified.stderr, unit).not.toMatch(/Unknown|Failed|not executable|Invalid/i);
        expect(verified.code, `${unit}: ${verified.stderr}`).toBe(0);
        const command = /^ExecStart=\S+ (\S+) --config/m.exec(text)?.[1];
        expect(['serve', 'agent']).toContain(command);
        const help = await run(path.join(repoRoot, 'cli/bin/ironbots'), [command!, '--help']);
        expect(help.stdout).toContain('--config');
      }
    } finally {
      await tmp.remove();
    }
  });

  it('the agent unit runs the bundle with Node flags that keep WebAssembly, which fetch needs', async () => {
    const text = await readFile(deploy('ironbots-agent.service'), 'utf8');
    expect(text).toMatch(/^Environment=IRONBOTS_BUNDLED=1$/m);
    const flags = /^Environment="?IRONBOTS_NODE_FLAGS=([^"\n]*)"?$/m.exec(text)?.[1]?.split(' ') ?? [];
    expect(flags.length).toBeGreaterThan(0);
    // --lite-mode, say, would take WebAssembly away: every fetch (undici's HTTP parser) would then fail.
    const { stdout } = await run(process.execPath, [...flags, '-e', 'console.log(typeof WebAssembly)']);
    expect(stdout.trim()).toBe('object');
  });

  it('the Containerfile copies every folder the CLI imports at run time', async () => {
    const text = await readFile(deploy('Containerfile'), 'utf8');
    for (const folder of ['core', 'forge', 'emulators', 'runner-agent', 'cli'])
      expect(text, folder).toMatch(new RegExp(`^COPY ${folder} ${folder}$`, 'm'));
    expect(text).toMatch(/^COPY package\.json package-lock\.json \.\/$/m);
  });
});
