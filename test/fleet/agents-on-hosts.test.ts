import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { destroyRabbitMqQueue } from '../../runner-agent/src/queue/rabbitmq-queue.ts';
import { openTestDatabase, TEST_AMQP_URL, uniqueName } from '../queue/fleet-services.ts';
import { DeploymentWorld, isFinalState, waitUntil } from '../support/deployment-world.ts';
import { LogLines, NetnsHost } from '../support/netns-host.ts';
import { TcpForwarder } from '../support/tcp-forwarder.ts';

const unavailable = await NetnsHost.unavailableReason();
if (unavailable) console.warn(`skipping agents on separate hosts: ${unavailable}`);

const RABBITMQ_PORT = 5672;
const POSTGRES_PORT = 5432;

/** Which namespace a process lives in (`ip netns identify`); '' once it is gone or in none. */
async function namespaceOf(pid: number): Promise<string> {
  const { stdout } = await promisify(execFile)('ip', ['netns', 'identify', String(pid)]).catch(() => ({
    stdout: '',
  }));
  return stdout.trim();
}

/**
 * Issue 14, item 3: agents as separate hosts. Each runs in a network namespace of its own and reaches
 * RabbitMQ, PostgreSQL and the forge only through its veth link (RabbitMQ and PostgreSQL listen on loopback
 * here, so a forwarder on this machine's end of each link passes them on). Cutting one agent's link mid-job
 * must end with the job run again by the other agent, and one final status per context.
 */
