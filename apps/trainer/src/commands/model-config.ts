import { ACTIVATIONS } from '@edgerec/core';
import { ENGINES, type TrainOptions } from '@edgerec/core/model';
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { unreadableProblem } from '../io/file-kind.js';
import { describeRange, FlagValueError, flagOf, inRange, numericFlag, parseDecimalText, type NumericRange } from '../options.js';
import { SHARED_RANGES } from './hyperparameter-ranges.js';
import type { InteractionRecipe } from '../pipeline/interaction-head.js';
import type { ModelOptions } from '../pipeline/train-model.js';
import { UserError } from '../user-error.js';
import { validateInteractionConfig } from './interaction-config.js';

/** The hyperparameters a config file may set: every TrainOptions field but the derived rating units. */
export type Hyperparameters = Omit<TrainOptions, 'ratingUnitsPerTarget'>;
/** A hyperparameter's name. */
export type HyperparameterKey = keyof Hyperparameters;

/** How one hyperparameter is checked (the same ranges as the command-line flags). */
export type HyperparameterSpec = NumericRange | { kind: 'boolean' } | { kind: 'choice'; values: readonly string[] };

/**
 * Every hyperparameter and its check, in TrainOptions order. `satisfies` makes tsc fail here
 * when TrainOptions gains or loses a field, so config files cannot silently miss one.
 */
export const HYPERPARAMETERS = {
  dim: SHARED_RANGES.dim,
  activation: { kind: 'choice', values: ACTIVATIONS },
  dropout: { kind: 'number', min: 0, max: 0.95 },
  learningRate: SHARED_RANGES.learningRate,
  learningRateDecay: { kind: 'number', min: 0, max: 1, exclusiveMin: true },
  batchSize: SHARED_RANGES.batchSize,
  epochs: SHARED_RANGES.epochs,
  patience: SHARED_RANGES.patience,
  minDelta: { kind: 'number', min: 0, max: 1 },
  restoreBest: { kind: 'boolean' },
  l2: SHARED_RANGES.l2,
  globalOffset: { kind: 'boolean' },
  initScale: { kind: 'number', min: 0, max: 10, exclusiveMin: true },
  seed: SHARED_RANGES.seed,
  implicit: { kind: 'boolean' },
  nonneg: { kind: 'boolean' },
  refit: { kind: 'boolean' },
  engine: { kind: 'choice', values: ENGINES },
} as const satisfies { [K in HyperparameterKey]-?: HyperparameterSpec };

/** The hyperparameter names a config file may use, in TrainOptions order. */
export const HYPERPARAMETER_KEYS = Object.keys(HYPERPARAMETERS) as HyperparameterKey[];

/** Top-level keys of the wrapped form `{ "objective": …, "model": { … }, "tuned": { … } }` (what `edgerec tune` writes). */
const WRAPPER_KEYS = ['objective', 'model', 'tuned'] as const;

/** Whether `key` names a hyperparameter. */
export function isHyperparameterKey(key: string): key is HyperparameterKey {
  return Object.hasOwn(HYPERPARAMETERS, key);
}

/** Why `value` is not a valid value of hyperparameter `key`, or undefined when it is. */
export function hyperparameterProblem(key: HyperparameterKey, value: unknown): string | undefined {
  return specProblem(HYPERPARAMETERS[key], value);
}

