import { spawn } from 'node:child_process';

/** Start → the process's first line on stdout (or its exit, for `node -e 0`). */
export function timeToFirstLine(args: string[], env: Record<string, string>, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'ignore'] });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(performance.now() - t0);
      child.kill();
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.includes(10)) finish();
    });
    child.on('error', reject);
    child.on('close', finish);
  });
}
