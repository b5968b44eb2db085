import { formatBytes } from '../../../core/sizes.ts';

/**
 * Progress of a long transfer (an image is gigabytes): a bar redrawn in place on a terminal, and on anything
 * else (a job log, a pipe) a plain line now and then, so logs stay readable.
 */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface TransferProgress {
  update(done: number, total: number): void;
  /** Ends the bar or prints the final line. */
  finish(): void;
}

export function transferProgress(
  label: string,
  output: ProgressOutput,
  options: { now?: () => number; plainEveryMs?: number } = {},
): TransferProgress {
  const now = options.now ?? Date.now;
  const plainEveryMs = options.plainEveryMs ?? 10_000;
  const started = now();
  let lastDrawn = -Infinity;
  let lastPercent = -1;
  let done = 0;
  let total = 0;

  const rate = (): string => {
    const seconds = (now() - started) / 1000;
    return seconds > 0 ? `${formatBytes(done / seconds)}/s` : '';
  };

  return {
    update(d, t) {
      done = d;
      total = t;
      const percent = t > 0 ? Math.floor((d / t) * 100) : 100;
      if (output.isTTY) {
        // Redraw at most once per percent: a terminal cannot show more and writes cost.
        if (percent === lastPercent && d < t) return;
        lastPercent = percent;
        const width = Math.max(10, Math.min(40, (output.columns ?? 80) - label.length - 40));
        const filled = Math.round((percent / 100) * width);
        output.write(
          `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}% ` +
            `${formatBytes(d)}/${formatBytes(t)} ${rate()}\x1b[K`,
        );
        return;
      }
      if (now() - lastDrawn < plainEveryMs) return;
      lastDrawn = now();
      output.write(`${label}: ${percent}% (${formatBytes(d)} of ${formatBytes(t)}) ${rate()}\n`);
    },
    finish() {
      if (output.isTTY) output.write('\n');
      else output.write(`${label}: done, ${formatBytes(total || done)}\n`);
    },
  };
}
