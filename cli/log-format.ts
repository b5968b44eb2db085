import { Option } from 'commander';

export type LogFormat = 'human' | 'json';

/**
 * `--log-format`: what a daemon's log looks like. A person at a terminal reads lines (time, level, message,
 * fields); journald, a container runtime or a log shipper gets pino's JSON lines. Default: by whether stderr
 * is a terminal; IRONBOTS_LOG_FORMAT sets it for a unit file.
 */
export function logFormatOption(): Option {
  return new Option('--log-format <format>', 'human (a terminal’s default) or json (otherwise)')
    .choices(['human', 'json'])
    .env('IRONBOTS_LOG_FORMAT');
}

/** Where the logger writes: stderr as it is for json, through pino-pretty for people. */
export async function logDestination(format: LogFormat | undefined): Promise<NodeJS.WritableStream> {
  const chosen = format ?? (process.stderr.isTTY ? 'human' : 'json');
  if (chosen === 'json') return process.stderr;
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    destination: 2,
    sync: true,
    colorize: process.stderr.isTTY,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,name',
    singleLine: true,
  });
}
