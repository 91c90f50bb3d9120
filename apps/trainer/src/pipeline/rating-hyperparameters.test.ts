import { DEFAULT_RECIPE } from '@edgerec/core/model';
import { describe, expect, it } from 'vitest';
import { HYPERPARAMETER_KEYS, hyperparameterRecord } from './rating-hyperparameters.js';

describe('the rating hyperparameter registry', () => {
  it('records a recipe in the artifact by the registry’s names: epochs as maxEpochs, the seed elsewhere', () => {
    const record = hyperparameterRecord(DEFAULT_RECIPE);
    expect(record.maxEpochs).toBe(DEFAULT_RECIPE.epochs);
    expect(record).not.toHaveProperty('epochs');
    expect(record).not.toHaveProperty('seed');
    expect(Object.keys(record)).toHaveLength(HYPERPARAMETER_KEYS.length - 1);
  });
});
