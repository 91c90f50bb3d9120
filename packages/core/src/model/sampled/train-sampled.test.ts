import { beforeAll, describe, expect, it } from 'vitest';
import { biasRanker } from '../../baselines.js';
import type { IndexedRatings } from '../../evaluate.js';
import { mulberry32, shuffleInPlace } from '../../random.js';
import { evaluateRanking } from '../../ranking.js';
import { buildSeenItems, type SeenItems } from '../../seen-items.js';
import { loadBackend } from '../backend.js';
import type { FactorTables } from '../recommender-net.js';
import type { Tf } from '../tf.js';
import type { InteractionPositives } from './interaction-batches.js';
import { interactionRanker } from './interaction-ranker.js';
import { SAMPLED_RECIPE, trainSampledInteractions, type SampledTrainOptions } from './train-sampled.js';

const USERS = 240;
const ITEMS = 180;
const CLUSTERS = 4;

/** A Zipf-like draw of 0..n-1 (rank r has weight 1/(r+1)^s). */
function zipf(n: number, s: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) cumulative[r] = total += 1 / (r + 1) ** s;
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/**
 * Users and items in CLUSTERS latent clusters: each user interacts mostly (80%) with items of
 * their own cluster, the rest drawn from a global Zipf popularity; 25% of each user's items held out.
 */
function plantedInteractions(seed: number) {
  const random = mulberry32(seed);
  const itemCluster = Int32Array.from({ length: ITEMS }, (_, i) => i % CLUSTERS);
  const popular = shuffleInPlace(
    Int32Array.from({ length: ITEMS }, (_, i) => i),
    random,
  );
  const inCluster = Array.from({ length: CLUSTERS }, (_, c) => Array.from(popular).filter((i) => itemCluster[i] === c));
  const globalRank = zipf(ITEMS, 1, random);
  const clusterRank = zipf(ITEMS / CLUSTERS, 0.6, random);
  const train = { users: [] as number[], items: [] as number[] };
  const test = { users: [] as number[], items: [] as number[] };
  for (let u = 0; u < USERS; u++) {
    const cluster = u % CLUSTERS;
    const count = 16 + Math.floor(random() * 24);
    const chosen = new Set<number>();
    while (chosen.size < count)
      chosen.add(random() < 0.8 ? inCluster[cluster]![clusterRank()]! : popular[globalRank()]!);
    const list = shuffleInPlace(Int32Array.from(chosen), random);
    const cut = Math.round(list.length * 0.75);
    list.forEach((i, k) => {
      const side = k < cut ? train : test;
      side.users.push(u);
      side.items.push(i);
    });
  }
  const positives: InteractionPositives = { users: Int32Array.from(train.users), items: Int32Array.from(train.items) };
  const heldOut: IndexedRatings = {
    users: Int32Array.from(test.users),
    items: Int32Array.from(test.items),
    ratings: new Float32Array(test.users.length).fill(1),
  };
  return { positives, heldOut, seen: buildSeenItems(USERS, train.users, train.items) };
}

function ndcgOf(tables: FactorTables, heldOut: IndexedRatings, seen: SeenItems): number {
  return evaluateRanking(interactionRanker(tables, { seen }), heldOut, { k: 10, threshold: 1 }).ndcg;
}

/** Ranks every user's unseen items by training popularity (the baseline to beat). */
function popularityNdcg(positives: InteractionPositives, heldOut: IndexedRatings, seen: SeenItems): number {
  const counts = new Float32Array(ITEMS);
  for (const i of positives.items) counts[i]!++;
  const ranker = biasRanker({ globalMean: 0, userBias: new Float32Array(USERS), itemBias: counts }, { seen });
  return evaluateRanking(ranker, heldOut, { k: 10, threshold: 1 }).ndcg;
}

const options = (overrides: Partial<SampledTrainOptions> = {}): SampledTrainOptions => ({
  ...SAMPLED_RECIPE,
  dim: 16,
  learningRate: 0.01,
  batchSize: 128,
  epochs: 12,
  ...overrides,
});

