// The command-line pieces every benchmark has: integer and list flags, the output switches, --help.
import type { UsageFailure } from './bench-results.js';

/** The parseArgs options of the output switches (and --help) every benchmark takes. */
export const OUTPUT_OPTIONS = {
  json: { type: 'boolean', default: false },
  markdown: { type: 'boolean', default: false },
  from: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/**
 * A parser of integer flags: the value of `--name`, or a usage failure saying what it must be.
 * @example const integer = integerParser(fail); const repeat = integer('repeat', flags.repeat, 1);
 */
export function integerParser(fail: UsageFailure): (name: string, text: string | undefined, min: number) => number {
  return (name, text, min) => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}, got "${text}"`);
    return n;
  };
}

/** A comma-separated list, trimmed, without empty entries. */
export function commaList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Prints `usage` and exits 0 for --help; fails for --json together with --markdown. */
export function checkOutputFlags(
  flags: { help?: boolean; json?: boolean; markdown?: boolean },
  usage: string,
  fail: UsageFailure,
): void {
  if (flags.help) {
    console.log(usage);
    process.exit(0);
  }
  if (flags.json && flags.markdown) fail('choose one of --json and --markdown');
}
