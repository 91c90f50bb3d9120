import { describe, expect, it } from 'vitest';
import { activate, type Activation } from './activation.js';
import { createIdIndex } from './ids.js';
import { foldInObjective, foldInUser, itemBiasQuery, type FoldInRating } from './fold-in.js';
import { gaussian, mulberry32 } from './random.js';
import type { Float32RecommenderModel, RecommenderModel } from './recommender-model.js';
import { minMaxScale, scaleRating, unscaleRating } from './scale.js';
import { dotRows } from './score.js';
import { dequantizedModel, quantizedModel } from './test-utils/quantized.js';
import { randomRatingModel } from './testing/rating-model.js';
import { topKItems, userQuery, type UserQuery } from './topk.js';

/** The model's rating of item i for a query, unclipped, in float64. */
function ratingOf(model: RecommenderModel, q: UserQuery, i: number): number {
  const z = model.globalBias + q.bias + model.itemBias[i]! + dotRows(q.factors, 0, model.itemFactors, i, model.dim);
  return unscaleRating(model.scale, activate(model.activation, z));
}

/** Ratings of the given items by a known user, from the model itself, plus optional noise. */
function ratingsOf(model: RecommenderModel, u: number, items: number[], noise = 0, seed = 1): FoldInRating[] {
  const normal = gaussian(seed);
  const { min, max } = model.scale;
  return items.map((item) => ({
    item,
    rating: Math.min(max, Math.max(min, ratingOf(model, userQuery(model, u), item) + noise * normal())),
  }));
}

/** Independent ridge reference: normal equations on [q_i, 1] solved by Gauss-Jordan elimination. */
function naiveRidge(model: Float32RecommenderModel, ratings: FoldInRating[], l2: number): number[] {
  const d = model.dim + 1;
  const m = Array.from({ length: d }, (_, i) => new Array<number>(d + 1).fill(0).map((_, j) => (i === j ? l2 : 0)));
  for (const { item, rating } of ratings) {
    const x = [...model.itemFactors.subarray(item * model.dim, (item + 1) * model.dim), 1];
    const y = scaleRating(model.scale, rating) - model.globalBias - model.itemBias[item]!;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) m[i]![j]! += x[i]! * x[j]!;
      m[i]![d]! += x[i]! * y;
    }
  }
  for (let c = 0; c < d; c++) {
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let j = c; j <= d; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row, i) => row[d]! / m[i]![i]!);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * A model shaped like a trained one on [0, 1] targets: Gaussian factors, small biases, logits
 * that put most ratings inside 1..5 (a sigmoid needs larger logits for the same spread).
 */
function plantedModel(activation: Activation, users: number, items: number, dim: number): Float32RecommenderModel {
  const normal = gaussian(51);
  const sd = activation === 'sigmoid' ? 0.7 : 0.35;
  const table = (n: number, s: number) => Float32Array.from({ length: n }, () => normal() * s);
  return {
    dim,
    activation,
    globalBias: activation === 'sigmoid' ? 0 : 0.5,
    scale: minMaxScale(1, 5),
    recommendThreshold: 3.5,
    users: createIdIndex(range(users).map((u) => `u${u}`)),
    items: createIdIndex(range(items).map((i) => `i${i}`)),
    userFactors: table(users * dim, sd),
    itemFactors: table(items * dim, sd),
    userBias: table(users, 0.1),
    itemBias: table(items, 0.1),
  };
}
/** A plain-regression scale (targets are ratings), wide enough that no generated rating is clipped. */
const identityScale = { min: -20, max: 20, targetMin: -20, targetMax: 20 };

describe('foldInUser (linear)', () => {
  const model: Float32RecommenderModel = {
    ...randomRatingModel({ users: 4, items: 60, dim: 6, seed: 21, activation: 'linear' }),
    scale: identityScale,
  };

  it('recovers a known user vector and bias from noise-free ratings as λ → 0', () => {
    for (let u = 0; u < 4; u++) {
      const folded = foldInUser(model, ratingsOf(model, u, range(60)), { l2: 1e-10 });
      const truth = userQuery(model, u);
      for (let k = 0; k < 6; k++) expect(folded.factors[k]).toBeCloseTo(truth.factors[k]!, 5);
      expect(folded.bias).toBeCloseTo(truth.bias, 5);
    }
  });

  it('equals an independent ridge solution for λ > 0, with few and many ratings', () => {
    for (const [n, l2] of [
      [3, 0.3],
      [10, 1],
      [60, 0.01],
    ] as const) {
      const ratings = ratingsOf(
        model,
        1,
        range(n).map((i) => (i * 7) % 60),
        0.5,
        n,
      );
      const folded = foldInUser(model, ratings, { l2 });
      const want = naiveRidge(model, ratings, l2);
      for (let k = 0; k < 6; k++) expect(folded.factors[k]).toBeCloseTo(want[k]!, 5);
      expect(folded.bias).toBeCloseTo(want[6]!, 6);
    }
  });

  it('works on an int8 item table like on its dequantized copy', () => {
    const int8 = quantizedModel(model);
    const ratings = ratingsOf(model, 2, range(30), 0.2);
    const a = foldInUser(int8, ratings);
    const b = foldInUser(dequantizedModel(int8), ratings);
    for (let k = 0; k < 6; k++) expect(a.factors[k]).toBeCloseTo(b.factors[k]!, 5);
    expect(a.bias).toBeCloseTo(b.bias, 5);
  });
});

