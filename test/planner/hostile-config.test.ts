import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError, type RepositoryId } from '../../forge/forge.ts';
import { silentLogger } from '../../core/logger.ts';
import type { Job } from '../../runner-agent/src/jobs/job.ts';
import { CONFIG_CONTEXT, NOT_YET_TESTED } from '../../runner-agent/src/jobs/status-text.ts';
import { Planner, type PlanResult } from '../../runner-agent/src/planner/planner.ts';
import { runPlannerWorker } from '../../runner-agent/src/planner/planner-worker.ts';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import type { WebhookDelivery } from '../../runner-agent/src/webhooks/delivery.ts';
import { RecordingForge } from '../support/recording-forge.ts';
import { withTempDir } from '../support/temp-dir.ts';

const GOOD = 'contexts:\n  unit:\n    run: [npm, test]\n';

/** A billion-laughs document: each level is nine aliases of the one before. */
function aliasBomb(): string {
  const lines = [
    'contexts:',
    '  unit:',
    '    run: [make]',
    'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
  ];
  for (let level = 1; level < 9; level++) {
    const name = String.fromCharCode(97 + level);
    lines.push(
      `${name}: &${name} [${Array(9)
        .fill(`*${String.fromCharCode(96 + level)}`)
        .join(', ')}]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The forge refuses to serve one commit's files, as a flaky forge does for a single request. */
class ForgeFailingOnOneCommit extends RecordingForge {
  readonly badSha: string;
  constructor(badSha: string) {
    super();
    this.badSha = badSha;
  }
  override async getFileContent(repo: RepositoryId, file: string, ref: string): Promise<string | null> {
    if (ref === this.badSha) throw new ForgeError('Bad Gateway', 502);
    return super.getFileContent(repo, file, ref);
  }
}

function delivery(forge: RecordingForge, sha: string, deliveryId = 'd-1'): WebhookDelivery {
  const repo = forge.repository;
  const repoJson = {
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: { login: repo.owner },
    clone_url: repo.cloneUrl,
    html_url: repo.htmlUrl,
    default_branch: 'main',
  };
  return {
    forge: 'github',
    deliveryId,
    event: 'pull_request',
    receivedAt: new Date().toISOString(),
    payload: {
      action: 'opened',
      number: 7,
      repository: repoJson,
      pull_request: {
        number: 7,
        state: 'open',
        title: 'Bomb',
        body: null,
        html_url: `${repo.htmlUrl}/pull/7`,
        user: { login: 'alice' },
        head: { sha, ref: 'feature', repo: repoJson },
        base: { ref: 'main' },
      },
    },
  };
}

let tmp: { dir: string; remove(): Promise<void> };
let jobs: SqliteQueue<Job>;
let events: SqliteQueue<WebhookDelivery>;

beforeEach(async () => {
  tmp = await withTempDir();
  jobs = await SqliteQueue.open<Job>({ path: path.join(tmp.dir, 'q.db'), name: 'jobs' });
  events = await SqliteQueue.open<WebhookDelivery>({ path: path.join(tmp.dir, 'q.db'), name: 'events' });
});
afterEach(async () => {
  await jobs.close();
  await events.close();
  await tmp.remove();
});

describe('a bad .ironbots.yml is the project’s problem', () => {
  it.each([
    ['an alias bomb', aliasBomb(), /aliases expand too much/, 6],
    ['an undefined alias', 'contexts:\n  unit:\n    run: *nothing\n', /names no anchor/, 3],
    ['a NUL byte in run', 'contexts:\n  unit:\n    run: [make, "a\\0"]\n', /NUL/, 3],
  ])(
    'answers %s with an error status on ironbots/config at once, and the delivery is done, not retried',
    async (_what, text, message, line) => {
      const forge = new RecordingForge();
      const sha = 'b'.repeat(40);
      forge.setFile(sha, '.ironbots.yml', text);
      const planner = new Planner({ forge, jobs, logger: silentLogger() });
      await events.enqueue(delivery(forge, sha));
      const stop = new AbortController();
      const planned = new Promise<PlanResult>((resolve) => {
        void runPlannerWorker(
          { events, planner, logger: silentLogger(), onPlanned: (_d, result) => resolve(result) },
          stop.signal,
        );
      });
      const result = await planned;
      stop.abort();
      expect(result).toMatchObject({ kind: 'config-error', message: expect.stringMatching(message) });
      expect(forge.statusLog.map((s) => [s.context, s.state])).toEqual([[CONFIG_CONTEXT, 'error']]);
      expect(forge.statusLog[0]!.description).toContain(`.ironbots.yml line ${line}:`);
      expect(await events.stats()).toMatchObject({ queued: 0, leased: 0, done: 1, dead: 0 });
      expect((await jobs.stats()).queued).toBe(0);
    },
  );

  it('scans on past a bad config and a forge failure, planning the other pull requests', async () => {
    const [bomb, flaky, good] = ['1', '2', '3'].map((c) => c.repeat(40)) as [string, string, string];
    const forge = new ForgeFailingOnOneCommit(flaky);
    forge.setFile(bomb, '.ironbots.yml', aliasBomb());
    forge.setFile(flaky, '.ironbots.yml', GOOD);
    forge.setFile(good, '.ironbots.yml', GOOD);
    forge.addPull({ number: 1, headSha: bomb });
    forge.addPull({ number: 2, headSha: flaky });
    forge.addPull({ number: 3, headSha: good });
    const planner = new Planner({ forge, jobs, logger: silentLogger() });
    const results = await planner.scanRepository(forge.repository);
    expect(results.get(1)).toMatchObject({ kind: 'config-error' });
    expect(results.get(2)).toEqual({ kind: 'failed', message: expect.stringMatching(/Bad Gateway/) });
    expect(results.get(3)).toMatchObject({ kind: 'planned' });
    expect(forge.statusesFor(bomb).map((s) => [s.context, s.state])).toEqual([[CONFIG_CONTEXT, 'error']]);
    expect(forge.statusesFor(good).map((s) => [s.context, s.description])).toEqual([
      ['unit', NOT_YET_TESTED],
    ]);
    expect((await jobs.stats()).queued).toBe(1);
  });
});
