import { parseBySpec, specProblem, type HyperparameterSpec } from './hyperparameter-spec.js';

/** A value the artifact's `training.hyperparameters` can hold. */
export type RecordedValue = number | string | boolean;

/** One row of a registry: its check, its flag's value placeholder and help, and its name in the artifact. */
export interface HyperparameterEntry {
  spec: HyperparameterSpec;
  /**
   * The flag's help text, or a function of the default for flags that print it themselves; absent
   * when the flag is another registry's (an interaction model's --dim is the rating model's).
   */
  description?: string | ((fallback: string) => string);
  /** The value placeholder in the flag (`<n>`); booleans have none. */
  placeholder?: string;
  /** Its key in the artifact's `training.hyperparameters` (default: its own name); null when stored elsewhere. */
  recordAs?: string | null;
}

/** Entries by hyperparameter name, one for every field of the recipe `T`. */
export type RegistryEntries<T> = { readonly [K in keyof T]-?: HyperparameterEntry };

/** What every command and pipeline reads from one table of hyperparameters. */
export interface HyperparameterRegistry<T> {
  /** The rows, by name. */
  readonly entries: RegistryEntries<T>;
  /** The names, in the table's order (the order of flags, config checks and the artifact record). */
  readonly keys: ReadonlyArray<keyof T & string>;
  /** Whether `key` names a hyperparameter of this table. */
  has(key: string): key is keyof T & string;
  /** Why `value` is not a valid value of `key`, or undefined when it is. */
  problem(key: keyof T & string, value: unknown): string | undefined;
  /** Parses one command-line word as a value of `key`; throws an Error saying why not. */
  parse<K extends keyof T & string>(key: K, text: string): T[K];
  /** A recipe as the artifact's `training.hyperparameters` records it (renamed or left out where the table says). */
  record(recipe: T): Record<string, RecordedValue>;
}

/**
 * A registry over `entries`, which must name every field of `T` (checked by the caller's
 * `satisfies`); flags, config-file checks, search lists and artifact records derive from it.
 * @example const REGISTRY = hyperparameterRegistry<Recipe>({ dim: { spec: SHARED_RANGES.dim } });
 */
export function hyperparameterRegistry<T>(entries: RegistryEntries<T>): HyperparameterRegistry<T> {
  type Key = keyof T & string;
  const keys = Object.keys(entries) as Key[];
  return {
    entries,
    keys,
    has: (key): key is Key => Object.hasOwn(entries, key),
    problem: (key, value) => specProblem(entries[key].spec, value),
    parse: <K extends Key>(key: K, text: string) => parseBySpec(entries[key].spec, text) as T[K],
    record: (recipe) => {
      const record: Record<string, RecordedValue> = {};
      for (const key of keys) {
        const name = entries[key].recordAs;
        if (name !== null) record[name ?? key] = recipe[key] as RecordedValue;
      }
      return record;
    },
  };
}
