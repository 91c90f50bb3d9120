import { parseArtifact, seenBy } from '@edgerec/core';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSynthetic } from '../data/synth.js';
import { writeRatingsFile } from '../data/write-ratings.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { trainModel } from './train-model.js';

// Fast settings for tests (plain MF, light L2: the defaults are tuned for MovieLens, not this data).
const quick = { dim: 16, learningRate: 0.005, batchSize: 256, implicit: false, l2: 0.01 } as const;

describe('trainModel', () => {
  const tempDir = useTempDirs();

  it('learns planted structure: held-out RMSE far below the global mean and near the noise floor', async () => {
    const { table, truth } = generateSynthetic({ users: 400, items: 300, ratings: 60000, seed: 3 });
    const file = join(await tempDir(), 'planted.tsv');
    await writeRatingsFile(file, table);
    const { summary } = await trainModel({ ratings: file, model: quick, backend: 'wasm' });
    expect(summary.test).toBeDefined();
    const rmse = summary.test!.rmse;
    expect(rmse).toBeLessThan(0.7 * truth.globalMeanRmse);
    expect(rmse).toBeLessThan(1.2 * truth.noiseFloorRmse);
    expect(summary.rows).toEqual({ train: 48000, validation: 6000, test: 6000 });
  }, 120_000);

  it('writes a self-consistent artifact: metadata, seen lists from the rows it trained on, checksum', async () => {
    const { table } = generateSynthetic({ users: 60, items: 40, ratings: 1500, seed: 9 });
    const file = join(await tempDir(), 'small.tsv');
    await writeRatingsFile(file, table);
    const { artifact, model, summary } = await trainModel({
      ratings: file,
      model: { ...quick, epochs: 3, seed: 5 },
      backend: 'cpu',
      threshold: 4,
      tableEncoding: 'json',
    });
    const loaded = await parseArtifact(artifact);
    expect(loaded.meta.training.seed).toBe(5);
    expect(loaded.meta.training.epochs).toBe(3);
    expect(loaded.meta.training.history).toHaveLength(3);
    expect(loaded.meta.training.backend).toBe('cpu');
    expect(loaded.meta.training.data.file).toBe('small.tsv');
    expect(loaded.meta.training.data.ratings).toBe(1500);
    expect(loaded.meta.training.metrics.test?.rmse).toBeCloseTo(summary.test!.rmse, 12);
    expect(loaded.meta.recommendThreshold).toBe(4);
    expect(loaded.model.scale).toEqual({ min: 1, max: 5, targetMin: 0, targetMax: 1 });
    expect(loaded.model.userFactors).toEqual(model.userFactors);
    let seenPairs = 0;
    for (let u = 0; u < loaded.model.users.size; u++) seenPairs += seenBy(loaded.model.seen!, u).length;
    // The default refit also trains on the (known) validation rows, so they are seen too.
    expect(summary.refitEpochs).toBe(3);
    expect(seenPairs).toBe(summary.rows.train + summary.validation!.count - summary.validation!.coldStart);
    // stats.ratings (what /v1/model and evaluate report) counts the rows the served tables were fitted on.
    expect(summary.trainedOn).toBe(seenPairs);
    expect(loaded.meta.stats.ratings).toBe(seenPairs);
    expect(loaded.meta.training.hyperparameters.trainRows).toBe(summary.rows.train);
    expect(loaded.meta.training.hyperparameters.validationRows).toBe(summary.rows.validation);
    const noRefit = await trainModel({ ratings: file, model: { ...quick, epochs: 2, refit: false }, backend: 'cpu' });
    expect(noRefit.summary.trainedOn).toBe(noRefit.summary.rows.train);
    expect((await parseArtifact(noRefit.artifact)).meta.stats.ratings).toBe(noRefit.summary.rows.train);
    let trainPairs = 0;
    for (let u = 0; u < noRefit.model.users.size; u++) trainPairs += seenBy(noRefit.model.seen!, u).length;
    expect(trainPairs).toBe(noRefit.summary.rows.train);
  }, 60_000);

  it('evaluates on a separate test file and scores its unseen ids by the bias fallback', async () => {
    const dir = await tempDir();
    const { table } = generateSynthetic({ users: 50, items: 40, ratings: 1200, seed: 2 });
    const train = join(dir, 'train.tsv');
    const test = join(dir, 'test.tsv');
    await writeRatingsFile(train, table);
    await writeRatingsFile(test, {
      users: Uint32Array.from([0, 1, 2]),
      items: Uint32Array.from([0, 1, 2]),
      ratings: Float32Array.from([4, 2, 5]),
      userIds: ['u1', 'someone-new', 'u3'],
      itemIds: ['i1', 'i2', 'brand-new-item'],
    });
    const { summary } = await trainModel({ ratings: train, test, model: { ...quick, epochs: 2 }, backend: 'cpu' });
    expect(summary.rows.test).toBe(3);
    expect(summary.test?.count).toBe(3);
    expect(summary.test?.coldStart).toBe(2);
    expect(summary.rows.train + summary.rows.validation).toBe(1200);
  }, 60_000);

  it('refuses ratings that all have the same value unless given a range', async () => {
    const file = join(await tempDir(), 'flat.tsv');
    await writeRatingsFile(file, {
      users: Uint32Array.from({ length: 40 }, (_, r) => r % 8),
      items: Uint32Array.from({ length: 40 }, (_, r) => Math.floor(r / 8)),
      ratings: new Float32Array(40).fill(3),
      userIds: Array.from({ length: 8 }, (_, u) => `u${u}`),
      itemIds: Array.from({ length: 5 }, (_, i) => `i${i}`),
    });
    await expect(trainModel({ ratings: file, model: { ...quick, epochs: 1 }, backend: 'cpu' })).rejects.toThrow(
      /range is empty \(min 3, max 3\); set --rating-min and --rating-max/,
    );
    const { summary } = await trainModel({
      ratings: file,
      model: { ...quick, epochs: 1 },
      backend: 'cpu',
      ratingMin: 1,
      ratingMax: 5,
    });
    expect(summary.epochs).toBe(1);
  }, 60_000);
});
