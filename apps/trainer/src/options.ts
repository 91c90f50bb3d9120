import { InvalidArgumentError } from 'commander';

/** Parses a CLI value as an integer ≥ `min` (commander argParser). */
export function integerAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`must be an integer ≥ ${min}`);
    }
    return n;
  };
}

/** Parses a CLI value as a finite number within [min, max] (commander argParser). */
export function numberBetween(min: number, max: number, options: { exclusiveMin?: boolean } = {}): (value: string) => number {
  return (value) => {
    const n = Number(value);
    const low = options.exclusiveMin ? n > min : n >= min;
    if (value.trim() === '' || !Number.isFinite(n) || !low || n > max) {
      const range = `${options.exclusiveMin ? '(' : '['}${min}, ${max}]`;
      throw new InvalidArgumentError(`must be a number in ${range}`);
    }
    return n;
  };
}

/** Parses a CLI value as any finite number (commander argParser). */
export function finiteNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('must be a finite number');
  return n;
}
