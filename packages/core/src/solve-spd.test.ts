import { describe, expect, it } from 'vitest';
import { gaussian } from './random.js';
import { solveSpd } from './solve-spd.js';

/** Textbook Gaussian elimination with partial pivoting on a copy. */
function naiveSolve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let j = c; j <= n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let j = r + 1; j < n; j++) s -= m[r]![j]! * x[j]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

describe('solveSpd', () => {
  const normal = gaussian(4);
  for (const n of [1, 2, 5, 33]) {
    it(`matches Gaussian elimination on a random SPD system (n = ${n})`, () => {
      const b = Array.from({ length: n + 3 }, () => Array.from({ length: n }, normal));
      const a = Array.from({ length: n }, (_, i) =>
        Array.from({ length: n }, (_, j) => b.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? 0.1 : 0)),
      );
      const rhs = Array.from({ length: n }, normal);
      const x = Float64Array.from(rhs);
      expect(solveSpd(Float64Array.from(a.flat()), x, n)).toBe(true);
      const want = naiveSolve(a, rhs);
      for (let i = 0; i < n; i++) expect(x[i]).toBeCloseTo(want[i]!, 8);
    });
  }

  it('reports a singular or indefinite matrix', () => {
    expect(solveSpd(Float64Array.from([1, 2, 2, 4]), new Float64Array(2), 2)).toBe(false);
    expect(solveSpd(Float64Array.from([1, 0, 0, -1]), new Float64Array(2), 2)).toBe(false);
  });
});
