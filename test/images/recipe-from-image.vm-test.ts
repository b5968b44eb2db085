import { execFile, spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../runner-agent/src/vm/debian-kernel.ts';
import { VmExecutor } from '../../runner-agent/src/executors/vm-executor.ts';
import { loadImageRecipe } from '../../runner-agent/src/images/image-recipe.ts';
import { hostDebianMirror, RecipeImageBuilder } from '../../runner-agent/src/images/recipe-image-builder.ts';
import { sha256OfFile } from '../../runner-agent/src/images/verified-download.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { qemuProcessesUnder, vmToolsPresent } from '../executors/vm-test-image.ts';

const run = promisify(execFile);
const toolsPresent =
  vmToolsPresent && spawnSync('sh', ['-c', 'command -v mmdebstrap && command -v sfdisk']).status === 0;

/**
 * A stand-in for a distribution's cloud image, made here because this machine cannot download one: a GPT disk
 * whose small first partition is a BIOS boot partition and whose second holds a Debian root filesystem with
 * apt but without systemd (so the build must install it from the image's own apt sources), and an
 * /etc/cloud directory like cloud-init's. qcow2, as distributions publish them.
 */
async function makeCloudImage(dir: string): Promise<string> {
  const rootfs = path.join(dir, 'fixture-root');
  const mirror = await hostDebianMirror();
  await run('mmdebstrap', ['--quiet', '--variant=minbase', 'bookworm', rootfs, mirror], {
    maxBuffer: 64 * 1024 * 1024,
  });
  await mkdir(path.join(rootfs, 'etc', 'cloud'), { recursive: true });
  await writeFile(path.join(rootfs, 'etc', 'cloud', 'cloud.cfg'), '# cloud-init would read this\n');
  const root = path.join(dir, 'root.ext4');
  await run('mke2fs', ['-q', '-F', '-t', 'ext4', '-d', rootfs, root, '900M']);
  await rm(rootfs, { recursive: true });
  const disk = path.join(dir, 'disk.raw');
  await run('truncate', ['-s', '903M', disk]);
  const table = spawnSync('sfdisk', ['--quiet', disk], {
    input: [
      'label: gpt',
      'start=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649',
      'start=4096, size=1843200, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4',
      '',
    ].join('\n'),
  });
  if (table.status !== 0) throw new Error(`sfdisk: ${table.stderr.toString()}`);
  await run('dd', [`if=${root}`, `of=${disk}`, 'bs=1M', 'seek=2', 'conv=notrunc,sparse', 'status=none']);
  await rm(root);
  const qcow2 = path.join(dir, 'cloud.qcow2');
  await run('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', disk, qcow2]);
  await rm(disk);
  return qcow2;
}

describe.skipIf(!toolsPresent)('a recipe on a downloaded disk image', () => {
  let dir: { dir: string; remove(): Promise<void> };
  let server: Server;
  let imageUrl: string;
  let sha256: string;

  beforeAll(async () => {
    dir = await withTempDir('ironbots-cloud-image-');
    const qcow2 = await makeCloudImage(dir.dir);
    sha256 = await sha256OfFile(qcow2);
    const size = (await stat(qcow2)).size;
    server = createServer((request, response) => {
      response.writeHead(200, { 'content-length': size });
      if (request.method === 'HEAD') response.end();
      else createReadStream(qcow2).pipe(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    imageUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/cloud.qcow2`;
  });

  afterAll(async () => {
    server?.close();
    if (sha256) await rm(path.join(defaultCacheDir(), 'base-images', sha256), { force: true });
    await dir?.remove();
  });

  it('is built from the image’s root partition with the recipe’s packages, files and commands, and runs a job', async () => {
    const recipeFile = path.join(dir.dir, 'recipes', 'cloudy.yml');
    await mkdir(path.dirname(recipeFile), { recursive: true });
    await writeFile(
      recipeFile,
      [
        'base:',
        '  image:',
        `    url: ${imageUrl}`,
        `    sha256: ${sha256}`,
        'packages: [hello]',
        'files:',
        '  - path: /etc/from-recipe',
        '    content: "a file from the recipe\\n"',
        'commands:',
        '  - echo "ran at build time" >/etc/from-command',
        'disk-megabytes: 1536',
        '',
      ].join('\n'),
    );
    const recipe = await loadImageRecipe(recipeFile);
    // The default cache, as `ironbots image build` uses: the kernel package is there already.
    const builder = new RecipeImageBuilder({ recipe });
    const lines: string[] = [];
    const io = { log: (line: string) => lines.push(line) };
    const built = await builder.build('cloudy', path.join(dir.dir, 'store'), io);
    expect(lines.join('\n')).toMatch(/copying the root filesystem from partition 2/);
    // Nothing is left mounted or attached by the build.
    expect(await readFile('/proc/mounts', 'utf8')).not.toContain(dir.dir);
    expect((await run('losetup', ['--list', '--noheadings'])).stdout).not.toContain(dir.dir);
    await builder.bootTest(built, io);

    const state = await withTempDir('ironbots-cloud-vm-');
    const work = await withTempDir('ironbots-cloud-work-');
    try {
      const executor = new VmExecutor({ stateDir: state.dir });
      const chunks: Buffer[] = [];
      const result = await executor.run(
        {
          jobId: 'cloudy',
          argv: [
            'sh',
            '-c',
            [
              'hello',
              'cat /etc/from-recipe /etc/from-command',
              'test -e /etc/cloud/cloud-init.disabled && echo "cloud-init disabled"',
              'cat /proc/1/comm',
              '. /etc/os-release && echo "$VERSION_CODENAME"',
            ].join(' && '),
          ],
          workdir: work.dir,
          env: { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' },
          timeoutMs: 300_000,
          image: built.path,
        },
        { onOutput: (c) => chunks.push(c), signal: new AbortController().signal },
      );
      expect(Buffer.concat(chunks).toString('utf8')).toBe(
        'Hello, world!\na file from the recipe\nran at build time\ncloud-init disabled\nsystemd\nbookworm\n',
      );
      expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      expect(qemuProcessesUnder(state.dir)).toEqual([]);
    } finally {
      await state.remove();
      await work.remove();
    }
  });

  it('names the package the image’s apt sources do not have, and leaves nothing in the store', async () => {
    const recipeFile = path.join(dir.dir, 'recipes', 'broken.yml');
    await mkdir(path.dirname(recipeFile), { recursive: true });
    await writeFile(
      recipeFile,
      [
        'base:',
        '  image:',
        `    url: ${imageUrl}`,
        `    sha256: ${sha256}`,
        'packages:',
        '  - hello',
        '  - no-such-package-ironbots',
        '',
      ].join('\n'),
    );
    const recipe = await loadImageRecipe(recipeFile);
    const store = path.join(dir.dir, 'broken-store');
    const error = await new RecipeImageBuilder({ recipe })
      .build('broken', store, { log: () => undefined })
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(error?.message).toMatch(
      /broken\.yml line 7: packages\.1: no package "no-such-package-ironbots" in the base image's apt sources/,
    );
    expect(await readFile('/proc/mounts', 'utf8')).not.toContain(dir.dir);
    expect(spawnSync('ls', ['-A', store]).stdout.toString()).toBe('');
  });
});
