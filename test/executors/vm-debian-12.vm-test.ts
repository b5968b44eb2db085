import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureRecipeImage, localImagesDir } from '../../runner-agent/src/deployment/vm-setup.ts';
import { VmExecutor } from '../../runner-agent/src/executors/vm-executor.ts';
import { loadImageRecipe, recipeFile } from '../../runner-agent/src/images/image-recipe.ts';
import { runContext } from '../../runner-agent/src/local/run-context.ts';
import { silentLogger } from '../../core/logger.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { executorContract } from './executor-contract.ts';
import { vmNetworkCases } from './vm-network-cases.ts';
import { qemuProcessesUnder, vmToolsPresent } from './vm-test-image.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The project's debian-12 recipe, built like `ironbots image build debian-12` does: into the ironbots cache,
 * once per machine and recipe (the build is keyed by the recipe's hash and the guest agent's).
 */
async function debian12(): Promise<string> {
  const recipe = await loadImageRecipe(recipeFile('debian-12', repoRoot));
  const blob = await ensureRecipeImage({ recipe, print: (line) => console.log(line) });
  return path.join(localImagesDir(), blob);
}

let image: string;

describe.skipIf(!vmToolsPresent)('debian-12 image', () => {
  beforeAll(async () => {
    image = await debian12();
  });

  for (const savedStates of [true, false]) {
    executorContract(
      `vm, debian-12, ${savedStates ? 'restored from a saved state' : 'cold boot'}`,
      async () => {
        const state = await withTempDir('ironbots-vm-debian-');
        return {
          executor: new VmExecutor({ stateDir: state.dir, savedStates }),
          image,
          extraEnvNames: ['IRONBOTS_HOST_ADDRESS', 'IRONBOTS_FORWARDED_PORT'],
          cleanup: async () => {
            expect(qemuProcessesUnder(state.dir)).toEqual([]);
            expect(await readdir(path.join(state.dir, 'jobs'))).toEqual([]);
            await state.remove();
          },
        };
      },
    );
  }

  describe('specifics', () => {
    let state: { dir: string; remove(): Promise<void> };
    let executor: VmExecutor;
    beforeAll(async () => {
      state = await withTempDir('ironbots-vm-debian-');
      executor = new VmExecutor({ stateDir: state.dir });
      return () => state.remove();
    });

    async function run(script: string, prepare?: (workdir: string) => Promise<void>) {
      const work = await withTempDir('ironbots-vm-debian-work-');
      const chunks: Buffer[] = [];
      try {
        await prepare?.(work.dir);
        const result = await executor.run(
          {
            jobId: 'debian',
            argv: ['sh', '-c', script],
            workdir: work.dir,
            env: { PATH },
            timeoutMs: 300_000,
            image,
          },
          { onOutput: (c) => chunks.push(c), signal: new AbortController().signal },
        );
        return { result, text: Buffer.concat(chunks).toString('utf8') };
      } finally {
        await work.remove();
      }
    }

    it('is Debian 12 with systemd as init and the guest agent as a running service', async () => {
      const { result, text } = await run(
        '. /etc/os-release; echo "$VERSION_CODENAME"; cat /proc/1/comm; systemctl is-active ironbots-guest.service',
      );
      expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      expect(text).toBe('bookworm\nsystemd\nactive\n');
    });

    it('runs apt against the mirror it was built from', async () => {
      const { result, text } = await run(
        'apt-get update -q 2>&1 | tail -1 && apt-cache policy hello | head -3',
      );
      expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      expect(text).toMatch(/Reading package lists/);
      expect(text).toMatch(/Candidate: \d/);
    });

    it('runs podman containers inside, with no network and on podman’s own bridge to the host', async () => {
      const server = createServer((_request, response) => response.end('host reached from a container\n'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      try {
        // No registry here: the container image is a static busybox the job imports from its working directory.
        const { result, text } = await run(
          [
            'set -e',
            'podman import -q rootfs.tar localhost/busybox >/dev/null',
            'podman run --rm --network none localhost/busybox /bin/busybox sh -c "echo in a container; /bin/busybox ip -o link | /bin/busybox wc -l"',
            `podman run --rm localhost/busybox /bin/busybox wget -qO- "http://$IRONBOTS_HOST_ADDRESS:${port}/"`,
            'podman info --format "{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}}"',
          ].join('\n'),
          async (workdir) => {
            const rootfs = path.join(workdir, 'rootfs');
            await mkdir(path.join(rootfs, 'bin'), { recursive: true });
            await copyFile('/usr/bin/busybox', path.join(rootfs, 'bin', 'busybox'));
            execFileSync('tar', ['-C', rootfs, '-cf', path.join(workdir, 'rootfs.tar'), '.']);
          },
        );
        expect(text).toMatch(/^in a container\n1\nhost reached from a container\n\S+ overlay\n$/);
        expect(result.outcome).toEqual({ kind: 'exited', exitCode: 0 });
      } finally {
        server.close();
      }
    });

    describe('guest network', () => {
      vmNetworkCases(() => ({ executor, image, env: { PATH } }), {
        fetch: 'curl -sS',
        serve: (port, dir) =>
          `python3 -m http.server --bind 0.0.0.0 --directory ${dir} ${port} >/dev/null 2>&1 &`,
      });
    });
  });

  it('`ironbots run` runs a context with image: debian-12 in the vm executor', async () => {
    const project = await withTempDir('ironbots-run-debian-');
    const state = await withTempDir('ironbots-run-debian-state-');
    try {
      await writeFile(
        path.join(project.dir, '.ironbots.yml'),
        [
          'contexts:',
          '  in-debian:',
          '    run: [sh, -c, ". /etc/os-release && echo \\"$PRETTY_NAME\\" && cat input.txt"]',
          '    executor: vm',
          '    image: debian-12',
          '',
        ].join('\n'),
      );
      await mkdir(project.dir, { recursive: true });
      await writeFile(path.join(project.dir, 'input.txt'), 'from the project\n');
      const log: string[] = [];
      const result = await runContext({
        dir: project.dir,
        context: 'in-debian',
        executor: 'vm',
        stateDir: state.dir,
        output: (chunk) => log.push(chunk.toString()),
        print: () => undefined,
        logger: silentLogger(),
        signal: new AbortController().signal,
      });
      const text = log.join('');
      expect(result, text).toMatchObject({ kind: 'verdict', verdict: { state: 'success' } });
      expect(text).toContain('Debian GNU/Linux 12 (bookworm)\nfrom the project\n');
      expect(text).toMatch(/network: user-mode/);
    } finally {
      await project.remove();
      await state.remove();
    }
  });
});
