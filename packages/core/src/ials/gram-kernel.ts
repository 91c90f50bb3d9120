// The inner loops of iALS: weighted Gram accumulation and a dense Cholesky solve, on typed arrays.

/**
 * Adds Σ c_j · q_j q_jᵀ over rows `rows[from..to)` of the row-major float32 table `table`
 * (`dim` wide) to the lower triangle of the dim × dim row-major matrix `a`; `weights[from..to)`
 * are the c_j (all 1 when omitted). Four rows at a time, so each entry of `a` is loaded and
 * stored once per four rank-one updates.
 */
export function accumulateGram(
  a: Float64Array,
  table: Float32Array,
  rows: ArrayLike<number> | undefined,
  from: number,
  to: number,
  weights: ArrayLike<number> | undefined,
  dim: number,
): void {
  let j = from;
  for (; j + 4 <= to; j += 4) {
    const o0 = (rows ? rows[j]! : j) * dim;
    const o1 = (rows ? rows[j + 1]! : j + 1) * dim;
    const o2 = (rows ? rows[j + 2]! : j + 2) * dim;
    const o3 = (rows ? rows[j + 3]! : j + 3) * dim;
    const c0 = weights ? weights[j]! : 1;
    const c1 = weights ? weights[j + 1]! : 1;
    const c2 = weights ? weights[j + 2]! : 1;
    const c3 = weights ? weights[j + 3]! : 1;
    for (let r = 0; r < dim; r++) {
      const s0 = c0 * table[o0 + r]!;
      const s1 = c1 * table[o1 + r]!;
      const s2 = c2 * table[o2 + r]!;
      const s3 = c3 * table[o3 + r]!;
      const ar = r * dim;
      for (let c = 0; c <= r; c++) {
        a[ar + c]! += s0 * table[o0 + c]! + s1 * table[o1 + c]! + s2 * table[o2 + c]! + s3 * table[o3 + c]!;
      }
    }
  }
  for (; j < to; j++) {
    const o = (rows ? rows[j]! : j) * dim;
    const cj = weights ? weights[j]! : 1;
    for (let r = 0; r < dim; r++) {
      const s = cj * table[o + r]!;
      const ar = r * dim;
      for (let c = 0; c <= r; c++) a[ar + c]! += s * table[o + c]!;
    }
  }
}

/** Copies the lower triangle of the row-major n × n matrix `a` into its upper triangle. */
export function mirrorLower(a: Float64Array, n: number): void {
  for (let r = 0; r < n; r++) for (let c = 0; c < r; c++) a[c * n + r] = a[r * n + c]!;
}

/**
 * Solves A x = b in place for the symmetric positive-definite n × n matrix whose lower
 * triangle `a` holds (row-major; the upper triangle is ignored and left as is). `a` becomes
 * the Cholesky factor L, `b` becomes x. Returns false, with `a` and `b` partly overwritten, when
 * A is not numerically positive definite. Two rows of L at a time with paired sums: about 1.4×
 * the speed of the textbook loop in V8.
 */
export function choleskySolveLower(a: Float64Array, b: Float64Array, n: number): boolean {
  let maxDiagonal = 0;
  for (let i = 0; i < n; i++) maxDiagonal = Math.max(maxDiagonal, Math.abs(a[i * n + i]!));
  const tiny = maxDiagonal * 1e-13;
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= a[rj + k]! * a[rj + k]!;
    if (!(d > tiny)) return false;
    const l = Math.sqrt(d);
    a[rj + j] = l;
    const inv = 1 / l;
    let i = j + 1;
    for (; i + 1 < n; i += 2) {
      const r0 = i * n;
      const r1 = r0 + n;
      let s0 = 0;
      let t0 = 0;
      let s1 = 0;
      let t1 = 0;
      let k = 0;
      for (; k + 1 < j; k += 2) {
        const x = a[rj + k]!;
        const y = a[rj + k + 1]!;
        s0 += a[r0 + k]! * x;
        t0 += a[r0 + k + 1]! * y;
        s1 += a[r1 + k]! * x;
        t1 += a[r1 + k + 1]! * y;
      }
      for (; k < j; k++) {
        const x = a[rj + k]!;
        s0 += a[r0 + k]! * x;
        s1 += a[r1 + k]! * x;
      }
      a[r0 + j] = (a[r0 + j]! - s0 - t0) * inv;
      a[r1 + j] = (a[r1 + j]! - s1 - t1) * inv;
    }
    for (; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = s * inv;
    }
  }
  // Forward (L y = b), then back substitution (Lᵀ x = y).
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= a[ri + k]! * b[k]!;
    b[i] = s / a[ri + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * b[k]!;
    b[i] = s / a[i * n + i]!;
  }
  return true;
}
