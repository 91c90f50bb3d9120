import { isInt8Rows, type FactorTable } from '../factor-table.js';
import { roundHalfAway } from './quantize-query.js';

/** Where an item table's int8 copy lies in wasm memory (byte offsets), and how it was made. */
export interface RowsCopy {
  /** `rows` int8 rows of `stride` bytes (dim values, then zeros to a multiple of 16). */
  readonly values: number;
  /** Per row, the float32 scale its int8 values are multiplied by. */
  readonly scales: number;
  /** Per row, Σ |values| as float32 (exact: at most 127 · dim). */
  readonly l1: number;
  readonly stride: number;
  readonly rows: number;
  /** Whether the copy equals the table (int8 rows) or rounds it (float32 rows, to within scale / 2 a value). */
  readonly exact: boolean;
}

/** Bytes a row is padded to: the SIMD kernel reads 16 at a time. */
export function rowStride(dim: number): number {
  return Math.ceil(dim / 16) * 16;
}

/** Bytes {@link copyRows} writes for a table of `rows` rows. */
export function rowsCopyBytes(rows: number, dim: number): number {
  return rows * rowStride(dim) + rows * 8;
}

const SMALLEST_NORMAL_F32 = 2 ** -126;

/**
 * Writes the int8 copy of a factor table at `ptr`: int8 rows as they are, float32 rows quantized
 * per row (scale max|x| / 127, at least the smallest normal float32 so it is never 0 for a
 * non-zero row). Undefined if a float32 value is not finite.
 */
export function copyRows(
  buffer: ArrayBuffer,
  ptr: number,
  table: FactorTable,
  rows: number,
  dim: number,
): RowsCopy | undefined {
  const stride = rowStride(dim);
  const copy = { values: ptr, scales: ptr + rows * stride, l1: ptr + rows * stride + rows * 4, stride, rows };
  const out = new Int8Array(buffer, copy.values, rows * stride);
  const scales = new Float32Array(buffer, copy.scales, rows);
  const l1 = new Float32Array(buffer, copy.l1, rows);
  out.fill(0);
  if (isInt8Rows(table)) {
    scales.set(table.scales.subarray(0, rows));
    const v = table.values;
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let k = 0, o = r * dim; k < dim; k++) sum += Math.abs(v[o + k]!);
      l1[r] = sum;
      out.set(v.subarray(r * dim, (r + 1) * dim), r * stride);
    }
    for (let r = 0; r < rows; r++) if (!(scales[r]! >= 0 && scales[r]! < Infinity)) return undefined;
    return { ...copy, exact: true };
  }
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let max = 0;
    for (let k = 0; k < dim; k++) {
      const x = table[o + k]!;
      if (!Number.isFinite(x)) return undefined;
      max = Math.max(max, Math.abs(x));
    }
    const s = max === 0 ? 0 : Math.max(Math.fround(max / 127), SMALLEST_NORMAL_F32);
    scales[r] = s;
    if (s === 0) continue;
    let sum = 0;
    for (let k = 0; k < dim; k++) {
      const n = roundHalfAway(table[o + k]! / s);
      const v = Math.min(127, Math.max(-127, n));
      out[r * stride + k] = v;
      sum += Math.abs(v);
    }
    l1[r] = sum;
  }
  return { ...copy, exact: false };
}

/** Writes a float32 array (item biases, cosine multipliers) at `ptr`; undefined if a value is not finite. */
export function copyFloats(buffer: ArrayBuffer, ptr: number, values: ArrayLike<number>): number | undefined {
  const out = new Float32Array(buffer, ptr, values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) return undefined;
    out[i] = x;
  }
  return ptr;
}
