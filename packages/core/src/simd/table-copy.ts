import { isInt8Rows, type FactorTable } from '../factor-table.js';
import type { Int8Rows } from '../int8-rows.js';

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
const ROUNDER = 1.5 * 2 ** 52;

/**
 * Writes the int8 copy of a factor table at `ptr`: int8 rows as they are, float32 rows quantized
 * per row (scale max|x| / 127, at least the smallest normal float32 so it is never 0 for a
 * non-zero row). Undefined if a float32 value or an int8 scale is not finite (or a scale < 0).
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
  if (isInt8Rows(table))
    return copyInt8Rows(table, out, scales, l1, rows, dim, stride) ? { ...copy, exact: true } : undefined;
  return copyFloat32Rows(table, out, scales, l1, rows, dim, stride) ? { ...copy, exact: false } : undefined;
}

function copyInt8Rows(
  table: Int8Rows,
  out: Int8Array,
  scales: Float32Array,
  l1: Float32Array,
  rows: number,
  dim: number,
  stride: number,
): boolean {
  const v = table.values;
  scales.set(table.scales.subarray(0, rows));
  for (let r = 0; r < rows; r++) if (!(scales[r]! >= 0 && scales[r]! < Number.POSITIVE_INFINITY)) return false;
  if (stride === dim) out.set(v.subarray(0, rows * dim));
  else for (let r = 0; r < rows; r++) out.set(v.subarray(r * dim, (r + 1) * dim), r * stride);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let o = r * dim, end = o + dim; o < end; o++) {
      sum += Math.abs(v[o]!);
    }
    l1[r] = sum;
  }
  return true;
}

function copyFloat32Rows(
  table: Float32Array,
  out: Int8Array,
  scales: Float32Array,
  l1: Float32Array,
  rows: number,
  dim: number,
  stride: number,
): boolean {
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let max = 0;
    for (let k = 0; k < dim; k++) max = Math.max(max, Math.abs(table[o + k]!));
    if (!Number.isFinite(max)) return false; // Math.max passes NaN and infinities on
    if (max === 0) {
      // A zero row: scale 0 (the block may hold an evicted copy's bytes, so write it).
      scales[r] = 0;
      l1[r] = 0;
      continue;
    }
    const s = Math.max(Math.fround(max / 127), SMALLEST_NORMAL_F32);
    scales[r] = s;
    // |x / s| ≤ 127 · (1 + 2⁻²³) here, so rounding to nearest (ties either way) stays in
    // [-127, 127] and within s/2 of x/s (plus an ulp from the reciprocal: the kernel's headroom).
    // Adding and subtracting 1.5 · 2⁵² rounds to nearest, branch-free and ~8× faster than Math.round.
    const inv = 1 / s;
    let sum = 0;
    for (let k = 0, w = r * stride; k < dim; k++, w++) {
      const n = table[o + k]! * inv + ROUNDER - ROUNDER;
      out[w] = n;
      sum += Math.abs(n);
    }
    l1[r] = sum;
  }
  return true;
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
