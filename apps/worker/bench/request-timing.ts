// How `pnpm bench:serve` times requests: single calls after a warm-up, CPU per call, latency spreads.

/** Times fn(query) for about `budgetMs` after a warm-up of `warmMs`: the per-request samples in µs. */
export function timeIt<Q>(
  fn: (query: Q) => unknown,
  queries: readonly Q[],
  budgetMs: number,
  warmMs: number,
): { samples: number[]; warmup: number } {
  let j = Math.floor(Math.random() * queries.length);
  const warmEnd = performance.now() + warmMs;
  let warmup = 0;
  while (warmup < 3 || performance.now() < warmEnd) {
    fn(queries[j++ % queries.length]!);
    warmup++;
  }
  const samples: number[] = [];
  const end = performance.now() + budgetMs;
  while (samples.length < 5 || (performance.now() < end && samples.length < 100_000)) {
    const q = queries[j++ % queries.length]!;
    const t0 = process.hrtime.bigint();
    fn(q);
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return { samples, warmup };
}

/**
 * Mean CPU time (user + system, µs) of fn over `calls` calls rotating over `queries`: what the
 * Workers CPU limit counts, and unlike wall time not inflated by other processes on the machine.
 */
export function cpuPerCall<Q>(fn: (query: Q) => unknown, queries: readonly Q[], calls: number): number {
  const start = process.cpuUsage();
  for (let j = 0; j < calls; j++) fn(queries[j % queries.length]!);
  const { user, system } = process.cpuUsage(start);
  return (user + system) / calls;
}

/** The value at quantile `p` of ascending samples. */
export function quantile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Median, p10 and p90 of end-to-end latencies (µs), and how many. */
export interface LatencyStats {
  medianUs: number;
  p10Us: number;
  p90Us: number;
  n: number;
}

/** {@link LatencyStats} of a list of latencies. */
export function latencyStats(xs: readonly number[]): LatencyStats {
  const s = [...xs].sort((a, b) => a - b);
  return {
    medianUs: s[Math.floor(s.length / 2)]!,
    p10Us: s[Math.floor(s.length * 0.1)]!,
    p90Us: s[Math.floor(s.length * 0.9)]!,
    n: s.length,
  };
}

/** Whether two lists hold the same values in the same order. */
export function sameList<T>(a: ArrayLike<T>, b: ArrayLike<T>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
