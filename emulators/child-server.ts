import type { ChildProcess } from 'node:child_process';

/**
 * For emulators that are real servers run as child processes (docker-registry, verdaccio): wait until one
 * answers, and stop one for good.
 */

/** Polls `ready()` every 100 ms for up to 30 s; fails with the server's output if it exits or never answers. */
export async function waitUntilServing(
  name: string,
  child: ChildProcess,
  ready: () => Promise<boolean>,
  output: () => string,
): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${output()}`);
    try {
      if (await ready()) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not answer: ${output()}`);
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
