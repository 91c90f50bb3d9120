import { isInt8Rows, type FactorTable } from './factor-table.js';

const cache = new WeakMap<FactorTable, { dim: number; norms: Float64Array }>();

/**
 * The Euclidean norm of every `dim`-wide row of a factor table (int8 rows include their
 * scale), computed on first use and cached per table: tables are treated as immutable once
 * scored, so a table edited in place afterwards keeps its stale norms.
 */
export function rowNorms(table: FactorTable, dim: number): Float64Array {
  const hit = cache.get(table);
  if (hit && hit.dim === dim) return hit.norms;
  const norms = isInt8Rows(table) ? int8Norms(table.values, table.scales, dim) : float32Norms(table, dim);
  cache.set(table, { dim, norms });
  return norms;
}

function float32Norms(values: Float32Array, dim: number): Float64Array {
  const rows = Math.floor(values.length / dim);
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let o = r * dim, end = o + dim; o < end; o++) s += values[o]! * values[o]!;
    norms[r] = Math.sqrt(s);
  }
  return norms;
}

function int8Norms(values: Int8Array, scales: Float32Array, dim: number): Float64Array {
  const rows = scales.length;
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let o = r * dim, end = o + dim; o < end; o++) s += values[o]! * values[o]!;
    norms[r] = Math.sqrt(s) * scales[r]!;
  }
  return norms;
}
