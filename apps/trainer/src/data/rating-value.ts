/** The outcome of reading one rating field: a finite number, or why it is not one. */
export type RatingParse =
  | { ok: true; value: number }
  | { ok: false; problem: 'missing value' | 'not a number' | 'not a finite number' | typeof OVERFLOW };

/** The problem of a decimal too large for the float32 the values are stored in (NaN and Infinity words are 'not a finite number'). */
export const OVERFLOW = 'overflows: values are stored as 32-bit floats, at most ±3.4e38';

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const NON_FINITE_WORD = /^[+-]?(?:inf|infinity|nan)$/i;

/** True when `text` (already trimmed) is a plain decimal number such as `4`, `3.5` or `1e0`. */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/** Parses a rating field: trims it, accepts plain decimals (and `3,5` when `decimalComma`), rejects the rest. */
export function parseRating(raw: string, decimalComma = false): RatingParse {
  let text = raw.trim();
  if (text === '') return { ok: false, problem: 'missing value' };
  if (!DECIMAL.test(text)) {
    if (decimalComma && DECIMAL_COMMA.test(text)) text = text.replace(',', '.');
    else if (NON_FINITE_WORD.test(text)) return { ok: false, problem: 'not a finite number' };
    else return { ok: false, problem: 'not a number' };
  }
  const value = Number(text);
  // Ratings are stored as float32: a decimal beyond float32 range (1e39, 1e300, 1e999) would become Infinity.
  if (!Number.isFinite(Math.fround(value))) return { ok: false, problem: OVERFLOW };
  return { ok: true, value };
}
