import { describe, expect, it } from 'vitest';
import { evaluateRanking, orderRanker, type Ranker } from '../../ranking.js';
import { buildSeenItems, seenBy } from '../../seen-items.js';
import { topKItems } from '../../topk.js';
import { createIdIndex } from '../../ids.js';
import { SCORE_SCALE } from '../../scale.js';
import { foldInInteractions } from '../../ials/fold-in.js';
import { popularityOrder, itemPopularity } from '../../popularity.js';
import type { RecommenderModel } from '../../recommender-model.js';
import { plantedInteractions } from '../../test-utils/planted-interactions.js';
import { buildCsr, transposeCsr } from './csr.js';
import { DEFAULT_IALS, ialsLoss, trainIals, type IalsOptions } from './train-ials.js';

const data = plantedInteractions({ users: 240, items: 160, clusters: 6, perUser: 16, seed: 3 });
const sizes = { users: data.users, items: data.items };
const seen = buildSeenItems(data.users, data.train.users, data.train.items);
const heldOut = {
  users: data.test.users,
  items: data.test.items,
  ratings: new Float32Array(data.test.users.length).fill(1),
};
const options: IalsOptions = { ...DEFAULT_IALS, dim: 12, iterations: 6, l2: 1, unobservedWeight: 0.3, threads: 1 };

/** The trained tables as a served interaction model. */
function asModel(
  userFactors: Float32Array,
  itemFactors: Float32Array,
  dim: number,
  gramian?: Float64Array,
): RecommenderModel {
  const ids = (n: number, p: string) => createIdIndex(Array.from({ length: n }, (_, i) => `${p}${i}`));
  return {
    objective: 'interaction',
    dim,
    activation: 'linear',
    globalBias: 0,
    scale: SCORE_SCALE,
    recommendThreshold: 0.5,
    users: ids(data.users, 'u'),
    items: ids(data.items, 'i'),
    userFactors,
    itemFactors,
    userBias: new Float32Array(data.users),
    itemBias: new Float32Array(data.items),
    seen,
    popularity: itemPopularity(data.items, seen),
    ...(gramian
      ? {
          foldIn: {
            method: 'ials',
            unobservedWeight: options.unobservedWeight,
            l2: options.l2,
            regExponent: 0,
            confidence: options.confidence,
            gramian,
          },
        }
      : {}),
  };
}

function ranker(model: RecommenderModel): Ranker {
  return {
    users: data.users,
    items: data.items,
    seen,
    topK: (u, k, excludeSorted) =>
      topKItems(
        model,
        { factors: (model.userFactors as Float32Array).subarray(u * model.dim, (u + 1) * model.dim), bias: 0 },
        {
          k,
          ...(excludeSorted ? { excludeSorted } : {}),
        },
      ).map((r) => r.index),
  };
}

describe('buildCsr', () => {
  it('sums repeated pairs and keeps first-seen column order; transposing carries the values', () => {
    const csr = buildCsr(3, 4, [0, 2, 0, 0, 2], [3, 1, 1, 3, 1], [1, 2, 3, 4, 5]);
    expect(Array.from(csr.offsets)).toEqual([0, 2, 2, 3]);
    expect(Array.from(csr.columns)).toEqual([3, 1, 1]);
    expect(Array.from(csr.confidences)).toEqual([5, 3, 7]);
    const t = transposeCsr(csr, 4);
    expect(Array.from(t.offsets)).toEqual([0, 0, 2, 2, 3]);
    expect(Array.from(t.columns)).toEqual([0, 2, 0]);
    expect(Array.from(t.confidences)).toEqual([3, 7, 5]);
  });

  it('rejects a pair outside the matrix', () => {
    expect(() => buildCsr(2, 2, [0, 2], [0, 0], [1, 1])).toThrow(/pair 1 \(2, 0\) is outside 2 × 2/);
  });
});

