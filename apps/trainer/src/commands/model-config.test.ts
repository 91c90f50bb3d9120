import { DEFAULT_RECIPE } from '@edgerec/core/model';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  HYPERPARAMETER_KEYS,
  parseHyperparameter,
  type Hyperparameters,
  type ModelOptions,
} from '../pipeline/rating-hyperparameters.js';
import { useTempFile } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { parseModelConfig, readModelConfig } from './model-config.js';
import { addModelOptions, modelOptionsFrom, type ModelFlags } from './model-flags.js';

/** Every hyperparameter set to a value other than its default (typed, so a new TrainOptions field must be added here). */
const EVERY_KEY: Hyperparameters = {
  dim: 7,
  activation: 'sigmoid',
  dropout: 0.1,
  learningRate: 0.02,
  learningRateDecay: 0.9,
  batchSize: 64,
  epochs: 3,
  patience: 2,
  minDelta: 0.01,
  restoreBest: false,
  l2: 0.5,
  globalOffset: false,
  initScale: 0.2,
  seed: 9,
  implicit: false,
  nonneg: true,
  refit: false,
  engine: 'autodiff',
};

/** Parses `args` with the shared model flags and returns what modelOptionsFrom makes of them. */
async function modelOptionsOf(args: string[]): Promise<ModelOptions> {
  let seen: ModelOptions | undefined;
  const command = addModelOptions(new Command('t').exitOverride()).action((flags: ModelFlags) => {
    seen = modelOptionsFrom(flags);
  });
  await command.parseAsync(args, { from: 'user' });
  if (!seen) throw new Error('action did not run');
  return seen;
}

