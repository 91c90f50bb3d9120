import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { isMissing, readFailureReason } from '../io/errno.js';
import { unreadableProblem } from '../io/file-kind.js';
import type { InteractionRecipe } from '../pipeline/interaction-head.js';
import type { HyperparameterRegistry } from '../pipeline/hyperparameter-registry.js';
import { RATING_REGISTRY, type ModelOptions } from '../pipeline/rating-hyperparameters.js';
import { UserError } from '../user-error.js';
import { validateInteractionConfig } from './interaction-config.js';

/** Top-level keys of the wrapped form `{ "objective": …, "model": { … }, "tuned": { … } }` (what `edgerec tune` writes). */
export const WRAPPER_KEYS = ['objective', 'model', 'tuned'] as const;

/**
 * Validates parsed JSON as model hyperparameters: a flat object of TrainOptions names, or
 * `{ "model": { … } }` optionally with the `"tuned"` record `edgerec tune` adds. Any problem is a
 * UserError that starts with `source` and names the offending key.
 */
export function validateModelConfig(json: unknown, source: string): ModelOptions {
  if (!isPlainObject(json))
    throw new UserError(`${source}: expected a JSON object of hyperparameters, e.g. { "dim": 64 }`);
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
    if (json.tuned !== undefined && !isPlainObject(json.tuned))
      throw new UserError(`${source}: "tuned" must be an object`);
    model = json.model;
    where = 'model.';
  }
  return checkedHyperparameters(RATING_REGISTRY, model, { source, where, kind: '' });
}

/**
 * The hyperparameters of `model` checked against `registry`: an unknown key or a bad value is a
 * UserError naming it as `{where}{key}` and starting with `source`.
 */
export function checkedHyperparameters<T>(
  registry: HyperparameterRegistry<T>,
  model: Record<string, unknown>,
  at: { source: string; where: string; kind: string },
): Partial<T> {
  const { source, where, kind } = at;
  const unknown = Object.keys(model).filter((key) => !registry.has(key));
  if (unknown.length > 0) {
    throw new UserError(
      `${source}: unknown ${kind}${plural(unknown.length, 'hyperparameter')} ${quoteList(unknown.map((k) => where + k))}; ` +
        `allowed: ${registry.keys.join(', ')}`,
    );
  }
  const options: Record<string, unknown> = {};
  for (const key of registry.keys) {
    if (!Object.hasOwn(model, key)) continue;
    const value = model[key];
    const problem = registry.problem(key, value);
    if (problem !== undefined)
      throw new UserError(`${source}: "${where}${key}" ${problem}, got ${JSON.stringify(value)}`);
    options[key] = value;
  }
  return options as Partial<T>;
}

/** A config file's hyperparameters, for a rating model or (with `"objective": "interaction"`) an interaction model. */
export type ModelConfig =
  | { objective: 'rating'; model: ModelOptions }
  | { objective: 'interaction'; model: Partial<InteractionRecipe> };

/** Parses the text of a rating-model config file (see {@link validateModelConfig}). */
export function parseModelConfig(text: string, source: string): ModelOptions {
  const config = parseConfig(text, source);
  if (config.objective !== 'rating') {
    throw new UserError(
      `${source} holds interaction-model hyperparameters ("objective": "interaction"); use it with --objective interaction`,
    );
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
      throw new UserError(
        `${source}: "objective" must be "rating" or "interaction", got ${JSON.stringify(json.objective)}`,
      );
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
    throw new UserError(
      isMissing(error) ? `${path}: no such config file` : `cannot read config ${path}: ${readFailureReason(error)}`,
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
    if (!hasObjective)
      throw new UserError(`${path} holds interaction-model hyperparameters; this command trains rating models only`);
    if (givenExplicitly(command, 'objective') && command.getOptionValue('objective') !== 'interaction') {
      throw new UserError(
        `${path} holds interaction-model hyperparameters ("objective": "interaction"); use it with --objective interaction`,
      );
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
