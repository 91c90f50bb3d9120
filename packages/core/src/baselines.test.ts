import { describe, expect, it } from 'vitest';
import {
  biasRanker,
  evaluateBaseline,
  fitBiasBaseline,
  globalMeanBaseline,
  predictBaseline,
  type BaselineRows,
} from './baselines.js';
import type { IndexedRatings } from './evaluate.js';
import { gaussian, mulberry32 } from './random.js';
import { evaluateRanking } from './ranking.js';
import { buildSeenItems } from './seen-items.js';

/** Ratings r = 3.6 + b_u + b_i + noise on a random half of a users × items grid, with the planted biases. */
function plantedBiases(users: number, items: number, noise: number, seed: number) {
  const normal = gaussian(seed);
  const uniform = mulberry32(seed + 1);
  const userBias = Float64Array.from({ length: users }, () => 0.5 * normal());
  const itemBias = Float64Array.from({ length: items }, () => 0.5 * normal());
  const u: number[] = [];
  const i: number[] = [];
  const r: number[] = [];
  for (let a = 0; a < users; a++) {
    for (let b = 0; b < items; b++) {
      if (uniform() < 0.5) continue;
      u.push(a);
      i.push(b);
      r.push(3.6 + userBias[a]! + itemBias[b]! + noise * normal());
    }
  }
  return { userBias, itemBias, users: Int32Array.from(u), items: Int32Array.from(i), ratings: Float32Array.from(r) };
}

function centred(values: ArrayLike<number>): number[] {
  const list = Array.from(values);
  const mean = list.reduce((s, v) => s + v, 0) / list.length;
  return list.map((v) => v - mean);
}

function rmsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += (a[k]! - b[k]!) ** 2;
  return Math.sqrt(sum / a.length);
}

/** Every other row for training, the rest held out. */
function halves(data: BaselineRows & IndexedRatings): { train: IndexedRatings; test: IndexedRatings } {
  const pick = (parity: number) => {
    const keep = Array.from({ length: data.ratings.length }, (_, r) => r).filter((r) => r % 2 === parity);
    return {
      users: Int32Array.from(keep, (r) => data.users[r]!),
      items: Int32Array.from(keep, (r) => data.items[r]!),
      ratings: Float32Array.from(keep, (r) => data.ratings[r]!),
    };
  };
  return { train: pick(0), test: pick(1) };
}

describe('fitBiasBaseline', () => {
  it('matches a one-sweep fit computed by hand', () => {
    // μ = 4; b_i0 = (1 + 0) / (1 + 2) = 1/3, b_i1 = −1 / (1 + 1) = −1/2;
    // b_u0 = ((1 − 1/3) + (−1 + 1/2)) / (1 + 2) = 1/18, b_u1 = (0 − 1/3) / (1 + 1) = −1/6.
    const fit = fitBiasBaseline(
      { users: [0, 0, 1], items: [0, 1, 0], ratings: [5, 3, 4] },
      { users: 2, items: 2 },
      { lambdaUser: 1, lambdaItem: 1, sweeps: 1 },
    );
    expect(fit.globalMean).toBe(4);
    expect(fit.itemBias[0]).toBeCloseTo(1 / 3, 6);
    expect(fit.itemBias[1]).toBeCloseTo(-1 / 2, 6);
    expect(fit.userBias[0]).toBeCloseTo(1 / 18, 6);
    expect(fit.userBias[1]).toBeCloseTo(-1 / 6, 6);
    expect(predictBaseline(fit, 0, 1)).toBeCloseTo(4 + 1 / 18 - 1 / 2, 6);
  });

  it('reproduces exactly additive ratings without regularisation', () => {
    // r = 3 + (0, 1, −1)[u] + (0.5, −0.5)[i], complete 3 × 2 grid.
    const users = [0, 0, 1, 1, 2, 2];
    const items = [0, 1, 0, 1, 0, 1];
    const ratings = users.map((u, r) => 3 + [0, 1, -1][u]! + [0.5, -0.5][items[r]!]!);
    const fit = fitBiasBaseline(
      { users, items, ratings },
      { users: 3, items: 2 },
      { lambdaUser: 0, lambdaItem: 0, sweeps: 30 },
    );
    for (let r = 0; r < ratings.length; r++)
      expect(predictBaseline(fit, users[r]!, items[r]!)).toBeCloseTo(ratings[r]!, 5);
  });

  it('recovers planted user and item biases', () => {
    const data = plantedBiases(120, 80, 0.3, 11);
    const loose = fitBiasBaseline(data, { users: 120, items: 80 }, { lambdaUser: 0.1, lambdaItem: 0.1, sweeps: 20 });
    // Biases are identified up to a shared offset absorbed by μ, so compare centred values.
    expect(rmsDifference(centred(loose.userBias), centred(data.userBias))).toBeLessThan(0.06);
    expect(rmsDifference(centred(loose.itemBias), centred(data.itemBias))).toBeLessThan(0.06);
    // The defaults shrink towards 0 but keep the same shape.
    const shrunk = fitBiasBaseline(data, { users: 120, items: 80 });
    expect(rmsDifference(centred(shrunk.itemBias), centred(data.itemBias))).toBeLessThan(0.2);
    expect(Math.abs(shrunk.globalMean - loose.globalMean)).toBe(0);
  });

  it('beats the global mean on held-out ratings from such data', () => {
    const data = plantedBiases(100, 60, 0.4, 5);
    const { train, test } = halves(data);
    const fit = fitBiasBaseline(train, { users: 100, items: 60 });
    const mean = globalMeanBaseline(train.ratings);
    const biased = evaluateBaseline(fit, test);
    const flat = evaluateBaseline(mean, test);
    expect(mean.globalMean).toBeCloseTo(fit.globalMean, 6);
    expect(biased.coldStart).toBe(0);
    expect(flat.coldStart).toBe(test.ratings.length);
    // Bias std is 0.5 on each side, so the mean's RMSE is ≈ sqrt(0.25 + 0.25 + 0.16) ≈ 0.8;
    // the true biases would score the noise, 0.4 (≈ 15 ratings a user leave the fit shrunk above it).
    expect(flat.rmse).toBeGreaterThan(0.75);
    expect(biased.rmse).toBeLessThan(0.7 * flat.rmse);
    expect(biased.mae).toBeLessThan(flat.mae);
  });

  it('rejects rows outside the given sizes', () => {
    expect(() => fitBiasBaseline({ users: [0, 2], items: [0, 0], ratings: [1, 2] }, { users: 2, items: 1 })).toThrow(
      /row 1 has user 2/,
    );
    expect(() => fitBiasBaseline({ users: [], items: [], ratings: [] }, { users: 1, items: 1 })).toThrow(/no ratings/);
  });
});

