import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moveFloatingTags, type FloatingTagKind } from '../../actions/release/floating-tags.ts';
import { GIT_ENV } from '../support/git-fixture.ts';
import { recordingActionLog } from '../support/recording-action-log.ts';
import { GitHubReleaseWorld, OWNER, REPO, TOKEN } from './github-release-world.ts';

const run = promisify(execFile);

/**
 * A maintainer's clone of acme/widget on the GitHub emulator, origin set up with credentials as
 * actions/checkout leaves it, and a release history made of commits and tags pushed over git.
 */
describe('floating tags (vX, vX.Y) against the emulator’s git', () => {
  let world: GitHubReleaseWorld;
  let work: string;
  const git = async (...args: string[]) =>
    (await run('git', ['-C', work, ...args], { env: GIT_ENV })).stdout.trim();

  /** A new commit on the current branch, tagged (annotated, as releases are) and pushed. */
  async function release(tag: string): Promise<string> {
    await git('commit', '--quiet', '--allow-empty', '-m', `release ${tag}`);
    await git('tag', '-a', '-m', tag, tag);
    await git('push', '--quiet', 'origin', 'HEAD', `refs/tags/${tag}`);
    return git('rev-parse', 'HEAD');
  }

  /** What the remote's tag names now (peeled to the commit). */
  async function remoteTag(name: string): Promise<string | null> {
    const lines = (await git('ls-remote', '--tags', 'origin', `refs/tags/${name}`, `refs/tags/${name}^{}`))
      .split('\n')
      .filter(Boolean);
    const line = lines.find((l) => l.endsWith('^{}')) ?? lines[0];
    return line ? line.split('\t')[0]! : null;
  }

  async function move(tag: string, commit: string, kinds: FloatingTagKind[], dryRun = false) {
    const { log, lines, warnings } = recordingActionLog();
    const moves = await moveFloatingTags({
      repoDir: work,
      tag,
      commit,
      kinds,
      dryRun,
      log,
      env: GIT_ENV,
    });
    return { moves, lines, warnings };
  }

  beforeEach(async () => {
    world = await GitHubReleaseWorld.start();
    work = path.join(world.dir, 'work');
    const url = new URL(world.emulator.cloneUrl(OWNER, REPO));
    url.username = 'x-access-token';
    url.password = TOKEN;
    await run('git', ['init', '--quiet', '--initial-branch', 'main', work], { env: GIT_ENV });
    await git('remote', 'add', 'origin', url.toString());
  });
  afterEach(() => world.stop());

  it('creates vX and vX.Y at the first release, moves them with each newer one, and leaves older lines alone', async () => {
    const first = await release('v1.0.0');
    const created = await move('v1.0.0', first, ['major', 'minor']);
    expect(created.moves.map((m) => [m.tag, m.outcome])).toEqual([
      ['v1', 'created'],
      ['v1.0', 'created'],
    ]);
    expect(created.lines).toContain(`floating tag v1: created at ${first.slice(0, 12)} (v1.0.0)`);
    expect(await remoteTag('v1')).toBe(first);
    expect(await remoteTag('v1.0')).toBe(first);

    const second = await release('v1.1.0');
    const moved = await move('v1.1.0', second, ['major', 'minor']);
    expect(moved.moves.map((m) => [m.tag, m.from, m.outcome])).toEqual([
      ['v1', first, 'moved'],
      ['v1.1', null, 'created'],
    ]);
    expect(moved.lines).toContain(
      `floating tag v1: moved from ${first.slice(0, 12)} to ${second.slice(0, 12)} (v1.1.0)`,
    );
    // git's own report of the forced update is in the log too, without the credentials of the remote.
    expect(moved.lines).toContainEqual(
      expect.stringMatching(/^git: \+ [0-9a-f]+\.\.\.[0-9a-f]+ .* -> v1 \(forced update\)$/),
    );
    expect(moved.lines.join('\n')).not.toContain(TOKEN);
    expect(await remoteTag('v1')).toBe(second);
    expect(await remoteTag('v1.0')).toBe(first);
    expect(await remoteTag('v1.1')).toBe(second);

    const major = await release('v2.0.0');
    await move('v2.0.0', major, ['major']);
    expect(await remoteTag('v2')).toBe(major);
    expect(await remoteTag('v2.0')).toBeNull();
    expect(await remoteTag('v1')).toBe(second);
  });

  it('never moves backwards: a fix released for an older line moves only that line’s tag', async () => {
    const v100 = await release('v1.0.0');
    await move('v1.0.0', v100, ['major', 'minor']);
    const v110 = await release('v1.1.0');
    await move('v1.1.0', v110, ['major', 'minor']);

    await git('checkout', '--quiet', '-b', 'stable-1.0', 'v1.0.0');
    const v101 = await release('v1.0.1');
    const backport = await move('v1.0.1', v101, ['major', 'minor']);
    expect(backport.moves.map((m) => [m.tag, m.outcome, m.newer])).toEqual([
      ['v1', 'kept', 'v1.1.0'],
      ['v1.0', 'moved', undefined],
    ]);
    expect(backport.lines).toContain(
      `floating tag v1: stays at ${v110.slice(0, 12)}: v1.1.0 is newer than v1.0.1`,
    );
    expect(await remoteTag('v1')).toBe(v110);
    expect(await remoteTag('v1.0')).toBe(v101);
  });

  it('a pre-release or a version without three parts moves nothing; a re-run and a dry run change nothing', async () => {
    const v100 = await release('v1.0.0');
    await move('v1.0.0', v100, ['major']);
    const rc = await release('v1.1.0-rc.1');
    const prerelease = await move('v1.1.0-rc.1', rc, ['major', 'minor']);
    expect(prerelease.moves).toEqual([]);
    expect(prerelease.lines).toEqual(['floating tags: v1.1.0-rc.1 is a pre-release; none is moved']);
    const short = await release('v1.1');
    const twoParts = await move('v1.1', short, ['major']);
    expect(twoParts.moves).toEqual([]);
    expect(twoParts.warnings).toEqual([expect.stringMatching(/v1\.1 is not an X\.Y\.Z version/)]);
    expect(await remoteTag('v1')).toBe(v100);

    const again = await move('v1.0.0', v100, ['major']);
    expect(again.moves.map((m) => m.outcome)).toEqual(['unchanged']);

    const v120 = await release('v1.2.0');
    const dry = await move('v1.2.0', v120, ['major'], true);
    expect(dry.moves.map((m) => m.outcome)).toEqual(['would move']);
    expect(dry.lines).toContain(
      `floating tag v1: would move from ${v100.slice(0, 12)} to ${v120.slice(0, 12)} (v1.2.0)`,
    );
    expect(await remoteTag('v1')).toBe(v100);
  });

  it('a remote git cannot read fails the move with git’s reason', async () => {
    const v100 = await release('v1.0.0');
    await git('remote', 'set-url', 'origin', world.emulator.cloneUrl(OWNER, REPO).replace(REPO, 'missing'));
    await expect(move('v1.0.0', v100, ['major'])).rejects.toThrow(/git ls-remote failed \(exit code \d+\)/);
  });
});
