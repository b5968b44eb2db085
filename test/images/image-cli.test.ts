import { spawn } from 'node:child_process';
import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256OfFile } from '../../runner-agent/src/images/verified-download.ts';
import { startS3Server } from '../support/s3-server.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { EMULATOR_TOKEN, emulatedRepository } from './emulated-repository.ts';
import { writeRandomImage } from './image-store-contract.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

function ironbots(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'cli/ironbots.ts'), ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('ironbots image build --input', () => {
  it('exits 2 with a clear message for a malformed, undeclared, missing or mismatching input, building nothing', async () => {
    const build = (...args: string[]) => ironbots(['image', 'build', ...args, '-C', repoRoot]);
    const malformed = await build('github-runner', '--input', 'runner-url');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(
      /option '--input <key=value>' argument 'runner-url' is invalid\. expected key=value/,
    );
    const undeclared = await build('debian-12', '--input', 'colour=red');
    expect(undeclared.code).toBe(2);
    expect(undeclared.stderr).toMatch(
      /debian-12\.yml: inputs: no input "colour" is declared \(this recipe declares no inputs\)/,
    );
    const missing = await build('github-runner', '--input', 'runner-url=http://127.0.0.1:9/runner.tar.gz');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /github-runner\.yml line \d+: inputs\.runner-sha256: the input "runner-sha256" is required and was not given/,
    );
    const mismatching = await build(
      'github-runner',
      '--input',
      'runner-url=http://127.0.0.1:9/runner.tar.gz',
      '--input',
      'runner-sha256=not-a-checksum',
    );
    expect(mismatching.code).toBe(2);
    expect(mismatching.stderr).toMatch(
      /inputs\.runner-sha256: the input "runner-sha256" is "not-a-checksum", which does not match/,
    );
    expect(mismatching.stdout).toBe('');
  });

  it('takes --project, the old name of --dir, with a warning', async () => {
    const old = await ironbots([
      'image',
      'build',
      'debian-12',
      '--input',
      'colour=red',
      '--project',
      repoRoot,
    ]);
    expect(old.stderr).toContain('warning: --project is renamed to --dir (-C)');
    // It still names the same directory: the recipe was found there (and refused the undeclared input).
    expect(old.stderr).toMatch(/debian-12\.yml: inputs: no input "colour" is declared/);
    expect(old.code).toBe(2);
  });
});

