import { fromByteArray } from 'base64-js';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';

describe('base64ToBytes', () => {
  it('decodes what base64-js encodes, for every length mod 3 and random bytes', () => {
    const random = mulberry32(7);
    for (let n = 0; n < 200; n++) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
      const text = fromByteArray(bytes);
      expect(base64ToBytes(text)).toEqual(bytes);
      expect(bytesToBase64(base64ToBytes(text))).toBe(text);
    }
  });

  it.each([
    ['a length that is not a multiple of 4', 'QUJDR', /length 5 is not a multiple of 4/],
    ['a character outside the alphabet', 'QU*D', /character "\*" at position 2/],
    ['url-safe characters', 'QU-_', /character "-" at position 2/],
    ['padding in the middle', 'QQ==QUJD', /character "=" at position 2/],
    ['three padding characters', 'Q===', /character "=" at position 1/],
    ['whitespace', 'QUJD\nREVG', /length 9/],
    ['a space in place of a character', 'QUJ REVG', /character " " at position 3/],
    ['a character outside Latin-1 whose low byte is a letter', `QU${String.fromCharCode(0x141)}D`, /position 2/],
    ['a non-ASCII Latin-1 character', 'QUé=', /character "é" at position 2/],
  ])('refuses %s, naming where', (_name, text, message) => {
    expect(() => base64ToBytes(text)).toThrow(message);
  });

  it('decodes the empty string and both paddings', () => {
    expect(base64ToBytes('')).toEqual(new Uint8Array());
    expect(Array.from(base64ToBytes('QQ=='))).toEqual([65]);
    expect(Array.from(base64ToBytes('QUI='))).toEqual([65, 66]);
  });
});
