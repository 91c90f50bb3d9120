import { describe, expect, it } from 'vitest';
import { binaryProblem, escapedPrefix } from './binary-text.js';

describe('binaryProblem', () => {
  const lines = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8').split('\n');

  it('passes text, Latin-1 accents and a Ctrl-A delimiter', () => {
    const text = Buffer.from('user\titem\trating\nu1\ti1\t4\r\n');
    expect(binaryProblem(lines(text), text)).toBeUndefined();
    const latin1 = Buffer.from('1::Café au lait::1995\n2::Pokémon::1998\n', 'latin1');
    expect(binaryProblem(lines(latin1), latin1)).toBeUndefined();
    const ctrlA = Buffer.from('u1\u0001i1\u00014\n');
    expect(binaryProblem(lines(ctrlA), ctrlA)).toBeUndefined();
  });

  it('names compressed files by their magic number and shows a short escaped prefix', () => {
    const gzip = Uint8Array.of(0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b, 0x4c);
    expect(binaryProblem(lines(gzip), gzip)).toBe(
      'not a text file: it starts with "\\u001f\\u008b\\b\\u0000\\u0000\\u0000"… (gzip-compressed? decompress it first)',
    );
    const zip = Buffer.from('PK\u0003\u0004\u0014\u0000', 'latin1');
    expect(binaryProblem(lines(zip), zip)).toMatch(/\(a zip archive\? unpack it first\)$/);
  });

  it('finds binary data without control characters by its undecodable bytes', () => {
    const high = Uint8Array.from({ length: 64 }, (_, k) => 0x80 + (k % 64));
    expect(binaryProblem(lines(high), high)).toMatch(/^not a text file: it starts with "\\u0080\\u0081/);
  });
});

describe('escapedPrefix', () => {
  it('is a JSON string of at most 40 characters, cut with an ellipsis', () => {
    const bytes = Uint8Array.from({ length: 200 }, (_, k) => k);
    const shown = escapedPrefix(bytes);
    expect(shown.length).toBeLessThanOrEqual(40);
    expect(shown.endsWith('"…')).toBe(true);
    expect(JSON.parse(shown.slice(0, -1))).toBe('\u0000\u0001\u0002\u0003\u0004\u0005');
    expect(escapedPrefix(Buffer.from('abc'))).toBe('"abc"');
  });
});
