// Number formats of `pnpm bench:serve` beyond the shared ones: microseconds, rates, signed deltas.
import { f1, f2 } from '@edgerec/bench-kit/report';

/** Megabytes to 1 or 2 decimals. */
export const fmtMb1 = f1;
export const fmtMb2 = f2;

/** A signed number (`+0.00012`, `−0.00012`) to `digits` decimals. */
export function signed(x: number | undefined, digits: number): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) return 'n/a';
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
}

/** Microseconds: whole with separators from 100 up, else to 1 decimal. */
export function fmtUs(x: number | undefined): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) return 'n/a';
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
}

/** A rate per second in M or G. */
export function fmtRate(x: number | undefined): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) return 'n/a';
  return x >= 1e9 ? `${(x / 1e9).toFixed(2)} G` : `${(x / 1e6).toFixed(0)} M`;
}