describe('foldInUser (tanh and sigmoid)', () => {
  it('recovers a known user exactly from noise-free ratings as λ → 0 (sigmoid and tanh)', () => {
    for (const activation of ['sigmoid', 'tanh'] as const) {
      // tanh targets span [-1, 1] here so no generated rating is clipped; user 0's vector is
      // stretched so some outputs pass 0.99, where the inverted-target start is clipped and
      // only the Gauss-Newton steps can reach the exact answer.
      const base = randomRatingModel({ users: 3, items: 80, dim: 5, seed: 31, activation });
      const model = {
        ...base,
        scale: { ...base.scale, targetMin: activation === 'tanh' ? -1 : 0 },
        userFactors: base.userFactors.map((x, j) => (j < 5 ? x * 12 : x)),
      };
      const ratings = ratingsOf(model, 0, range(80));
      const targets = ratings.map((r) => scaleRating(model.scale, r.rating));
      const lowest = activation === 'tanh' ? -0.99 : 0.01;
      expect(targets.filter((t) => t < lowest || t > 0.99).length).toBeGreaterThan(3);
      const truth = userQuery(model, 0);
      const start = foldInUser(model, ratings, { l2: 1e-10, iterations: 0 });
      expect(Math.abs(start.bias - truth.bias)).toBeGreaterThan(1e-3);
      const folded = foldInUser(model, ratings, { l2: 1e-10, iterations: 50 });
      for (let k = 0; k < 5; k++) expect(folded.factors[k]).toBeCloseTo(truth.factors[k]!, 4);
      expect(folded.bias).toBeCloseTo(truth.bias, 4);
    }
  });

  it('lowers the tanh objective at every iteration and ends at a stationary point', () => {
    const model = randomRatingModel({ users: 3, items: 120, dim: 8, seed: 41, activation: 'tanh' });
    const ratings = ratingsOf(
      model,
      1,
      range(40).map((i) => i * 3),
      0.6,
      3,
    );
    const objectives = range(9).map((iterations) =>
      foldInObjective(model, ratings, foldInUser(model, ratings, { iterations })),
    );
    for (let j = 1; j < objectives.length; j++) {
      expect(objectives[j]!, `iteration ${j}`).toBeLessThanOrEqual(objectives[j - 1]! * (1 + 1e-9));
    }
    expect(objectives[1]!).toBeLessThan(objectives[0]!); // the starting point was not already optimal
    // No coordinate move (of a size well above float32 rounding) lowers the objective: a minimum.
    const best = foldInUser(model, ratings);
    const f = foldInObjective(model, ratings, best);
    for (let k = 0; k <= 8; k++) {
      for (const h of [-1e-3, 1e-3]) {
        const factors = Float32Array.from(best.factors);
        let bias = best.bias;
        if (k < 8) factors[k]! += h;
        else bias += h;
        expect(foldInObjective(model, ratings, { factors, bias })).toBeGreaterThanOrEqual(f - 1e-9);
      }
    }
    // …and it beats a long plain gradient descent from zero (a naive minimiser).
    const w = new Float64Array(9);
    for (let step = 0; step < 3000; step++) {
      const g = new Float64Array(9);
      for (const { item, rating } of ratings) {
        const q = model.itemFactors.subarray(item * 8, item * 8 + 8);
        let z = model.globalBias + model.itemBias[item]! + w[8]!;
        for (let k = 0; k < 8; k++) z += w[k]! * q[k]!;
        const out = Math.tanh(z);
        const common = 2 * (out - scaleRating(model.scale, rating)) * (1 - out * out);
        for (let k = 0; k < 8; k++) g[k]! += common * q[k]!;
        g[8]! += common;
      }
      for (let k = 0; k < 9; k++) w[k]! -= 0.05 * (g[k]! + 2 * 0.3 * w[k]!);
    }
    const descent = foldInObjective(model, ratings, { factors: Float32Array.from(w.subarray(0, 8)), bias: w[8]! });
    expect(f).toBeLessThanOrEqual(descent + 1e-7);
  });

  for (const activation of ['linear', 'tanh', 'sigmoid'] as const) {
    it(`folds a known user back in close enough to share at least 7 of their top 10 (${activation})`, () => {
      const model = plantedModel(activation, 20, 400, 8);
      // The default λ was tuned on a tanh model; a sigmoid's slope is at most 1/4, so the same λ
      // regularises it about 16 times harder (one of 20 users then shares only 6): use less.
      const options = activation === 'sigmoid' ? { l2: 0.1 } : {};
      const rand = mulberry32(9);
      for (let u = 0; u < 20; u++) {
        const rated = range(400).filter(() => rand() < 0.15); // about 60 items
        const folded = foldInUser(model, ratingsOf(model, u, rated, 0.1, u + 1), options);
        const top = (q: UserQuery) => new Set(topKItems(model, q, { k: 10 }).map((r) => r.index));
        const truth = top(userQuery(model, u));
        const overlap = [...top(folded)].filter((i) => truth.has(i)).length;
        expect(overlap, `user ${u}`).toBeGreaterThanOrEqual(7);
      }
    });
  }
});

