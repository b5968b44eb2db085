import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modeFromLabels, type AgentRegistry } from '../../runner-agent/src/agents/agent-registry.ts';
import { PostgresAgentRegistry } from '../../runner-agent/src/agents/postgres-agent-registry.ts';
import { SqliteAgentRegistry } from '../../runner-agent/src/agents/sqlite-agent-registry.ts';
import { openTestDatabase } from '../queue/fleet-services.ts';
import { withTempDir } from '../support/temp-dir.ts';

type Opened = { registry: AgentRegistry; clock: { now: number }; close(): Promise<void> };

const builder = {
  name: 'builder-1',
  labels: ['executor:vm', 'x86_64'],
  mode: 'tcg' as const,
  version: '1.2.3',
  runningJobs: [],
};

function registryContract(name: string, open: () => Promise<Opened>): void {
  describe(`AgentRegistry: ${name}`, () => {
    it('registers an agent, refreshes its heartbeat and keeps its start time until it starts again', async () => {
      const { registry, clock, close } = await open();
      try {
        clock.now = 1_000;
        await registry.heartbeat(builder, { starting: true });
        clock.now = 11_000;
        await registry.heartbeat({ ...builder, runningJobs: ['job-1'] });
        expect(await registry.list()).toEqual([
          { ...builder, runningJobs: ['job-1'], startedAt: 1_000, lastHeartbeat: 11_000 },
        ]);
        clock.now = 50_000;
        await registry.heartbeat({ ...builder, version: '1.2.4' }, { starting: true });
        expect(await registry.list()).toEqual([
          { ...builder, version: '1.2.4', startedAt: 50_000, lastHeartbeat: 50_000 },
        ]);
      } finally {
        await close();
      }
    });

    it('lists agents by name and forgets one that deregisters', async () => {
      const { registry, close } = await open();
      try {
        await registry.heartbeat({ ...builder, name: 'zeta', mode: null }, { starting: true });
        await registry.heartbeat({ ...builder, name: 'alpha', mode: 'kvm' }, { starting: true });
        expect((await registry.list()).map((a) => [a.name, a.mode])).toEqual([
          ['alpha', 'kvm'],
          ['zeta', null],
        ]);
        await registry.deregister('alpha');
        expect((await registry.list()).map((a) => a.name)).toEqual(['zeta']);
      } finally {
        await close();
      }
    });
  });
}

registryContract('SQLite', async () => {
  const tmp = await withTempDir('ironbots-agents-');
  const clock = { now: 0 };
  const registry = new SqliteAgentRegistry({ path: path.join(tmp.dir, 'agents.db'), clock: () => clock.now });
  return {
    registry,
    clock,
    async close() {
      await registry.close();
      await tmp.remove();
    },
  };
});

registryContract('PostgreSQL', async () => {
  const { database, drop } = await openTestDatabase('agents');
  const clock = { now: 0 };
  const registry = await PostgresAgentRegistry.open({ database, clock: () => clock.now });
  return {
    registry,
    clock,
    async close() {
      await registry.close();
      await drop();
    },
  };
});

describe('modeFromLabels', () => {
  it('says KVM or TCG for an agent with a VM executor, nothing otherwise', () => {
    expect(modeFromLabels(['executor:vm', 'kvm'])).toBe('kvm');
    expect(modeFromLabels(['executor:vm'])).toBe('tcg');
    expect(modeFromLabels(['executor:process', 'kvm'])).toBeNull();
  });
});
