import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { exec } from '@actions/exec';
import { errorMessage } from '../../core/errors.ts';

/** How one step went, with everything it printed (stdout and stderr interleaved). */
export interface StepOutcome {
  ok: boolean;
  log: string;
}

/** The container operations container-refresh needs; PodmanEngine runs them with podman (buildah inside). */
export interface ContainerEngine {
  build(contextDir: string, containerfile: string, tag: string): Promise<StepOutcome>;
  /** Runs `/bin/sh -c command` in a throw-away container of the image, without network. */
  test(image: string, command: string): Promise<StepOutcome>;
  pull(reference: string): Promise<StepOutcome>;
  /** Pushes the local image to `destination` (registry/name:tag); `digest` is the pushed manifest's. */
  push(image: string, destination: string): Promise<StepOutcome & { digest?: string }>;
  removeImage(image: string): Promise<void>;
}

export interface PodmanEngineOptions {
  /** Where the engine keeps its containers.conf and registry auth file. */
  stateDir: string;
  /** OCI runtime; runc works where crun does not (nested, older kernels). */
  runtime?: string;
  /** false: plain HTTP and no certificate checks, for a registry on this machine. */
  tlsVerify?: boolean;
  /** Written to an auth file (never on a command line, where `ps` shows it). */
  credentials?: { registry: string; username: string; password: string } | null;
  podmanPath?: string;
  /** Each line any podman command prints, as it comes. */
  onLine?: (line: string) => void;
}

/** podman (and buildah, which `podman build` is) on this machine, configured to work nested. */
export class PodmanEngine implements ContainerEngine {
  readonly #podman: string;
  readonly #runtime: string;
  readonly #tlsVerify: boolean;
  readonly #env: NodeJS.ProcessEnv;
  readonly #onLine: (line: string) => void;

  constructor(options: PodmanEngineOptions) {
    this.#podman = options.podmanPath ?? 'podman';
    this.#runtime = options.runtime ?? 'runc';
    this.#tlsVerify = options.tlsVerify ?? true;
    this.#onLine = options.onLine ?? (() => undefined);
    mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
    const containersConf = path.join(options.stateDir, 'containers.conf');
    // Without this, podman asks the runtime for ulimits that nested or restricted hosts refuse.
    writeFileSync(containersConf, '[containers]\ndefault_ulimits = []\n');
    const authFile = path.join(options.stateDir, 'auth.json');
    const auths: Record<string, { auth: string }> = {};
    if (options.credentials) {
      const { registry, username, password } = options.credentials;
      auths[registry] = { auth: Buffer.from(`${username}:${password}`).toString('base64') };
    }
    writeFileSync(authFile, JSON.stringify({ auths }), { mode: 0o600 });
    this.#env = { ...process.env, CONTAINERS_CONF: containersConf, REGISTRY_AUTH_FILE: authFile };
  }

  build(contextDir: string, containerfile: string, tag: string): Promise<StepOutcome> {
    // A refresh means fresh: the newest base image and every RUN step run again (a cached `apt-get upgrade`
    // would refresh nothing), and no intermediate images that another run's cleanup could pull from under it.
    return this.#run([
      'build',
      `--tls-verify=${this.#tlsVerify}`,
      '--pull=always',
      '--no-cache',
      '--layers=false',
      '--file',
      path.resolve(contextDir, containerfile),
      '--tag',
      tag,
      contextDir,
    ]);
  }

  test(image: string, command: string): Promise<StepOutcome> {
    return this.#run([
      'run',
      '--rm',
      '--network',
      'none',
      '--pull',
      'never',
      '--entrypoint',
      '/bin/sh',
      image,
      '-c',
      command,
    ]);
  }

  pull(reference: string): Promise<StepOutcome> {
    return this.#run(['pull', `--tls-verify=${this.#tlsVerify}`, reference]);
  }

  async push(image: string, destination: string): Promise<StepOutcome & { digest?: string }> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-push-'));
    try {
      const digestFile = path.join(dir, 'digest');
      const outcome = await this.#run([
        'push',
        `--tls-verify=${this.#tlsVerify}`,
        '--digestfile',
        digestFile,
        image,
        destination,
      ]);
      if (!outcome.ok) return outcome;
      const digest = (await readFile(digestFile, 'utf8')).trim();
      return { ...outcome, digest };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async removeImage(image: string): Promise<void> {
    await this.#run(['rmi', '--force', image]);
  }

  /** One podman command through @actions/exec: each line to `onLine` as it comes, all of them in the outcome. */
  async #run(args: string[]): Promise<StepOutcome> {
    let log = '';
    const line = (text: string) => {
      log += `${text}\n`;
      this.#onLine(text);
    };
    try {
      const code = await exec(this.#podman, ['--runtime', this.#runtime, ...args], {
        env: Object.fromEntries(
          Object.entries(this.#env).filter((entry): entry is [string, string] => entry[1] !== undefined),
        ),
        silent: true,
        ignoreReturnCode: true,
        listeners: { stdline: line, errline: line },
      });
      return { ok: code === 0, log: code === 0 ? log : `${log}podman ${args[0]} exited with code ${code}\n` };
    } catch (error) {
      // @actions/exec looks podman up on PATH before it starts anything.
      return { ok: false, log: `${log}could not start podman: ${errorMessage(error)}\n` };
    }
  }
}
