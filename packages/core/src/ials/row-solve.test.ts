import { describe, expect, it } from 'vitest';
import { gaussian } from '../random.js';
import { solveSpd } from '../solve-spd.js';
import { confidenceOf } from './confidence.js';
import { accumulateGram, choleskySolveLower, mirrorLower } from './gram-kernel.js';
import { gramian } from './gramian.js';
import { IalsRowSolver, rowRegularization } from './row-solve.js';

const normal = gaussian(11);
const table = (rows: number, dim: number) => Float32Array.from({ length: rows * dim }, normal);

describe('accumulateGram', () => {
  for (const count of [0, 1, 3, 4, 5, 9]) {
    it(`adds Σ c q qᵀ over ${count} rows (lower triangle), four at a time or one`, () => {
      const dim = 5;
      const q = table(12, dim);
      const rows = Int32Array.from({ length: count }, (_, j) => (j * 7) % 12);
      const weights = Float64Array.from({ length: count }, (_, j) => 0.5 + j);
      const a = new Float64Array(dim * dim).fill(1);
      accumulateGram(a, q, rows, 0, count, weights, dim);
      for (let r = 0; r < dim; r++) {
        for (let c = 0; c <= r; c++) {
          let want = 1;
          for (let j = 0; j < count; j++) want += weights[j]! * q[rows[j]! * dim + r]! * q[rows[j]! * dim + c]!;
          expect(a[r * dim + c]).toBeCloseTo(want, 10);
        }
        for (let c = r + 1; c < dim; c++) expect(a[r * dim + c]).toBe(1); // the upper triangle is not touched
      }
    });
  }
});

describe('choleskySolveLower', () => {
  for (const n of [1, 2, 3, 8, 17]) {
    it(`matches solveSpd on a random SPD system (n = ${n})`, () => {
      const x = table(n + 4, n);
      const a = new Float64Array(n * n);
      accumulateGram(a, x, undefined, 0, n + 4, undefined, n);
      for (let i = 0; i < n; i++) a[i * n + i]! += 0.1;
      mirrorLower(a, n);
      const b = Float64Array.from({ length: n }, normal);
      const mine = b.slice();
      const reference = b.slice();
      expect(choleskySolveLower(a.slice(), mine, n)).toBe(true);
      expect(solveSpd(a.slice(), reference, n)).toBe(true);
      for (let i = 0; i < n; i++) expect(mine[i]).toBeCloseTo(reference[i]!, 9);
    });
  }

  it('reports a matrix that is not positive definite', () => {
    expect(choleskySolveLower(Float64Array.of(1, 2, 2, 1), Float64Array.of(1, 1), 2)).toBe(false);
  });
});

describe('IalsRowSolver', () => {
  it('gives the exact minimiser of Σ c (1 − x·q)² + w0 Σ_all (x·q)² + λ|x|²', () => {
    const dim = 6;
    const items = 15;
    const q = table(items, dim);
    const w0 = 0.3;
    const base = gramian(q, items, dim, w0);
    const observed = Int32Array.of(2, 5, 7, 11, 13);
    const c = Float64Array.from(observed, (_, j) => confidenceOf({ mode: 'log', alpha: 2 }, j + 1));
    const x = new Float64Array(dim);
    expect(new IalsRowSolver(dim).solve(base, q, observed, 0, observed.length, c, 0.7, x, 0)).toBe(true);
    // The gradient of the objective vanishes at the solution.
    const objective = (v: Float64Array) => {
      let f = 0;
      for (let i = 0; i < items; i++) {
        let y = 0;
        for (let k = 0; k < dim; k++) y += v[k]! * q[i * dim + k]!;
        f += w0 * y * y;
      }
      observed.forEach((i, j) => {
        let y = 0;
        for (let k = 0; k < dim; k++) y += v[k]! * q[i * dim + k]!;
        f += c[j]! * (1 - y) ** 2;
      });
      for (let k = 0; k < dim; k++) f += 0.7 * v[k]! ** 2;
      return f;
    };
    const f0 = objective(x);
    for (let k = 0; k < dim; k++) {
      for (const step of [1e-3, -1e-3]) {
        const moved = x.slice();
        moved[k]! += step;
        expect(objective(moved)).toBeGreaterThan(f0);
      }
    }
  });

  it('reads observed rows through an index array or directly, and writes at the offset', () => {
    const dim = 3;
    const q = table(4, dim);
    const base = gramian(q, 4, dim, 0.1);
    const viaIndex = new Float32Array(2 * dim);
    const direct = new Float32Array(dim);
    const solver = new IalsRowSolver(dim);
    solver.solve(base, q, Int32Array.of(0, 1, 2, 3), 1, 3, undefined, 0.5, viaIndex, dim);
    solver.solve(base, q.subarray(dim), undefined, 0, 2, undefined, 0.5, direct, 0);
    expect(Array.from(viaIndex.subarray(0, dim))).toEqual([0, 0, 0]);
    expect(Array.from(viaIndex.subarray(dim))).toEqual(Array.from(direct));
  });
});

describe('rowRegularization', () => {
  it('is λ for ν = 0 and λ (n + w0 N)^ν otherwise', () => {
    expect(rowRegularization(3, 0, 10, 100, 0.5)).toBe(3);
    expect(rowRegularization(2, 1, 10, 100, 0.5)).toBe(120);
    expect(rowRegularization(2, 0.5, 14, 100, 0.5)).toBeCloseTo(2 * 8, 12);
  });
});