describe('trainIals', () => {
  it('never increases the objective from sweep to sweep (exact alternating solves)', async () => {
    const result = await trainIals(sizes, data.train, { ...options, regExponent: 0.5, l2: 0.05 });
    const losses = result.history.map((r) => r.loss);
    expect(losses).toHaveLength(6);
    for (let k = 1; k < losses.length; k++) expect(losses[k]!).toBeLessThanOrEqual(losses[k - 1]! * (1 + 1e-9));
    expect(result.failedRows).toBe(0);
    // The reported loss is the objective of the returned tables.
    const users = buildCsr(
      sizes.users,
      sizes.items,
      data.train.users,
      data.train.items,
      new Float32Array(data.train.users.length).fill(1),
    );
    const direct = ialsLoss(users, result.userFactors, result.itemFactors, sizes, {
      ...options,
      regExponent: 0.5,
      l2: 0.05,
    });
    expect(direct / data.train.users.length).toBeCloseTo(losses.at(-1)!, 6);
  });

  it('learns the planted groups: NDCG@10 far above a popularity ranking', async () => {
    const result = await trainIals(sizes, data.train, options);
    const model = asModel(result.userFactors, result.itemFactors, options.dim);
    const learned = evaluateRanking(ranker(model), heldOut, { k: 10, threshold: 'any' });
    const popular = evaluateRanking(
      orderRanker(popularityOrder(itemPopularity(data.items, seen)), { users: data.users, items: data.items, seen }),
      heldOut,
      { k: 10, threshold: 'any' },
    );
    expect(learned.ndcg).toBeGreaterThan(popular.ndcg * 1.5);
    expect(learned.ndcg - popular.ndcg).toBeGreaterThan(0.1);
  });

  it('is deterministic for a seed and differs for another', async () => {
    const a = await trainIals(sizes, data.train, { ...options, iterations: 2 });
    const b = await trainIals(sizes, data.train, { ...options, iterations: 2 });
    const c = await trainIals(sizes, data.train, { ...options, iterations: 2, seed: 99 });
    expect(Array.from(a.itemFactors)).toEqual(Array.from(b.itemFactors));
    expect(Array.from(a.itemFactors)).not.toEqual(Array.from(c.itemFactors));
  });

  it('continues from given tables: 3 sweeps then 1 warm-started sweep equal 4 sweeps', async () => {
    const three = await trainIals(sizes, data.train, { ...options, iterations: 3 });
    const warm = await trainIals(sizes, data.train, { ...options, iterations: 1 }, {}, undefined, {
      userFactors: three.userFactors,
      itemFactors: three.itemFactors,
    });
    const four = await trainIals(sizes, data.train, { ...options, iterations: 4 });
    expect(Array.from(warm.itemFactors)).toEqual(Array.from(four.itemFactors));
    await expect(
      trainIals(sizes, data.train, options, {}, undefined, {
        userFactors: new Float32Array(3),
        itemFactors: three.itemFactors,
      }),
    ).rejects.toThrow(/do not fit/);
  });

  it('uses confidences: a heavily weighted pair scores higher than without its weight', async () => {
    const weights = new Float32Array(data.train.users.length).fill(1);
    weights[0] = 50;
    const u = data.train.users[0]!;
    const i = data.train.items[0]!;
    const score = (r: Awaited<ReturnType<typeof trainIals>>) => {
      let s = 0;
      for (let k = 0; k < options.dim; k++)
        s += r.userFactors[u * options.dim + k]! * r.itemFactors[i * options.dim + k]!;
      return s;
    };
    const plain = await trainIals(sizes, { ...data.train, weights }, { ...options, iterations: 3 });
    const weighted = await trainIals(
      sizes,
      { ...data.train, weights },
      { ...options, iterations: 3, confidence: { mode: 'linear', alpha: 1 } },
    );
    expect(score(weighted)).toBeGreaterThan(score(plain) + 0.05);
  });

  it('keeps the best sweep by the validation score and stops after `patience` sweeps without one', async () => {
    const scores = [0.1, 0.5, 0.3, 0.2, 0.1, 0.05];
    let call = 0;
    const result = await trainIals(sizes, data.train, options, {}, { evaluate: () => scores[call++]!, patience: 2 });
    expect(result.bestIteration).toBe(2);
    expect(result.history).toHaveLength(4);
    expect(result.stoppedEarly).toBe(true);
    const replay = await trainIals(sizes, data.train, { ...options, iterations: 2 });
    expect(Array.from(result.userFactors)).toEqual(Array.from(replay.userFactors));
  });

  it('stops with the abort reason between half-sweeps', async () => {
    const controller = new AbortController();
    const reason = Object.assign(new Error('stop now'), { name: 'AbortError' });
    const run = trainIals(
      sizes,
      data.train,
      { ...options, iterations: 50 },
      {
        signal: controller.signal,
        onIteration: (r) => r.iteration === 2 && controller.abort(reason),
      },
    );
    await expect(run).rejects.toBe(reason);
  });

  it('rejects options that leave rows without a unique solution, and bad values', async () => {
    await expect(trainIals(sizes, data.train, { ...options, l2: 0, unobservedWeight: 0 })).rejects.toThrow(
      /l2 > 0 or unobservedWeight > 0/,
    );
    await expect(trainIals(sizes, data.train, { ...options, dim: 0 })).rejects.toThrow(
      /dim must be a positive integer/,
    );
    await expect(trainIals(sizes, { users: [], items: [] }, options)).rejects.toThrow(/no interactions/);
  });

  it('gives the same tables on two worker threads as inline (compiled build)', async () => {
    // The worker script exists only in the build (turbo builds before testing); a path in a variable keeps
    // typechecking independent of whether dist/ exists yet.
    const compiled = '../../../dist/model/ials';
    const built = (await import(`${compiled}/train-ials.js`)) as typeof import('./train-ials.js');
    const pool = (await import(`${compiled}/ials-pool.js`)) as typeof import('./ials-pool.js');
    expect(pool.ialsWorkersAvailable()).toBe(true);
    const inline = await built.trainIals(sizes, data.train, { ...options, iterations: 3, threads: 1 });
    const threaded = await built.trainIals(sizes, data.train, { ...options, iterations: 3, threads: 2 });
    expect(threaded.threads).toBe(2);
    expect(Array.from(threaded.userFactors)).toEqual(Array.from(inline.userFactors));
    expect(Array.from(threaded.itemFactors)).toEqual(Array.from(inline.itemFactors));
  });
});

