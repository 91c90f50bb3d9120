import { DEFAULT_RECIPE } from '@edgerec/core/model';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { HYPERPARAMETER_KEYS, RATING_HYPERPARAMETERS } from '../pipeline/rating-hyperparameters.js';
import { addModelOptions } from './model-flags.js';

describe('addModelOptions', () => {
  it('gives every hyperparameter one flag, with DEFAULT_RECIPE as its default', () => {
    const command = addModelOptions(new Command('t'));
    for (const key of HYPERPARAMETER_KEYS) {
      const option = command.options.find((o) => o.attributeName() === key);
      expect(option, key).toBeDefined();
      expect(option!.description).toBe(RATING_HYPERPARAMETERS[key].description);
      // `--no-x` flags take their default (true) from commander itself.
      if (!option!.negate) expect(option!.defaultValue).toBe(DEFAULT_RECIPE[key]);
      else expect(DEFAULT_RECIPE[key]).toBe(true);
    }
    expect(command.options.map((o) => o.long)).toEqual(
      expect.arrayContaining(['--no-restore-best', '--nonneg', '--learning-rate-decay']),
    );
  });
});