describe('parseModelConfig', () => {
  it('accepts a flat object of hyperparameters and the { model, tuned } shape tune writes', () => {
    expect(parseModelConfig('{ "dim": 64, "activation": "linear", "refit": false }', 'c.json')).toEqual({
      dim: 64,
      activation: 'linear',
      refit: false,
    });
    const tuned = { model: EVERY_KEY, tuned: { file: 'u1.base', seed: 42, valRmse: 0.9 } };
    expect(parseModelConfig(JSON.stringify(tuned), 'best.json')).toEqual(EVERY_KEY);
    expect(Object.keys(EVERY_KEY).sort()).toEqual([...HYPERPARAMETER_KEYS].sort());
  });

  it('rejects unknown keys, listing the allowed ones', () => {
    const flat = () => parseModelConfig('{ "dim": 8, "dims": 8, "lr": 0.1 }', 'c.json');
    expect(flat).toThrow(UserError);
    expect(flat).toThrow(
      /^c\.json: unknown hyperparameters "dims", "lr"; allowed: dim, activation, dropout, learningRate, .*engine$/,
    );
    expect(() => parseModelConfig('{ "model": { "backend": "cpu" } }', 'b.json')).toThrow(
      /b\.json: unknown hyperparameter "model\.backend"; allowed: dim,/,
    );
    expect(() => parseModelConfig('{ "model": {}, "dim": 8 }', 'b.json')).toThrow(
      /unknown top-level key "dim" next to "model"; allowed: objective, model, tuned/,
    );
  });

  it('names the key whose value has the wrong type or range', () => {
    const cases: Array<[string, RegExp]> = [
      ['{ "dim": "64" }', /c\.json: "dim" must be an integer from 1 to 1024, got "64"/],
      ['{ "dim": 2.5 }', /"dim" must be an integer from 1 to 1024, got 2\.5/],
      ['{ "dim": 100000 }', /"dim" must be an integer from 1 to 1024, got 100000/],
      ['{ "dropout": 2 }', /"dropout" must be a number from 0 to 0\.95, got 2/],
      ['{ "learningRate": 0 }', /"learningRate" must be a number above 0 and at most 10, got 0/],
      ['{ "activation": "relu" }', /"activation" must be one of "tanh", "sigmoid", "linear", got "relu"/],
      ['{ "refit": "yes" }', /"refit" must be true or false, got "yes"/],
      ['{ "engine": null }', /"engine" must be one of "auto", "fused", "autodiff", got null/],
      ['{ "model": { "l2": -1 } }', /"model\.l2" must be a number from 0 to 100, got -1/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseModelConfig(text, 'c.json')).toThrow(UserError);
      expect(() => parseModelConfig(text, 'c.json')).toThrow(message);
    }
  });

  it('rejects text that is not a JSON object', () => {
    expect(() => parseModelConfig('{ dim: 8 }', 'c.json')).toThrow(/^c\.json: not valid JSON \(/);
    expect(() => parseModelConfig('[1, 2]', 'c.json')).toThrow(/c\.json: expected a JSON object of hyperparameters/);
    expect(() => parseModelConfig('{ "model": 3 }', 'c.json')).toThrow(/"model" must be an object/);
  });
});

describe('readModelConfig', () => {
  const tempFile = useTempFile();

  it('reads a file, and says when there is none', async () => {
    const path = await tempFile('c.json', '{ "epochs": 3 }');
    await expect(readModelConfig(path)).resolves.toEqual({ epochs: 3 });
    await expect(readModelConfig(`${path}.missing`)).rejects.toThrow(/c\.json\.missing: no such config file/);
  });
});

describe('parseHyperparameter', () => {
  it('parses a command-line word by the hyperparameter’s type and range', () => {
    expect(parseHyperparameter('dim', ' 16 ')).toBe(16);
    expect(parseHyperparameter('l2', '1e-3')).toBe(0.001);
    expect(parseHyperparameter('activation', 'linear')).toBe('linear');
    expect(parseHyperparameter('refit', 'false')).toBe(false);
    expect(() => parseHyperparameter('l2', 'abc')).toThrow('"abc" is not a number');
    expect(() => parseHyperparameter('l2', '')).toThrow('"" is not a number');
    expect(() => parseHyperparameter('dim', '0')).toThrow('"0" must be an integer from 1 to 1024');
    expect(() => parseHyperparameter('dim', '1e400')).toThrow('"1e400" overflows a 64-bit float');
    expect(() => parseHyperparameter('activation', 'relu')).toThrow('"relu" must be one of');
  });
});

describe('--config with the model flags', () => {
  const tempFile = useTempFile();

  it('takes explicit flags over the file, and the file over the defaults', async () => {
    const path = await tempFile(
      'c.json',
      JSON.stringify({ dim: 8, l2: 0.5, epochs: 3, refit: true, restoreBest: false }),
    );
    const options = await modelOptionsOf(['--config', path, '--dim', '4', '--no-refit']);
    expect(options.dim).toBe(4); // flag beats file
    expect(options.refit).toBe(false); // negated flag beats file
    expect(options.l2).toBe(0.5); // file beats default
    expect(options.epochs).toBe(3);
    expect(options.restoreBest).toBe(false);
    expect(options.patience).toBe(DEFAULT_RECIPE.patience); // default where neither says
    expect(options.learningRate).toBe(DEFAULT_RECIPE.learningRate);
  });

  it('lets a flag win even when it repeats the default value', async () => {
    const path = await tempFile('c.json', JSON.stringify({ dim: 8 }));
    expect((await modelOptionsOf(['--config', path, '--dim', String(DEFAULT_RECIPE.dim)])).dim).toBe(
      DEFAULT_RECIPE.dim,
    );
    expect((await modelOptionsOf(['--dim', '8'])).dim).toBe(8);
    expect((await modelOptionsOf([])).dim).toBe(DEFAULT_RECIPE.dim);
  });

  it('carries every hyperparameter of a file through to the model options', async () => {
    const path = await tempFile('best.json', JSON.stringify({ model: EVERY_KEY, tuned: { seed: 9 } }));
    expect(await modelOptionsOf(['--config', path])).toEqual(EVERY_KEY);
  });

  it('reports a bad file as a UserError before the action runs', async () => {
    const path = await tempFile('c.json', JSON.stringify({ dim: 0 }));
    await expect(modelOptionsOf(['--config', path])).rejects.toThrow(UserError);
    await expect(modelOptionsOf(['--config', path])).rejects.toThrow(/"dim" must be an integer from 1 to 1024, got 0/);
  });
});
