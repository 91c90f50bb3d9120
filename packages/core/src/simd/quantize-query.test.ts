import { describe, expect, it } from 'vitest';
import { quantizeQuery } from './quantize-query.js';

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
