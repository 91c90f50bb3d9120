import { CONFIDENCE_MODES } from '@edgerec/core';
import { NEGATIVE_SAMPLERS } from '@edgerec/core/model';
import { SHARED_RANGES } from './hyperparameter-ranges.js';
import { hyperparameterRegistry, type HyperparameterEntry, type RecordedValue } from './hyperparameter-registry.js';
import { INTERACTION_METHODS, type InteractionRecipe } from './interaction-head.js';

/** An interaction row: a hyperparameter the rating model has too says whether a ranking head follows the rating model's value. */
export interface InteractionEntry extends HyperparameterEntry {
  /**
   * Set when the flag is the rating model's (--dim, --seed, …): an interaction model takes it only
   * when given explicitly or by --config, and a rating model's ranking head too when `head` is true.
   */
  sharedWithRating?: { head: boolean };
}

/** Rows for the hyperparameters whose flag is the rating model's. */
const own = { sharedWithRating: { head: false } } as const;
const inherited = { sharedWithRating: { head: true } } as const;

/**
 * The one list of interaction-model hyperparameters, in InteractionRecipe order (the flags' order): flags, config-file
 * checks, search lists and the artifact record derive from it, defaults from the method's recipe.
 * `satisfies` makes tsc fail here when InteractionRecipe gains or loses a field.
 */
export const INTERACTION_HYPERPARAMETERS = {
  method: {
    spec: { kind: 'choice', values: INTERACTION_METHODS },
    placeholder: '<name>',
    description: (d) => `interaction model: iALS, or sampled negatives with BCE or BPR (default ${d})`,
  },
  dim: { spec: SHARED_RANGES.dim, ...own },
  l2: { spec: SHARED_RANGES.l2, ...own },
  seed: { spec: SHARED_RANGES.seed, ...inherited },
  refit: { spec: { kind: 'boolean' }, ...inherited },
  patience: { spec: SHARED_RANGES.patience, ...own },
  iterations: {
    spec: { kind: 'integer', min: 1, max: 1000 },
    placeholder: '<n>',
    description: (d) => `iALS sweeps (default ${d})`,
  },
  unobservedWeight: {
    spec: { kind: 'number', min: 0, max: 100 },
    placeholder: '<w0>',
    description: (d) => `iALS weight of every unobserved pair (default ${d})`,
  },
  regExponent: {
    spec: { kind: 'number', min: 0, max: 2 },
    placeholder: '<nu>',
    description: (d) => `iALS frequency scaling of the L2: λ·(n + w0·N)^ν (default ${d}; 0 = plain λ)`,
  },
  confidence: {
    spec: { kind: 'choice', values: CONFIDENCE_MODES },
    placeholder: '<map>',
    description: (d) => `iALS weight → confidence: binary (1), linear (1 + α·w), log (1 + α·ln(1 + w)) (default ${d})`,
  },
  alpha: {
    spec: { kind: 'number', min: 0, max: 1e6 },
    placeholder: '<x>',
    description: (d) => `α of the linear and log confidence maps (default ${d})`,
  },
  threads: {
    spec: { kind: 'integer', min: 1, max: 256 },
    placeholder: '<n>',
    description: (d) => `iALS worker threads (default ${d} here)`,
  },
  negatives: {
    spec: { kind: 'integer', min: 1, max: 1000 },
    placeholder: '<n>',
    description: (d) => `bce/bpr: sampled negatives per positive (default ${d})`,
  },
  sampler: {
    spec: { kind: 'choice', values: NEGATIVE_SAMPLERS },
    placeholder: '<name>',
    description: (d) => `bce/bpr: how negatives are drawn (default ${d})`,
  },
  epochs: { spec: SHARED_RANGES.epochs, ...own },
  learningRate: { spec: SHARED_RANGES.learningRate, ...own },
  batchSize: { spec: SHARED_RANGES.batchSize, ...own },
} as const satisfies { [K in keyof InteractionRecipe]-?: InteractionEntry };

/** The interaction registry: names, checks and the artifact record. */
export const INTERACTION_REGISTRY = hyperparameterRegistry<InteractionRecipe>(INTERACTION_HYPERPARAMETERS);

/** An interaction hyperparameter's name. */
export type InteractionKey = keyof InteractionRecipe;

/** The interaction hyperparameters that have their own flag (--method, --iterations, …). */
export type InteractionFlagKey = {
  [K in InteractionKey]: (typeof INTERACTION_HYPERPARAMETERS)[K] extends { sharedWithRating: object } ? never : K;
}[InteractionKey];

/** The interaction hyperparameter names, in recipe order. */
export const INTERACTION_KEYS = INTERACTION_REGISTRY.keys as InteractionKey[];

/** The row of `key`, widened for code that walks every key. */
export function interactionEntry(key: InteractionKey): InteractionEntry {
  return INTERACTION_HYPERPARAMETERS[key];
}

/** The names with their own flag, in recipe order. */
export const INTERACTION_FLAG_KEYS = INTERACTION_KEYS.filter(
  (key) => interactionEntry(key).sharedWithRating === undefined,
) as InteractionFlagKey[];

/** Why `value` is not valid for interaction hyperparameter `key`, or undefined when it is. */
export function interactionProblem(key: InteractionKey, value: unknown): string | undefined {
  return INTERACTION_REGISTRY.problem(key, value);
}

/** A recipe as the artifact's `training.hyperparameters` records it. */
export function interactionRecord(recipe: InteractionRecipe): Record<string, RecordedValue> {
  return INTERACTION_REGISTRY.record(recipe);
}