describe('trainSampledInteractions', () => {
  let tf: Tf;
  const data = plantedInteractions(11);
  const sizes = { users: USERS, items: ITEMS };
  const popularity = popularityNdcg(data.positives, data.heldOut, data.seen);
  beforeAll(async () => {
    tf = (await loadBackend('wasm')).tf;
  });

  it('the popularity baseline is a real one on this data (sanity of the fixture)', () => {
    // Better than ranking items at random (≈ 0.1 here), far from perfect.
    expect(popularity).toBeGreaterThan(0.1);
    expect(popularity).toBeLessThan(0.35);
  });

  for (const [label, overrides] of [
    ['BCE, uniform negatives', { loss: 'bce' }],
    [
      'BCE, popularity negatives, implicit feedback',
      { loss: 'bce', sampler: 'popularity', popularityExponent: 0.5, implicit: true },
    ],
    ['BPR, uniform negatives', { loss: 'bpr', learningRate: 0.02 }],
  ] as const) {
    it(`learns the planted clusters (${label}): NDCG@10 far above popularity`, async () => {
      const result = await trainSampledInteractions(tf, sizes, data.positives, options(overrides));
      const ndcg = ndcgOf(result.tables, data.heldOut, data.seen);
      expect(ndcg).toBeGreaterThan(1.5 * popularity);
      expect(ndcg).toBeGreaterThan(popularity + 0.1);
      // Training loss fell.
      expect(result.history.at(-1)!.loss).toBeLessThan(0.8 * result.history[0]!.loss);
    });
  }

  it('stops after `patience` epochs without a higher score and restores the best epoch', async () => {
    const scores = [0.1, 0.3, 0.2, 0.25, 0.29, 0.5];
    const seenTables: FactorTables[] = [];
    const result = await trainSampledInteractions(
      tf,
      sizes,
      data.positives,
      options({ patience: 3 }),
      {},
      {
        evaluate(tables) {
          seenTables.push(tables);
          return scores[seenTables.length - 1]!;
        },
      },
    );
    expect(result.stoppedEarly).toBe(true);
    expect(result.bestEpoch).toBe(2);
    expect(result.history.map((h) => h.validation)).toEqual([0.1, 0.3, 0.2, 0.25, 0.29]);
    expect(result.tables.itemFactors).toEqual(seenTables[1]!.itemFactors);
    expect(result.tables.itemFactors).not.toEqual(seenTables[4]!.itemFactors);
  });

  it('early-stops on real validation NDCG and reports the activation and offset it trained with', async () => {
    const onEpoch: number[] = [];
    const bce = await trainSampledInteractions(
      tf,
      sizes,
      data.positives,
      options({ epochs: 4, negatives: 3 }),
      { onEpoch: (r) => onEpoch.push(r.epoch) },
      {
        evaluate: (tables) => ndcgOf(tables, data.heldOut, data.seen),
      },
    );
    expect(onEpoch).toEqual(bce.history.map((h) => h.epoch));
    expect(bce.history[bce.bestEpoch - 1]!.validation).toBe(Math.max(...bce.history.map((h) => h.validation!)));
    expect(bce.history[bce.bestEpoch - 1]!.validation).toBeCloseTo(ndcgOf(bce.tables, data.heldOut, data.seen), 12);
    expect(bce.activation).toBe('sigmoid');
    expect(bce.globalBias).toBeCloseTo(Math.log(1 / 3), 12);
    const bpr = await trainSampledInteractions(tf, sizes, data.positives, options({ loss: 'bpr', epochs: 1 }));
    expect(bpr.activation).toBe('linear');
    expect(bpr.globalBias).toBe(0);
    expect(bpr.bestEpoch).toBe(1);
    expect(bpr.engine).toBe('fused');
  });

  it('is reproducible for a seed', async () => {
    const small = options({ epochs: 2, sampler: 'popularity' });
    const a = await trainSampledInteractions(tf, sizes, data.positives, small);
    const b = await trainSampledInteractions(tf, sizes, data.positives, small);
    const c = await trainSampledInteractions(tf, sizes, data.positives, { ...small, seed: 43 });
    expect(a.history.map((h) => h.loss)).toEqual(b.history.map((h) => h.loss));
    expect(a.tables.itemFactors).toEqual(b.tables.itemFactors);
    expect(c.tables.itemFactors).not.toEqual(a.tables.itemFactors);
  });

  it('weights scale the positives: zero weight leaves an interaction unlearned', async () => {
    // Give every positive of items 0..44 weight 0: those items then only ever see negatives.
    const weights = Float32Array.from(data.positives.items, (i) => (i < 45 ? 0 : 1));
    const result = await trainSampledInteractions(tf, sizes, { ...data.positives, weights }, options({ epochs: 4 }));
    const bias = result.tables.itemBias;
    const mean = (from: number, to: number) => bias.slice(from, to).reduce((s, b) => s + b, 0) / (to - from);
    expect(mean(0, 45)).toBeLessThan(mean(45, ITEMS) - 0.3);
  });

  it('stops between batches when aborted, and rejects bad input', async () => {
    const controller = new AbortController();
    let batches = 0;
    const error = await trainSampledInteractions(tf, sizes, data.positives, options({ batchSize: 16 }), {
      signal: controller.signal,
      onBatch: () => {
        if (++batches === 10) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(batches).toBe(10);
    const outside = { users: Int32Array.of(0), items: Int32Array.of(ITEMS) };
    await expect(trainSampledInteractions(tf, sizes, outside, options())).rejects.toThrow(/outside/);
    await expect(
      trainSampledInteractions(tf, sizes, { users: new Int32Array(0), items: new Int32Array(0) }, options()),
    ).rejects.toThrow(/no positive/);
  });
});
