import { describe, expect, it } from 'vitest';
import {
  describeRange,
  FlagValueError,
  flagOf,
  inRange,
  integerFlag,
  numberFlag,
  numericFlag,
  parseDecimalText,
  SEED_RANGE,
} from './options.js';

describe('numeric flags', () => {
  const dim = integerFlag('--dim', 1, 1024);

  it('accepts decimal text inside the range', () => {
    expect(dim('64')).toBe(64);
    expect(dim(' 8 ')).toBe(8);
    expect(dim('1e3')).toBe(1000);
    expect(numberFlag('--l2', 0, 100)('1e-3')).toBe(0.001);
    expect(numericFlag('--seed', SEED_RANGE)('4294967295')).toBe(4294967295);
  });

  it('names the flag, the range and the value it refuses, as a usage error', () => {
    const refusal = (parse: (text: string) => number, text: string) => {
      try {
        parse(text);
      } catch (error) {
        expect(error).toBeInstanceOf(FlagValueError);
        expect((error as FlagValueError).exitCode).toBe(2);
        return (error as Error).message;
      }
      throw new Error(`accepted ${text}`);
    };
    expect(refusal(dim, '1e9')).toBe('--dim must be an integer from 1 to 1024 (got 1e9)');
    expect(refusal(dim, '1e300')).toBe('--dim must be an integer from 1 to 1024 (got 1e300)');
    expect(refusal(dim, '1e400')).toBe(
      '--dim must be an integer from 1 to 1024 (got 1e400, which overflows a 64-bit float)',
    );
    expect(refusal(dim, '2.5')).toBe('--dim must be an integer from 1 to 1024 (got 2.5)');
    expect(refusal(dim, '0x10')).toBe('--dim must be an integer from 1 to 1024 (got "0x10")');
    expect(refusal(dim, 'Infinity')).toBe('--dim must be an integer from 1 to 1024 (got "Infinity")');
    expect(refusal(dim, '')).toBe('--dim must be an integer from 1 to 1024 (got "")');
    expect(refusal(numericFlag('--seed', SEED_RANGE), '4294967296')).toBe(
      '--seed must be an integer from 0 to 4294967295 (got 4294967296)',
    );
    expect(refusal(numberFlag('--lr', 0, 10, { exclusiveMin: true }), '0')).toBe(
      '--lr must be a number above 0 and at most 10 (got 0)',
    );
    expect(refusal(numberFlag('--f', 0, 1, { exclusiveMin: true, exclusiveMax: true }), '1')).toBe(
      '--f must be a number above 0 and below 1 (got 1)',
    );
  });

  it('describes ranges and checks values against them', () => {
    expect(describeRange({ kind: 'number', min: 0, max: 1, exclusiveMax: true })).toBe(
      'a number at least 0 and below 1',
    );
    expect(inRange({ kind: 'integer', min: 1, max: 10 }, 10)).toBe(true);
    expect(inRange({ kind: 'integer', min: 1, max: 10 }, 2 ** 60)).toBe(false);
    expect(inRange({ kind: 'number', min: 0, max: 1 }, Number.NaN)).toBe(false);
    expect(parseDecimalText('1e999')).toEqual({ problem: 'overflows' });
    expect(parseDecimalText('-0.5')).toEqual({ value: -0.5 });
    expect(flagOf('learningRate')).toBe('--learning-rate');
  });
});