/** Why `value` does not satisfy a hyperparameter spec, or undefined when it does. */
export function specProblem(spec: HyperparameterSpec, value: unknown): string | undefined {
  switch (spec.kind) {
    case 'integer':
    case 'number':
      return inRange(spec, value) ? undefined : `must be ${describeRange(spec)}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'choice':
      return typeof value === 'string' && spec.values.includes(value)
        ? undefined
        : `must be one of ${spec.values.map((v) => `"${v}"`).join(', ')}`;
  }
}

/** Parses one command-line word as a value of hyperparameter `key`; throws an Error saying why not. */
export function parseHyperparameter<K extends HyperparameterKey>(key: K, text: string): Hyperparameters[K] {
  return parseBySpec(HYPERPARAMETERS[key], text) as Hyperparameters[K];
}

/** Parses one command-line word by a hyperparameter spec; throws an Error saying why not. */
export function parseBySpec(spec: HyperparameterSpec, text: string): unknown {
  const word = text.trim();
  let value: unknown = word;
  if (spec.kind === 'integer' || spec.kind === 'number') {
    const parsed = parseDecimalText(word);
    if ('problem' in parsed) throw new Error(`"${word}" ${parsed.problem === 'overflows' ? 'overflows a 64-bit float' : 'is not a number'}`);
    value = parsed.value;
  } else if (spec.kind === 'boolean') {
    if (word !== 'true' && word !== 'false') throw new Error(`"${word}" is not true or false`);
    value = word === 'true';
  }
  const problem = specProblem(spec, value);
  if (problem !== undefined) throw new Error(`"${word}" ${problem}`);
  return value;
}

/** A commander argParser for hyperparameter `key`'s flag (`--learning-rate` for learningRate), with the same checks as config files. */
export function hyperparameterParser<K extends HyperparameterKey>(key: K): (text: string) => Hyperparameters[K] {
  const spec: HyperparameterSpec = HYPERPARAMETERS[key];
  if (spec.kind === 'integer' || spec.kind === 'number') return numericFlag(flagOf(key), spec) as (text: string) => Hyperparameters[K];
  return (text) => {
    try {
      return parseHyperparameter(key, text);
    } catch (error) {
      throw new FlagValueError(`${flagOf(key)}: ${(error as Error).message}`);
    }
  };
}

/**
 * Validates parsed JSON as model hyperparameters: a flat object of TrainOptions names, or
 * `{ "model": { … } }` optionally with the `"tuned"` record `edgerec tune` adds. Any problem is a
 * UserError that starts with `source` and names the offending key.
 */
export function validateModelConfig(json: unknown, source: string): ModelOptions {
  if (!isPlainObject(json)) throw new UserError(`${source}: expected a JSON object of hyperparameters, e.g. { "dim": 64 }`);
  let model: Record<string, unknown> = json;
  let where = '';
  if (Object.hasOwn(json, 'model')) {
    const extra = Object.keys(json).filter((key) => !(WRAPPER_KEYS as readonly string[]).includes(key));
    if (extra.length > 0) {
      throw new UserError(
        `${source}: unknown top-level ${plural(extra.length, 'key')} ${quoteList(extra)} next to "model"; ` +
          `allowed: ${WRAPPER_KEYS.join(', ')}`,
      );
    }
    if (!isPlainObject(json.model)) throw new UserError(`${source}: "model" must be an object of hyperparameters`);
    if (json.tuned !== undefined && !isPlainObject(json.tuned)) throw new UserError(`${source}: "tuned" must be an object`);
    model = json.model;
    where = 'model.';
  }
  const unknown = Object.keys(model).filter((key) => !isHyperparameterKey(key));
  if (unknown.length > 0) {
    throw new UserError(
      `${source}: unknown ${plural(unknown.length, 'hyperparameter')} ${quoteList(unknown.map((k) => where + k))}; ` +
        `allowed: ${HYPERPARAMETER_KEYS.join(', ')}`,
    );
  }
  const options: Record<string, unknown> = {};
  for (const key of HYPERPARAMETER_KEYS) {
    if (!Object.hasOwn(model, key)) continue;
    const value = model[key];
    const problem = hyperparameterProblem(key, value);
    if (problem !== undefined) throw new UserError(`${source}: "${where}${key}" ${problem}, got ${JSON.stringify(value)}`);
    options[key] = value;
  }
  return options as ModelOptions;
}

/** A config file's hyperparameters, for a rating model or (with `"objective": "interaction"`) an interaction model. */
export type ModelConfig =
  | { objective: 'rating'; model: ModelOptions }
  | { objective: 'interaction'; model: Partial<InteractionRecipe> };

/** Parses the text of a rating-model config file (see {@link validateModelConfig}). */
export function parseModelConfig(text: string, source: string): ModelOptions {
  const config = parseConfig(text, source);
  if (config.objective !== 'rating') {
    throw new UserError(`${source} holds interaction-model hyperparameters ("objective": "interaction"); use it with --objective interaction`);
  }
  return config.model;
}

/** Parses the text of any config file: `"objective": "interaction"` selects the interaction hyperparameters. */
export function parseConfig(text: string, source: string): ModelConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${source}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (isPlainObject(json) && json.objective !== undefined && json.objective !== 'rating') {
    if (json.objective !== 'interaction') {
      throw new UserError(`${source}: "objective" must be "rating" or "interaction", got ${JSON.stringify(json.objective)}`);
    }
    return { objective: 'interaction', model: validateInteractionConfig(json, source) };
  }
  return { objective: 'rating', model: validateModelConfig(json, source) };
}

/** Reads and validates a rating-model config file; a missing or unreadable file is a UserError. */
export async function readModelConfig(path: string): Promise<ModelOptions> {
  return parseModelConfig(await readConfigText(path), path);
}

/** Reads and validates any config file (rating or interaction hyperparameters). */
export async function readConfig(path: string): Promise<ModelConfig> {
  return parseConfig(await readConfigText(path), path);
}

async function readConfigText(path: string): Promise<string> {
  const problem = await unreadableProblem(path);
  if (problem !== undefined) throw new UserError(`cannot read config ${path}: ${problem}`);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `${path}: no such config file` : `cannot read config ${path}: ${(error as Error).message}`,
    );
  }
}

/** Whether the user gave option `key` explicitly (on the command line or, where declared, in the environment). */
export function givenExplicitly(command: Command, key: string): boolean {
  const source = command.getOptionValueSource(key);
  return source === 'cli' || source === 'env';
}

/**
 * A commander preAction hook for `--config <file>`: reads the file and sets each hyperparameter
 * it names as the option value (source 'config'), unless that option was given explicitly, so
 * the action sees explicit flags > config file > defaults.
 */
export async function applyModelConfig(command: Command): Promise<void> {
  const path: unknown = command.getOptionValue('config');
  if (typeof path !== 'string') return;
  const config = await readConfig(path);
  const values: Record<string, unknown> = { ...config.model };
  if (config.objective === 'interaction') {
    const hasObjective = command.options.some((option) => option.attributeName() === 'objective');
    if (!hasObjective) throw new UserError(`${path} holds interaction-model hyperparameters; this command trains rating models only`);
    if (givenExplicitly(command, 'objective') && command.getOptionValue('objective') !== 'interaction') {
      throw new UserError(`${path} holds interaction-model hyperparameters ("objective": "interaction"); use it with --objective interaction`);
    }
    values.objective = 'interaction';
  }
  for (const [key, value] of Object.entries(values)) {
    if (!givenExplicitly(command, key)) command.setOptionValueWithSource(key, value, 'config');
  }
}

/** Whether a parsed JSON value is an object (not an array or null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `"a", "b"`: keys quoted for a message. */
export function quoteList(keys: readonly string[]): string {
  return keys.map((k) => `"${k}"`).join(', ');
}

/** `word` or `words` for a count. */
export function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
