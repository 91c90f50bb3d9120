import { describe, expect, it } from 'vitest';
import { mergeExclusions } from './exclusions.js';
import { quantizeQuery } from './quantize-query.js';

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

describe('quantizeQuery', () => {
  it('rounds every component to within half a step, pads to the stride and sums |values|', () => {
    const q = Float32Array.of(1, -0.5, 0.25, 0.003);
    const got = quantizeQuery(q, 4, 16)!;
    expect(got.scale).toBe(1 / 127);
    expect(Array.from(got.values)).toEqual([127, -64, 32, 0, ...new Array(12).fill(0)]);
    expect(got.l1).toBe(127 + 64 + 32);
    q.forEach((x, k) => expect(Math.abs(x - got.values[k]! * got.scale)).toBeLessThanOrEqual(got.scale / 2));
  });

  it('gives scale 0 for a zero query and nothing for a non-finite one', () => {
    expect(quantizeQuery(new Float32Array(3), 3, 16)).toMatchObject({ scale: 0, l1: 0 });
    expect(quantizeQuery(Float32Array.of(1, Number.POSITIVE_INFINITY), 2, 16)).toBeUndefined();
  });
});