describe('ironbots image … (the CLI as a process)', () => {
  let t: Awaited<ReturnType<typeof emulatedRepository>>;
  let config: string;
  let storeDir: string;
  let cacheDir: string;

  beforeEach(async () => {
    t = await emulatedRepository();
    storeDir = path.join(t.dir, 'store');
    cacheDir = path.join(t.dir, 'cache');
    config = path.join(t.dir, 'config.yml');
    await writeFile(
      config,
      [
        `stateDir: ${t.dir}/state`,
        'forge:',
        `  apiUrl: ${t.emulator.url}`,
        '  token: ${FORGE_TOKEN}',
        '  repositories: [acme/widget]',
        'images:',
        '  kind: filesystem',
        `  dir: ${storeDir}`,
        `  cacheDir: ${cacheDir}`,
        '',
      ].join('\n'),
    );
  });
  afterEach(async () => t.cleanup());

  const run = (...args: string[]) => ironbots([...args, '--config', config], { FORGE_TOKEN: EMULATOR_TOKEN });

  it('uploads, lists, fetches into the cache, and prunes against the forge', async () => {
    const source = path.join(t.dir, 'built.qcow2');
    await writeRandomImage(source, 3 * 1024 * 1024, 'debian');
    const upload = await run('image', 'upload', source, '--name', 'debian');
    expect(upload.stderr).toMatch(/^upload debian-[0-9a-f]{64}\.qcow2: done, 3 MiB$/m);
    expect(upload.code).toBe(0);
    const blob = upload.stdout.trim();
    expect(blob).toBe(`debian-${await sha256OfFile(source)}.qcow2`);

    const list = await run('image', 'list');
    expect(list.stdout).toMatch(new RegExp(`^${blob}\\t3 MiB\\t0h\\t`, 'm'));

    const checkout = path.join(t.dir, 'checkout');
    await mkdir(path.join(checkout, 'images'), { recursive: true });
    await writeFile(path.join(checkout, 'images', 'debian'), `${blob}\n`);
    const fetched = await run('image', 'fetch', 'debian', '--dir', checkout);
    expect(fetched.code).toBe(0);
    expect(fetched.stdout).toBe(`${path.join(cacheDir, blob)}\n`);
    expect(fetched.stderr).toContain(`image ${blob}: sha256 verified`);
    expect(await sha256OfFile(fetched.stdout.trim())).toBe(await sha256OfFile(source));

    // An old blob nobody refers to goes; the one main refers to stays, however old.
    const other = path.join(t.dir, 'other.qcow2');
    const stale = (
      await run(
        'image',
        'upload',
        await writeRandomImage(other, 1000, 'debian').then(() => other),
        '--name',
        'debian',
      )
    ).stdout.trim();
    const longAgo = new Date(Date.now() - 90 * 24 * 3600 * 1000);
    for (const b of [blob, stale]) await utimes(path.join(storeDir, b), longAgo, longAgo);
    await t.clone.createBranchWithFile('main', 'images/debian', `${blob}\n`);
    const dry = await run('image', 'prune', '--older-than-days', '30', '--dry-run');
    expect(dry.stdout).toContain(`would remove ${stale}`);
    expect(dry.stdout).toContain(`keeping ${blob}: acme/widget@main`);
    const prune = await run('image', 'prune', '--older-than-days', '30');
    expect(prune.code).toBe(0);
    expect(prune.stdout).toContain('removed 1, kept 1');
    expect((await run('image', 'list')).stdout).not.toContain(stale);
  });

  it('fails with a clear message and exit 1 on a corrupt blob, and leaves nothing in the cache', async () => {
    const blob = `debian-${'a'.repeat(64)}.qcow2`;
    await mkdir(storeDir, { recursive: true });
    await writeFile(path.join(storeDir, blob), 'not what the name says');
    const fetched = await run('image', 'fetch', blob);
    expect(fetched.code).toBe(1);
    expect(fetched.stderr).toMatch(
      /^ironbots: .*sha256 is [0-9a-f]{64}, but its name says a{64}; the download was deleted$/m,
    );
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('says what is missing for image-refresh and prune without a forge', async () => {
    await writeFile(config, `stateDir: ${t.dir}/state\nimages:\n  kind: filesystem\n  dir: ${storeDir}\n`);
    const refresh = await run('image-refresh', 'debian');
    expect(refresh.code).toBe(1);
    expect(refresh.stderr).toContain('name the repository with --repository owner/name');
    const prune = await run('image', 'prune', '--older-than-days', '3', '--repository', 'acme/widget');
    expect(prune.stderr).toContain('the forge section is required for `ironbots image prune`');
  });

  it('reads an S3 image store from the configuration', async () => {
    const s3 = await startS3Server('ci-images');
    try {
      await writeFile(
        config,
        [
          `stateDir: ${t.dir}/state`,
          'images:',
          '  kind: s3',
          '  bucket: ci-images',
          `  endpoint: ${s3.endpoint}`,
          '  forcePathStyle: true',
          '  accessKeyId: S3RVER',
          '  secretAccessKey: ${S3_SECRET}',
          `  cacheDir: ${cacheDir}`,
          '',
        ].join('\n'),
      );
      const source = path.join(t.dir, 'built.qcow2');
      const blob = await writeRandomImage(source, 10_000, 'fedora');
      const env = { S3_SECRET: 'S3RVER' };
      const upload = await ironbots(['image', 'upload', source, '--name', 'fedora', '--config', config], env);
      expect(upload.stdout.trim()).toBe(blob);
      const list = await ironbots(['image', 'list', '--config', config], env);
      expect(list.stdout).toMatch(new RegExp(`^${blob}\\t9\\.77 KiB\\t`, 'm'));
    } finally {
      await s3.stop();
    }
  });
});

describe('ironbots image-refresh (the CLI as a process, the real busybox image builder)', () => {
  it('builds and boots a real image, uploads it, and opens the pull request on the forge', async () => {
    const t = await emulatedRepository();
    try {
      await t.clone.createBranchWithFile(
        'main',
        'images/debian-busybox',
        `debian-busybox-${'0'.repeat(64)}.qcow2\n`,
      );
      const config = path.join(t.dir, 'config.yml');
      await writeFile(
        config,
        [
          `stateDir: ${t.dir}/state`,
          'forge:',
          `  apiUrl: ${t.emulator.url}`,
          '  token: ${FORGE_TOKEN}',
          '  repositories: [acme/widget]',
          '',
        ].join('\n'),
      );
      const work = path.join(t.dir, 'refresh-work');
      await mkdir(work);
      const refresh = await ironbots(
        ['image-refresh', 'debian-busybox', '--config', config, '--work-dir', work],
        {
          FORGE_TOKEN: EMULATOR_TOKEN,
        },
      );
      expect(refresh.stderr).not.toMatch(/^ironbots:/m);
      expect(refresh.code).toBe(0);
      expect(refresh.stdout).toMatch(/boot test passed/);
      const [pr] = await t.forge.listOpenPullRequests(t.repo);
      expect(pr).toMatchObject({ title: 'images: refresh debian-busybox' });
      const blob = (await t.forge.getFileContent(t.repo, 'images/debian-busybox', pr!.headSha))!.trim();
      expect(refresh.stdout).toContain(`debian-busybox: ${pr!.htmlUrl}`);
      // The default store: <stateDir>/images, holding exactly the blob the pull request names.
      expect(await sha256OfFile(path.join(t.dir, 'state', 'images', blob))).toBe(
        /^debian-busybox-([0-9a-f]{64})\.qcow2$/.exec(blob)![1],
      );
      const { readdir } = await import('node:fs/promises');
      expect(await readdir(work)).toEqual([]);
    } finally {
      await t.cleanup();
    }
  }, 600_000);
});

describe('ironbots image-refresh --pull-request (a task box; the real busybox image builder)', () => {
  it("commits images/<name> onto the pull request's branch and ticks exactly its box", async () => {
    const t = await emulatedRepository();
    try {
      await t.clone.createBranchWithFile('main', 'README.md', 'widget\n');
      await t.clone.createBranchWithFile('topic', 'feature.txt', 'feature\n');
      const body = '- [ ] image-refresh other\n- [ ] image-refresh debian-busybox\n\nThanks!\n';
      const pr = await t.forge.createPullRequest(t.repo, {
        title: 'feature',
        head: 'topic',
        base: 'main',
        body,
      });
      const config = path.join(t.dir, 'config.yml');
      await writeFile(
        config,
        [
          `stateDir: ${t.dir}/state`,
          'forge:',
          `  apiUrl: ${t.emulator.url}`,
          '  token: ${FORGE_TOKEN}',
          '  repositories: [acme/widget]',
          '',
        ].join('\n'),
      );
      const work = path.join(t.dir, 'refresh-work');
      await mkdir(work);
      const refresh = await ironbots(
        [
          'image-refresh',
          'debian-busybox',
          '--pull-request',
          String(pr.number),
          '--config',
          config,
          '--work-dir',
          work,
        ],
        { FORGE_TOKEN: EMULATOR_TOKEN },
      );
      expect(refresh.stderr).not.toMatch(/^ironbots:/m);
      expect(refresh.code).toBe(0);
      const after = await t.forge.getPullRequest(t.repo, pr.number);
      expect(refresh.stdout).toContain(
        `debian-busybox: pushed ${after.headSha.slice(0, 7)} to ${pr.htmlUrl}, box ticked`,
      );
      expect(after.body).toBe('- [ ] image-refresh other\n- [x] image-refresh debian-busybox\n\nThanks!\n');
      const blob = (await t.forge.getFileContent(t.repo, 'images/debian-busybox', after.headSha))!.trim();
      expect(await sha256OfFile(path.join(t.dir, 'state', 'images', blob))).toBe(
        /^debian-busybox-([0-9a-f]{64})\.qcow2$/.exec(blob)![1],
      );
      expect(await t.forge.getFileContent(t.repo, 'feature.txt', after.headSha)).toBe('feature\n');
      expect(await t.forge.getFileContent(t.repo, 'images/debian-busybox', 'main')).toBeNull();
      expect(await t.forge.listOpenPullRequests(t.repo)).toHaveLength(1);

      const usage = await ironbots([
        'image-refresh',
        'debian-busybox',
        '--pull-request',
        'x',
        '--config',
        config,
      ]);
      expect(usage.code).not.toBe(0);
      expect(usage.stderr).toContain('expected a positive whole number, got "x"');
    } finally {
      await t.cleanup();
    }
  }, 600_000);
});

describe('ironbots image fetch killed midway (kill -9), then run again', () => {
  it('resumes from the .part the killed process left, and verifies the whole image', async () => {
    const s3 = await startS3Server('resume-images');
    const tmp = await withTempDir();
    try {
      const cacheDir = path.join(tmp.dir, 'cache');
      const config = path.join(tmp.dir, 'config.yml');
      await writeFile(
        config,
        [
          `stateDir: ${tmp.dir}/state`,
          'images:',
          '  kind: s3',
          '  bucket: resume-images',
          `  endpoint: ${s3.endpoint}`,
          '  forcePathStyle: true',
          '  accessKeyId: S3RVER',
          '  secretAccessKey: S3RVER',
          `  cacheDir: ${cacheDir}`,
          '',
        ].join('\n'),
      );
      const source = path.join(tmp.dir, 'big.qcow2');
      const blob = await writeRandomImage(source, 96 * 1024 * 1024, 'debian');
      expect((await ironbots(['image', 'upload', source, '--name', 'debian', '--config', config])).code).toBe(
        0,
      );

      const part = path.join(cacheDir, `${blob}.part`);
      const child = spawn(
        process.execPath,
        [path.join(repoRoot, 'cli/ironbots.ts'), 'image', 'fetch', blob, '--config', config],
        { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: 'ignore' },
      );
      let exitedBy: NodeJS.Signals | 'exit' | null = null;
      const exited = new Promise<NodeJS.Signals | 'exit' | null>((resolve) =>
        child.on('exit', (code, signal) => resolve((exitedBy = signal ?? (code === null ? null : 'exit')))),
      );
      // Killed as soon as part of the image has reached the disk.
      const partSize = async () => (await stat(part).catch(() => null))?.size ?? 0;
      while (exitedBy === null && (await partSize()) < 8 * 1024 * 1024) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(exitedBy).toBeNull();
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const kept = (await stat(part)).size;
      expect(kept).toBeLessThan(96 * 1024 * 1024);

      const again = await ironbots(['image', 'fetch', blob, '--config', config]);
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(new RegExp(`image ${blob}: resumed from byte (\\d+)`));
      expect(Number(/resumed from byte (\d+)/.exec(again.stderr)![1])).toBeGreaterThanOrEqual(kept);
      expect(await sha256OfFile(again.stdout.trim())).toBe(await sha256OfFile(source));
    } finally {
      await tmp.remove();
      await s3.stop();
    }
  }, 120_000);
});
