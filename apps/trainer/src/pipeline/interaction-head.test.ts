import { buildSeenItems, seenBy, type HistoryRecord } from '@edgerec/core';
import { DEFAULT_IALS, SAMPLED_RECIPE } from '@edgerec/core/model';
import { describe, expect, it } from 'vitest';
import type { RatingsTable } from '../data/ratings-table.js';
import { generateInteractions } from '../data/synth-interactions.js';
import {
  bruteGramian,
  bruteRanking,
  bruteScores,
  bruteTopK,
  maxAbsDifference,
} from '../test-utils/ranking-reference.js';
import {
  DEFAULT_INTERACTION_RECIPE,
  fitInteractionHead,
  IALS_REFIT_SWEEPS,
  interactionDefaults,
  type InteractionHead,
  type InteractionRecipe,
  type InteractionRows,
} from './interaction-head.js';
import { splitPerUser } from './train-interactions.js';

const USERS = 200;
const ITEMS = 150;

/** Planted interactions split per user into dense train and validation rows. */
function plantedRows() {
  const data = generateInteractions({ users: USERS, items: ITEMS, interactions: 6000, clusters: 6, seed: 21 });
  const table: RatingsTable = { ...data, ratings: data.weights };
  const split = splitPerUser(table, 0.2, 0, 1);
  const rows = (picked: Uint32Array): InteractionRows => ({
    users: Int32Array.from(picked, (r) => data.users[r]!),
    items: Int32Array.from(picked, (r) => data.items[r]!),
    weights: Float32Array.from(picked, (r) => data.weights[r]!),
  });
  const train = rows(split.train);
  return { train, validation: rows(split.validation), trainSeen: buildSeenItems(USERS, train.users, train.items) };
}

const { train, validation, trainSeen } = plantedRows();
const sizes = { users: USERS, items: ITEMS };

/** NDCG@10 of head tables on the validation pairs, excluding training items, by brute force. */
function validationNdcg(
  head: Pick<InteractionHead, 'globalBias' | 'activation'>,
  tables: InteractionHead['tables'],
): number {
  const model = { dim: tables.userFactors.length / USERS, ...head, ...tables };
  const relevant = new Map<number, Set<number>>();
  for (let r = 0; r < validation.users.length; r++) {
    const set = relevant.get(validation.users[r]!) ?? new Set<number>();
    relevant.set(validation.users[r]!, set.add(validation.items[r]!));
  }
  return bruteRanking(relevant, (u) => bruteTopK(bruteScores(model, u), new Set(seenBy(trainSeen, u)), 10), 10, ITEMS)
    .ndcg;
}

/** Fits a head, recording the sweeps/epochs the hooks report. */
async function fitHead(recipe: Partial<InteractionRecipe>, withValidation = true) {
  const reported: Array<{ record: HistoryRecord; phase: 'train' | 'refit' }> = [];
  const head = await fitInteractionHead(
    sizes,
    train,
    withValidation ? validation : undefined,
    { ...DEFAULT_INTERACTION_RECIPE, threads: 1, ...recipe },
    {
      trainSeen,
      backend: 'cpu',
      hooks: { onEpoch: (record, phase) => reported.push({ record, phase }) },
    },
  );
  return { head, reported };
}

describe('interaction recipes', () => {
  it('the iALS default is the recipe chosen on ML-100K validation; bce/bpr take the sampled recipe’s dim and L2', () => {
    expect(DEFAULT_INTERACTION_RECIPE).toMatchObject({
      method: 'ials',
      dim: 64,
      l2: 0.02,
      regExponent: 1,
      unobservedWeight: 0.2,
      iterations: 10,
      confidence: 'binary',
      refit: true,
      patience: 3,
      threads: DEFAULT_IALS.threads,
    });
    expect(interactionDefaults('ials')).toEqual(DEFAULT_INTERACTION_RECIPE);
    for (const method of ['bce', 'bpr'] as const) {
      expect(interactionDefaults(method)).toEqual({
        ...DEFAULT_INTERACTION_RECIPE,
        method,
        dim: SAMPLED_RECIPE.dim,
        l2: SAMPLED_RECIPE.l2,
      });
    }
    expect(interactionDefaults('bce').negatives).toBe(SAMPLED_RECIPE.negatives);
  });
});

