import { describe, expect, it } from 'vitest';
import { readRow, toFloat32 } from './factor-table.js';
import { quantizeRows } from './int8-rows.js';
import { mulberry32 } from './random.js';

/** Rows of assorted magnitudes: tiny, unit, large, one outlier, all zero, negative only. */
function awkwardRows(dim: number): Float32Array {
  const rand = mulberry32(dim);
  const rows: number[][] = [];
  for (const magnitude of [1e-6, 1, 300]) rows.push(Array.from({ length: dim }, () => (rand() - 0.5) * magnitude));
  rows.push(Array.from({ length: dim }, (_, k) => (k === 0 ? 50 : rand() * 0.01)));
  rows.push(new Array<number>(dim).fill(0));
  rows.push(Array.from({ length: dim }, () => -rand()));
  return Float32Array.from(rows.flat());
}

describe('quantizeRows', () => {
  for (const dim of [1, 4, 7, 32]) {
    it(`restores every value within half a step of its row's scale (dim ${dim})`, () => {
      const values = awkwardRows(dim);
      const rows = quantizeRows(values, dim);
      expect(rows.dim).toBe(dim);
      expect(rows.scales.length).toBe(values.length / dim);
      const back = toFloat32(rows, dim);
      for (let r = 0; r < rows.scales.length; r++) {
        let max = 0;
        for (let k = 0; k < dim; k++) max = Math.max(max, Math.abs(values[r * dim + k]!));
        const s = rows.scales[r]!;
        expect(s).toBe(Math.fround(max / 127));
        for (let k = 0; k < dim; k++) {
          const j = r * dim + k;
          const q = rows.values[j]!;
          expect(q).toBeGreaterThanOrEqual(-127);
          expect(q).toBeLessThanOrEqual(127);
          // s/2 from rounding, plus the float32 rounding of the dequantized value
          expect(Math.abs(back[j]! - values[j]!), `row ${r} value ${k}`).toBeLessThanOrEqual(
            s / 2 + Math.abs(values[j]!) * 2 ** -23,
          );
        }
        if (max > 0) {
          const extreme = Math.max(...Array.from(rows.values.subarray(r * dim, (r + 1) * dim), Math.abs));
          expect(extreme, `row ${r} uses the full range`).toBe(127);
        }
      }
    });
  }

  it('matches a naive reference: q = x / s rounded half away from zero', () => {
    // Row 0 has scale exactly 1, so its values sit exactly halfway between steps.
    const values = Float32Array.from([127, -0.5, 0.5, -1.5, 0.625, -1.27, 0, 0.314]);
    const rows = quantizeRows(values, 4);
    expect(Array.from(rows.values.subarray(0, 4))).toEqual([127, -1, 1, -2]);
    for (let r = 0; r < 2; r++) {
      const row = Array.from(values.subarray(r * 4, r * 4 + 4));
      const s = Math.fround(Math.max(...row.map(Math.abs)) / 127);
      const want = row.map((x) => Math.sign(x) * Math.round(Math.abs(x) / s) || 0);
      expect(Array.from(rows.values.subarray(r * 4, r * 4 + 4))).toEqual(want);
    }
    expect(rows.values[5]).toBe(-127);
  });

  it('reads a row back through readRow like toFloat32', () => {
    const values = awkwardRows(6);
    const rows = quantizeRows(values, 6);
    const all = toFloat32(rows, 6);
    const out = new Float64Array(6);
    for (let r = 0; r < rows.scales.length; r++) {
      readRow(rows, r, 6, out);
      for (let k = 0; k < 6; k++) expect(Math.fround(out[k]!)).toBe(all[r * 6 + k]);
    }
    expect(toFloat32(values, 6)).toBe(values);
  });

  it('rejects non-finite values and a length that is not whole rows', () => {
    expect(() => quantizeRows(Float32Array.from([1, Number.NaN]), 2)).toThrow(/value 1 is not a finite number/);
    expect(() => quantizeRows(Float32Array.from([1, 2, 3]), 2)).toThrow(
      /3 values are not a whole number of 2-wide rows/,
    );
    expect(() => quantizeRows(new Float32Array(4), 0)).toThrow(/row length must be a positive integer/);
  });
});
