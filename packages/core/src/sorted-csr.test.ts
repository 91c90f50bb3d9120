import { describe, expect, it } from 'vitest';
import { buildSortedCsr } from './sorted-csr.js';

describe('buildSortedCsr', () => {
  it('groups columns by row, sorted, each once, in the array type asked for', () => {
    const csr = buildSortedCsr(Int32Array, 4, [2, 0, 2, 2, 0, 3, 2, 2], [9, 4, 1, 9, 2, 0, 5, 1]);
    expect(csr.offsets).toBeInstanceOf(Int32Array);
    expect(Array.from(csr.offsets)).toEqual([0, 2, 2, 5, 6]);
    expect(Array.from(csr.columns)).toEqual([2, 4, 1, 5, 9, 0]);
    expect(buildSortedCsr(Uint32Array, 2, [], []).columns).toBeInstanceOf(Uint32Array);
  });

  it('keeps a negative column (for the caller to reject) rather than taking it for a repeat', () => {
    expect(Array.from(buildSortedCsr(Int32Array, 1, [0, 0], [-1, 3]).columns)).toEqual([-1, 3]);
  });
});