describe('fitInteractionHead: iALS', () => {
  it('keeps the best validation sweep, stops after `patience` sweeps without progress, and refits warm for a few sweeps', async () => {
    // Little regularisation and many sweeps: validation NDCG peaks early, then overfits.
    const { head, reported } = await fitHead({
      dim: 24,
      l2: 0.001,
      regExponent: 0,
      unobservedWeight: 0.05,
      iterations: 25,
      patience: 2,
    });
    const scores = head.history.map((r) => r.valNdcg!);
    expect(scores.every((s) => s > 0 && s <= 1)).toBe(true);
    const best = scores.indexOf(Math.max(...scores)) + 1;
    expect(head.bestEpoch).toBe(best);
    expect(head.stoppedEarly).toBe(true);
    expect(head.history.length).toBe(best + 2);
    expect(head.history.length).toBeLessThan(25);
    // The refit starts from the validated tables, so a few sweeps settle the added pairs.
    const refitSweeps = Math.min(best, IALS_REFIT_SWEEPS);
    expect(head.refitEpochs).toBe(refitSweeps);
    expect(reported.filter((r) => r.phase === 'train').map((r) => r.record)).toEqual(head.history);
    expect(reported.filter((r) => r.phase === 'refit').map((r) => r.record.epoch)).toEqual(
      Array.from({ length: refitSweeps }, (_, k) => k + 1),
    );

    // The early-stopped tables are the best sweep's: their NDCG is the recorded one.
    expect(validationNdcg(head, head.validationTables)).toBeCloseTo(scores[best - 1]!, 12);
    // The refit saw the validation pairs: different tables, and they rank those pairs better.
    expect(head.tables.userFactors).not.toEqual(head.validationTables.userFactors);
    expect(validationNdcg(head, head.tables)).toBeGreaterThan(scores[best - 1]!);

    expect(head).toMatchObject({ activation: 'linear', globalBias: 0, engine: 'ials (1 thread)' });
    expect(head.foldIn).toMatchObject({
      method: 'ials',
      unobservedWeight: 0.05,
      l2: 0.001,
      regExponent: 0,
      confidence: { mode: 'binary', alpha: 1 },
    });
    const gram = bruteGramian(head.tables.itemFactors as Float32Array, ITEMS, 24);
    expect(maxAbsDifference(head.foldIn!.gramian, gram)).toBeLessThan(1e-6 * Math.max(...gram));
    expect(Array.from(head.tables.userBias).every((b) => b === 0)).toBe(true);
  }, 20_000);

  it('without refit keeps the early-stopped tables; with a large patience runs every sweep', async () => {
    const { head } = await fitHead({ dim: 8, iterations: 5, patience: 10, refit: false });
    expect(head.history).toHaveLength(5);
    expect(head.stoppedEarly).toBe(false);
    expect(head.refitEpochs).toBe(0);
    expect(head.tables.userFactors).toEqual(head.validationTables.userFactors);
    const scores = head.history.map((r) => r.valNdcg!);
    expect(head.bestEpoch).toBe(scores.indexOf(Math.max(...scores)) + 1);
    expect(validationNdcg(head, head.tables)).toBeCloseTo(scores[head.bestEpoch - 1]!, 12);
  });

  it('without validation pairs: every sweep kept, no refit even when asked, no validation NDCG', async () => {
    const { head, reported } = await fitHead({ dim: 8, iterations: 3, refit: true }, false);
    expect(head).toMatchObject({ bestEpoch: 3, refitEpochs: 0, stoppedEarly: false });
    expect(head.history.map((r) => r.valNdcg)).toEqual([undefined, undefined, undefined]);
    expect(reported.every((r) => r.phase === 'train')).toBe(true);
    expect(head.history.every((r) => Number.isFinite(r.loss) && r.loss > 0)).toBe(true);
  });

  it('stops with the signal’s reason when cancelled', async () => {
    const controller = new AbortController();
    const reason = Object.assign(new Error('stop here'), { name: 'AbortError' });
    controller.abort(reason);
    const run = fitInteractionHead(
      sizes,
      train,
      validation,
      { ...DEFAULT_INTERACTION_RECIPE, dim: 8, threads: 1 },
      { trainSeen, hooks: { signal: controller.signal } },
    );
    await expect(run).rejects.toBe(reason);
  });
});

describe('fitInteractionHead: sampled negatives', () => {
  it('bce: a sigmoid head with a global bias, no fold-in, validated per epoch and refitted for the best count', async () => {
    const { head, reported } = await fitHead({ method: 'bce', dim: 8, epochs: 3, patience: 5, l2: SAMPLED_RECIPE.l2 });
    expect(head.activation).toBe('sigmoid');
    expect(head.globalBias).not.toBe(0);
    expect(head.foldIn).toBeUndefined();
    expect(head.engine).toBe('fused (cpu)');
    expect(head.history).toHaveLength(3);
    const scores = head.history.map((r) => r.valNdcg!);
    expect(head.bestEpoch).toBe(scores.indexOf(Math.max(...scores)) + 1);
    expect(head.refitEpochs).toBe(head.bestEpoch);
    expect(reported.filter((r) => r.phase === 'refit')).toHaveLength(head.bestEpoch);
    expect(validationNdcg(head, head.validationTables)).toBeCloseTo(scores[head.bestEpoch - 1]!, 12);
  }, 20_000);
});
