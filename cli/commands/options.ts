import { InvalidArgumentError, Option } from 'commander';

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive whole number, got "${value}"`);
  return n;
}

/** The deployment configuration every server-side command reads. */
export const DEFAULT_CONFIG = process.env.IRONBOTS_CONFIG ?? '/etc/ironbots/config.yml';

export const CONFIG_OPTION = [
  '-c, --config <file>',
  'deployment configuration (env IRONBOTS_CONFIG)',
  DEFAULT_CONFIG,
] as const;

/** One name for a command's working directory, everywhere: `-C, --dir <dir>` (like `git -C`, `make -C`). */
export function DIR_OPTION(description: string): [string, string] {
  return ['-C, --dir <dir>', `${description} (default: the current directory)`];
}

/** An older name of --dir, still taken (hidden from help) with a warning, for one release. */
export function renamedDirOption(flag: '--project' | '--checkout'): Option {
  return new Option(`${flag} <dir>`, `renamed to --dir`).hideHelp();
}

/** The directory a command works in: --dir, else an older name of it (saying so), else the current one. */
export function directoryOf(options: { dir?: string; project?: string; checkout?: string }): string {
  const old = options.project !== undefined ? 'project' : options.checkout !== undefined ? 'checkout' : null;
  if (old && options.dir === undefined)
    process.stderr.write(
      `ironbots: warning: --${old} is renamed to --dir (-C); it will go in a later release\n`,
    );
  return options.dir ?? options.project ?? options.checkout ?? '.';
}
