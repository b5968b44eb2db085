import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  ReleaseAsset,
  ReleaseSpec,
  ReleaseTarget,
} from '../../actions/release/targets/release-target.ts';

/** Writes a file and describes it as the build step would (size, sha256). */
export async function writeAsset(dir: string, name: string, content: string | Buffer): Promise<ReleaseAsset> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  const bytes = Buffer.from(content);
  return { name, path: file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

export function releaseSpec(version: string, assets: ReleaseAsset[], commit = '0'.repeat(40)): ReleaseSpec {
  return {
    tag: `v${version}`,
    version,
    commit,
    title: `Release ${version}`,
    notes: `- cool new feature A\n- fix crash on Fedora (rhbz#1234)\n`,
    assets,
    prerelease: false,
  };
}

export interface TargetFixture {
  /** A new target, as a new run of the action would make it: nothing kept in memory from an earlier run. */
  target(): ReleaseTarget;
  spec: ReleaseSpec;
  /** What users of the target see of this release (a release page, a version, a tag), or null for nothing. */
  visible(): Promise<unknown>;
  /** Everything the target's store holds for this release, visible or staged (files, manifests…). */
  stored(): Promise<unknown>;
  cleanup(): Promise<void>;
}

/**
 * What every release target promises, checked against the real service it talks to: prepare makes nothing
 * visible, rollback after prepare leaves the store as it was, publish makes the release visible and a re-run
 * of the same release changes nothing.
 */
export function releaseTargetContract(name: string, makeFixture: () => Promise<TargetFixture>): void {
  describe(`${name}: release target contract`, () => {
    let fixture: TargetFixture;
    beforeEach(async () => {
      fixture = await makeFixture();
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('prepare makes nothing visible and plans what publish will do', async () => {
      const target = fixture.target();
      const prepared = await target.prepare(fixture.spec);
      expect(prepared.plan.length).toBeGreaterThan(0);
      expect(prepared.plan.every((step) => step.target === target.name)).toBe(true);
      expect(await fixture.visible()).toBeNull();
      await target.rollback(fixture.spec);
    });

    it('rollback after prepare leaves the store as it was', async () => {
      const before = await fixture.stored();
      const target = fixture.target();
      await target.prepare(fixture.spec);
      await target.rollback(fixture.spec);
      expect(await fixture.stored()).toEqual(before);
      expect(await fixture.visible()).toBeNull();
    });

    it('publish makes the release visible; a re-run changes nothing; a late rollback keeps it', async () => {
      const first = fixture.target();
      await first.prepare(fixture.spec);
      const published = await first.publish(fixture.spec);
      expect(published.target).toBe(first.name);
      expect(published.url).toBeTruthy();
      const visible = await fixture.visible();
      expect(visible).not.toBeNull();
      const stored = await fixture.stored();

      const again = fixture.target();
      await again.prepare(fixture.spec);
      const republished = await again.publish(fixture.spec);
      expect(republished.url).toBe(published.url);
      expect(await fixture.visible()).toEqual(visible);
      expect(await fixture.stored()).toEqual(stored);

      // A rollback that comes after publish (another target failed later) must not take the release down.
      await again.rollback(fixture.spec);
      expect(await fixture.visible()).toEqual(visible);
    });
  });
}
