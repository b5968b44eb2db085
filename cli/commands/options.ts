import { InvalidArgumentError } from 'commander';

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
