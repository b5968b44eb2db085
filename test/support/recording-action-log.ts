import type { ActionLog } from '../../core/action-log.ts';

/** An ActionLog that keeps what an action would show in the workflow log, one entry per line. */
export function recordingActionLog(): { log: ActionLog; lines: string[]; warnings: string[] } {
  const lines: string[] = [];
  const warnings: string[] = [];
  return {
    lines,
    warnings,
    log: {
      info: (message) => lines.push(message),
      notice: (message) => lines.push(message),
      warn: (message) => warnings.push(message),
      error: (message) => warnings.push(message),
      debug: () => undefined,
      group: (_name, run) => run(),
    },
  };
}
