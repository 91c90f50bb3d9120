// Dot-product inner loops for each pair of row types, unrolled by 4 with independent sums.

/** Dot product of float32 a[ao .. ao+dim) and float32 b[bo .. bo+dim). */
export function dotF32(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  const end = ao + dim;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (; ao + 3 < end; ao += 4, bo += 4) {
    s0 += a[ao]! * b[bo]!;
    s1 += a[ao + 1]! * b[bo + 1]!;
    s2 += a[ao + 2]! * b[bo + 2]!;
    s3 += a[ao + 3]! * b[bo + 3]!;
  }
  for (; ao < end; ao++, bo++) s0 += a[ao]! * b[bo]!;
  return s0 + s1 + (s2 + s3);
}

/** Dot product of float32 a[ao .. ao+dim) and int8 b[bo .. bo+dim) (unscaled). */
export function dotF32I8(a: Float32Array, ao: number, b: Int8Array, bo: number, dim: number): number {
  const end = ao + dim;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (; ao + 3 < end; ao += 4, bo += 4) {
    s0 += a[ao]! * b[bo]!;
    s1 += a[ao + 1]! * b[bo + 1]!;
    s2 += a[ao + 2]! * b[bo + 2]!;
    s3 += a[ao + 3]! * b[bo + 3]!;
  }
  for (; ao < end; ao++, bo++) s0 += a[ao]! * b[bo]!;
  return s0 + s1 + (s2 + s3);
}

/** Dot product of int8 a[ao .. ao+dim) and int8 b[bo .. bo+dim) (unscaled; exact integer arithmetic). */
export function dotI8(a: Int8Array, ao: number, b: Int8Array, bo: number, dim: number): number {
  const end = ao + dim;
  // |product| ≤ 127² = 16129, so an int32 sum is exact for dim < 133,000.
  let s = 0;
  for (; ao < end; ao++, bo++) s = (s + a[ao]! * b[bo]!) | 0;
  return s;
}
