import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { silentLogger } from '../../core/logger.ts';
import type { CommitStatus, RepositoryId } from '../../forge/forge.ts';
import { LocalStack } from '../../runner-agent/src/local/local-stack.ts';
import type { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';

const repo: RepositoryId = { owner: 'acme', name: 'widget' };
const FINAL = new Set(['success', 'failure', 'error']);

/**
 * A pull request that moves on (a new push) or closes: its jobs that are no longer needed are cancelled
 * when the event comes, a queued one before it ever starts, a running one stopped by its agent; each
 * context of the old head ends with one final status that says why.
 */
describe('jobs of a superseded or closed pull request', () => {
  let stack: LocalStack;
  let copy: GitWorkingCopy;
  let markers: string;
  let number: number;
  let firstSha: string;

  const config = (sleep: number) =>
    [
      'contexts:',
      // One agent slot: `slow` runs, `later` waits in the queue behind it.
      '  slow:',
      `    run: [sh, -c, 'echo "start $IRONBOTS_SHA" >>${markers}; sleep ${sleep}']`,
      '  later:',
      `    run: [sh, -c, 'echo "later $IRONBOTS_SHA" >>${markers}']`,
      '',
    ].join('\n');

  beforeEach(async () => {
    stack = await LocalStack.start({ logger: silentLogger(), cancelCheckMs: 200 });
    markers = path.join(stack.stateDir, 'markers.txt');
    const created = await stack.createRepository(repo);
    copy = created.workingCopy;
    await copy.writeFiles({ 'README.md': { content: 'widget\n' } });
    await copy.commit('main');
    await copy.push('main');
    await copy.checkoutNewBranch('topic');
    await copy.writeFiles({ '.ironbots.yml': { content: config(120) } });
    firstSha = await copy.commit('slow tests');
    await copy.push('topic');
    number = (await stack.forge.createPullRequest(repo, { title: 'change', head: 'topic', base: 'main' }))
      .number;
    await expect
      .poll(async () => readFile(markers, 'utf8').catch(() => ''), { timeout: 60_000 })
      .toContain(`start ${firstSha}`);
  });
  afterEach(async () => stack?.stop());

  const finals = async (sha: string): Promise<Record<string, CommitStatus[]>> => {
    const out: Record<string, CommitStatus[]> = {};
    for (const s of await stack.forge.listCommitStatusHistory(repo, sha))
      if (FINAL.has(s.state)) (out[s.context] ??= []).push(s);
    return out;
  };

  it('cancels the old head’s running and queued jobs when the pull request moves on, and tests the new head', async () => {
    await copy.writeFiles({ '.ironbots.yml': { content: config(0) } });
    const newSha = await copy.commit('quick tests');
    await copy.push('topic');
    await expect
      .poll(async () => Object.keys(await finals(newSha)).sort(), { timeout: 60_000 })
      .toEqual(['later', 'slow']);
    const old = await finals(firstSha);
    expect(old.slow!.map((s) => [s.state, s.description])).toEqual([
      [
        'error',
        expect.stringMatching(
          new RegExp(`^Cancelled: by ironbots \\(superseded by ${newSha.slice(0, 7)}\\) \\[local-agent\\]`),
        ),
      ],
    ]);
    expect(old.later!.map((s) => [s.state, s.description])).toEqual([
      ['error', `Cancelled: by ironbots (superseded by ${newSha.slice(0, 7)}), before it started`],
    ]);
    // The old head's queued job never ran.
    expect(await readFile(markers, 'utf8')).not.toContain(`later ${firstSha}`);
  });

  it('cancels them when the pull request is closed', async () => {
    await stack.forge.closePullRequest(repo, number);
    await expect
      .poll(async () => Object.keys(await finals(firstSha)).sort(), { timeout: 60_000 })
      .toEqual(['later', 'slow']);
    const old = await finals(firstSha);
    expect(old.slow!.map((s) => s.description)).toEqual([
      expect.stringMatching(/^Cancelled: by ironbots \(the pull request was closed\) \[local-agent\]/),
    ]);
    expect(old.later!.map((s) => s.description)).toEqual([
      'Cancelled: by ironbots (the pull request was closed), before it started',
    ]);
  });
});
