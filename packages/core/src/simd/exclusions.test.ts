import { describe, expect, it } from 'vitest';
import { mergeExclusions } from './exclusions.js';

describe('mergeExclusions', () => {
  it('merges the sorted list, the set and the extra index into one ascending list without duplicates', () => {
    const merged = mergeExclusions(10, Uint32Array.of(1, 4, 4, 8), new Set([8, 2, 42, -1, 1.5]), 0);
    expect(Array.from(merged)).toEqual([0, 1, 2, 4, 8]);
  });

  it('passes a strictly ascending list through as it is', () => {
    const sorted = Uint32Array.of(3, 5);
    expect(mergeExclusions(10, sorted, undefined)).toBe(sorted);
    expect(Array.from(mergeExclusions(10, undefined, undefined))).toEqual([]);
  });
});
