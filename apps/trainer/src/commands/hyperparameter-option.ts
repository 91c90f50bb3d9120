import { Option } from 'commander';
import { FlagValueError, flagOf, numericFlag } from '../options.js';
import type { HyperparameterEntry } from '../pipeline/hyperparameter-registry.js';
import { parseBySpec, type HyperparameterSpec } from '../pipeline/hyperparameter-spec.js';

/** A commander argParser for `flag` with the checks of `spec` (the same as config files'). */
export function specParser(flag: string, spec: HyperparameterSpec): (text: string) => unknown {
  if (spec.kind === 'integer' || spec.kind === 'number') return numericFlag(flag, spec);
  return (text) => {
    try {
      return parseBySpec(spec, text);
    } catch (error) {
      throw new FlagValueError(`${flag}: ${(error as Error).message}`);
    }
  };
}

/** The help text of a registry row whose default is `fallback`. */
export function helpOf(entry: HyperparameterEntry, fallback: unknown): string {
  const { description } = entry;
  return typeof description === 'function' ? description(String(fallback)) : (description ?? '');
}

/** The commander option `--x <v>` of registry row `key`, with its choices or its parser and no default. */
export function valueOption(key: string, entry: HyperparameterEntry, help: string): Option {
  const option = new Option(`${flagOf(key)} ${entry.placeholder ?? '<value>'}`, help);
  return entry.spec.kind === 'choice'
    ? option.choices(entry.spec.values)
    : option.argParser(specParser(flagOf(key), entry.spec));
}
