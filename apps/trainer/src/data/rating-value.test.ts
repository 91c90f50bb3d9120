import { describe, expect, it } from 'vitest';
import { isDecimal, OVERFLOW, parseRating } from './rating-value.js';

describe('parseRating', () => {
  it('accepts plain decimals, with surrounding spaces', () => {
    expect(parseRating(' 4 ')).toEqual({ ok: true, value: 4 });
    expect(parseRating('3.5')).toEqual({ ok: true, value: 3.5 });
    expect(parseRating('-1')).toEqual({ ok: true, value: -1 });
    expect(parseRating('.5')).toEqual({ ok: true, value: 0.5 });
    expect(parseRating('5.')).toEqual({ ok: true, value: 5 });
    expect(parseRating('4e-1')).toEqual({ ok: true, value: 0.4 });
  });

  it('accepts a decimal comma only when asked', () => {
    expect(parseRating('3,5', true)).toEqual({ ok: true, value: 3.5 });
    expect(parseRating('3,5')).toEqual({ ok: false, problem: 'not a number' });
  });

  it('rejects empty, non-numeric and non-finite text', () => {
    expect(parseRating('  ')).toEqual({ ok: false, problem: 'missing value' });
    for (const text of ['x', '0x10', '1_000', '4/5', '']) {
      expect(parseRating(text).ok).toBe(false);
    }
    for (const text of ['NaN', 'inf', '+Infinity']) {
      expect(parseRating(text)).toEqual({ ok: false, problem: 'not a finite number' });
    }
  });

  it('says that a decimal past the float32 range overflows, apart from NaN and Infinity', () => {
    for (const text of ['1e300', '1e400', '-4e38', '1e39']) {
      expect(parseRating(text)).toEqual({ ok: false, problem: OVERFLOW });
    }
    expect(OVERFLOW).toMatch(/^overflows/);
    expect(parseRating('3.4e38')).toEqual({ ok: true, value: 3.4e38 });
  });

  it('tells numbers from header names', () => {
    expect(isDecimal('4.5')).toBe(true);
    expect(isDecimal('rating')).toBe(false);
  });
});
