import { describe, expect, it } from 'vitest';
import {
  blobName,
  formatImageReference,
  parseBlobName,
  parseImageReference,
} from '../../runner-agent/src/images/image-reference.ts';

const SHA = '0123456789abcdef'.repeat(4);

describe('image references', () => {
  it('round-trips a blob name through images/<name>', () => {
    const blob = blobName('debian-12', SHA);
    expect(blob).toBe(`debian-12-${SHA}.qcow2`);
    expect(parseBlobName(blob)).toEqual({ name: 'debian-12', sha256: SHA, blob });
    expect(parseImageReference('debian-12', formatImageReference(parseBlobName(blob)))).toEqual(
      parseBlobName(blob),
    );
    expect(parseImageReference('debian-12', `  ${blob}  \n\n`).blob).toBe(blob);
  });

  it('explains each way a reference can be wrong', () => {
    expect(() => parseImageReference('debian', '')).toThrow(
      'images/debian is empty: expected debian-<sha256>.qcow2',
    );
    expect(() => parseImageReference('debian', `debian-${SHA}.qcow2\nmore\n`)).toThrow(
      'images/debian has 2 lines: expected one blob name',
    );
    expect(() => parseImageReference('debian', `fedora-${SHA}.qcow2`)).toThrow(
      'images/debian names a blob of image "fedora", not "debian"',
    );
    expect(() => parseImageReference('debian', `debian-${SHA.toUpperCase()}.qcow2`)).toThrow(
      /is not an image blob name: expected <name>-<64 hex digit sha256>\.qcow2/,
    );
    expect(() => parseImageReference('debian', `debian-${SHA.slice(1)}.qcow2`)).toThrow(
      /not an image blob name/,
    );
    expect(() => parseImageReference('Debian/x', 'x')).toThrow(/invalid image name "Debian\/x"/);
    expect(() => blobName('debian', 'xyz')).toThrow(/invalid sha256 "xyz"/);
  });
});
