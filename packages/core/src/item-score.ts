import { dotF32, dotF32I8 } from './dot-kernels.js';
import { isInt8Rows, type FactorTable } from './factor-table.js';

/**
 * The exact ranking score of one item for a query, itemBias[i] + dot(query, row i) (int8 rows
 * times their scale): the JS reference that the whole-catalogue scans inline and that the wasm
 * scorer's survivors are rescored with, so both paths rank on identical numbers.
 */
export function itemScorer(
  table: FactorTable,
  itemBias: Float32Array,
  q: Float32Array,
  dim: number,
): (i: number) => number {
  if (isInt8Rows(table)) {
    const { values, scales } = table;
    return (i) => itemBias[i]! + dotF32I8(q, 0, values, i * dim, dim) * scales[i]!;
  }
  return (i) => itemBias[i]! + dotF32(q, 0, table, i * dim, dim);
}