describe('foldInInteractions after iALS', () => {
  it("reproduces a training user's own top-10 from their items (≥ 8 of 10 for every user)", async () => {
    const result = await trainIals(sizes, data.train, options);
    const model = asModel(result.userFactors, result.itemFactors, options.dim, result.itemGramian);
    let worst = 10;
    for (let u = 0; u < data.users; u++) {
      const own = seenBy(seen, u);
      const trained = topKItems(
        model,
        { factors: result.userFactors.subarray(u * options.dim, (u + 1) * options.dim), bias: 0 },
        { k: 10, excludeSorted: own },
      );
      const folded = topKItems(
        model,
        foldInInteractions(
          model,
          Array.from(own, (item) => ({ item })),
        ),
        { k: 10, excludeSorted: own },
      );
      const shared = trained.filter((r) => folded.some((f) => f.index === r.index)).length;
      worst = Math.min(worst, shared);
    }
    expect(worst).toBeGreaterThanOrEqual(8);
  });

  it("is the exact iALS user solve: the objective's gradient vanishes at the folded-in vector", async () => {
    const result = await trainIals(sizes, data.train, { ...options, iterations: 3 });
    const model = asModel(result.userFactors, result.itemFactors, options.dim, result.itemGramian);
    const u = 17;
    const query = foldInInteractions(
      model,
      Array.from(seenBy(seen, u), (item) => ({ item })),
    );
    const dim = options.dim;
    const q = result.itemFactors;
    const p = query.factors;
    for (let a = 0; a < dim; a++) {
      let gradient = options.l2 * p[a]!;
      for (let i = 0; i < data.items; i++) {
        let y = 0;
        for (let k = 0; k < dim; k++) y += p[k]! * q[i * dim + k]!;
        gradient += options.unobservedWeight * y * q[i * dim + a]!;
      }
      for (const i of seenBy(seen, u)) {
        let y = 0;
        for (let k = 0; k < dim; k++) y += p[k]! * q[i * dim + k]!;
        gradient -= (1 - y) * q[i * dim + a]!;
      }
      expect(Math.abs(gradient)).toBeLessThan(1e-4);
    }
  });

  it('rejects bad input with the position at fault', () => {
    const model = asModel(new Float32Array(data.users * 2), new Float32Array(data.items * 2), 2, new Float64Array(4));
    expect(() => foldInInteractions(model, [])).toThrow(/at least one item/);
    expect(() => foldInInteractions(model, [{ item: 1 }, { item: 9999 }])).toThrow(
      /items\[1\]\.item 9999 is not an item index/,
    );
    expect(() => foldInInteractions(model, [{ item: 1, weight: -2 }])).toThrow(
      /items\[0\]\.weight must be a finite number > 0/,
    );
    const { foldIn: _none, ...plain } = model;
    expect(() => foldInInteractions(plain, [{ item: 1 }])).toThrow(/no interaction fold-in/);
  });
});
