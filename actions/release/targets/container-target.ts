import { createHash, randomBytes } from 'node:crypto';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { exec } from '@actions/exec';
import type { ActionLog } from '../../../core/action-log.ts';
import {
  ReleaseTargetError,
  type PlannedAction,
  type PreparedRelease,
  type PublishedRelease,
  type ReleaseSpec,
  type ReleaseTarget,
} from './release-target.ts';
import { errorMessage } from '../../../core/errors.ts';

export interface ContainerImageTargetOptions {
  /** The registry's host (and port): `ghcr.io`, `quay.io`, `registry.example.com:5000`. */
  registry: string;
  /** The repository in that registry, e.g. `acme/widget`. */
  image: string;
  /** Registry user; skopeo logs in with it and the password (given on stdin, kept in a private auth file). */
  username: string;
  /** Password or token allowed to push. */
  password: string;
  /** Release tags: set once, never moved. `{version}` stands for the release's version; default `['{version}']`. */
  tags?: string[];
  /** Tags that follow the newest release and do move, e.g. `['latest']`; none by default. */
  movingTags?: string[];
  /** Verify the registry's TLS certificate; set false only for a local plain-HTTP registry. Default true. */
  tlsVerify?: boolean;
  /**
   * The image as an archive made by the build (`podman save --format oci-archive`, `docker save`): an asset
   * name or a path.
   */
  archive?: string;
  /** Or a directory to build the image from with podman (reproducibly: file times and creation date set to 0). */
  buildContext?: string;
  /** The build file inside buildContext; `Containerfile` by default. */
  containerfile?: string;
  /** OCI runtime for podman; runc works where crun does not. */
  runtime?: string;
  log?: ActionLog;
}

interface Prepared {
  tag: string;
  work: string;
  authfile: string;
  digest: string;
  /** The manifest was not in the registry before this prepare pushed it (rollback may delete it). */
  pushedManifest: boolean;
}

/**
 * Pushes a container image to any OCI registry with skopeo, in two steps so that nothing changes for users of
 * a tag until publish: prepare builds or loads the image, logs in, and pushes it by digest (no tag); publish
 * points the release tags (and the moving ones) at that digest. A release tag that already points at the
 * same digest is left alone; one that points elsewhere is an error, never moved.
 */
export class ContainerImageTarget implements ReleaseTarget {
  readonly name = 'container';
  readonly #options: ContainerImageTargetOptions;
  #prepared: Prepared | null = null;

  constructor(options: ContainerImageTargetOptions) {
    this.#options = options;
  }