describe.skipIf(unavailable !== null)('agents on separate hosts (network namespaces)', () => {
  let world: DeploymentWorld | null = null;
  let testDb: Awaited<ReturnType<typeof openTestDatabase>> | null = null;
  const prefix = uniqueName('ironbots');
  const hosts: NetnsHost[] = [];
  const forwarders: TcpForwarder[] = [];

  afterAll(async () => {
    // Every step runs even when one before it fails: nothing may outlive the test.
    const steps: (() => Promise<unknown>)[] = [
      ...hosts.map((h) => () => h.remove()),
      ...forwarders.map((f) => () => f.close()),
      async () => world?.stopAll(),
      ...['events', 'jobs'].map((name) => async () => {
        if (testDb)
          await destroyRabbitMqQueue({
            amqpUrl: TEST_AMQP_URL,
            database: testDb.database,
            name,
            brokerPrefix: `${prefix}.${name}`,
          });
      }),
      async () => testDb?.drop(),
      async () => world?.dispose(),
    ];
    const failures: unknown[] = [];
    for (const step of steps) await step().catch((error: unknown) => failures.push(error));
    if (failures.length) throw new AggregateError(failures, 'cleanup failed');
  }, 60_000);

  it('shares the jobs, and a job whose agent lost its link is finished once by the other', async () => {
    world = await DeploymentWorld.create({
      contexts: [
        { name: 'left', exitCode: 0, sleepSeconds: 12 },
        { name: 'right', exitCode: 0, sleepSeconds: 12 },
      ],
      seed: 3,
      scanIntervalSeconds: 0,
    });
    testDb = await openTestDatabase('netns');
    const schema = testDb.database.schema;
    const fleetBlocks = (host: string, amqpPort: number, postgresPort: number) => [
      `queue: { kind: rabbitmq, url: "amqp://guest:guest@${host}:${amqpPort}", prefix: ${prefix} }`,
      `state: { kind: postgres, url: "postgres://postgres@${host}:${postgresPort}/test", schema: ${schema} }`,
    ];
    const common = (apiUrl: string) => [
      `stateDir: ${world!.stateDir}`,
      'forge:',
      `  apiUrl: ${apiUrl}`,
      '  token: ${GITHUB_TOKEN}',
      `  repositories: [${world!.repository.owner}/${world!.repository.name}]`,
    ];
    // The server stays on this machine, on loopback.
    await writeFile(
      world.serverConfig(),
      [
        ...common(world.proxy.url),
        ...fleetBlocks('127.0.0.1', RABBITMQ_PORT, POSTGRES_PORT),
        'server:',
        '  listen: 127.0.0.1:0',
        '  webhookSecret: ${IRONBOTS_WEBHOOK_SECRET}',
        '  apiTokens: ["${IRONBOTS_API_TOKEN}"]',
        '  scanIntervalSeconds: 0',
        '',
      ].join('\n'),
    );
    await world.startServer();

    const proxyPort = Number(new URL(world.proxy.url).port);
    const emulatorPort = Number(new URL(world.emulator.url).port);
    const base = (process.pid % 100) * 2;
    const agents: { host: NetnsHost; logs: LogLines }[] = [];
    for (const i of [1, 2]) {
      const host = await NetnsHost.create(`ib${process.pid}x${i}`, base + i);
      hosts.push(host);
      const forward = async (port: number) => {
        const f = await TcpForwarder.start({
          listen: { host: host.hostAddress, port: 0 },
          target: { host: '127.0.0.1', port },
        });
        forwarders.push(f);
        return f.port;
      };
      const [amqp, postgres, api, git] = [
        await forward(RABBITMQ_PORT),
        await forward(POSTGRES_PORT),
        await forward(proxyPort),
        await forward(emulatorPort),
      ];
      // Jobs clone from the URL the forge gives, on loopback: inside the host it leads over the link too.
      const gitForwarder = new LogLines(
        host.spawnNode(
          'test/support/tcp-forwarder.ts',
          [`127.0.0.1:${emulatorPort}=${host.hostAddress}:${git}`],
          {},
        ),
      );
      await gitForwarder.expect('forwarding', 15_000);
      const config = path.join(world.dir, `agent-ns${i}.yml`);
      await writeFile(
        config,
        [
          ...common(`http://${host.hostAddress}:${api}`),
          ...fleetBlocks(host.hostAddress, amqp, postgres),
          'agent:',
          `  name: host${i}`,
          '  concurrency: 1',
          '  listen: 127.0.0.1:0',
          '  visibilityTimeoutSeconds: 10',
          '',
        ].join('\n'),
      );
      const logs = new LogLines(host.spawnNode('cli/ironbots.ts', ['agent', '--config', config], world.env));
      await logs.expect('agent started', 30_000);
      agents.push({ host, logs });
    }

    await world.openPullRequest();
    const w = world;
    const bothRunning = await waitUntil(async () => {
      const starts = (await w.markers()).filter((m) => m.kind === 'start');
      return new Set(starts.map((m) => m.jobId)).size === 2;
    }, 60_000);
    expect(bothRunning, 'each agent took one of the two jobs').toBe(true);
    const firstStarts = (await w.markers()).filter((m) => m.kind === 'start');
    const where = await Promise.all(firstStarts.map((m) => namespaceOf(m.pid)));
    expect([...where].sort(), 'the jobs ran on both hosts').toEqual(hosts.map((h) => h.namespace).sort());

    const [cut] = hosts;
    const victim = firstStarts[where.indexOf(cut!.namespace)]!;
    await cut!.linkDown();

    expect(await w.settle(120_000), 'every context ends with a final status').toBe(true);
    const finals = (await w.statusHistory()).filter((s) => isFinalState(s.state));
    expect(finals.map((s) => [s.context, s.state]).sort(), 'one final status per context').toEqual([
      ['left', 'success'],
      ['right', 'success'],
    ]);
    const starts = (await w.markers()).filter((m) => m.kind === 'start');
    expect(
      starts.filter((m) => m.jobId === victim.jobId).length,
      'the cut job ran again on the other host',
    ).toBe(2);
    expect(starts.filter((m) => m.jobId !== victim.jobId)).toHaveLength(1);
    expect(await w.queueCounts()).toMatchObject({ queued: 0, running: 0, done: 2, dead: 0 });
  }, 200_000);
});
