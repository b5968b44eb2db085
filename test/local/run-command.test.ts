import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FILES_MAIN } from '../../runner-agent/src/local/demo-project.ts';
import { vmToolsPresent } from '../executors/vm-test-image.ts';
import { withTempDir } from '../support/temp-dir.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const podmanWorks = spawnSync('podman', ['--runtime', 'runc', '--version']).status === 0;

async function ironbotsRun(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'cli/ironbots.ts'), 'run', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

describe('ironbots run <context>', () => {
  let project: { dir: string; remove(): Promise<void> };
  let state: { dir: string; remove(): Promise<void> };

  beforeAll(async () => {
    project = await withTempDir('ironbots-run-project-');
    state = await withTempDir('ironbots-run-state-');
    for (const [file, { content, executable }] of Object.entries(DEMO_FILES_MAIN)) {
      await mkdir(path.dirname(path.join(project.dir, file)), { recursive: true });
      await writeFile(path.join(project.dir, file), content);
      if (executable) await chmod(path.join(project.dir, file), 0o755);
    }
    const git = (...args: string[]) =>
      spawnSync('git', ['-C', project.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args]);
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'demo');
    // What a person runs is their working tree: an ignored file stays out, an uncommitted one is in.
    await writeFile(path.join(project.dir, '.gitignore'), 'build/\n');
    await mkdir(path.join(project.dir, 'build'));
    await writeFile(path.join(project.dir, 'build', 'huge.bin'), 'not for the job\n');
  });
  afterAll(async () => {
    await project.remove();
    await state.remove();
  });

  it('runs a context of the working tree with the process executor and exits 0', async () => {
    await writeFile(path.join(project.dir, 'VERSION'), '2.0\n');
    const { code, stdout, stderr } = await ironbotsRun(['unit', '-C', project.dir, '--state-dir', state.dir]);
    expect(stdout).toContain('ok 1 - VERSION 2.0 is major.minor');
    expect(stdout).toContain('ok 2 - no agent secrets in the environment');
    expect(stdout).toMatch(/copying \d+ file\(s\)/);
    expect(stderr).toMatch(/unit success: Passed in .* \[local\]/);
    expect(code, stdout + stderr).toBe(0);
  });

  it('exits 1 when the context fails, with its output', async () => {
    await writeFile(path.join(project.dir, 'VERSION'), 'two\n');
    const { code, stdout, stderr } = await ironbotsRun(['unit', '-C', project.dir, '--state-dir', state.dir]);
    expect(stdout).toContain('not ok 1 - VERSION two is not major.minor');
    expect(stderr).toMatch(/unit failure: Failed \(exit code 1\)/);
    expect(code).toBe(1);
    await writeFile(path.join(project.dir, 'VERSION'), '1.0\n');
  });

  it('exits 2 for a context the project does not define, naming the ones it does', async () => {
    const { code, stderr } = await ironbotsRun(['nope', '-C', project.dir, '--state-dir', state.dir]);
    expect(stderr).toContain('no context "nope" in .ironbots.yml; it defines: unit, lint');
    expect(code).toBe(2);
  });

  it('exits 2 for a directory without .ironbots.yml', async () => {
    const { code, stderr } = await ironbotsRun(['unit', '-C', state.dir]);
    expect(stderr).toContain('has no .ironbots.yml');
    expect(code).toBe(2);
  });

  it.skipIf(!podmanWorks)('runs the context in a podman container', { timeout: 300_000 }, async () => {
    const { code, stdout, stderr } = await ironbotsRun([
      'unit',
      '-C',
      project.dir,
      '--executor',
      'podman',
      '--state-dir',
      state.dir,
    ]);
    expect(stdout).toContain('ok 1 - VERSION 1.0 is major.minor');
    expect(stdout).toContain('with the podman executor');
    expect(code, stdout + stderr).toBe(0);
  });

  it.skipIf(!vmToolsPresent)('runs the context in a VM', { timeout: 900_000 }, async () => {
    const { code, stdout, stderr } = await ironbotsRun([
      'unit',
      '-C',
      project.dir,
      '--executor',
      'vm',
      '--state-dir',
      state.dir,
    ]);
    expect(stdout).toContain('ok 1 - VERSION 1.0 is major.minor');
    expect(stdout).toMatch(/running on kernel .*amd64/);
    expect(stderr).toMatch(/unit success: Passed in .* \[local, VM, (KVM|TCG without KVM)\]/);
    expect(code, stdout + stderr).toBe(0);
  });
});
