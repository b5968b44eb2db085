import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ContainerImageTarget,
  type ContainerImageTargetOptions,
} from '../../actions/release/targets/container-target.ts';
import { ReleaseTargetError } from '../../actions/release/targets/release-target.ts';
import { importBusyboxImage } from '../../runner-agent/src/executors/busybox-image.ts';
import { startOciRegistry, type OciRegistry } from '../../emulators/oci-registry.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { releaseSpec, releaseTargetContract } from './release-target-contract.ts';

const run = promisify(execFile);
const USER = 'releaser';
const PASSWORD = 'registry-password-0123456789';

let registry: OciRegistry;
let shared: { dir: string; remove(): Promise<void> };
/** A busybox image FROM scratch, saved as an OCI archive the way a build would produce it. */
let archive: string;
let archiveDigest: string;
/** The same image as `docker save` writes it. */
let dockerArchive: string;
let repositoryCounter = 0;

async function digestOf(ociArchive: string): Promise<string> {
  const { stdout } = await run('skopeo', ['inspect', '--raw', `oci-archive:${ociArchive}`], {
    encoding: 'buffer',
  });
  return `sha256:${createHash('sha256').update(stdout).digest('hex')}`;
}

/** A build context: FROM scratch with this machine's static busybox and a file that tells builds apart. */
async function buildContext(dir: string, marker: string): Promise<string> {
  const context = path.join(dir, `context-${randomBytes(4).toString('hex')}`);
  await mkdir(context);
  await copyFile('/usr/bin/busybox', path.join(context, 'busybox'));
  await writeFile(path.join(context, 'marker'), marker);
  await writeFile(
    path.join(context, 'Containerfile'),
    'FROM scratch\nCOPY busybox /bin/busybox\nCOPY marker /etc/marker\nCMD ["/bin/busybox", "sh"]\n',
  );
  return context;
}

beforeAll(async () => {
  registry = await startOciRegistry({ users: { [USER]: PASSWORD } });
  shared = await withTempDir('ironbots-container-target-');
  const containersConf = path.join(shared.dir, 'containers.conf');
  await writeFile(containersConf, '[containers]\ndefault_ulimits = []\n');
  const image = `localhost/ironbots-test-busybox-${randomBytes(4).toString('hex')}`;
  await importBusyboxImage({ image, containersConf });
  archive = path.join(shared.dir, 'widget-image.oci.tar');
  const env = { ...process.env, CONTAINERS_CONF: containersConf };
  try {
    await run(
      'podman',
      ['--runtime', 'runc', 'save', '--quiet', '--format', 'oci-archive', '-o', archive, image],
      {
        env,
      },
    );
    dockerArchive = path.join(shared.dir, 'widget-image.docker.tar');
    await run(
      'podman',
      ['--runtime', 'runc', 'save', '--quiet', '--format', 'docker-archive', '-o', dockerArchive, image],
      { env },
    );
  } finally {
    await run('podman', ['--runtime', 'runc', 'rmi', '--force', image], { env }).catch(() => undefined);
  }
  archiveDigest = await digestOf(archive);
});
afterAll(async () => {
  await registry?.stop();
  await shared?.remove();
});

function target(options: Partial<ContainerImageTargetOptions> & { image: string }): ContainerImageTarget {
  return new ContainerImageTarget({
    registry: registry.host,
    username: USER,
    password: PASSWORD,
    tlsVerify: false,
    ...options,
  });
}

releaseTargetContract('ContainerImageTarget against a real docker-registry', async () => {
  const image = `acme/contract-${repositoryCounter++}`;
  const bytes = await readFile(archive);
  const spec = releaseSpec('1.2.0', [
    {
      name: 'widget-image.oci.tar',
      path: archive,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    },
  ]);
  return {
    spec,
    target: () => target({ image, archive: 'widget-image.oci.tar' }),
    async visible() {
      const tags = await registry.tags(image, USER);
      return tags.length ? tags : null;
    },
    async stored() {
      return {
        tags: await registry.tags(image, USER),
        manifest: await registry.hasManifest(image, archiveDigest, USER),
      };
    },
    async cleanup() {},
  };
});