describe('predictBaseline and evaluateBaseline', () => {
  const fit = { globalMean: 3, userBias: Float32Array.from([0.5, -0.5]), itemBias: Float32Array.from([1, -2]) };

  it('let unknown (-1) indices contribute nothing', () => {
    expect(predictBaseline(fit, 0, 0)).toBe(4.5);
    expect(predictBaseline(fit, -1, 0)).toBe(4);
    expect(predictBaseline(fit, 1, -1)).toBe(2.5);
    expect(predictBaseline(fit, -1, -1)).toBe(3);
    expect(predictBaseline(globalMeanBaseline(3.25), 5, 7)).toBe(3.25);
  });

  it('clip predictions into the rating range when asked and count cold-start rows', () => {
    const rows = {
      users: Int32Array.from([1, -1]),
      items: Int32Array.from([1, 0]),
      ratings: Float32Array.from([1, 4]),
    };
    // Predictions 0.5 (clipped to 1) and 4: both exact once clipped.
    expect(evaluateBaseline(fit, rows, { min: 1, max: 5 })).toEqual({ rmse: 0, mae: 0, count: 2, coldStart: 1 });
    expect(evaluateBaseline(fit, rows).mae).toBeCloseTo(0.25, 12);
  });
});

describe('biasRanker', () => {
  const fit = { globalMean: 3, userBias: new Float32Array(2), itemBias: Float32Array.from([0.1, 0.5, -1, 0.5, 0.2]) };

  it('ranks items by item bias (ties by index) minus the excluded ones', () => {
    const ranker = biasRanker(fit);
    expect(ranker.topK(0, 3)).toEqual([1, 3, 4]);
    expect(ranker.topK(1, 10, Uint32Array.from([1, 4]))).toEqual([3, 0, 2]);
    expect(biasRanker(fit, { items: 3 }).topK(0, 5)).toEqual([1, 0, 2]);
  });

  it('plugs into evaluateRanking with its seen lists', () => {
    const seen = buildSeenItems(2, [0], [1]);
    const ranker = biasRanker(fit, { seen, threshold: 4 });
    const heldOut = {
      users: Int32Array.from([0, 1]),
      items: Int32Array.from([3, 0]),
      ratings: Float32Array.from([5, 4]),
    };
    // user 0 (item 1 seen) ranks [3, 4]: hit at rank 1; user 1 ranks [1, 3]: no hit.
    const result = evaluateRanking(ranker, heldOut, { k: 2 });
    expect(result.users).toBe(2);
    expect(result.precision).toBeCloseTo(0.25, 12);
    expect(result.recall).toBeCloseTo(0.5, 12);
  });
});
