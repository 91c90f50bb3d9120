// Small numeric and formatting helpers of the event benchmarks.
import os from 'node:os';

/** The p-quantile (0..1) of ascending values, nearest rank; NaN when there are none. */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Latencies in ms, ascending. */
export function ascending(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** The 1-minute load average and the core count, e.g. "1.93 / 2 cores". */
export function loadNow(): string {
  return `${os.loadavg()[0]!.toFixed(2)} / ${os.availableParallelism()} cores`;
}

/** A Markdown table of `rows` under `header`. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `x` with `digits` decimals, or "-" for NaN. */
export function fixed(x: number, digits = 1): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

/** Sleeps `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
