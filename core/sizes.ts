import prettyBytes from 'pretty-bytes';

/** Sizes, durations and rates as the log and the job summary write them: 12.3 MiB, 4.2 s, 31 MiB/s. */

/** Binary units and three significant digits (500 B, 1.5 KiB, 12.3 MiB, 118 MiB), the same on every locale. */
export function formatBytes(bytes: number): string {
  return prettyBytes(bytes, { binary: true });
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Bytes over milliseconds; an instant transfer (0 ms, a local copy) has no meaningful rate. */
export function formatRate(bytes: number, ms: number): string {
  return ms > 0 ? `${formatBytes((bytes * 1000) / ms)}/s` : 'instant';
}
