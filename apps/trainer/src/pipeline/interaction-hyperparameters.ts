import { CONFIDENCE_MODES } from '@edgerec/core';
import { NEGATIVE_SAMPLERS } from '@edgerec/core/model';
import { SHARED_RANGES } from './hyperparameter-ranges.js';
import { specProblem, type HyperparameterSpec } from './hyperparameter-spec.js';
import { INTERACTION_METHODS, type InteractionRecipe } from './interaction-head.js';

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
