import type { Int8Rows } from './int8-rows.js';

/**
 * A row-major factor table, `dim` values a row: plain float32, or int8 rows with a float32
 * scale each (see {@link Int8Rows}). Scoring functions accept either.
 */
export type FactorTable = Float32Array | Int8Rows;

/** Whether a factor table holds int8 rows (as opposed to a plain Float32Array). */
export function isInt8Rows(table: FactorTable): table is Int8Rows {
  // Realm-independent, unlike `instanceof Float32Array`.
  return !ArrayBuffer.isView(table);
}

/** Number of values a factor table holds (rows × dim). */
export function factorLength(table: FactorTable): number {
  return isInt8Rows(table) ? table.values.length : table.length;
}

/**
 * Row `r` of a table as float values written into `out` (length ≥ dim; a float32 row is
 * copied, an int8 row dequantized). Returns `out`.
 */
export function readRow<T extends Float32Array | Float64Array>(table: FactorTable, r: number, dim: number, out: T): T {
  const o = r * dim;
  if (isInt8Rows(table)) {
    const s = table.scales[r]!;
    const v = table.values;
    for (let k = 0; k < dim; k++) out[k] = v[o + k]! * s;
  } else {
    for (let k = 0; k < dim; k++) out[k] = table[o + k]!;
  }
  return out;
}

/** The table as float32 (an int8 table dequantized into a new array; a Float32Array returned as is). */
export function toFloat32(table: FactorTable, dim: number): Float32Array {
  if (!isInt8Rows(table)) return table;
  const rows = table.scales.length;
  const out = new Float32Array(rows * dim);
  const v = table.values;
  for (let r = 0; r < rows; r++) {
    const s = table.scales[r]!;
    const o = r * dim;
    for (let k = 0; k < dim; k++) out[o + k] = v[o + k]! * s;
  }
  return out;
}
