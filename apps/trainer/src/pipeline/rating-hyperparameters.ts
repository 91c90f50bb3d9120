import { ACTIVATIONS } from '@edgerec/core';
import { DEFAULT_RECIPE, ENGINES, type TrainOptions } from '@edgerec/core/model';
import { SHARED_RANGES } from './hyperparameter-ranges.js';
import { hyperparameterRegistry, type HyperparameterEntry, type RecordedValue } from './hyperparameter-registry.js';

/** The rating model's hyperparameters: every TrainOptions field but the rating units, which the data decide. */
export type Hyperparameters = Omit<TrainOptions, 'ratingUnitsPerTarget'>;
/** A hyperparameter's name. */
export type HyperparameterKey = keyof Hyperparameters;
/** Hyperparameters a caller may set; the rest come from DEFAULT_RECIPE. */
export type ModelOptions = Partial<Hyperparameters>;

/**
 * The one list of rating hyperparameters, in TrainOptions order: flags, config-file checks and the
 * artifact record derive from it, defaults from DEFAULT_RECIPE. `satisfies` makes tsc fail here
 * when TrainOptions gains or loses a field.
 */
export const RATING_HYPERPARAMETERS = {
  dim: { spec: SHARED_RANGES.dim, placeholder: '<n>', description: 'embedding size' },
  activation: {
    spec: { kind: 'choice', values: ACTIVATIONS },
    placeholder: '<name>',
    description: 'output activation',
  },
  dropout: {
    spec: { kind: 'number', min: 0, max: 0.95 },
    placeholder: '<rate>',
    description: 'dropout on the logit before the activation',
  },
  learningRate: { spec: SHARED_RANGES.learningRate, placeholder: '<lr>', description: 'Adam learning rate' },
  learningRateDecay: {
    spec: { kind: 'number', min: 0, max: 1, exclusiveMin: true },
    placeholder: '<factor>',
    description: 'multiply the learning rate by this after every epoch',
  },
  batchSize: { spec: SHARED_RANGES.batchSize, placeholder: '<n>', description: 'ratings per gradient step' },
  epochs: {
    spec: SHARED_RANGES.epochs,
    placeholder: '<n>',
    description: 'maximum epochs (early stopping usually ends sooner)',
    recordAs: 'maxEpochs',
  },
  patience: {
    spec: SHARED_RANGES.patience,
    placeholder: '<n>',
    description: 'epochs without val_loss improvement before stopping',
  },
  minDelta: {
    spec: { kind: 'number', min: 0, max: 1 },
    placeholder: '<x>',
    description: 'smallest val_loss decrease that counts as improvement',
  },
  restoreBest: {
    spec: { kind: 'boolean' },
    description: 'keep the last epoch’s weights instead of the best validation epoch’s',
  },
  l2: {
    spec: SHARED_RANGES.l2,
    placeholder: '<lambda>',
    description: 'L2 penalty per example on embeddings and biases',
  },
  globalOffset: {
    spec: { kind: 'boolean' },
    description: 'do not start logits from the training mean (the seed model has no offset)',
  },
  initScale: {
    spec: { kind: 'number', min: 0, max: 10, exclusiveMin: true },
    placeholder: '<x>',
    description: 'embeddings start uniform in ±x',
  },
  // The artifact keeps the seed as training.seed.
  seed: {
    spec: SHARED_RANGES.seed,
    placeholder: '<n>',
    description: 'seed for the split, initialisation, shuffling and dropout',
    recordAs: null,
  },
  implicit: {
    spec: { kind: 'boolean' },
    description: 'no SVD++ implicit feedback (users’ vectors without the items they rated)',
  },
  nonneg: { spec: { kind: 'boolean' }, description: 'keep factors non-negative (NMF-style)' },
  refit: {
    spec: { kind: 'boolean' },
    description: 'keep the early-stopped model instead of refitting on training + validation rows',
  },
  engine: {
    spec: { kind: 'choice', values: ENGINES },
    placeholder: '<name>',
    description: 'fused kernel (fast, lazy Adam) or tfjs autodiff (dense Adam, plain model only)',
  },
} as const satisfies { [K in HyperparameterKey]-?: HyperparameterEntry };

/** The rating registry: names, checks and the artifact record. */
export const RATING_REGISTRY = hyperparameterRegistry<Hyperparameters>(RATING_HYPERPARAMETERS);

/** The hyperparameter names, in TrainOptions order. */
export const HYPERPARAMETER_KEYS = RATING_REGISTRY.keys as HyperparameterKey[];

/** The registry entry of `key`, widened for code that walks every key. */
export function hyperparameterEntry(key: HyperparameterKey): HyperparameterEntry {
  return RATING_REGISTRY.entries[key];
}

/** Whether `key` names a hyperparameter. */
export function isHyperparameterKey(key: string): key is HyperparameterKey {
  return RATING_REGISTRY.has(key);
}

/** Why `value` is not a valid value of hyperparameter `key`, or undefined when it is. */
export function hyperparameterProblem(key: HyperparameterKey, value: unknown): string | undefined {
  return RATING_REGISTRY.problem(key, value);
}

/** Parses one command-line word as a value of hyperparameter `key`; throws an Error saying why not. */
export function parseHyperparameter<K extends HyperparameterKey>(key: K, text: string): Hyperparameters[K] {
  return RATING_REGISTRY.parse(key, text);
}

/** The default of hyperparameter `key` (DEFAULT_RECIPE's). */
export function defaultOf<K extends HyperparameterKey>(key: K): Hyperparameters[K] {
  return DEFAULT_RECIPE[key];
}

/** A recipe as the artifact's `training.hyperparameters` records it (renamed where the registry says). */
export function hyperparameterRecord(recipe: Hyperparameters): Record<string, RecordedValue> {
  return RATING_REGISTRY.record(recipe);
}
