import { describe, expect, it } from 'vitest';
import { SecretRegistry, StreamRedactor } from '../../core/secrets.ts';

const TOKEN = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';
const HOOK_SECRET = 'hook-secret-42';

function registry(...secrets: string[]): SecretRegistry {
  const r = new SecretRegistry();
  for (const s of secrets) r.add(s);
  return r;
}

/** Feeds the chunks through a fresh redactor and returns everything it let out. */
function stream(reg: SecretRegistry, chunks: string[]): string {
  const redactor = new StreamRedactor(reg);
  return chunks.map((c) => redactor.push(c)).join('') + redactor.end();
}

describe('SecretRegistry', () => {
  it('replaces every occurrence of every secret', () => {
    const reg = registry(TOKEN, HOOK_SECRET);
    expect(reg.redact(`a ${TOKEN} b ${HOOK_SECRET} c ${TOKEN}`)).toBe('a *** b *** c ***');
  });

  it('replaces a secret that contains another one whole', () => {
    const reg = registry('abcd', 'xxabcdxx');
    expect(reg.redact('1 xxabcdxx 2 abcd')).toBe('1 *** 2 ***');
  });

  it('refuses secrets shorter than 4 characters and ignores empty ones', () => {
    const reg = new SecretRegistry();
    expect(() => reg.add('abc')).toThrow(/shorter than 4/);
    reg.add('');
    reg.add(undefined);
    reg.add(null);
    expect(reg.values()).toEqual([]);
    expect(reg.redact('abc')).toBe('abc');
  });

  it('reports the longest secret', () => {
    expect(registry('abcd', TOKEN).longest).toBe(TOKEN.length);
    expect(new SecretRegistry().longest).toBe(0);
  });
});

describe('StreamRedactor', () => {
  it('redacts a secret split at every possible position across two chunks', () => {
    const reg = registry(TOKEN, HOOK_SECRET);
    for (const secret of [TOKEN, HOOK_SECRET]) {
      const text = `before ${secret} after\n`;
      for (let cut = 0; cut <= text.length; cut++) {
        const out = stream(reg, [text.slice(0, cut), text.slice(cut)]);
        expect(out, `${secret} cut at ${cut}`).toBe('before *** after\n');
      }
    }
  });

  it('never lets the first part of a split secret out before the rest arrives', () => {
    const reg = registry(TOKEN);
    for (let cut = 1; cut < TOKEN.length; cut++) {
      const redactor = new StreamRedactor(reg);
      const early = redactor.push(`x ${TOKEN.slice(0, cut)}`);
      expect(early, `cut at ${cut}`).not.toContain(TOKEN.slice(0, cut));
      const rest = redactor.push(`${TOKEN.slice(cut)} y`) + redactor.end();
      expect(early + rest).toBe('x *** y');
    }
  });

  it('redacts secrets fed one character at a time, and adjacent secrets', () => {
    const reg = registry(TOKEN, HOOK_SECRET);
    const text = `${TOKEN}${HOOK_SECRET} and ${TOKEN}`;
    expect(stream(reg, [...text])).toBe('****** and ***');
  });

  it('passes text without secrets through unchanged, however it is chunked', () => {
    const reg = registry(TOKEN, HOOK_SECRET);
    const text = 'ordinary output: ghp_ and hook-secret- are only prefixes ** * ***\nünïcödé 😀\n'.repeat(5);
    for (const size of [1, 2, 3, 7, 40, 1000]) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(stream(reg, chunks), `chunks of ${size}`).toBe(text);
    }
  });

  it('lets everything through at once when no secret is registered', () => {
    const redactor = new StreamRedactor(new SecretRegistry());
    expect(redactor.push('all of it')).toBe('all of it');
    expect(redactor.end()).toBe('');
  });

  it('redacts a secret registered after the stream started', () => {
    const reg = new SecretRegistry();
    const redactor = new StreamRedactor(reg);
    expect(redactor.push('early ')).toBe('early ');
    reg.add(HOOK_SECRET);
    expect(
      redactor.push(`late ${HOOK_SECRET.slice(0, 5)}`) +
        redactor.push(`${HOOK_SECRET.slice(5)}!`) +
        redactor.end(),
    ).toBe('late ***!');
  });

  it('holds back only a tail that could start a secret, so a live log shows the rest at once', () => {
    const reg = new SecretRegistry();
    reg.add('ghp_0123456789abcdefghij');
    const redactor = new StreamRedactor(reg);
    expect(redactor.push('step 3 of 4 done\n')).toBe('step 3 of 4 done\n');
    expect(redactor.push('token: ghp_01')).toBe('token: ');
    expect(redactor.push('23456789abcdefghij ok\n')).toBe('*** ok\n');
  });

  it('never splits a character outside the basic plane (emoji) at any cut', () => {
    const reg = new SecretRegistry();
    reg.add('\u{1F600}secret');
    const text = 'mood: \u{1F600}\u{1F680} end';
    for (let cut = 0; cut <= text.length; cut++) {
      const redactor = new StreamRedactor(reg);
      const pieces = [redactor.push(text.slice(0, cut)), redactor.push(text.slice(cut)), redactor.end()];
      for (const piece of pieces) expect(Buffer.from(piece, 'utf8').toString('utf8')).not.toContain('\uFFFD');
      expect(pieces.join('')).toBe(text);
    }
  });
});
