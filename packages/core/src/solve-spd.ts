/**
 * Solves A x = b for a symmetric positive-definite n×n matrix A (row-major) by Cholesky
 * factorisation. Overwrites `a` with the factor and `b` with x; returns false (leaving them
 * partly overwritten) when A is not numerically positive definite.
 */
export function solveSpd(a: Float64Array, b: Float64Array, n: number): boolean {
  let maxDiagonal = 0;
  for (let i = 0; i < n; i++) maxDiagonal = Math.max(maxDiagonal, Math.abs(a[i * n + i]!));
  const tiny = maxDiagonal * 1e-13;
  // A = L Lᵀ, L stored in the lower triangle.
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= a[j * n + k]! * a[j * n + k]!;
    if (!(d > tiny)) return false;
    const l = Math.sqrt(d);
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = s / l;
    }
  }
  // Forward (L y = b), then back substitution (Lᵀ x = y).
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= a[i * n + k]! * b[k]!;
    b[i] = s / a[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * b[k]!;
    b[i] = s / a[i * n + i]!;
  }
  return true;
}
