import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { glob, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { exec } from '@actions/exec';
import type { ActionLog } from '../../core/action-log.ts';
import { errorMessage } from '../../core/errors.ts';
import type { ReleaseAsset } from './targets/release-target.ts';

/**
 * The release's build step: run the configured command in the checkout of the tag (argv, never a shell
 * unless the user writes one), then collect the assets the patterns name and write SHA256SUMS for them.
 * The build gets no tokens: nothing it runs can publish or leak them.
 */

export const CHECKSUMS_NAME = 'SHA256SUMS';

export class BuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildError';
  }
}

export interface BuildOptions {
  /** The checkout of the tagged commit: the build runs here and asset patterns are relative to it. */
  repoDir: string;
  /** argv of the build command; empty for none (assets committed or made by an earlier step). */
  command: readonly string[];
  /** Glob patterns (node:fs glob syntax) of the files to release, relative to repoDir. */
  patterns: readonly string[];
  /** Where SHA256SUMS is written (outside the checkout, so the build's tree stays as it was). */
  outDir: string;
  /** The build's environment; the caller removes secrets. */
  env: Record<string, string | undefined>;
  log?: ActionLog;
}

export async function buildAssets(options: BuildOptions): Promise<ReleaseAsset[]> {
  if (options.command.length > 0) await runBuild(options);
  const assets = await collectAssets(options.repoDir, options.patterns);
  if (assets.length === 0) return [];
  const checksums = path.join(options.outDir, CHECKSUMS_NAME);
  await writeFile(checksums, sha256sums(assets));
  return [...assets, await describeFile(CHECKSUMS_NAME, checksums)];
}

/** `sha256sum` output for the assets, sorted by name: `sha256sum -c SHA256SUMS` checks a download. */
export function sha256sums(assets: readonly ReleaseAsset[]): string {
  return [...assets]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((a) => `${a.sha256}  ${a.name}\n`)
    .join('');
}

/** The files the patterns match; every pattern must match a file, and names must be unique. */
export async function collectAssets(repoDir: string, patterns: readonly string[]): Promise<ReleaseAsset[]> {
  const byName = new Map<string, ReleaseAsset>();
  for (const pattern of patterns) {
    if (path.isAbsolute(pattern) || pattern.split(/[\\/]/).includes('..'))
      throw new BuildError(`asset pattern "${pattern}" must stay inside the repository (relative, no "..")`);
    const files: string[] = [];
    for await (const match of glob(pattern, { cwd: repoDir })) {
      const file = path.join(repoDir, match);
      if ((await stat(file)).isFile()) files.push(file);
    }
    if (files.length === 0)
      throw new BuildError(
        `missing build output: asset pattern "${pattern}" matched no file in ${repoDir} (did the build write it there?)`,
      );
    for (const file of files.sort()) {
      const name = path.basename(file);
      const clash = byName.get(name);
      if (clash?.path === file) continue;
      if (clash || name === CHECKSUMS_NAME)
        throw new BuildError(
          `asset name clash: ${clash ? `${path.relative(repoDir, clash.path)} and ` : ''}${path.relative(repoDir, file)} would both be released as "${name}"${name === CHECKSUMS_NAME ? ' (the release writes SHA256SUMS itself)' : ''}; rename one or narrow the patterns`,
        );
      byName.set(name, await describeFile(name, file));
    }
  }
  return [...byName.values()];
}

async function describeFile(name: string, file: string): Promise<ReleaseAsset> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return { name, path: file, bytes: (await stat(file)).size, sha256: hash.digest('hex') };
}

/** How many of a failed build's last lines its error carries. */
const TAIL_LINES = 20;

/**
 * Runs the build through @actions/exec, its output in the log line by line, and fails with its last lines
 * when it fails.
 */
async function runBuild(options: BuildOptions): Promise<void> {
  const [program, ...args] = options.command;
  const tail: string[] = [];
  const line = (text: string) => {
    options.log?.info(text);
    tail.push(text);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  let exitCode: number;
  try {
    exitCode = await exec(program!, args, {
      cwd: options.repoDir,
      env: Object.fromEntries(
        Object.entries(options.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
      ),
      silent: true,
      ignoreReturnCode: true,
      listeners: { stdline: line, errline: line },
    });
  } catch (error) {
    // @actions/exec looks the program up on PATH before it starts anything.
    if (/Unable to locate executable file/.test(errorMessage(error)))
      throw new BuildError(
        `build command not found: ${program} (the build runs without a shell; write "sh -c '…'" for one)`,
      );
    throw error;
  }
  if (exitCode !== 0)
    throw new BuildError(
      `build failed (exit ${exitCode}): ${options.command.join(' ')}${tail.length ? `\n${tail.join('\n')}` : ''}`,
    );
}
