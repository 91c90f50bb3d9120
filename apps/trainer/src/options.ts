import { CommanderError } from 'commander';

/** The range a numeric flag (or hyperparameter) must lie in; bounds are inclusive unless marked exclusive. */
export interface NumericRange {
  kind: 'integer' | 'number';
  min: number;
  max: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
}

/** Largest seed: the generators take 32-bit unsigned seeds. */
export const MAX_SEED = 2 ** 32 - 1;

/** Range of every `--seed`. */
export const SEED_RANGE: NumericRange = { kind: 'integer', min: 0, max: MAX_SEED };

/** Range of rating-scale values given on the command line (--rating-min, --threshold, --min-rating, …). */
export const RATING_VALUE_RANGE: NumericRange = { kind: 'number', min: -1e9, max: 1e9 };

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A flag given a value it does not accept: a usage error (exit status 2) whose message is printed as is. */
export class FlagValueError extends CommanderError {
  constructor(message: string) {
    super(2, 'edgerec.invalidFlagValue', message);
    this.name = 'FlagValueError';
  }
}

/** Decimal text as a number: `{ value }`, or why it is not one (`not a number`, or `overflows` past ±1.8e308). */
export function parseDecimalText(text: string): { value: number } | { problem: 'not a number' | 'overflows' } {
  const word = text.trim();
  if (!DECIMAL.test(word)) return { problem: 'not a number' };
  const value = Number(word);
  return Number.isFinite(value) ? { value } : { problem: 'overflows' };
}

/** The range in words: "an integer from 1 to 1024", "a number above 0 and at most 10". */
export function describeRange(range: NumericRange): string {
  const what = range.kind === 'integer' ? 'an integer' : 'a number';
  if (!range.exclusiveMin && !range.exclusiveMax) return `${what} from ${range.min} to ${range.max}`;
  const low = range.exclusiveMin ? `above ${range.min}` : `at least ${range.min}`;
  const high = range.exclusiveMax ? `below ${range.max}` : `at most ${range.max}`;
  return `${what} ${low} and ${high}`;
}

/** Whether `value` is a number inside the range (and a safe integer when the range is of integers). */
export function inRange(range: NumericRange, value: unknown): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (range.kind === 'integer' && !Number.isSafeInteger(value)) return false;
  const low = range.exclusiveMin ? value > range.min : value >= range.min;
  const high = range.exclusiveMax ? value < range.max : value <= range.max;
  return low && high;
}

/** `{ value }` when `text` is a decimal inside the range, else `{ got }`: how a message shows the refused text. */
export function rangeValue(range: NumericRange, text: string): { value: number } | { got: string } {
  const parsed = parseDecimalText(text);
  if ('problem' in parsed) {
    return {
      got: parsed.problem === 'overflows' ? `${text.trim()}, which overflows a 64-bit float` : JSON.stringify(text),
    };
  }
  return inRange(range, parsed.value) ? { value: parsed.value } : { got: text.trim() };
}

/**
 * A commander argParser for a numeric flag: decimal text inside `range`, else a FlagValueError
 * such as `--dim must be an integer from 1 to 1024 (got 1e9)`.
 * @example program.option('--dim <n>', 'embedding size', numericFlag('--dim', { kind: 'integer', min: 1, max: 1024 }))
 */
export function numericFlag(flag: string, range: NumericRange): (value: string) => number {
  return (text) => {
    const result = rangeValue(range, text);
    if ('got' in result) throw new FlagValueError(`${flag} must be ${describeRange(range)} (got ${result.got})`);
    return result.value;
  };
}

/** A commander argParser for an integer flag from `min` to `max`. */
export function integerFlag(flag: string, min: number, max: number): (value: string) => number {
  return numericFlag(flag, { kind: 'integer', min, max });
}

/** A commander argParser for a number flag from `min` to `max` (see {@link NumericRange} for exclusive bounds). */
export function numberFlag(
  flag: string,
  min: number,
  max: number,
  bounds: Pick<NumericRange, 'exclusiveMin' | 'exclusiveMax'> = {},
): (value: string) => number {
  return numericFlag(flag, { kind: 'number', min, max, ...bounds });
}

/** The `--kebab-case` flag of a camelCase option key (`learningRate` → `--learning-rate`). */
export function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