describe('foldInUser input rules', () => {
  const model = randomRatingModel({ items: 20, dim: 4, seed: 61 });

  it('rejects an empty list, bad items, non-finite or out-of-scale ratings, and bad options', () => {
    expect(() => foldInUser(model, [])).toThrow(/at least one rating/);
    expect(() => foldInUser(model, [{ item: 20, rating: 3 }])).toThrow(
      /ratings\[0\]\.item 20 is not an item index of the model \(0 to 19\)/,
    );
    expect(() =>
      foldInUser(model, [
        { item: 1, rating: 3 },
        { item: 1.5, rating: 3 },
      ]),
    ).toThrow(/ratings\[1\]\.item 1\.5/);
    expect(() => foldInUser(model, [{ item: -1, rating: 3 }])).toThrow(RangeError);
    expect(() => foldInUser(model, [{ item: 1, rating: Number.NaN }])).toThrow(
      /ratings\[0\]\.rating is not a finite number/,
    );
    expect(() => foldInUser(model, [{ item: 1, rating: 5.5 }])).toThrow(
      /ratings\[0\]\.rating 5\.5 is outside the model's rating scale 1 to 5/,
    );
    expect(() => foldInUser(model, [{ item: 1, rating: 0 }])).toThrow(/outside the model's rating scale/);
    expect(() => foldInUser(model, [{ item: 1, rating: 3 }], { l2: -1 })).toThrow(/l2 must be a finite number ≥ 0/);
    expect(() => foldInUser(model, [{ item: 1, rating: 3 }], { iterations: 1.5 })).toThrow(
      /iterations must be a non-negative integer/,
    );
  });

  it('keeps the last rating of a repeated item', () => {
    const repeated = foldInUser(model, [
      { item: 3, rating: 1 },
      { item: 4, rating: 2 },
      { item: 3, rating: 5 },
    ]);
    const last = foldInUser(model, [
      { item: 4, rating: 2 },
      { item: 3, rating: 5 },
    ]);
    expect(Array.from(repeated.factors)).toEqual(Array.from(last.factors));
    expect(repeated.bias).toBe(last.bias);
  });

  it('accepts ratings at the ends of the scale, and says when l2 = 0 leaves the vector undetermined', () => {
    expect(() =>
      foldInUser(model, [
        { item: 0, rating: 1 },
        { item: 1, rating: 5 },
      ]),
    ).not.toThrow();
    const linear = { ...model, activation: 'linear' as const };
    expect(() => foldInUser(linear, [{ item: 0, rating: 4 }], { l2: 0 })).toThrow(
      /do not determine a user vector.*use l2 > 0/,
    );
  });
});

describe('itemBiasQuery', () => {
  it('ranks items by their bias alone', () => {
    const model = randomRatingModel({ items: 50, seed: 71 });
    const query = itemBiasQuery(model);
    expect(query.factors.length).toBe(model.dim);
    const got = topKItems(model, query, { k: 10 }).map((r) => r.index);
    const want = range(50)
      .sort((a, b) => model.itemBias[b]! - model.itemBias[a]! || a - b)
      .slice(0, 10);
    expect(got).toEqual(want);
  });
});
