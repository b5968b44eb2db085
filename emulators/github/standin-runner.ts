import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { sha256File } from '../../core/files.ts';

const run = promisify(execFile);
const SOURCE = path.join(import.meta.dirname, 'standin-runner');

/** The version in the stand-in tarball's name; the stand-in has no versions of its own. */
export const STANDIN_RUNNER_VERSION = '2.999.0';

/**
 * Packs the stand-in runner (standin-runner/, python3 standard library only) into `dir` as
 * `actions-runner-linux-x64-<version>.tar.gz`, laid out like GitHub's runner release: `run.sh` and
 * `config.sh` at the top, `bin/standin_runner.py` and a `bin/installdependencies.sh` that has nothing to
 * install. The archive is reproducible (sorted entries, fixed times and owners, gzip without a timestamp),
 * so the same stand-in always has the same sha256.
 */
export async function writeStandinRunnerTarball(
  dir: string,
  options: { version?: string } = {},
): Promise<{ path: string; sha256: string; version: string }> {
  const version = options.version ?? STANDIN_RUNNER_VERSION;
  await mkdir(dir, { recursive: true });
  const stage = await mkdtemp(path.join(dir, '.standin-runner-'));
  try {
    await mkdir(path.join(stage, 'bin'));
    const files: [string, string][] = [
      ['run.sh', 'run.sh'],
      ['config.sh', 'config.sh'],
      ['standin_runner.py', 'bin/standin_runner.py'],
      ['installdependencies.sh', 'bin/installdependencies.sh'],
    ];
    for (const [from, to] of files) {
      await copyFile(path.join(SOURCE, from), path.join(stage, to));
      await chmod(path.join(stage, to), 0o755);
    }
    await chmod(path.join(stage, 'bin'), 0o755);
    await chmod(stage, 0o755);
    const tarball = path.join(dir, `actions-runner-linux-x64-${version}.tar.gz`);
    await run('tar', [
      '--sort=name',
      '--mtime=@0',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '--use-compress-program=gzip -n',
      '-cf',
      tarball,
      '-C',
      stage,
      '.',
    ]);
    return { path: tarball, sha256: await sha256File(tarball), version };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
