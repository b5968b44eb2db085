import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type {
  ExecutionIO,
  ExecutionOutcome,
  ExecutionRequest,
  ExecutionResult,
  Executor,
} from './executor.ts';

const run = promisify(execFile);

export interface PodmanExecutorOptions {
  /** Where the executor keeps its podman configuration. */
  stateDir: string;
  /** OCI runtime; runc works where crun does not (nested, older kernels). */
  runtime?: string;
  /** Container network; none by default, so a job reaches nothing it was not given. */
  network?: string;
  /** Seconds between SIGTERM and SIGKILL when a job is stopped. */
  killGraceSeconds?: number;
  podmanPath?: string;
}

/** The label that marks our containers, so a restarted agent can find what a killed one left behind. */
const OWNER_LABEL = 'ironbots.executor=podman';

/**
 * Runs the command in a throw-away podman container of the job's image: the checkout is mounted at the same
 * path and is the working directory, the environment is exactly the job's (passed in a private env file, not
 * on podman's command line where `ps` would show it), no network unless configured, no registry pulls.
 */
export class PodmanExecutor implements Executor {
  readonly name = 'podman';
  readonly #podman: string;
  readonly #runtime: string;
  readonly #network: string;
  readonly #killGraceSeconds: number;
  readonly #containersConf: string;

  constructor(options: PodmanExecutorOptions) {
    this.#podman = options.podmanPath ?? 'podman';
    this.#runtime = options.runtime ?? 'runc';
    this.#network = options.network ?? 'none';
    this.#killGraceSeconds = options.killGraceSeconds ?? 5;
    mkdirSync(options.stateDir, { recursive: true });
    this.#containersConf = path.join(options.stateDir, 'containers.conf');
    // Without this, podman asks the runtime for ulimits that nested or restricted hosts refuse.
    writeFileSync(this.#containersConf, '[containers]\ndefault_ulimits = []\n');
  }

  async labels(): Promise<string[]> {
    return ['executor:podman'];
  }

  /** Whether podman works here at all; the agent offers `executor:podman` only then. */
  async available(): Promise<boolean> {
    return this.#podmanCommand(['info', '--format', '{{.Host.OCIRuntime.Name}}']).then(
      () => true,
      () => false,
    );
  }

  async reapLeftovers(): Promise<void> {
    const ids = (
      await this.#podmanCommand(['ps', '--all', '--quiet', '--filter', `label=${OWNER_LABEL}`]).catch(
        () => '',
      )
    )
      .split('\n')
      .filter(Boolean);
    if (ids.length)
      await this.#podmanCommand(['rm', '--force', '--time', '0', ...ids]).catch(() => undefined);
  }

  async run(request: ExecutionRequest, io: ExecutionIO): Promise<ExecutionResult> {
    const started = performance.now();
    const result = (outcome: ExecutionOutcome): ExecutionResult => ({
      outcome,
      durationMs: performance.now() - started,
    });
    if (io.signal.aborted) return result({ kind: 'cancelled' });
    if (!request.image) {
      io.onOutput(
        Buffer.from('ironbots: the podman executor needs an image: set `image:` for this context\n'),
      );
      return result({ kind: 'exited', exitCode: 125 });
    }

    const name = `ironbots-${request.jobId.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60)}-${randomBytes(4).toString('hex')}`;
    const secrets = await mkdtemp(path.join(os.tmpdir(), 'ironbots-podman-'));
    try {
      const envFile = path.join(secrets, 'env');
      // podman's env files are one NAME=value a line: values with a newline go through podman's own
      // environment instead (`--env NAME` copies it from there).
      const passThrough = Object.entries(request.env).filter(([, v]) => v.includes('\n'));
      await writeFile(
        envFile,
        Object.entries(request.env)
          .filter(([, v]) => !v.includes('\n'))
          .map(([k, v]) => `${k}=${v}\n`)
          .join(''),
        { mode: 0o600 },
      );
      const args = [
        '--runtime',
        this.#runtime,
        'run',
        '--rm',
        '--pull=never',
        '--name',
        name,
        '--label',
        OWNER_LABEL,
        '--label',
        `ironbots.job=${request.jobId}`,
        '--network',
        this.#network,
        '--volume',
        `${request.workdir}:${request.workdir}`,
        '--workdir',
        request.workdir,
        // No defaults of podman's own (TERM, container …): the environment is the job's.
        '--unsetenv-all',
        '--env-file',
        envFile,
        ...passThrough.flatMap(([k]) => ['--env', k]),
        '--',
        request.image,
        ...request.argv,
      ];
      return await new Promise<ExecutionResult>((resolve) => {
        const child = spawn(this.#podman, args, {
          env: { ...this.#podmanEnvironment(), ...Object.fromEntries(passThrough) },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stopReason: 'timed-out' | 'cancelled' | undefined;
        let spawnError: Error | undefined;
        const stderrTail: Buffer[] = [];
        const stop = (reason: 'timed-out' | 'cancelled') => {
          if (stopReason) return;
          stopReason = reason;
          void this.#podmanCommand(['stop', '--time', String(this.#killGraceSeconds), name]).catch(
            () => undefined,
          );
        };
        const timer = setTimeout(() => stop('timed-out'), Math.min(request.timeoutMs, 2 ** 31 - 1));
        const onAbort = () => stop('cancelled');
        io.signal.addEventListener('abort', onAbort, { once: true });
        child.once('spawn', () => io.onStarted?.(performance.timeOrigin + performance.now()));
        child.stdout.on('data', (chunk: Buffer) => io.onOutput(chunk));
        child.stderr.on('data', (chunk: Buffer) => {
          io.onOutput(chunk);
          stderrTail.push(chunk);
          if (stderrTail.length > 20) stderrTail.shift();
        });
        child.once('error', (error) => (spawnError = error));
        child.once('close', (code) => {
          clearTimeout(timer);
          io.signal.removeEventListener('abort', onAbort);
          // --rm removes the container; this covers a podman that died before it could.
          void this.#podmanCommand(['rm', '--force', '--ignore', '--time', '0', name])
            .catch(() => undefined)
            .then(() => {
              if (spawnError)
                resolve(
                  result({
                    kind: 'infrastructure-error',
                    message: `cannot run podman: ${spawnError.message}`,
                  }),
                );
              else if (stopReason) resolve(result({ kind: stopReason }));
              // 125: podman itself failed (image missing, runtime broken), not the job's command.
              else if (code === 125) {
                const detail = Buffer.concat(stderrTail).toString('utf8').trim().split('\n').pop() ?? '';
                resolve(result({ kind: 'infrastructure-error', message: `podman failed: ${detail}` }));
              } else resolve(result({ kind: 'exited', exitCode: code ?? 1 }));
            });
        });
      });
    } finally {
      await rm(secrets, { recursive: true, force: true });
    }
  }

  #podmanEnvironment(): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: process.env.HOME ?? '/root',
      CONTAINERS_CONF: this.#containersConf,
      ...(process.env.XDG_RUNTIME_DIR ? { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR } : {}),
    };
  }

  async #podmanCommand(args: string[]): Promise<string> {
    const { stdout } = await run(this.#podman, ['--runtime', this.#runtime, ...args], {
      env: this.#podmanEnvironment(),
    });
    return stdout;
  }
}
