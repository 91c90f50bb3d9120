import { accumulateGram, choleskySolveLower } from './gram-kernel.js';

/**
 * The regularisation of one row in iALS: λ · (n + w0 · N)^ν, where n is the row's number of
 * observed pairs and N the size of the other side (Rendle et al. 2021, "Revisiting the
 * performance of iALS on item recommendation benchmarks", §3.3: frequency-scaled
 * regularisation). ν = 0 gives the plain λ of Hu et al. (2008).
 */
export function rowRegularization(
  l2: number,
  exponent: number,
  observed: number,
  otherSize: number,
  unobservedWeight: number,
): number {
  return exponent === 0 ? l2 : l2 * (observed + unobservedWeight * otherSize) ** exponent;
}

/**
 * Exact solves of one row of iALS against a fixed other side Q:
 *   x = argmin Σ_j c_j (1 − x·q_j)² + w0 Σ_all (x·q)² + λ|x|²
 *     = (w0·G + Σ_j c_j q_j q_jᵀ + λI)⁻¹ Σ_j c_j q_j,   G = QᵀQ,
 * by one dim × dim Cholesky factorisation. Holds its scratch, so one solver serves many rows.
 */
export class IalsRowSolver {
  private readonly a: Float64Array;
  private readonly b: Float64Array;

  constructor(readonly dim: number) {
    this.a = new Float64Array(dim * dim);
    this.b = new Float64Array(dim);
  }

  /**
   * Solves for the row whose observed pairs are rows `rows[from..to)` of `table` with
   * confidences `confidences[from..to)` (all 1 when omitted), against `base` = w0·G (dim × dim,
   * lower triangle read), with ridge `l2`. Writes x to out[outOffset .. outOffset + dim) and
   * returns true; returns false (out untouched) if the system is not positive definite.
   */
  solve(
    base: Float64Array,
    table: Float32Array,
    rows: ArrayLike<number> | undefined,
    from: number,
    to: number,
    confidences: ArrayLike<number> | undefined,
    l2: number,
    out: Float32Array | Float64Array,
    outOffset: number,
  ): boolean {
    const { a, b, dim } = this;
    for (let r = 0; r < dim; r++) {
      const o = r * dim;
      for (let c = 0; c <= r; c++) a[o + c] = base[o + c]!;
      a[o + r]! += l2;
    }
    b.fill(0);
    for (let j = from; j < to; j++) {
      const o = (rows ? rows[j]! : j) * dim;
      const c = confidences ? confidences[j]! : 1;
      for (let k = 0; k < dim; k++) b[k]! += c * table[o + k]!;
    }
    accumulateGram(a, table, rows, from, to, confidences, dim);
    if (!choleskySolveLower(a, b, dim)) return false;
    for (let k = 0; k < dim; k++) out[outOffset + k] = b[k]!;
    return true;
  }
}
