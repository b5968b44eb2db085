import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ChangeReport {
  changed: boolean;
  /** Why, in words: the files that changed, or why it could not tell. */
  reason: string;
}

/** Whether anything under `directory` differs from where the current commit left the base branch. */
export type ChangeDetector = (directory: string, baseRef: string) => Promise<ChangeReport>;

/**
 * Compares the working tree with the merge base of HEAD and the base branch (`origin/<base>` first, as a CI
 * checkout has it, then `<base>`), limited to the directory. When no merge base can be found (a shallow
 * clone without the base branch), it reports a change: rebuilding is never wrong on a pull request.
 */
export function gitChangeDetector(repositoryDir: string): ChangeDetector {
  const git = async (...args: string[]) =>
    (await run('git', args, { cwd: repositoryDir, maxBuffer: 16 * 1024 * 1024 })).stdout.trim();
  return async (directory, baseRef) => {
    let mergeBase: string | null = null;
    for (const candidate of [`origin/${baseRef}`, baseRef]) {
      mergeBase = await git('merge-base', candidate, 'HEAD').catch(() => null);
      if (mergeBase) break;
    }
    if (!mergeBase)
      return {
        changed: true,
        reason: `no merge base with ${baseRef} (fetch the base branch, e.g. actions/checkout with fetch-depth: 0); rebuilding`,
      };
    const files = (await git('diff', '--name-only', mergeBase, '--', directory)).split('\n').filter(Boolean);
    // Files not yet known to git count too, for a local run before committing.
    const untracked = (await git('ls-files', '--others', '--exclude-standard', '--', directory))
      .split('\n')
      .filter(Boolean);
    const all = [...new Set([...files, ...untracked])];
    return all.length
      ? {
          changed: true,
          reason: `${all.length} file(s) changed since ${mergeBase.slice(0, 12)}: ${all.slice(0, 10).join(', ')}${all.length > 10 ? ', …' : ''}`,
        }
      : { changed: false, reason: `nothing under ${directory} changed since ${mergeBase.slice(0, 12)}` };
  };
}
