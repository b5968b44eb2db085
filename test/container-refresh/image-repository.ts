import { execFile } from 'node:child_process';
import { copyFile, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const GIT_ENV = {
  PATH: process.env.PATH,
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

/** The applets the test commands use; a full busybox install is not needed. */
const APPLETS = ['sh', 'cat', 'echo', 'test', 'grep', 'true', 'false'];

/** A RUN step too, so the build runs a container (with runc) as real Containerfiles do. */
export const GOOD_CONTAINERFILE =
  'FROM scratch\nCOPY rootfs/ /\nENV PATH=/bin\nRUN echo built > /etc/built\n';

/**
 * A git checkout whose `ci-image/` builds a container with no registry pull: `FROM scratch` plus this
 * machine's static busybox, and an `/etc/version` file the tests change to tell images apart.
 */
export class ImageRepository {
  readonly dir: string;
  readonly imageDir = 'ci-image';

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async create(dir: string, version: string): Promise<ImageRepository> {
    const repo = new ImageRepository(dir);
    const rootfs = path.join(dir, repo.imageDir, 'rootfs');
    await mkdir(path.join(rootfs, 'bin'), { recursive: true });
    await mkdir(path.join(rootfs, 'etc'), { recursive: true });
    await copyFile('/usr/bin/busybox', path.join(rootfs, 'bin/busybox'));
    for (const applet of APPLETS) await symlink('busybox', path.join(rootfs, 'bin', applet));
    await writeFile(path.join(dir, 'README'), 'a project\n');
    await repo.writeContainerfile(GOOD_CONTAINERFILE);
    await repo.setVersion(version);
    await repo.git('init', '--quiet', '--initial-branch', 'main');
    await repo.commit('initial');
    return repo;
  }

  async setVersion(version: string): Promise<void> {
    await writeFile(path.join(this.dir, this.imageDir, 'rootfs/etc/version'), `${version}\n`);
  }

  async writeContainerfile(text: string): Promise<void> {
    await writeFile(path.join(this.dir, this.imageDir, 'Containerfile'), text);
  }

  async writeOutside(file: string, text: string): Promise<void> {
    await writeFile(path.join(this.dir, file), text);
  }

  async remove(file: string): Promise<void> {
    await rm(path.join(this.dir, file), { force: true });
  }

  async commit(message: string): Promise<void> {
    await this.git('add', '--all');
    await this.git('commit', '--quiet', '--allow-empty', '-m', message);
  }

  async git(...args: string[]): Promise<string> {
    return (await run('git', ['-C', this.dir, ...args], { env: GIT_ENV })).stdout.trim();
  }
}
