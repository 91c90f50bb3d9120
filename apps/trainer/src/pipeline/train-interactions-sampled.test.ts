// trainInteractionModel with the sampled-negative methods (bce, bpr) on the fused engine; iALS and the splits are in train-interactions.test.ts.
import { parseArtifact, seenBy } from '@edgerec/core';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateInteractions } from '../data/synth-interactions.js';
import { PLANTED, writeInteractions } from '../test-utils/interaction-fixtures.js';
import { bruteDistinctUsers } from '../test-utils/ranking-reference.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { trainInteractionModel } from './train-interactions.js';

describe('trainInteractionModel: sampled negatives learn planted taste groups', () => {
  const tempDir = useTempDirs();
  // A smaller planted set than iALS's (the fused engine is slower per pair): 400 users × 300 items, 16K pairs, 8 groups.
  const planted = async () =>
    writeInteractions(
      join(await tempDir(), 'planted-clicks.tsv'),
      generateInteractions({ ...PLANTED, users: 400, items: 300, interactions: 16_000 }),
    );

  it('bce (a sigmoid head) ranks held-out items far above popularity; the artifact has no fold-in', async () => {
    const epochs: number[] = [];
    const { artifact, summary } = await trainInteractionModel({
      interactions: await planted(),
      recipe: { method: 'bce', dim: 16, epochs: 8 },
      backend: 'cpu',
      hooks: { onEpoch: (record, phase) => phase === 'train' && epochs.push(record.epoch) },
    });
    const test = summary.ranking.test!;
    expect(test.model.ndcg).toBeGreaterThanOrEqual(1.5 * test.popularity.ndcg);
    expect(test.model.ndcg).toBeGreaterThanOrEqual(test.popularity.ndcg + 0.1);
    expect(summary).toMatchObject({ method: 'bce', engine: 'fused (cpu)' });
    expect(epochs).toEqual(Array.from({ length: summary.epochs }, (_, k) => k + 1));
    const { model, meta } = await parseArtifact(artifact);
    expect(model.objective).toBe('interaction');
    expect(model.activation).toBe('sigmoid');
    expect(model.foldIn).toBeUndefined(); // the closed-form fold-in is iALS's only
    expect(meta.training.metrics.ranking!.test!.ndcg).toBe(test.model.ndcg);
    expect(meta.training.hyperparameters).toMatchObject({ method: 'bce', dim: 16, epochs: 8 });
    // A sigmoid head's threshold is a probability.
    expect(summary.recommendThreshold).toBeGreaterThan(0);
    expect(summary.recommendThreshold).toBeLessThan(1);
  }, 30_000);

  it('bpr (a linear head) beats popularity by a looser margin, with popularity from the served seen lists', async () => {
    const { artifact, summary } = await trainInteractionModel({
      interactions: await planted(),
      recipe: { method: 'bpr', dim: 16, epochs: 6 },
      backend: 'cpu',
    });
    const test = summary.ranking.test!;
    expect(test.model.ndcg).toBeGreaterThanOrEqual(1.2 * test.popularity.ndcg);
    const { model } = await parseArtifact(artifact);
    expect(model.activation).toBe('linear');
    const pairs: Array<[number, number]> = [];
    for (let u = 0; u < model.users.size; u++) for (const i of seenBy(model.seen!, u)) pairs.push([u, i]);
    expect(Array.from(model.popularity!)).toEqual(bruteDistinctUsers(model.items.size, pairs));
  }, 30_000);
});
