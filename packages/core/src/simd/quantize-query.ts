/** A query vector quantized for the int8 scan: `values` (padded with zeros to `stride`) × `scale`. */
export interface QuantizedQuery {
  readonly values: Int8Array;
  /** max |q| / 127 in float64 (0 for an all-zero query). */
  readonly scale: number;
  /** Σ |values|: the query's L1 norm in int8 units. */
  readonly l1: number;
}

/**
 * Quantizes a query symmetrically, q ≈ values × scale with |q_k − values_k·scale| ≤ scale / 2,
 * rounding half away from zero. Returns undefined for a non-finite component (the caller then
 * ranks in JS, whose arithmetic defines what such a query means).
 */
export function quantizeQuery(q: ArrayLike<number>, dim: number, stride: number): QuantizedQuery | undefined {
  let max = 0;
  for (let k = 0; k < dim; k++) {
    const x = q[k]!;
    if (!Number.isFinite(x)) return undefined;
    const a = Math.abs(x);
    if (a > max) max = a;
  }
  const values = new Int8Array(stride);
  const scale = max / 127;
  let l1 = 0;
  if (scale === 0) return { values, scale, l1 };
  for (let k = 0; k < dim; k++) {
    const n = roundHalfAway(q[k]! / scale);
    const v = Math.min(127, Math.max(-127, n));
    values[k] = v;
    l1 += Math.abs(v);
  }
  return { values, scale, l1 };
}

/** x rounded to the nearest integer, halves away from zero (as core's quantizeRows). */
function roundHalfAway(x: number): number {
  return x >= 0 ? Math.floor(x + 0.5) : -Math.floor(0.5 - x);
}
