import { IALS_REFIT_SWEEPS } from './interaction-head.js';
// The iALS ranking head trainModel fits beside a rating model (option `ranking`); the rating head itself is tested in train-model.test.ts.
import { parseArtifact } from '@edgerec/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRatingsFile } from '../data/write-ratings.js';
import { plantedRatings } from '../test-utils/interaction-fixtures.js';
import { bruteGramian, maxAbsDifference } from '../test-utils/ranking-reference.js';
import { trainModel, type TrainedModel, type TrainModelOptions } from './train-model.js';

/** A quick rating model (the defaults are tuned for MovieLens, not for speed). */
const ratingRecipe = { dim: 8, epochs: 3, batchSize: 512, implicit: false, learningRate: 0.01, seed: 3 } as const;

describe('trainModel: ranking head', () => {
  let dir: string;
  let withHead: TrainedModel;
  let without: TrainedModel;
  const headPhases: Array<'train' | 'refit'> = [];

  // One pair of runs (with and without a head, same seed) serves every test below.
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edgerec-ranking-head-'));
    const path = join(dir, 'planted-ratings.tsv');
    await writeRatingsFile(
      path,
      plantedRatings({ users: 300, items: 200, interactions: 12_000, clusters: 8, seed: 2 }),
    );
    const options: TrainModelOptions = { ratings: path, model: ratingRecipe, backend: 'cpu' };
    [withHead, without] = await Promise.all([
      trainModel({
        ...options,
        ranking: { dim: 16, threads: 1 },
        hooks: { onRankingEpoch: (_record, phase) => headPhases.push(phase) },
      }),
      trainModel({ ...options, ranking: false }),
    ]);
  }, 30_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('stores the head as model.ranking: objective interaction, the same ids, seen lists and popularity', () => {
    const { model, summary } = withHead;
    const head = model.ranking!;
    expect(head.objective).toBe('interaction');
    expect(head.dim).toBe(16);
    expect(head.users).toBe(model.users);
    expect(head.items).toBe(model.items);
    expect(head.seen).toBe(model.seen);
    expect(head.popularity).toBe(model.popularity);
    expect(summary.rankingHead).toMatchObject({ method: 'ials', engine: 'ials (1 thread)' });
    // The rating recipe refits, so the head does too: warm, for a few sweeps.
    const refitSweeps = Math.min(summary.rankingHead!.bestEpoch, IALS_REFIT_SWEEPS);
    expect(summary.rankingHead!.refitEpochs).toBe(refitSweeps);
    expect(headPhases.filter((p) => p === 'refit')).toHaveLength(refitSweeps);
  });

  it('ranks test items (every held-out item relevant) above popularity and above the rating head', () => {
    const test = withHead.summary.ranking.test!;
    expect(test.model.threshold).toBe('any');
    expect(test.model.relevant).toBe(withHead.summary.rows.test - withHead.summary.test!.coldStart);
    expect(test.model.ndcg).toBeGreaterThan(1.3 * test.popularity.ndcg);
    const ratingOnly = without.summary.ranking.test!;
    expect(test.model.ndcg).toBeGreaterThan(ratingOnly.model.ndcg + 0.1);
    expect(ratingOnly.popularity.ndcg).toBe(test.popularity.ndcg);
  });

  it('leaves the rating head unchanged: identical tables and RMSE with ranking: false, which stores no head', () => {
    expect(withHead.model.userFactors).toEqual(without.model.userFactors);
    expect(withHead.model.itemFactors).toEqual(without.model.itemFactors);
    expect(withHead.summary.test!.rmse).toBe(without.summary.test!.rmse);
    expect(withHead.summary.validation!.rmse).toBe(without.summary.validation!.rmse);
    expect(without.model.ranking).toBeUndefined();
    expect(without.summary.rankingHead).toBeNull();
    expect(JSON.parse(without.artifact)).not.toHaveProperty('ranking');
  });

  it('serializes the head with its fold-in, training record and ranking metrics', async () => {
    const loaded = await parseArtifact(withHead.artifact);
    const stored = loaded.model.ranking!;
    expect(loaded.model.objective).toBe('rating');
    expect(stored.objective).toBe('interaction');
    expect(stored.recommendThreshold).toBe(withHead.model.ranking!.recommendThreshold);
    const gram = bruteGramian(stored.itemFactors as Float32Array, stored.items.size, stored.dim);
    expect(maxAbsDifference(stored.foldIn!.gramian, gram) / Math.max(...gram)).toBeLessThan(1e-4);
    expect(loaded.meta.ranking!.training).toMatchObject({
      method: 'ials',
      hyperparameters: { dim: 16, method: 'ials', refitEpochs: withHead.summary.rankingHead!.refitEpochs },
    });
    expect(loaded.meta.training.metrics.ranking!.test!.ndcg).toBe(withHead.summary.ranking.test!.model.ndcg);
    expect((await parseArtifact(without.artifact)).model.ranking).toBeUndefined();
  });
});
