/**
 * A factor table quantized per row: row r is `values[r*dim .. (r+1)*dim)` times `scales[r]`,
 * with values in [-127, 127] (symmetric: -128 is never used).
 */
export interface Int8Rows {
  readonly values: Int8Array;
  /** One non-negative scale per row: max |x_r| / 127 of the original row (0 for an all-zero row). */
  readonly scales: Float32Array;
  /** Values a row (the model dim). */
  readonly dim: number;
}

/**
 * Quantizes a float table of `dim`-wide rows to int8 with a per-row symmetric scale
 * s_r = max|x_r| / 127 (stored as float32), q = round(x / s_r) half away from zero, so every
 * value is restored within s_r / 2. Throws on a non-finite value or a length that is not a
 * multiple of `dim`.
 */
export function quantizeRows(values: Float32Array, dim: number): Int8Rows {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`row length must be a positive integer, got ${dim}`);
  if (values.length % dim !== 0) throw new Error(`${values.length} values are not a whole number of ${dim}-wide rows`);
  const rows = values.length / dim;
  const q = new Int8Array(values.length);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let max = 0;
    for (let k = 0; k < dim; k++) {
      const x = values[o + k]!;
      if (!Number.isFinite(x)) throw new Error(`value ${o + k} is not a finite number`);
      const a = Math.abs(x);
      if (a > max) max = a;
    }
    const s = Math.fround(max / 127);
    scales[r] = s;
    if (s === 0) continue; // all zeros (or below the smallest float32 scale): q stays 0
    for (let k = 0; k < dim; k++) {
      const x = values[o + k]! / s;
      const n = x >= 0 ? Math.floor(x + 0.5) : -Math.floor(0.5 - x);
      q[o + k] = n > 127 ? 127 : Math.max(n, -127);
    }
  }
  return { values: q, scales, dim };
}
