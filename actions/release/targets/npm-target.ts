import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ActionLog } from '../../../core/action-log.ts';
import {
  ReleaseTargetError,
  type PreparedRelease,
  type PublishedRelease,
  type ReleaseSpec,
  type ReleaseTarget,
} from './release-target.ts';
import { errorMessage } from '../../../core/errors.ts';

const run = promisify(execFile);

export interface NpmTargetOptions {
  /** The registry, e.g. https://registry.npmjs.org/ or a private one. */
  registry: string;
  /** A token allowed to publish. npm reads it from a private temporary npmrc, never from its command line. */
  token: string;
  /** The `npm pack` tarball to publish: the name of a release asset, or a path. */
  tarball: string;
  /** The dist-tag to publish under; `latest` by default, `next` for a prerelease (npm refuses `latest` then). */
  tag?: string;
  /** `public` to publish a scoped package publicly (npm's default for scoped packages is restricted). */
  access?: 'public' | 'restricted';
  /** The npm executable; `npm` on PATH by default. */
  npm?: string;
  log?: ActionLog;
}

interface TarballManifest {
  name: string;
  version: string;
  path: string;
  bytes: number;
  sha256: string;
  /** npm's Subresource Integrity string of the tarball, `sha512-…`. */
  integrity: string;
}

interface Packument {
  versions?: Record<string, { dist?: { integrity?: string; tarball?: string } }>;
  maintainers?: Array<{ name?: string }>;
}

/**
 * Publishes an `npm pack` tarball to an npm registry. npm has no staging: prepare checks all it can
 * (the token with `npm whoami`, the tarball's version against the tag, whether the version exists and with
 * which contents, whether the user maintains an existing package) and publish runs `npm publish`. A version
 * already published with the same integrity counts as done; with other contents it is an error, since a
 * registry never lets a version be replaced.
 */
export class NpmTarget implements ReleaseTarget {
  readonly name = 'npm';
  readonly #options: NpmTargetOptions;
  readonly #registry: string;

  constructor(options: NpmTargetOptions) {
    this.#options = options;
    this.#registry = options.registry.endsWith('/') ? options.registry : `${options.registry}/`;
  }

  async prepare(spec: ReleaseSpec, signal?: AbortSignal): Promise<PreparedRelease> {
    if (!this.#options.token) throw this.#error('no token given: an npm token allowed to publish is needed');
    const tarball = await this.#tarball(spec);
    const user = await this.#whoami(signal);
    const packument = await this.#packument(tarball.name, signal);
    if (packument?.maintainers?.length && !packument.maintainers.some((m) => m.name === user)) {
      throw this.#error(
        `${user} is not a maintainer of ${tarball.name} (maintainers: ${packument.maintainers.map((m) => m.name).join(', ')})`,
      );
    }
    const existing = packument?.versions?.[tarball.version]?.dist?.integrity;
    if (existing && existing !== tarball.integrity) throw this.#conflict(tarball, existing);
    return {
      plan: [
        existing
          ? { target: this.name, action: 'already published', detail: `${tarball.name}@${tarball.version}` }
          : {
              target: this.name,
              action: 'publish',
              detail: `${tarball.name}@${tarball.version} as ${this.#tag(spec)} to ${this.#registry} as ${user} (${tarball.bytes} bytes, ${tarball.integrity})`,
            },
      ],
    };
  }

