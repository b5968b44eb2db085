import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { withTempDir } from '../support/temp-dir.ts';

/**
 * A throwaway world for signed tags: a git repository with one commit, a GNUPGHOME holding secret keys made
 * for the test, and SSH keys. Every child process gets HOME, GNUPGHOME and git's config pinned to it, so
 * neither the real ~/.gnupg nor any global git config takes part.
 */

export interface GpgKey {
  fingerprint: string;
  /** `gpg --armor --export` of the key as it is now. */
  publicKey: string;
}

export interface SshKey {
  privateKeyFile: string;
  publicKeyFile: string;
  /** The .pub line: `ssh-ed25519 AAAA… comment`. */
  publicKey: string;
  fingerprint: string;
}

export const TAGGER = 'Test <test@example.invalid>';

export class SigningFixture {
  readonly dir: string;
  readonly repo: string;
  readonly gnupgHome: string;
  readonly env: Record<string, string>;
  private readonly remove: () => Promise<void>;

  private constructor(dir: string, remove: () => Promise<void>) {
    this.dir = dir;
    this.repo = path.join(dir, 'repo');
    this.gnupgHome = path.join(dir, 'gnupg');
    this.remove = remove;
    this.env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      GNUPGHOME: this.gnupgHome,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
      LC_ALL: 'C',
    };
  }

  static async create(): Promise<SigningFixture> {
    const tmp = await withTempDir('ironbots-release-');
    const fixture = new SigningFixture(tmp.dir, tmp.remove);
    await mkdir(fixture.gnupgHome, { mode: 0o700 });
    await fixture.run('git', ['init', '--quiet', '--initial-branch', 'main', fixture.repo]);
    await fixture.git('commit', '--quiet', '--allow-empty', '-m', 'release me');
    return fixture;
  }

  /** Stops the gpg-agent that key generation and signing started for this GNUPGHOME, then deletes it all. */
  async dispose(): Promise<void> {
    await this.run('gpgconf', ['--kill', 'all']).catch(() => undefined);
    await this.remove();
  }

  async run(program: string, args: readonly string[], input?: string): Promise<string> {
    const result = await runWithInput(program, args, this.dir, this.env, input);
    if (result.exitCode !== 0) {
      throw new Error(`${program} ${args.join(' ')} failed (${result.exitCode}): ${result.stderr}`);
    }
    return result.stdout;
  }

  git(...args: string[]): Promise<string> {
    return this.run('git', ['-C', this.repo, ...args]);
  }

  async head(): Promise<string> {
    return (await this.git('rev-parse', 'HEAD')).trim();
  }

  /** An ed25519 signing key without passphrase; `fakedTime` (gpg's yyyymmddThhmmss) backdates its creation. */
  async gpgKey(userId: string, expire: string, fakedTime?: string): Promise<GpgKey> {
    const time = fakedTime ? ['--faked-system-time', fakedTime] : [];
    await this.run('gpg', [
      '--batch',
      '--passphrase',
      '',
      ...time,
      '--quick-gen-key',
      userId,
      'ed25519',
      'sign',
      expire,
    ]);
    const colons = await this.run('gpg', ['--batch', '--with-colons', '--list-keys', userId]);
    const fingerprint = /^fpr:(?:[^:]*:){8}([0-9A-F]{40}):/m.exec(colons)?.[1];
    if (!fingerprint) throw new Error(`no fingerprint for ${userId} in:\n${colons}`);
    return { fingerprint, publicKey: await this.exportKey(fingerprint) };
  }

  exportKey(fingerprint: string): Promise<string> {
    return this.run('gpg', ['--batch', '--armor', '--export', fingerprint]);
  }

  /** Imports the revocation certificate gpg made with the key; exports of the key carry it afterwards. */
  async revoke(fingerprint: string): Promise<void> {
    const certificate = await readFile(
      path.join(this.gnupgHome, 'openpgp-revocs.d', `${fingerprint}.rev`),
      'utf8',
    );
    // gpg writes the certificate with a leading ':' so it cannot be imported by accident.
    await this.run('gpg', ['--batch', '--import'], certificate.replace(/^:-----BEGIN/m, '-----BEGIN'));
  }

  async sshKey(name: string): Promise<SshKey> {
    const privateKeyFile = path.join(this.dir, `ssh-${name}`);
    await this.run('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      `${name}@example.invalid`,
      '-f',
      privateKeyFile,
    ]);
    const publicKeyFile = `${privateKeyFile}.pub`;
    const fingerprint = (await this.run('ssh-keygen', ['-l', '-f', publicKeyFile])).split(' ')[1]!;
    return {
      privateKeyFile,
      publicKeyFile,
      publicKey: (await readFile(publicKeyFile, 'utf8')).trim(),
      fingerprint,
    };
  }

  /** `git tag -s` with an OpenPGP key; `messages` become one -m each. */
  async gpgTag(name: string, key: GpgKey, ...messages: string[]): Promise<void> {
    await this.git(
      '-c',
      `user.signingkey=${key.fingerprint}`,
      'tag',
      '-s',
      name,
      ...messages.flatMap((m) => ['-m', m]),
    );
  }

  /** `git tag -s` with gpg.format=ssh. */
  async sshTag(name: string, key: SshKey, ...messages: string[]): Promise<void> {
    await this.git(
      '-c',
      'gpg.format=ssh',
      '-c',
      `user.signingkey=${key.publicKeyFile}`,
      'tag',
      '-s',
      name,
      ...messages.flatMap((m) => ['-m', m]),
    );
  }

  /**
   * A signed tag made by hand the way git makes one (payload, then the armored detached signature), for
   * what `git tag -s` cannot do: sign at a faked time, or with a signature that expires.
   */
  async handSignedTag(name: string, key: GpgKey, fakedTime: string, gpgArgs: string[] = []): Promise<void> {
    const epoch =
      Date.UTC(
        Number(fakedTime.slice(0, 4)),
        Number(fakedTime.slice(4, 6)) - 1,
        Number(fakedTime.slice(6, 8)),
        Number(fakedTime.slice(9, 11)),
      ) / 1000;
    const payload = `object ${await this.head()}\ntype commit\ntag ${name}\ntagger ${TAGGER} ${epoch} +0000\n\n${name}\n`;
    const signature = await this.run(
      'gpg',
      [
        '--batch',
        '--faked-system-time',
        fakedTime,
        '--local-user',
        key.fingerprint,
        ...gpgArgs,
        '--detach-sign',
        '--armor',
      ],
      payload,
    );
    await this.writeTagObject(name, payload + signature);
  }

  /** Stores `content` with `git mktag` (which checks the format, not the signature) and points the tag at it. */
  async writeTagObject(name: string, content: string): Promise<string> {
    const sha = (await this.run('git', ['-C', this.repo, 'mktag'], content)).trim();
    await this.git('update-ref', `refs/tags/${name}`, sha);
    return sha;
  }
}

function runWithInput(
  program: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
  input: string | undefined,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd,
      env,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? 1, stdout, stderr }));
    if (child.stdin) {
      // A program that exits without reading all of its input is reported by its exit code, not as EPIPE.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
  });
}