  get #repository(): string {
    return `${this.#options.registry}/${this.#options.image}`;
  }

  async prepare(spec: ReleaseSpec, signal?: AbortSignal): Promise<PreparedRelease> {
    if (!this.#options.username || !this.#options.password)
      throw this.#error(
        `no credentials given for ${this.#options.registry}: a user and a password or token are needed`,
      );
    if (!this.#options.archive === !this.#options.buildContext)
      throw this.#error('give exactly one of archive (an OCI archive from the build) or buildContext');
    await this.#cleanup();
    const work = await mkdtemp(path.join(os.tmpdir(), 'ironbots-container-release-'));
    const prepared: Prepared = {
      tag: spec.tag,
      work,
      authfile: path.join(work, 'auth.json'),
      digest: '',
      pushedManifest: false,
    };
    this.#prepared = prepared;
    try {
      await this.#login(prepared, signal);
      const source = this.#options.archive
        ? await this.#archiveSource(spec)
        : await this.#build(prepared, spec, signal);
      const manifest = await this.#tool('skopeo', ['inspect', '--raw', source], { signal });
      prepared.digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;

      const plan: PlannedAction[] = [];
      for (const tag of this.#releaseTags(spec)) {
        const current = await this.#remoteDigest(prepared, `:${tag}`, signal);
        if (current && current !== prepared.digest) throw this.#moved(tag, current, prepared.digest);
        plan.push({
          target: this.name,
          action: current ? 'already tagged' : 'tag',
          detail: `${this.#repository}:${tag} → ${prepared.digest}`,
        });
      }
      for (const tag of this.#movingTags()) {
        plan.push({
          target: this.name,
          action: 'move tag',
          detail: `${this.#repository}:${tag} → ${prepared.digest}`,
        });
      }

      if (await this.#remoteDigest(prepared, `@${prepared.digest}`, signal)) {
        plan.unshift({
          target: this.name,
          action: 'keep image',
          detail: `${this.#repository}@${prepared.digest}`,
        });
      } else {
        // skopeo's own lines ("Copying blob sha256:… done", "Writing manifest") are the push's progress.
        await this.#tool(
          'skopeo',
          [
            'copy',
            '--preserve-digests',
            '--authfile',
            prepared.authfile,
            `--dest-tls-verify=${this.#tlsVerify}`,
            source,
            `docker://${this.#repository}@${prepared.digest}`,
          ],
          { signal, what: `pushing to ${this.#repository}`, progress: true },
        );
        prepared.pushedManifest = true;
        this.#options.log?.info(`${this.name}: image pushed by digest ${prepared.digest}`);
        plan.unshift({
          target: this.name,
          action: 'push image',
          detail: `${this.#repository}@${prepared.digest} (no tag)`,
        });
      }
      return { plan };
    } catch (error) {
      if (!prepared.pushedManifest) await this.#cleanup();
      throw error;
    }
  }

  async publish(spec: ReleaseSpec, signal?: AbortSignal): Promise<PublishedRelease> {
    if (this.#prepared?.tag !== spec.tag) await this.prepare(spec, signal);
    const prepared = this.#prepared!;
    const moving = new Set(this.#movingTags());
    for (const tag of [...this.#releaseTags(spec), ...moving]) {
      const current = await this.#remoteDigest(prepared, `:${tag}`, signal);
      if (current === prepared.digest) continue;
      if (current && !moving.has(tag)) throw this.#moved(tag, current, prepared.digest);
      await this.#tool(
        'skopeo',
        [
          'copy',
          '--quiet',
          '--preserve-digests',
          '--authfile',
          prepared.authfile,
          `--src-tls-verify=${this.#tlsVerify}`,
          `--dest-tls-verify=${this.#tlsVerify}`,
          `docker://${this.#repository}@${prepared.digest}`,
          `docker://${this.#repository}:${tag}`,
        ],
        { signal, what: `tagging ${this.#repository}:${tag}` },
      );
      this.#options.log?.info(`${this.name}: tagged ${tag} (${prepared.digest})`);
    }
    // Tagged now: a rollback must not delete it.
    prepared.pushedManifest = false;
    const [first] = this.#releaseTags(spec);
    const published: PublishedRelease = {
      target: this.name,
      url: `${this.#repository}:${first ?? spec.version}`,
      id: prepared.digest,
      assets: [],
    };
    await this.#cleanup();
    return published;
  }

  async rollback(spec: ReleaseSpec): Promise<void> {
    const prepared = this.#prepared;
    if (prepared?.tag === spec.tag && prepared.pushedManifest) {
      try {
        await this.#tool('skopeo', [
          'delete',
          '--authfile',
          prepared.authfile,
          `--tls-verify=${this.#tlsVerify}`,
          `docker://${this.#repository}@${prepared.digest}`,
        ]);
      } catch (error) {
        // Many registries refuse deletes; an untagged manifest is invisible and gets garbage-collected.
        this.#options.log?.warn(
          `${this.name}: could not delete the untagged image ${prepared.digest}: ${errorMessage(error)}`,
        );
      }
    }
    await this.#cleanup();
  }

  // ---- steps ----

  get #tlsVerify(): boolean {
    return this.#options.tlsVerify !== false;
  }

  #releaseTags(spec: ReleaseSpec): string[] {
    return (this.#options.tags ?? ['{version}']).map((t) => t.replaceAll('{version}', spec.version));
  }

  #movingTags(): string[] {
    return this.#options.movingTags ?? [];
  }

  async #login(prepared: Prepared, signal?: AbortSignal): Promise<void> {
    await writeFile(prepared.authfile, '{}\n', { mode: 0o600 });
    try {
      await this.#tool(
        'skopeo',
        [
          'login',
          '--authfile',
          prepared.authfile,
          `--tls-verify=${this.#tlsVerify}`,
          '--username',
          this.#options.username,
          '--password-stdin',
          this.#options.registry,
        ],
        { input: this.#options.password, signal },
      );
    } catch (error) {
      const text = errorMessage(error);
      if (/unauthorized|401|invalid username\/password|authentication required/i.test(text))
        throw this.#error(
          `${this.#options.registry} refused the credentials of ${this.#options.username}`,
          error,
        );
      throw error;
    }
  }

  /** skopeo's reference to the archive: `oci-archive:` (podman/buildah) or `docker-archive:` (docker save). */
  async #archiveSource(spec: ReleaseSpec): Promise<string> {
    const name = this.#options.archive!;
    const file = spec.assets.find((a) => a.name === name)?.path ?? path.resolve(name);
    try {
      await access(file);
    } catch {
      throw this.#error(`image archive ${name} not found: is it among the build's outputs?`);
    }
    let entries: string[];
    try {
      entries = (await this.#tool('tar', ['-tf', file])).toString().split('\n');
    } catch {
      throw this.#error(`image archive ${name} is not a tar archive`);
    }
    if (entries.includes('oci-layout') || entries.includes('./oci-layout')) return `oci-archive:${file}`;
    if (entries.includes('manifest.json') || entries.includes('./manifest.json'))
      return `docker-archive:${file}`;
    throw this.#error(
      `image archive ${name} is neither an OCI archive (oci-layout) nor a docker archive (manifest.json)`,
    );
  }

  /** Builds with podman and saves an OCI archive; fixed timestamps make a rebuild give the same digest. */
  async #build(prepared: Prepared, spec: ReleaseSpec, signal?: AbortSignal): Promise<string> {
    const context = path.resolve(this.#options.buildContext!);
    const containerfile = path.join(context, this.#options.containerfile ?? 'Containerfile');
    try {
      await access(containerfile);
    } catch {
      throw this.#error(`no ${path.basename(containerfile)} in the build context ${context}`);
    }
    const conf = path.join(prepared.work, 'containers.conf');
    // Without this, podman asks the runtime for ulimits that nested or restricted hosts refuse.
    await writeFile(conf, '[containers]\ndefault_ulimits = []\n');
    const env = { CONTAINERS_CONF: conf };
    const local = `localhost/ironbots-release-${randomBytes(6).toString('hex')}:${spec.version}`;
    const podman = ['--runtime', this.#options.runtime ?? 'runc'];
    await this.#tool(
      'podman',
      [
        ...podman,
        'build',
        '--quiet',
        '--network',
        'none',
        '--timestamp',
        '0',
        '--file',
        containerfile,
        '--tag',
        local,
        context,
      ],
      { env, signal, what: 'building the image' },
    );
    try {
      const archive = path.join(prepared.work, 'image.tar');
      await this.#tool(
        'podman',
        [...podman, 'save', '--quiet', '--format', 'oci-archive', '--output', archive, local],
        {
          env,
          signal,
          what: 'saving the image',
        },
      );
      return `oci-archive:${archive}`;
    } finally {
      await this.#tool('podman', [...podman, 'rmi', '--force', local], { env }).catch(() => undefined);
    }
  }

  /** The digest a tag (`:1.2`) or digest (`@sha256:…`) names in the registry, or null when there is none. */
  async #remoteDigest(prepared: Prepared, reference: string, signal?: AbortSignal): Promise<string | null> {
    try {
      const manifest = await this.#tool(
        'skopeo',
        [
          'inspect',
          '--raw',
          '--authfile',
          prepared.authfile,
          `--tls-verify=${this.#tlsVerify}`,
          `docker://${this.#repository}${reference}`,
        ],
        { signal, what: `reading ${this.#repository}${reference}` },
      );
      return `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
    } catch (error) {
      if (/manifest unknown|name unknown|not found/i.test(errorMessage(error))) return null;
      throw error;
    }
  }

  /**
   * Runs skopeo or podman through @actions/exec, as the build runs: its output is the workflow log's when
   * `progress` asks (a push's progress) and its last lines go into the error when it fails. @actions/exec
   * takes no AbortSignal: a cancel is honoured before each command, and a command already started ends
   * on its own.
   */
  async #tool(
    command: string,
    args: string[],
    options: {
      input?: string;
      env?: Record<string, string>;
      signal?: AbortSignal;
      what?: string;
      /** Its stdout and stderr lines go to the log as they come (a push's progress). */
      progress?: boolean;
    } = {},
  ): Promise<Buffer> {
    options.signal?.throwIfAborted();
    const out: Buffer[] = [];
    let err = '';
    const log = options.progress ? this.#options.log : undefined;
    const line = (text: string) => {
      if (text.trim()) log?.info(`${this.name}: ${text.trim()}`);
    };
    let exitCode: number;
    try {
      exitCode = await exec(command, args, {
        env: Object.fromEntries(
          Object.entries({ ...process.env, ...options.env }).filter(
            (entry): entry is [string, string] => entry[1] !== undefined,
          ),
        ),
        silent: true,
        ignoreReturnCode: true,
        // A password, written whole into the pipe as the tool starts: before it could exit and close it.
        ...(options.input !== undefined ? { input: Buffer.from(options.input) } : {}),
        listeners: {
          stdout: (d) => out.push(d),
          stderr: (d) => (err = (err + d.toString()).slice(-8000)),
          ...(log ? { stdline: line, errline: line } : {}),
        },
      });
    } catch (error) {
      // @actions/exec looks the program up on PATH before it starts anything.
      throw this.#error(`${command} could not run: ${errorMessage(error)}`, error);
    }
    if (exitCode === 0) return Buffer.concat(out);
    const detail = err.trim().split('\n').slice(-4).join('\n');
    const denied = /denied|unauthorized|403|forbidden/i.test(detail);
    const hint = denied ? ` (${this.#options.username} may not push to ${this.#repository}?)` : '';
    throw this.#error(`${options.what ?? `${command} ${args[0]}`} failed${hint}: ${detail}`);
  }

  #moved(tag: string, current: string, ours: string): ReleaseTargetError {
    return this.#error(
      `${this.#repository}:${tag} already points to ${current}, not to this build's ${ours}; ` +
        'a release tag is never moved: release a new version instead',
    );
  }

  async #cleanup(): Promise<void> {
    const prepared = this.#prepared;
    this.#prepared = null;
    if (prepared) await rm(prepared.work, { recursive: true, force: true });
  }

  #error(message: string, cause?: unknown): ReleaseTargetError {
    const redacted = this.#options.password ? message.split(this.#options.password).join('***') : message;
    return new ReleaseTargetError(this.name, redacted, cause === undefined ? undefined : { cause });
  }
}
