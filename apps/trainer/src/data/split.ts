import { UserError } from '../user-error.js';
import { mulberry32, shuffleInPlace } from '@edgerec/core';

export { compactIds, indexAgainst, selectRows, type IdLookup, type IndexedRows } from './reindex.js';

/** Row indices of the three parts of a split, each in ascending (file) order. */
export interface RowSplit {
  train: Uint32Array;
  validation: Uint32Array;
  test: Uint32Array;
}

/** Fraction of rows held out for validation and for test; the rest is training. */
export interface SplitFractions {
  validation: number;
  test: number;
}

/** Relative tolerance under which rows × fraction counts as a whole number (100 × 0.29 = 28.999999999999996). */
const TOLERANCE = 1e-9;

/**
 * Splits rows 0..rows-1 at random (core's shuffleInPlace driven by mulberry32(seed)):
 * validation gets floor(rows × validation) rows, test floor(rows × test), train the rest
 * (so 80/10/10 of 100 rows is exactly 80/10/10, and held-out parts never exceed their share).
 * Train takes the first rows of the shuffled order, validation the next, test the last.
 */
export function splitRows(rows: number, fractions: SplitFractions, seed: number): RowSplit {
  if (!Number.isInteger(rows) || rows < 0) throw new UserError(`row count must be a non-negative integer, got ${rows}`);
  checkFraction('validation', fractions.validation);
  checkFraction('test', fractions.test);
  if (fractions.validation + fractions.test >= 1) {
    throw new UserError(
      `validation + test fractions must be below 1 to leave training rows, got ${fractions.validation} + ${fractions.test}`,
    );
  }
  const order = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) order[r] = r;
  shuffleInPlace(order, mulberry32(seed));
  const validationRows = share(rows, fractions.validation);
  const testRows = share(rows, fractions.test);
  const trainRows = rows - validationRows - testRows;
  return {
    train: order.slice(0, trainRows).sort(),
    validation: order.slice(trainRows, trainRows + validationRows).sort(),
    test: order.slice(trainRows + validationRows).sort(),
  };
}

/** floor(rows × fraction), treating a product within rounding error of a whole number as that number. */
function share(rows: number, fraction: number): number {
  const exact = rows * fraction;
  const nearest = Math.round(exact);
  return Math.abs(exact - nearest) <= TOLERANCE * Math.max(1, exact) ? nearest : Math.floor(exact);
}

/** Throws unless a fraction is a number in [0, 1). */
function checkFraction(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value >= 1) {
    throw new UserError(`${name} fraction must be at least 0 and below 1, got ${value}`);
  }
}
