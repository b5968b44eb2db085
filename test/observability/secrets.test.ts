import { describe, expect, it } from 'vitest';
import { SecretRegistry, StreamRedactor } from '../../core/secrets.ts';

const TOKEN = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';
const HOOK_SECRET = 'hook-secret-42';

function registry(...secrets: string[]): SecretRegistry {
  const r = new SecretRegistry();
  for (const s of secrets) r.add(s);
  return r;
}

/** Feeds the chunks (text or bytes) through a fresh redactor and returns everything it let out, as text. */
function stream(reg: SecretRegistry, chunks: (string | Buffer)[]): string {
  const redactor = new StreamRedactor(reg);
  const out = chunks.flatMap((c) => redactor.push(typeof c === 'string' ? Buffer.from(c) : c));
  return Buffer.concat([...out, redactor.end()]).toString('utf8');
}

/** What one push lets out, as text. */
function push(redactor: StreamRedactor, text: string): string {
  return Buffer.concat(redactor.push(Buffer.from(text))).toString('utf8');
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
  it('redacts a secret split at every possible byte position across two chunks', () => {
    const reg = registry(TOKEN, HOOK_SECRET, 'sécret-ü-日本-😀');
    for (const secret of [TOKEN, HOOK_SECRET, 'sécret-ü-日本-😀']) {
      const bytes = Buffer.from(`before ${secret} after\n`);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const out = stream(reg, [bytes.subarray(0, cut), bytes.subarray(cut)]);
        expect(out, `${secret} cut at byte ${cut}`).toBe('before *** after\n');
      }
    }
  });

  it('never lets the first part of a split secret out before the rest arrives', () => {
    const reg = registry(TOKEN);
    for (let cut = 1; cut < TOKEN.length; cut++) {
      const redactor = new StreamRedactor(reg);
      const early = push(redactor, `x ${TOKEN.slice(0, cut)}`);
      expect(early, `cut at ${cut}`).not.toContain(TOKEN.slice(0, cut));
      const rest = push(redactor, `${TOKEN.slice(cut)} y`) + redactor.end().toString('utf8');
      expect(early + rest).toBe('x *** y');
    }
  });

  it('redacts secrets fed one byte at a time, and adjacent secrets', () => {
    const reg = registry(TOKEN, HOOK_SECRET);
    const bytes = Buffer.from(`${TOKEN}${HOOK_SECRET} and ${TOKEN}`);
    expect(
      stream(
        reg,
        [...bytes].map((b) => Buffer.from([b])),
      ),
    ).toBe('****** and ***');
  });

  it('passes output without secrets through byte for byte, however it is chunked', () => {
    const reg = registry(TOKEN, HOOK_SECRET);
    const text = 'ordinary output: ghp_ and hook-secret- are only prefixes ** * ***\nünïcödé 😀\n'.repeat(5);
    const bytes = Buffer.from(text);
    for (const size of [1, 2, 3, 7, 40, 1000]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(stream(reg, chunks), `chunks of ${size}`).toBe(text);
    }
  });

  it('keeps bytes that are not valid UTF-8 exactly as they were, and still finds secrets next to them', () => {
    const reg = registry(HOOK_SECRET);
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe, 0x80]),
      Buffer.from(HOOK_SECRET),
      Buffer.from([0xc3]), // the first half of a two-byte character, never completed
      Buffer.from(' tail\n'),
    ]);
    const expected = Buffer.concat([
      Buffer.from([0xff, 0xfe, 0x80]),
      Buffer.from('***'),
      Buffer.from([0xc3]),
      Buffer.from(' tail\n'),
    ]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const redactor = new StreamRedactor(reg);
      const out = Buffer.concat([
        ...redactor.push(bytes.subarray(0, cut)),
        ...redactor.push(bytes.subarray(cut)),
        redactor.end(),
      ]);
      expect(out.equals(expected), `cut at byte ${cut}`).toBe(true);
    }
  });

  it('finds a secret that begins anywhere in a held-back tail, the next chunk long or short', () => {
    const reg = registry('abcabd');
    const padding = '.'.repeat(20);
    // The tail held back after the first chunk is "abcab": the secret could begin at its first or fourth byte.
    expect(stream(reg, ['x abcab', `d ${padding}`])).toBe(`x *** ${padding}`);
    expect(stream(reg, ['x abcab', `cabd ${padding}`])).toBe(`x abc*** ${padding}`);
    expect(stream(reg, ['x abcab', 'cabd'])).toBe('x abc***');
    expect(stream(reg, ['x abcab', `x ${padding}`])).toBe(`x abcabx ${padding}`);
  });

  it('agrees with SecretRegistry.redact on the whole text, however the stream is cut (seeded)', () => {
    const reg = registry(TOKEN, HOOK_SECRET);
    let seed = 42;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const words = [
      TOKEN,
      HOOK_SECRET,
      TOKEN.slice(0, 9),
      HOOK_SECRET.slice(0, 6),
      'ghp_',
      'hook',
      'ü€😀',
      ' ',
      '\n',
      'ok',
    ];
    for (let round = 0; round < 200; round++) {
      let text = '';
      while (text.length < 300) text += words[random(words.length)];
      const bytes = Buffer.from(text);
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length;) {
        const size = 1 + random(round % 2 ? 8 : 120);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      expect(stream(reg, chunks), `round ${round}`).toBe(reg.redact(text));
    }
  });

  it('hands a chunk without secrets on as it came, without copying it', () => {
    const redactor = new StreamRedactor(registry(TOKEN));
    const chunk = Buffer.from('nothing to hide here\n');
    const pieces = redactor.push(chunk);
    expect(pieces).toHaveLength(1);
    expect(pieces[0]!.buffer).toBe(chunk.buffer);
  });

  it('lets everything through at once when no secret is registered', () => {
    const redactor = new StreamRedactor(new SecretRegistry());
    expect(push(redactor, 'all of it')).toBe('all of it');
    expect(redactor.end().length).toBe(0);
  });

  it('redacts a secret registered after the stream started, and forgets one removed', () => {
    const reg = new SecretRegistry();
    const redactor = new StreamRedactor(reg);
    expect(push(redactor, 'early ')).toBe('early ');
    reg.add(HOOK_SECRET);
    expect(
      push(redactor, `late ${HOOK_SECRET.slice(0, 5)}`) +
        push(redactor, `${HOOK_SECRET.slice(5)}!`) +
        redactor.end().toString('utf8'),
    ).toBe('late ***!');
    reg.remove(HOOK_SECRET);
    expect(push(redactor, `${HOOK_SECRET}\n`)).toBe(`${HOOK_SECRET}\n`);
  });

  it('holds back only a tail that could start a secret, so a live log shows the rest at once', () => {
    const reg = new SecretRegistry();
    reg.add('ghp_0123456789abcdefghij');
    const redactor = new StreamRedactor(reg);
    expect(push(redactor, 'step 3 of 4 done\n')).toBe('step 3 of 4 done\n');
    expect(push(redactor, 'token: ghp_01')).toBe('token: ');
    expect(push(redactor, '23456789abcdefghij ok\n')).toBe('*** ok\n');
  });
});