  async publish(spec: ReleaseSpec, signal?: AbortSignal): Promise<PublishedRelease> {
    const tarball = await this.#tarball(spec);
    const integrity = (await this.#packument(tarball.name, signal))?.versions?.[tarball.version]?.dist
      ?.integrity;
    if (integrity && integrity !== tarball.integrity) throw this.#conflict(tarball, integrity);
    if (!integrity) {
      const args = ['publish', tarball.path, '--tag', this.#tag(spec), '--ignore-scripts'];
      if (this.#options.access) args.push('--access', this.#options.access);
      try {
        await this.#npm(args, signal);
      } catch (error) {
        // Another run may have published the same bytes meanwhile: that is the outcome we wanted.
        const now = (await this.#packument(tarball.name, signal))?.versions?.[tarball.version]?.dist
          ?.integrity;
        if (now !== tarball.integrity) throw error;
      }
      this.#options.log?.info(`${this.name}: published ${tarball.name}@${tarball.version}`);
    }
    const packument = await this.#packument(tarball.name, signal);
    return {
      target: this.name,
      url: `${this.#registry}${encodePackageName(tarball.name)}/${tarball.version}`,
      id: `${tarball.name}@${tarball.version}`,
      assets: [
        {
          name: path.basename(tarball.path),
          sha256: tarball.sha256,
          bytes: tarball.bytes,
          url: packument?.versions?.[tarball.version]?.dist?.tarball,
        },
      ],
    };
  }

  /** npm stages nothing before publish, so there is nothing to undo. */
  async rollback(): Promise<void> {}

  #tag(spec: ReleaseSpec): string {
    return this.#options.tag ?? (spec.prerelease ? 'next' : 'latest');
  }

  async #tarball(spec: ReleaseSpec): Promise<TarballManifest> {
    const asset = spec.assets.find((a) => a.name === this.#options.tarball);
    const file = asset?.path ?? path.resolve(this.#options.tarball);
    const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw this.#error(
        error.code === 'ENOENT'
          ? `tarball ${this.#options.tarball} not found: is it among the build's outputs (npm pack)?`
          : `cannot read tarball ${file}: ${error.message}`,
      );
    });
    let manifest: { name?: unknown; version?: unknown };
    try {
      const { stdout } = await run('tar', ['-xzOf', file, 'package/package.json'], {
        maxBuffer: 16 * 1024 * 1024,
      });
      manifest = JSON.parse(stdout) as typeof manifest;
    } catch (error) {
      throw this.#error(
        `${this.#options.tarball} is not an npm pack tarball with package/package.json`,
        error,
      );
    }
    if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string')
      throw this.#error(`${this.#options.tarball}: package.json has no name or version`);
    if (manifest.version !== spec.version)
      throw this.#error(
        `${this.#options.tarball} is ${manifest.name}@${manifest.version}, but the tag ${spec.tag} releases ${spec.version}`,
      );
    return {
      name: manifest.name,
      version: manifest.version,
      path: file,
      bytes: (await stat(file)).size,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
    };
  }

  async #whoami(signal?: AbortSignal): Promise<string> {
    try {
      return (await this.#npm(['whoami'], signal)).trim();
    } catch (error) {
      const text = errorMessage(error);
      if (/E401|ENEEDAUTH|401 Unauthorized/.test(text))
        throw this.#error(`the registry ${this.#registry} refused the token (npm whoami: 401)`, error);
      throw error;
    }
  }

  /** The package document, or null when the package does not exist yet. */
  async #packument(name: string, signal?: AbortSignal): Promise<Packument | null> {
    let response: Response;
    try {
      response = await fetch(`${this.#registry}${encodePackageName(name)}`, {
        headers: { authorization: `Bearer ${this.#options.token}`, accept: 'application/json' },
        signal,
      });
    } catch (error) {
      throw this.#error(`cannot reach ${this.#registry}: ${errorMessage(error)}`);
    }
    if (response.status === 404) return null;
    if (!response.ok) throw this.#error(`reading ${name} from ${this.#registry} answered ${response.status}`);
    return (await response.json()) as Packument;
  }

  /** Runs npm with the token in a private npmrc (referenced through the environment) and no other config. */
  async #npm(args: string[], signal?: AbortSignal): Promise<string> {
    const home = await mkdtemp(path.join(os.tmpdir(), 'ironbots-npm-'));
    try {
      const registry = new URL(this.#registry);
      const npmrc = path.join(home, '.npmrc');
      await writeFile(
        npmrc,
        `registry=${this.#registry}\n//${registry.host}${registry.pathname}:_authToken=\${IRONBOTS_NPM_TOKEN}\n`,
        { mode: 0o600 },
      );
      const { stdout } = await run(this.#options.npm ?? 'npm', [...args, '--registry', this.#registry], {
        cwd: home,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          IRONBOTS_NPM_TOKEN: this.#options.token,
          npm_config_userconfig: npmrc,
          npm_config_globalconfig: path.join(home, 'globalnpmrc'),
          npm_config_cache: path.join(home, 'cache'),
          npm_config_update_notifier: 'false',
          npm_config_fund: 'false',
          npm_config_audit: 'false',
        },
        maxBuffer: 16 * 1024 * 1024,
        signal,
      });
      return stdout;
    } catch (error) {
      const failure = error as { stderr?: string; message?: string };
      const detail = (failure.stderr || failure.message || String(error))
        .trim()
        .split('\n')
        .slice(-8)
        .join('\n');
      throw this.#error(`npm ${args[0]} failed: ${this.#redact(detail)}`);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }

  #conflict(tarball: TarballManifest, published: string): ReleaseTargetError {
    return this.#error(
      `${tarball.name}@${tarball.version} is already published with other contents (${published}, this build is ` +
        `${tarball.integrity}); a registry never replaces a version: release a new version instead`,
    );
  }

  #redact(text: string): string {
    return this.#options.token ? text.split(this.#options.token).join('***') : text;
  }

  #error(message: string, cause?: unknown): ReleaseTargetError {
    return new ReleaseTargetError(
      this.name,
      this.#redact(message),
      cause === undefined ? undefined : { cause },
    );
  }
}

/** A scoped name keeps its `@` and has its slash encoded, as registries expect in the URL. */
function encodePackageName(name: string): string {
  return name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
}
