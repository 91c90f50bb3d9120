import { IalsRowSolver, rowRegularization } from '../../ials/row-solve.js';
import type { Csr } from './csr.js';

/** The regularisation of a half-sweep: λ, the frequency exponent ν and w0 (see rowRegularization). */
export interface SideRegularization {
  readonly l2: number;
  readonly exponent: number;
  readonly unobservedWeight: number;
}

/**
 * Solves rows [from, to) of one side of iALS: each row r of `target` (dim wide) becomes the exact
 * minimiser against the fixed `other` table, given `base` = w0·G of that table. A row with no
 * observed pairs gets the zero vector (its exact solution). Returns how many rows could not be
 * solved (not positive definite: left at zero).
 */
export function solveRows(
  csr: Csr,
  other: Float32Array,
  otherRows: number,
  target: Float32Array,
  base: Float64Array,
  regularization: SideRegularization,
  dim: number,
  from: number,
  to: number,
  solver: IalsRowSolver = new IalsRowSolver(dim),
): number {
  const { offsets, columns, confidences } = csr;
  const { l2, exponent, unobservedWeight } = regularization;
  let failed = 0;
  for (let r = from; r < to; r++) {
    const start = offsets[r]!;
    const end = offsets[r + 1]!;
    const o = r * dim;
    if (end === start) {
      target.fill(0, o, o + dim);
      continue;
    }
    const lambda = rowRegularization(l2, exponent, end - start, otherRows, unobservedWeight);
    if (!solver.solve(base, other, columns, start, end, confidences, lambda, target, o)) {
      target.fill(0, o, o + dim);
      failed++;
    }
  }
  return failed;
}

/**
 * Splits rows 0..rows-1 into about `parts` contiguous ranges of similar cost: a row costs
 * about dim³/6 for its Cholesky solve plus dim²/2 per observed pair, i.e. dim/3 + n pairs' worth.
 * Returns the range boundaries (first 0, last rows).
 */
export function balancedRanges(offsets: Int32Array, rows: number, dim: number, parts: number): number[] {
  const rowCost = (r: number) => dim / 3 + (offsets[r + 1]! - offsets[r]!);
  let total = 0;
  for (let r = 0; r < rows; r++) total += rowCost(r);
  const bounds = [0];
  const share = total / Math.max(1, parts);
  let acc = 0;
  for (let r = 0; r < rows; r++) {
    acc += rowCost(r);
    if (acc >= share * bounds.length && bounds.length < parts && r + 1 < rows) bounds.push(r + 1);
  }
  bounds.push(rows);
  return bounds;
}
