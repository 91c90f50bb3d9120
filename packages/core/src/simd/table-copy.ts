import { isInt8Rows, type FactorTable } from '../factor-table.js';

/**
 * An item table's copy in wasm memory: one record per row at `ptr + row · record`, `stride` int8
 * values (dim, then zeros to a multiple of 16) followed by four float32s: the row's scale, its L1
 * norm Σ|values| (exact: at most 127 · dim), its bias and its cosine multiplier (scale / norm).
 * One stream per row keeps the scan to a single sequential read.
 */
export interface RowsCopy {
  readonly ptr: number;
  readonly rows: number;
  readonly stride: number;
  readonly record: number;
  /** Whether the values equal the table (int8 rows) or round it (float32 rows, within scale / 2 a value). */
  readonly exact: boolean;
  /** The bias array whose values the records hold (undefined: none written yet). */
  bias?: Float32Array;
  /** Whether the cosine multipliers are written. */
  cosine: boolean;
}

/** Byte offsets of the float32s after a record's values. */
export const RECORD = { scale: 0, l1: 4, bias: 8, cosine: 12 } as const;

/** Bytes a row's values are padded to: the SIMD kernel reads 16 at a time. */
export function rowStride(dim: number): number {
  return Math.ceil(dim / 16) * 16;
}

/** Bytes {@link copyRows} writes for a table of `rows` rows. */
export function rowsCopyBytes(rows: number, dim: number): number {
  return rows * (rowStride(dim) + 16);
}

const SMALLEST_NORMAL_F32 = 2 ** -126;
const ROUNDER = 1.5 * 2 ** 52;

/**
 * Writes the records of a factor table at `ptr`: int8 rows as they are, float32 rows quantized
 * per row (scale max|x| / 127, at least the smallest normal float32 so it is never 0 for a
 * non-zero row); bias and cosine slots are filled later. Undefined if a float32 value or an int8
 * scale is not finite (or a scale < 0).
 */
export function copyRows(
  buffer: ArrayBuffer,
  ptr: number,
  table: FactorTable,
  rows: number,
  dim: number,
): RowsCopy | undefined {
  const stride = rowStride(dim);
  const record = stride + 16;
  const bytes = new Int8Array(buffer, ptr, rows * record);
  const floats = new Float32Array(buffer, ptr, (rows * record) / 4);
  bytes.fill(0);
  const copy = { ptr, rows, stride, record, cosine: false };
  const ok = isInt8Rows(table)
    ? copyInt8Rows(table.values, table.scales, bytes, floats, rows, dim, stride, record)
    : copyFloat32Rows(table, bytes, floats, rows, dim, stride, record);
  return ok ? { ...copy, exact: isInt8Rows(table) } : undefined;
}

/** Writes `values[i]` into every record's float32 slot `slot`; false if a value is not finite. */
export function writeSlot(buffer: ArrayBuffer, copy: RowsCopy, slot: number, values: ArrayLike<number>): boolean {
  const floats = new Float32Array(buffer, copy.ptr, (copy.rows * copy.record) / 4);
  const step = copy.record / 4;
  for (let r = 0, f = (copy.stride + slot) / 4; r < copy.rows; r++, f += step) {
    const x = values[r]!;
    if (!Number.isFinite(x)) return false;
    floats[f] = x;
  }
  return true;
}

function copyInt8Rows(
  values: Int8Array,
  scales: Float32Array,
  bytes: Int8Array,
  floats: Float32Array,
  rows: number,
  dim: number,
  stride: number,
  record: number,
): boolean {
  for (let r = 0; r < rows; r++) {
    const s = scales[r]!;
    if (!(s >= 0 && s < Number.POSITIVE_INFINITY)) return false;
    let sum = 0;
    for (let k = r * dim, w = r * record, end = k + dim; k < end; k++, w++) {
      const x = values[k]!;
      bytes[w] = x;
      sum += Math.abs(x);
    }
    const f = (r * record + stride) / 4;
    floats[f + RECORD.scale / 4] = s;
    floats[f + RECORD.l1 / 4] = sum;
  }
  return true;
}

function copyFloat32Rows(
  table: Float32Array,
  bytes: Int8Array,
  floats: Float32Array,
  rows: number,
  dim: number,
  stride: number,
  record: number,
): boolean {
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let max = 0;
    for (let k = 0; k < dim; k++) max = Math.max(max, Math.abs(table[o + k]!));
    if (!Number.isFinite(max)) return false; // Math.max passes NaN and infinities on
    if (max === 0) continue; // a zero row: scale, L1 and values stay 0
    const s = Math.max(Math.fround(max / 127), SMALLEST_NORMAL_F32);
    // |x / s| ≤ 127 · (1 + 2⁻²³) here, so rounding to nearest (ties either way) stays in
    // [-127, 127] and within s/2 of x/s (plus an ulp from the reciprocal: the kernel's headroom).
    // Adding and subtracting 1.5 · 2⁵² rounds to nearest, branch-free and ~8× faster than Math.round.
    const inv = 1 / s;
    let sum = 0;
    for (let k = 0, w = r * record; k < dim; k++, w++) {
      const n = table[o + k]! * inv + ROUNDER - ROUNDER;
      bytes[w] = n;
      sum += Math.abs(n);
    }
    const f = (r * record + stride) / 4;
    floats[f + RECORD.scale / 4] = s;
    floats[f + RECORD.l1 / 4] = sum;
  }
  return true;
}