describe('ContainerImageTarget', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let image: string;
  beforeEach(async () => {
    tmp = await withTempDir('ironbots-container-target-');
    image = `acme/widget-${repositoryCounter++}`;
  });
  afterEach(async () => {
    await tmp.remove();
  });

  it('pushes by digest in prepare, tags in publish; a rebuild of the same context is already released', async () => {
    const context = await buildContext(tmp.dir, 'release 1.2.0\n');
    const spec = releaseSpec('1.2.0', []);
    const lines: string[] = [];
    const log = {
      info: (message: string) => lines.push(message),
      notice: (message: string) => lines.push(message),
      warn: () => undefined,
      error: () => undefined,
      debug: () => undefined,
      group: <T>(_name: string, run: () => Promise<T>) => run(),
    };
    const first = target({ image, buildContext: context, movingTags: ['latest'], log });
    const { plan } = await first.prepare(spec);
    // The push shows its progress in the log, as skopeo reports it.
    expect(lines.join('\n')).toMatch(/container: Copying blob sha256:[0-9a-f]+/);
    expect(lines.join('\n')).toMatch(/container: Writing manifest/);
    expect(plan.map((p) => p.action)).toEqual(['push image', 'tag', 'move tag']);
    const digest = plan[0]!.detail!.match(/@(sha256:[0-9a-f]{64})/)![1]!;
    expect(await registry.hasManifest(image, digest, USER)).toBe(true);
    expect(await registry.tags(image, USER)).toEqual([]);

    const published = await first.publish(spec);
    expect(published).toMatchObject({
      target: 'container',
      url: `${registry.host}/${image}:1.2.0`,
      id: digest,
    });
    expect((await registry.tags(image, USER)).sort()).toEqual(['1.2.0', 'latest']);
    const { stdout } = await run('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--creds',
      `${USER}:${PASSWORD}`,
      '--format',
      '{{.Digest}}',
      `docker://${registry.host}/${image}:1.2.0`,
    ]);
    expect(stdout.trim()).toBe(digest);

    const rerun = target({ image, buildContext: context, movingTags: ['latest'] });
    const again = await rerun.prepare(spec);
    expect(again.plan.map((p) => p.action)).toEqual(['keep image', 'already tagged', 'move tag']);
    expect((await rerun.publish(spec)).id).toBe(digest);
  });

  it('never moves a release tag: another image for a released version fails in prepare and pushes nothing', async () => {
    const spec = releaseSpec('1.0.0', []);
    const released = target({ image, buildContext: await buildContext(tmp.dir, 'first\n') });
    await released.prepare(spec);
    const { id: releasedDigest } = await released.publish(spec);

    const other = target({ image, buildContext: await buildContext(tmp.dir, 'different\n') });
    const attempt = other.prepare(spec);
    await expect(attempt).rejects.toBeInstanceOf(ReleaseTargetError);
    await expect(attempt).rejects.toThrow(
      new RegExp(
        `container: ${registry.host}/${image}:1\\.0\\.0 already points to ${releasedDigest}.*never moved`,
      ),
    );
    expect(await registry.tags(image, USER)).toEqual(['1.0.0']);
  });

  it('moves `latest` to a newer release and leaves the older release tag where it was', async () => {
    const older = target({
      image,
      buildContext: await buildContext(tmp.dir, '1.0\n'),
      movingTags: ['latest'],
    });
    const { id: olderDigest } = await older.publish(releaseSpec('1.0.0', []));
    const newer = target({
      image,
      buildContext: await buildContext(tmp.dir, '1.1\n'),
      movingTags: ['latest'],
    });
    const { id: newerDigest } = await newer.publish(releaseSpec('1.1.0', []));
    expect(newerDigest).not.toBe(olderDigest);
    const digestOfTag = async (tag: string) =>
      (
        await run('skopeo', [
          'inspect',
          '--tls-verify=false',
          '--creds',
          `${USER}:${PASSWORD}`,
          '--format',
          '{{.Digest}}',
          `docker://${registry.host}/${image}:${tag}`,
        ])
      ).stdout.trim();
    expect(await digestOfTag('1.0.0')).toBe(olderDigest);
    expect(await digestOfTag('1.1.0')).toBe(newerDigest);
    expect(await digestOfTag('latest')).toBe(newerDigest);
  });

  it('names missing and refused credentials, a missing archive and a context without a Containerfile', async () => {
    const spec = releaseSpec('1.0.0', []);
    await expect(target({ image, archive, password: '' }).prepare(spec)).rejects.toThrow(
      /container: no credentials given for 127\.0\.0\.1:\d+/,
    );
    const refused = target({ image, archive, password: 'wrong-password-987' }).prepare(spec);
    await expect(refused).rejects.toThrow(new RegExp(`refused the credentials of ${USER}`));
    await expect(refused).rejects.not.toThrow(/wrong-password-987/);
    await expect(target({ image, archive: 'missing.oci.tar' }).prepare(spec)).rejects.toThrow(
      /image archive missing\.oci\.tar not found/,
    );
    await expect(target({ image, buildContext: tmp.dir }).prepare(spec)).rejects.toThrow(
      /no Containerfile in the build context/,
    );
    await expect(target({ image }).prepare(spec)).rejects.toThrow(
      /exactly one of archive .* or buildContext/,
    );
    expect(await registry.tags(image, USER)).toEqual([]);
    expect(await registry.hasManifest(image, archiveDigest, USER)).toBe(false);
  });

  it('pushes a docker-archive too, and names a file that is no image archive', async () => {
    const spec = releaseSpec('3.0.0', []);
    const published = await target({ image, archive: dockerArchive }).publish(spec);
    expect(published.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await registry.tags(image, USER)).toEqual(['3.0.0']);
    expect(await registry.hasManifest(image, published.id!, USER)).toBe(true);

    const notAnImage = path.join(tmp.dir, 'notes.tar');
    await writeFile(path.join(tmp.dir, 'notes.txt'), 'not an image\n');
    await run('tar', ['-cf', notAnImage, '-C', tmp.dir, 'notes.txt']);
    await expect(target({ image, archive: notAnImage }).prepare(releaseSpec('3.0.1', []))).rejects.toThrow(
      /is neither an OCI archive \(oci-layout\) nor a docker archive/,
    );
  });

  it('rollback is best effort where the registry refuses deletes', async () => {
    const strict = await startOciRegistry({ users: { [USER]: PASSWORD }, deleteEnabled: false });
    try {
      const spec = releaseSpec('1.0.0', []);
      const staged = new ContainerImageTarget({
        registry: strict.host,
        image,
        username: USER,
        password: PASSWORD,
        tlsVerify: false,
        archive,
      });
      await staged.prepare(spec);
      await expect(staged.rollback(spec)).resolves.toBeUndefined();
      // Still there, but untagged: nobody pulling a tag sees it.
      expect(await strict.hasManifest(image, archiveDigest, USER)).toBe(true);
      expect(await strict.tags(image, USER)).toEqual([]);
    } finally {
      await strict.stop();
    }
  });
});
