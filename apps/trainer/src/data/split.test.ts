import { describe, expect, it } from 'vitest';
import { splitRows } from './split.js';

describe('splitRows', () => {
  it('gives exactly 80/10/10 of 100 rows, and floors held-out parts otherwise', () => {
    const split = splitRows(100, { validation: 0.1, test: 0.1 }, 1);
    expect([split.train.length, split.validation.length, split.test.length]).toEqual([80, 10, 10]);
    const odd = splitRows(107, { validation: 0.1, test: 0.2 }, 1);
    expect([odd.train.length, odd.validation.length, odd.test.length]).toEqual([76, 10, 21]);
    // 100 × 0.29 is 28.999999999999996 in floating point; it still counts as 29.
    expect(splitRows(100, { validation: 0.29, test: 0 }, 1).validation.length).toBe(29);
  });

  it('covers every row exactly once, each part sorted', () => {
    const split = splitRows(1000, { validation: 0.15, test: 0.05 }, 3);
    const all = [...split.train, ...split.validation, ...split.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, r) => r));
    for (const part of [split.train, split.validation, split.test]) {
      expect(Array.from(part)).toEqual(Array.from(part).sort((a, b) => a - b));
    }
    // A random split, not a block of consecutive rows.
    expect(split.test[split.test.length - 1]! - split.test[0]!).toBeGreaterThan(500);
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const a = splitRows(500, { validation: 0.1, test: 0.1 }, 42);
    expect(splitRows(500, { validation: 0.1, test: 0.1 }, 42)).toEqual(a);
    expect(splitRows(500, { validation: 0.1, test: 0.1 }, 43).test).not.toEqual(a.test);
  });

  it('handles zero fractions and zero rows', () => {
    const all = splitRows(10, { validation: 0, test: 0 }, 1);
    expect(all.train).toEqual(Uint32Array.from({ length: 10 }, (_, r) => r));
    expect(all.validation).toHaveLength(0);
    expect(splitRows(0, { validation: 0.1, test: 0.1 }, 1)).toEqual({
      train: new Uint32Array(0),
      validation: new Uint32Array(0),
      test: new Uint32Array(0),
    });
  });

  it('rejects fractions outside [0, 1) or summing to 1 or more', () => {
    expect(() => splitRows(10, { validation: -0.1, test: 0.1 }, 1)).toThrow(/validation fraction must be at least 0/);
    expect(() => splitRows(10, { validation: 0.1, test: 1 }, 1)).toThrow(/test fraction/);
    expect(() => splitRows(10, { validation: Number.NaN, test: 0 }, 1)).toThrow(/validation fraction/);
    expect(() => splitRows(10, { validation: 0.5, test: 0.5 }, 1)).toThrow(/must be below 1/);
    expect(() => splitRows(2.5, { validation: 0.1, test: 0.1 }, 1)).toThrow(/row count/);
  });
});
