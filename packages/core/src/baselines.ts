import { measureAccuracy, type IndexedRatings, type RatingAccuracy } from './evaluate.js';
import { orderRanker, type Ranker } from './ranking.js';
import type { SeenItems } from './seen-items.js';

/**
 * The baseline predictor b_ui = μ + b_u + b_i (Koren 2008). Empty bias tables give the
 * global-mean predictor.
 */
export interface BiasBaseline {
  readonly globalMean: number;
  readonly userBias: Float32Array;
  readonly itemBias: Float32Array;
}

/** Training rows as dense indices (0..users-1, 0..items-1) with ratings in rating units. */
export interface BaselineRows {
  readonly users: ArrayLike<number>;
  readonly items: ArrayLike<number>;
  readonly ratings: ArrayLike<number>;
}

/** Options for {@link fitBiasBaseline}: the regularisation of each side and the number of sweeps. */
export interface BiasBaselineOptions {
  /** Shrinks user biases towards 0, like that many extra ratings at the mean (default 10, Koren's λ3). */
  lambdaUser?: number;
  /** Shrinks item biases towards 0 (default 25, Koren's λ2). */
  lambdaItem?: number;
  /** Alternating passes, each fitting all item biases then all user biases (default 10). */
  sweeps?: number;
}

/**
 * Fits μ, b_u and b_i by alternating regularised least squares: μ is the mean rating, then each
 * sweep sets b_i = Σ(r − μ − b_u) / (λ_item + n_i) and b_u = Σ(r − μ − b_i) / (λ_user + n_u),
 * exact minimisers of Σ(r − μ − b_u − b_i)² + λ_user Σb_u² + λ_item Σb_i² for the side updated.
 */
export function fitBiasBaseline(
  rows: BaselineRows,
  sizes: { users: number; items: number },
  options: BiasBaselineOptions = {},
): BiasBaseline {
  const lambdaUser = options.lambdaUser ?? 10;
  const lambdaItem = options.lambdaItem ?? 25;
  const sweeps = options.sweeps ?? 10;
  if (!(lambdaUser >= 0) || !(lambdaItem >= 0)) throw new Error('bias regularisation must be ≥ 0');
  if (!Number.isInteger(sweeps) || sweeps < 1) throw new Error(`sweeps must be a positive integer, got ${sweeps}`);
  const n = rows.ratings.length;
  if (rows.users.length !== n || rows.items.length !== n) throw new Error('users, items and ratings differ in length');
  if (n === 0) throw new Error('no ratings to fit a baseline on');
  let sum = 0;
  for (let r = 0; r < n; r++) {
    const u = rows.users[r]!;
    const i = rows.items[r]!;
    if (!(u >= 0 && u < sizes.users) || !(i >= 0 && i < sizes.items)) {
      throw new Error(`row ${r} has user ${u} / item ${i} outside ${sizes.users} users × ${sizes.items} items`);
    }
    sum += rows.ratings[r]!;
  }
  const globalMean = sum / n;
  const userCount = new Float64Array(sizes.users);
  const itemCount = new Float64Array(sizes.items);
  for (let r = 0; r < n; r++) {
    userCount[rows.users[r]!]!++;
    itemCount[rows.items[r]!]!++;
  }
  const userBias = new Float64Array(sizes.users);
  const itemBias = new Float64Array(sizes.items);
  const userSum = new Float64Array(sizes.users);
  const itemSum = new Float64Array(sizes.items);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    itemSum.fill(0);
    for (let r = 0; r < n; r++) itemSum[rows.items[r]!]! += rows.ratings[r]! - globalMean - userBias[rows.users[r]!]!;
    for (let i = 0; i < sizes.items; i++) itemBias[i] = itemSum[i]! / (lambdaItem + itemCount[i]!) || 0;
    userSum.fill(0);
    for (let r = 0; r < n; r++) userSum[rows.users[r]!]! += rows.ratings[r]! - globalMean - itemBias[rows.items[r]!]!;
    for (let u = 0; u < sizes.users; u++) userBias[u] = userSum[u]! / (lambdaUser + userCount[u]!) || 0;
  }
  return { globalMean, userBias: Float32Array.from(userBias), itemBias: Float32Array.from(itemBias) };
}

/** The global-mean predictor: a given mean, or the mean of the given ratings, with no biases. */
export function globalMeanBaseline(meanOrRatings: number | ArrayLike<number>): BiasBaseline {
  let globalMean: number;
  if (typeof meanOrRatings === 'number') {
    globalMean = meanOrRatings;
  } else {
    if (meanOrRatings.length === 0) throw new Error('no ratings to take the mean of');
    let sum = 0;
    for (let r = 0; r < meanOrRatings.length; r++) sum += meanOrRatings[r]!;
    globalMean = sum / meanOrRatings.length;
  }
  if (!Number.isFinite(globalMean)) throw new Error(`the global mean must be finite, got ${globalMean}`);
  return { globalMean, userBias: new Float32Array(0), itemBias: new Float32Array(0) };
}

/** b_ui = μ + b_u + b_i; a user or item index outside the tables (-1 for unknown) contributes 0. */
export function predictBaseline(baseline: BiasBaseline, u: number, i: number): number {
  let x = baseline.globalMean;
  if (u >= 0 && u < baseline.userBias.length) x += baseline.userBias[u]!;
  if (i >= 0 && i < baseline.itemBias.length) x += baseline.itemBias[i]!;
  return x;
}

/**
 * RMSE and MAE of a baseline on rows (like core's evaluateRatings for a model); predictions are
 * clipped to `clip` when given. `coldStart` counts rows whose user or item the baseline lacks.
 */
export function evaluateBaseline(
  baseline: BiasBaseline,
  rows: IndexedRatings,
  clip?: { min: number; max: number },
): RatingAccuracy {
  return measureAccuracy(
    rows,
    (u, i) => {
      const p = predictBaseline(baseline, u, i);
      return clip ? Math.min(clip.max, Math.max(clip.min, p)) : p;
    },
    (u, i) => !(u >= 0 && u < baseline.userBias.length) || !(i >= 0 && i < baseline.itemBias.length),
  );
}

/** Options for {@link biasRanker}. */
export interface BiasRankerOptions {
  /** Rank only item indices 0..items-1 (default: every item of the baseline). */
  items?: number;
  /** Number of user indices (default: the baseline's). */
  users?: number;
  /** Each user's training items, excluded by default when ranking. */
  seen?: SeenItems;
  /** Default relevance threshold for evaluateRanking. */
  threshold?: number | 'any';
}

/**
 * Ranks items by the baseline: b_i alone orders them (μ and b_u are the same for every item),
 * so every user gets the same list minus their excluded items. Ties: lower index first.
 */
export function biasRanker(baseline: BiasBaseline, options: BiasRankerOptions = {}): Ranker {
  const items = options.items ?? baseline.itemBias.length;
  if (items > baseline.itemBias.length) {
    throw new Error(`cannot rank ${items} items with biases for ${baseline.itemBias.length}`);
  }
  const { itemBias } = baseline;
  const order = Uint32Array.from({ length: items }, (_, i) => i).sort((a, b) => itemBias[b]! - itemBias[a]! || a - b);
  return orderRanker(order, {
    users: options.users ?? baseline.userBias.length,
    items,
    ...(options.seen ? { seen: options.seen } : {}),
    ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
  });
}
