import { describe, expect, it } from 'vitest';
import { commaList, integerParser } from './bench-flags.js';

describe('bench flags', () => {
  const fail = (message: string): never => {
    throw new Error(message);
  };

  it('reads comma lists without blanks, and integers at or above a minimum', () => {
    expect(commaList(' a, ,b ,')).toEqual(['a', 'b']);
    expect(commaList(undefined)).toEqual([]);
    const integer = integerParser(fail);
    expect(integer('repeat', '3', 1)).toBe(3);
    expect(() => integer('repeat', '0', 1)).toThrow('--repeat must be an integer ≥ 1, got "0"');
    expect(() => integer('sizes', '1.5', 10)).toThrow('--sizes must be an integer ≥ 10, got "1.5"');
  });
});
