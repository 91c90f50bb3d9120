import { MAX_DIM } from '@edgerec/core';
import { SEED_RANGE, type NumericRange } from '../options.js';

/** Ranges shared by the rating and the interaction hyperparameters (and their flags). */
export const SHARED_RANGES = {
  /** Embedding width: at most what an artifact may hold. */
  dim: { kind: 'integer', min: 1, max: MAX_DIM },
  batchSize: { kind: 'integer', min: 1, max: 65_536 },
  epochs: { kind: 'integer', min: 1, max: 10_000 },
  patience: { kind: 'integer', min: 1, max: 10_000 },
  learningRate: { kind: 'number', min: 0, max: 10, exclusiveMin: true },
  l2: { kind: 'number', min: 0, max: 100 },
  seed: SEED_RANGE,
} as const satisfies Record<string, NumericRange>;
