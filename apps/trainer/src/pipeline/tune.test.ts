import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../commands/model-config.js';
import { readRatingsFile, type RatingsFile } from '../data/read-ratings.js';
import { generateSynthetic } from '../data/synth.js';
import { writeRatingsFile } from '../data/write-ratings.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import {
  MAX_GRID_TRIALS,
  planTrials,
  rankTrials,
  tune,
  tunedConfig,
  type TrialResult,
  type TuneOptions,
} from './tune.js';

/** Small, fast settings: cpu backend, two epochs, tiny embeddings. */
const FAST: Omit<TuneOptions, 'space'> = {
  backend: 'cpu',
  base: { epochs: 2, patience: 2 },
  trials: 3,
  seed: 7,
};
const SPACE = { dim: [2, 4], learningRate: [0.01, 0.05], l2: [0.01, 0.1] };

function withoutTimes(trials: readonly TrialResult[]) {
  return trials.map(({ seconds: _seconds, ...rest }) => rest);
}

describe('planTrials', () => {
  it('enumerates every combination for a grid, in TrainOptions order of the keys', () => {
    const plan = planTrials({ l2: [0.1, 0.3], dim: [8, 16, 32] }, { search: 'grid', trials: 1, seed: 1 });
    expect(plan.keys).toEqual(['dim', 'l2']);
    expect(plan.varied).toEqual(['dim', 'l2']);
    expect(plan.combinations).toBe(6);
    expect(plan.trials).toEqual([
      { dim: 8, l2: 0.1 },
      { dim: 8, l2: 0.3 },
      { dim: 16, l2: 0.1 },
      { dim: 16, l2: 0.3 },
      { dim: 32, l2: 0.1 },
      { dim: 32, l2: 0.3 },
    ]);
  });

  it('draws distinct combinations at random, the same ones for the same seed', () => {
    const space = {
      dim: [8, 16, 32, 64],
      learningRate: [0.001, 0.003, 0.01],
      l2: [0, 0.01, 0.03, 0.1],
      batchSize: [256, 1024],
    };
    const a = planTrials(space, { search: 'random', trials: 12, seed: 42 });
    const b = planTrials(space, { search: 'random', trials: 12, seed: 42 });
    const c = planTrials(space, { search: 'random', trials: 12, seed: 43 });
    expect(a.combinations).toBe(96);
    expect(a.trials).toHaveLength(12);
    expect(b.trials).toEqual(a.trials);
    expect(c.trials).not.toEqual(a.trials);
    expect(new Set(a.trials.map((t) => JSON.stringify(t))).size).toBe(12);
    for (const t of a.trials) expect(space.dim).toContain(t.dim);
  });

  it('runs each combination once when asked for more trials than there are, and drops repeated values', () => {
    const plan = planTrials({ dim: [8, 8, 16], activation: ['tanh'] }, { search: 'random', trials: 10, seed: 1 });
    expect(plan.combinations).toBe(2);
    expect(plan.varied).toEqual(['dim']);
    expect(plan.trials.map((t) => t.dim).sort()).toEqual([16, 8]);
  });

  it(`refuses a grid of more than ${MAX_GRID_TRIALS} trials`, () => {
    const space = { dim: [1, 2, 3, 4, 5, 6], learningRate: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], l2: [1, 2, 3, 4, 5, 6] };
    const grid = () => planTrials(space, { search: 'grid', trials: 12, seed: 1 });
    expect(grid).toThrow(UserError);
    expect(grid).toThrow(/a grid over 6 dim × 6 learningRate × 6 l2 is 216 trials, more than 200; .*--search random/);
    expect(planTrials(space, { search: 'random', trials: 12, seed: 1 }).trials).toHaveLength(12);
  });

  it('rejects bad candidate values', () => {
    expect(() => planTrials({ dim: [8, 0] }, { search: 'grid', trials: 1, seed: 1 })).toThrow(
      /dim: 0 must be an integer from 1 to 1024/,
    );
    expect(() => planTrials({ l2: [] }, { search: 'grid', trials: 1, seed: 1 })).toThrow(/no candidate values for l2/);
  });
});

describe('tune', () => {
  const tempDir = useTempDirs();

  async function ratings(): Promise<RatingsFile> {
    const { table } = generateSynthetic({ users: 40, items: 30, ratings: 900, seed: 3 });
    const path = join(await tempDir(), 'r.tsv');
    await writeRatingsFile(path, table);
    return readRatingsFile(path);
  }

  it('is reproducible and picks the trial with the lowest validation RMSE', async () => {
    const data = await ratings();
    const first = await tune(data, { ...FAST, space: SPACE });
    const again = await tune(data, { ...FAST, space: SPACE });
    expect(withoutTimes(again.trials)).toEqual(withoutTimes(first.trials));
    expect(again.test).toEqual(first.test);

    expect(first.trials).toHaveLength(3);
    expect(first.rows).toEqual({ train: 720, validation: 90, test: 90 });
    const rmses = first.trials.map((t) => t.valRmse);
    for (const r of rmses) expect(Number.isFinite(r)).toBe(true);
    expect(first.best.valRmse).toBe(Math.min(...rmses));
    expect(rankTrials(first.trials)[0]).toBe(first.best);
    expect(first.best.model).toMatchObject({ ...first.best.params, epochs: 2, patience: 2, seed: 7 });
    expect(first.test?.count).toBe(90);

    const config = tunedConfig(first, new Date('2025-01-02T03:04:05Z'));
    expect(config.tuned).toEqual({
      file: 'r.tsv',
      sha256: data.sha256,
      seed: 7,
      trials: 3,
      valRmse: first.best.valRmse,
      testRmse: first.test!.rmse,
      createdAt: '2025-01-02T03:04:05.000Z',
    });
    expect(parseModelConfig(JSON.stringify(config), 'best.json')).toEqual(first.best.model);
  }, 20_000);

  it('stops between trials when aborted', async () => {
    const data = await ratings();
    const controller = new AbortController();
    const ended: number[] = [];
    const run = tune(data, {
      ...FAST,
      space: SPACE,
      base: { ...FAST.base, refit: false },
      hooks: {
        signal: controller.signal,
        onTrialEnd: (r) => {
          ended.push(r.trial);
          controller.abort(Object.assign(new Error('stop'), { name: 'AbortError' }));
        },
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError', message: 'stop' });
    expect(ended).toEqual([1]);
  }, 20_000);
});

describe('rankTrials', () => {
  it('sorts by validation RMSE with diverged trials last and ties in run order', () => {
    const t = (trial: number, valRmse: number) => ({ trial, valRmse }) as TrialResult;
    expect(rankTrials([t(1, 0.9), t(2, Number.NaN), t(3, 0.8), t(4, 0.9)]).map((r) => r.trial)).toEqual([3, 1, 4, 2]);
  });
});
