import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitLabEmulator } from '../../emulators/gitlab/gitlab-emulator.ts';
import { ensureRecipeImage, localImagesDir } from '../../runner-agent/src/deployment/vm-setup.ts';
import { loadImageRecipe, recipeFile } from '../../runner-agent/src/images/image-recipe.ts';
import { GUEST_GATEWAY } from '../../runner-agent/src/vm/guest-network.ts';
import { pushProject, runOneJob, type HarnessOptions } from '../support/gitlab-runner-harness.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { qemuProcessesUnder, vmToolsPresent } from '../executors/vm-test-image.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const TOKEN = 'maintainer-token';

/**
 * The whole flow as a GitLab user gets it: a job with `tags: [kvm]` on the GitLab emulator, gitlab-runner
 * (the harness) with `executor = "custom"` and ironbots as the driver, the job's debian-12 VM cloning the
 * project from the emulator's git over QEMU's user network (clone_url at 10.0.2.2) and running the script.
 */
describe.skipIf(!vmToolsPresent)('ironbots gitlab-executor on debian-12, end to end', () => {
  let emulator: GitLabEmulator;
  let tmp: { dir: string; remove(): Promise<void> };
  let runner: { id: number; token: string };
  let sha: string;
  let options: () => HarnessOptions;

  beforeAll(async () => {
    const recipe = await loadImageRecipe(recipeFile('debian-12', repoRoot));
    const blob = await ensureRecipeImage({ recipe, print: (line) => console.log(line) });
    tmp = await withTempDir('ironbots-gitlab-debian-');
    emulator = await GitLabEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
    await emulator.createProject('acme', 'widget', { defaultBranch: 'main' });
    sha = await pushProject(emulator.url, TOKEN, 'acme/widget', {
      'test.sh': '#!/bin/bash\necho "testing $(basename "$PWD") with bash $BASH_VERSION"\n',
    });
    runner = emulator.registerRunner({ tags: ['kvm', 'x86_64'] });
    options = () => ({
      gitlabUrl: emulator.url,
      runnerToken: runner.token,
      shell: 'bash',
      cloneUrl: `http://${GUEST_GATEWAY}:${new URL(emulator.url).port}`,
      configArgs: ['--state-dir', path.join(tmp.dir, 'state'), '--image', path.join(localImagesDir(), blob)],
    });
  });
  afterAll(async () => {
    await emulator?.stop();
    await tmp?.remove();
  });

  it('a job tagged kvm: the VM clones the project from GitLab, runs the script, the job succeeds', async () => {
    const job = await emulator.createCiJob('acme/widget', {
      tags: ['kvm'],
      image: 'debian-12',
      script: ['bash test.sh', 'git log --format=%H -1', '. /etc/os-release && echo "on $VERSION_CODENAME"'],
    });
    const result = await runOneJob(options());
    expect(result?.jobId).toBe(job.id);
    const done = emulator.ciJob(job.id)!;
    expect(done.status, done.trace).toBe('success');
    expect(done.trace).toContain('image: debian-12');
    expect(done.trace).toContain('Fetching changes...');
    expect(done.trace).toMatch(/testing widget with bash 5\./);
    expect(done.trace).toContain(`${sha}\n`);
    expect(done.trace).toContain('on bookworm\n');
    expect(qemuProcessesUnder(tmp.dir)).toEqual([]);
    expect(await readdir(path.join(tmp.dir, 'state', 'gitlab-jobs'))).toEqual([]);
  });

  it('a failing script: failed with script_failure, and the trace shows where', async () => {
    const job = await emulator.createCiJob('acme/widget', {
      tags: ['kvm'],
      script: ['test -f test.sh', 'grep -q no-such-text test.sh', 'echo never'],
      afterScript: ['echo "after_script sees $(ls)"'],
    });
    await runOneJob(options());
    const done = emulator.ciJob(job.id)!;
    expect(done).toMatchObject({ status: 'failed', failureReason: 'script_failure' });
    expect(done.trace).toContain('$ grep -q no-such-text test.sh\n');
    expect(done.trace).not.toContain('never\n');
    expect(done.trace).toContain('after_script sees test.sh\n');
    expect(qemuProcessesUnder(tmp.dir)).toEqual([]);
  });
});
