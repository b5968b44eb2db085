import { readdirSync, readFileSync } from 'node:fs';

/**
 * Process-group bookkeeping for jobs started with `detached: true` (setsid): the job's command leads its own
 * group, so everything it starts, including background processes, can be signalled and waited for at once.
 */

/**
 * Whether any member of the group is still running. Zombies do not count: where PID 1 does not reap orphans
 * (a container without an init), killed background processes stay behind as zombies and `kill(-pgid, 0)`
 * would report them as alive forever.
 */
export function processGroupAlive(pgid: number): boolean {
  const members = liveGroupMembers(pgid);
  if (members) return members.length > 0;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Live (non-zombie) pids in the group, from /proc; null where there is no /proc. */
export function liveGroupMembers(pgid: number): number[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // `pid (comm) state ppid pgrp …`; comm may contain spaces and parentheses, so parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    if (Number(fields[2]) === pgid && state !== 'Z' && state !== 'X') members.push(Number(entry));
  }
  return members;
}

/** A process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or null if unknown. */
export function processStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const value = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

export function signalProcessGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/**
 * SIGTERM to the whole group, SIGKILL to whatever is left after `graceMs`. Resolves once no member is
 * running any more (or, should a process be stuck in the kernel, shortly after the SIGKILL).
 */
export async function terminateProcessGroup(pgid: number, graceMs: number): Promise<void> {
  if (!processGroupAlive(pgid)) return;
  signalProcessGroup(pgid, 'SIGTERM');
  // A stopped process only acts on SIGTERM once continued.
  signalProcessGroup(pgid, 'SIGCONT');
  if (await waitUntilGone(pgid, graceMs)) return;
  signalProcessGroup(pgid, 'SIGKILL');
  await waitUntilGone(pgid, 2_000);
}

async function waitUntilGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (processGroupAlive(pgid)) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/**
 * Processes whose environment holds every one of `entries` exactly (e.g. `IRONBOTS_JOB_ID=…` and
 * `IRONBOTS_ATTEMPT=…`): what one run of a job started, even where it left the job's process group with
 * setsid (a runner's steps do, as GitHub's runner does). Only processes whose environment this user may
 * read are seen.
 */
export function processesWithEnvironment(entries: readonly string[]): number[] {
  if (entries.length === 0) return [];
  let listed: string[];
  try {
    listed = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const pid of listed) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue; // exited while we looked, or not ours to read
    }
    const have = new Set(environ.split('\0'));
    if (entries.every((entry) => have.has(entry))) pids.push(Number(pid));
  }
  return pids;
}

/** SIGTERM (and SIGCONT), then SIGKILL after `graceMs`, to each process still running. */
export async function terminateProcesses(pids: readonly number[], graceMs: number): Promise<void> {
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // gone already
    }
  };
  const alive = () => pids.filter(isRunning);
  for (const pid of pids) {
    signal(pid, 'SIGTERM');
    signal(pid, 'SIGCONT');
  }
  const deadline = performance.now() + graceMs;
  while (alive().length && performance.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  for (const pid of alive()) signal(pid, 'SIGKILL');
}

/** Running and not a zombie. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
