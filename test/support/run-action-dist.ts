import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { withTempDir } from './temp-dir.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface ActionDistRun {
  code: number | null;
  /** stdout and stderr as the workflow log shows them, workflow commands (::error:: …) included. */
  log: string;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * Runs an action's committed bundle as the Actions runner does: `node dist/index.js` with action.yml's
 * defaults applied (expressions aside), each input as INPUT_<NAME> upper-cased with hyphens kept, and output
 * and summary files that exist. `action` is the folder holding action.yml, e.g. `actions/release` or `.`.
 * A log line that is a JSON log record fails the run: an action logs through workflow commands only.
 */
export async function runActionDist(
  action: string,
  options: {
    inputs: Record<string, string>;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    /** What node runs, relative to the action's folder: the bundle, or its TypeScript source (main.ts). */
    entry?: string;
  },
): Promise<ActionDistRun> {
  const actionDir = path.join(repoRoot, action);
  const declared = (
    parseYaml(await readFile(path.join(actionDir, 'action.yml'), 'utf8')) as {
      inputs?: Record<string, { default?: string }>;
    }
  ).inputs;
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared ?? {}))
    if (spec.default !== undefined && !spec.default.includes('${{')) inputs[name] = spec.default;
  Object.assign(inputs, options.inputs);

  const tmp = await withTempDir('ironbots-action-run-');
  try {
    const outputFile = path.join(tmp.dir, 'output');
    const summaryFile = path.join(tmp.dir, 'summary');
    await writeFile(outputFile, '');
    await writeFile(summaryFile, '');
    const child = spawn(process.execPath, [path.join(actionDir, options.entry ?? 'dist/index.js')], {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        RUNNER_TEMP: tmp.dir,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const jsonRecord = log.split('\n').find((line) => /^\{".*"(level|msg)":/.test(line));
    if (jsonRecord) throw new Error(`${action} printed a JSON log record: ${jsonRecord}`);
    const outputs: Record<string, string> = {};
    // The runner's file format: name<<DELIMITER, value lines, DELIMITER.
    const text = await readFile(outputFile, 'utf8');
    for (const match of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[match[1]!] = match[3]!;
    return { code, log, outputs, summary: await readFile(summaryFile, 'utf8') };
  } finally {
    await tmp.remove();
  }
}
