// The wasm scorer's kernel (AssemblyScript, v128 SIMD): an int8 × int8 scan that keeps the k best
// lower bounds of every item's score and emits the items whose upper bound can still reach them.
// The caller rescores the emitted items exactly with core's JS kernels, so results equal the JS
// path bit for bit; see ../README section in packages/core/README.md ("WebAssembly scoring").
//
// Memory is laid out by the JS side (wasm-arena.ts); every pointer here is a byte offset into it.
// State block (i32 × 3): [next position, exclusion cursor, lower-bound heap size], kept across
// calls so a scan interrupted by a full output buffer resumes where it stopped.

/** Where the JS side may start allocating (after this module's static data). */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/** dot(row, q) over `stride` int8 values (the rows' zero padding adds nothing). */
function dotI8(row: usize, q: usize, stride: i32): i32 {
  let acc = i32x4.splat(0);
  for (let o = 0; o < stride; o += 16) {
    const a = v128.load(row + o);
    const b = v128.load(q + o);
    acc = i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(i16x8.extmul_low_i8x16_s(a, b)));
    acc = i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(i16x8.extmul_high_i8x16_s(a, b)));
  }
  return (
    i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + (i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3))
  );
}

/** Pushes `x` into the min-heap of `count` f64 at `heap` (capacity k), replacing the root when full. */
function heapOffer(heap: usize, count: i32, k: i32, x: f64): i32 {
  if (count < k) {
    let c = count;
    while (c > 0) {
      const p = (c - 1) >> 1;
      const pv = load<f64>(heap + ((<usize>p) << 3));
      if (pv <= x) break;
      store<f64>(heap + ((<usize>c) << 3), pv);
      c = p;
    }
    store<f64>(heap + ((<usize>c) << 3), x);
    return count + 1;
  }
  let c = 0;
  for (;;) {
    const l = 2 * c + 1;
    if (l >= k) break;
    const r = l + 1;
    let m = l;
    let mv = load<f64>(heap + ((<usize>l) << 3));
    if (r < k) {
      const rv = load<f64>(heap + ((<usize>r) << 3));
      if (rv < mv) {
        m = r;
        mv = rv;
      }
    }
    if (mv >= x) break;
    store<f64>(heap + ((<usize>c) << 3), mv);
    c = m;
  }
  store<f64>(heap + ((<usize>c) << 3), x);
  return count;
}

/**
 * Scans items (positions [state.pos, count): item = position, or list[position] when `list` is not
 * 0), skipping the sorted exclusion list, and writes to `out` each item whose upper bound reaches
 * the k-th best lower bound seen so far. Row i is a record of `record` bytes at rows + i·record:
 * `stride` int8 values, then float32 scale, L1 norm (Σ|values|), bias and cosine multiplier.
 * Score bounds: bias + t ± (m·sq·(cL·l1 + K) + |t|·1e-6 + |bias|·1e-12) with t = m·sq·dot(q, row),
 * m the float32 at `multAt` in the record (scale, or the cosine multiplier), bias 0 unless
 * `withBias`; `clamp` clips both bounds to [-1, 1] (cosine). Returns how many items it wrote;
 * fewer than `cap` means the scan finished, `cap` that it stopped to let the caller drain `out`.
 */
export function scan(
  rows: usize,
  record: i32,
  stride: i32,
  multAt: i32,
  withBias: bool,
  count: i32,
  list: usize,
  q: usize,
  sq: f64,
  cL: f64,
  K: f64,
  clamp: bool,
  exclude: usize,
  excludeLen: i32,
  heap: usize,
  k: i32,
  out: usize,
  cap: i32,
  state: usize,
): i32 {
  let pos = load<i32>(state);
  let exPos = load<i32>(state, 4);
  let hc = load<i32>(state, 8);
  let tau = hc < k ? -Infinity : load<f64>(heap);
  let emitted = 0;
  for (; pos < count; pos++) {
    const i = list ? load<i32>(list + ((<usize>pos) << 2)) : pos;
    if (excludeLen > 0) {
      if (list) {
        // Candidates come in any order: binary search.
        let lo = 0;
        let hi = excludeLen;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (load<u32>(exclude + ((<usize>mid) << 2)) < <u32>i) lo = mid + 1;
          else hi = mid;
        }
        if (lo < excludeLen && load<u32>(exclude + ((<usize>lo) << 2)) === <u32>i) continue;
      } else {
        while (exPos < excludeLen && load<u32>(exclude + ((<usize>exPos) << 2)) < <u32>i) exPos++;
        if (exPos < excludeLen && load<u32>(exclude + ((<usize>exPos) << 2)) === <u32>i) continue;
      }
    }
    const row = rows + <usize>i * <usize>record;
    const meta = row + <usize>stride;
    const ms = <f64>load<f32>(row + <usize>multAt) * sq;
    const t = ms * <f64>dotI8(row, q, stride);
    const b = withBias ? <f64>load<f32>(meta, 8) : 0.0;
    const w = ms * (cL * <f64>load<f32>(meta, 4) + K) + Math.abs(t) * 1e-6 + Math.abs(b) * 1e-12;
    let ub = b + t + w;
    if (clamp) ub = Math.min(Math.max(ub, -1.0), 1.0);
    if (ub < tau) continue;
    store<u32>(out + ((<usize>emitted) << 2), <u32>i);
    emitted++;
    let lb = b + t - w;
    if (clamp) lb = Math.min(Math.max(lb, -1.0), 1.0);
    if (hc < k || lb > tau) {
      hc = heapOffer(heap, hc, k, lb);
      if (hc === k) tau = load<f64>(heap);
    }
    if (emitted === cap) {
      pos++;
      break;
    }
  }
  store<i32>(state, pos);
  store<i32>(state, exPos, 4);
  store<i32>(state, hc, 8);
  return emitted;
}
