import { CONFIDENCE_MODES } from '@edgerec/core';
import { NEGATIVE_SAMPLERS } from '@edgerec/core/model';
import { INTERACTION_METHODS, type InteractionRecipe } from '../pipeline/interaction-head.js';
import { UserError } from '../user-error.js';
import { SHARED_RANGES } from './hyperparameter-ranges.js';
import { isPlainObject, plural, quoteList, specProblem, type HyperparameterSpec } from './model-config.js';

/**
 * Every interaction-model hyperparameter and its check (the same ranges as the flags).
 * `satisfies` makes tsc fail here when InteractionRecipe gains or loses a field.
 */
export const INTERACTION_HYPERPARAMETERS = {
  method: { kind: 'choice', values: INTERACTION_METHODS },
  dim: SHARED_RANGES.dim,
  l2: SHARED_RANGES.l2,
  seed: SHARED_RANGES.seed,
  refit: { kind: 'boolean' },
  patience: SHARED_RANGES.patience,
  iterations: { kind: 'integer', min: 1, max: 1000 },
  regExponent: { kind: 'number', min: 0, max: 2 },
  unobservedWeight: { kind: 'number', min: 0, max: 100 },
  confidence: { kind: 'choice', values: CONFIDENCE_MODES },
  alpha: { kind: 'number', min: 0, max: 1e6 },
  threads: { kind: 'integer', min: 1, max: 256 },
  negatives: { kind: 'integer', min: 1, max: 1000 },
  sampler: { kind: 'choice', values: NEGATIVE_SAMPLERS },
  epochs: SHARED_RANGES.epochs,
  learningRate: SHARED_RANGES.learningRate,
  batchSize: SHARED_RANGES.batchSize,
} as const satisfies { [K in keyof InteractionRecipe]-?: HyperparameterSpec };

/** An interaction hyperparameter's name. */
export type InteractionKey = keyof InteractionRecipe;

/** The interaction hyperparameter names, in recipe order. */
export const INTERACTION_KEYS = Object.keys(INTERACTION_HYPERPARAMETERS) as InteractionKey[];

/** Why `value` is not valid for interaction hyperparameter `key`, or undefined when it is. */
export function interactionProblem(key: InteractionKey, value: unknown): string | undefined {
  return specProblem(INTERACTION_HYPERPARAMETERS[key], value);
}

/**
 * Validates `{ "objective": "interaction", "model": { … }, "tuned"?: { … } }` (what `edgerec tune
 * --objective interaction` writes); any problem is a UserError naming the key.
 */
export function validateInteractionConfig(json: Record<string, unknown>, source: string): Partial<InteractionRecipe> {
  const allowed = ['objective', 'model', 'tuned'];
  const extra = Object.keys(json).filter((key) => !allowed.includes(key));
  if (extra.length > 0) {
    throw new UserError(`${source}: unknown top-level ${plural(extra.length, 'key')} ${quoteList(extra)}; allowed: ${allowed.join(', ')}`);
  }
  if (!isPlainObject(json.model)) throw new UserError(`${source}: "model" must be an object of interaction hyperparameters`);
  if (json.tuned !== undefined && !isPlainObject(json.tuned)) throw new UserError(`${source}: "tuned" must be an object`);
  const model = json.model;
  const unknown = Object.keys(model).filter((key) => !Object.hasOwn(INTERACTION_HYPERPARAMETERS, key));
  if (unknown.length > 0) {
    throw new UserError(
      `${source}: unknown interaction ${plural(unknown.length, 'hyperparameter')} ${quoteList(unknown.map((k) => `model.${k}`))}; ` +
        `allowed: ${INTERACTION_KEYS.join(', ')}`,
    );
  }
  const recipe: Record<string, unknown> = {};
  for (const key of INTERACTION_KEYS) {
    if (!Object.hasOwn(model, key)) continue;
    const problem = interactionProblem(key, model[key]);
    if (problem !== undefined) throw new UserError(`${source}: "model.${key}" ${problem}, got ${JSON.stringify(model[key])}`);
    recipe[key] = model[key];
  }
  return recipe as Partial<InteractionRecipe>;
}
