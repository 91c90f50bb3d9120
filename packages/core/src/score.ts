import { activate } from './activation.js';
import type { RecommenderModel } from './recommender-model.js';
import { clipRating, unscaleRating } from './scale.js';

/** Dot product of row `a` of table `ta` with row `b` of table `tb`, both `dim` wide. */
export function dotRows(ta: Float32Array, a: number, tb: Float32Array, b: number, dim: number): number {
  let oa = a * dim;
  let ob = b * dim;
  const end = oa + dim;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (; oa + 3 < end; oa += 4, ob += 4) {
    s0 += ta[oa]! * tb[ob]!;
    s1 += ta[oa + 1]! * tb[ob + 1]!;
    s2 += ta[oa + 2]! * tb[ob + 2]!;
    s3 += ta[oa + 3]! * tb[ob + 3]!;
  }
  for (; oa < end; oa++, ob++) s0 += ta[oa]! * tb[ob]!;
  return s0 + s1 + (s2 + s3);
}

/** The pre-activation value for user index `u` and item index `i`. */
export function logit(model: RecommenderModel, u: number, i: number): number {
  return (
    model.globalBias +
    model.userBias[u]! +
    model.itemBias[i]! +
    dotRows(model.userFactors, u, model.itemFactors, i, model.dim)
  );
}

/** The model output (activation of the logit) for user index `u` and item index `i`. */
export function rawScore(model: RecommenderModel, u: number, i: number): number {
  return activate(model.activation, logit(model, u, i));
}

/** A raw model output mapped to the rating scale and clipped into it. */
export function ratingFromRaw(model: RecommenderModel, raw: number): number {
  return clipRating(model.scale, unscaleRating(model.scale, raw));
}

/** One scored (user, item) pair. */
export interface Prediction {
  /** Predicted rating in the original scale, clipped to [min, max]. */
  rating: number;
  /** The model output before unscaling. */
  raw: number;
  /** Whether `rating` reaches the threshold. */
  recommend: boolean;
}

/** Scores a pair of known indices; the one function behind offline evaluation and the edge. */
export function predict(model: RecommenderModel, u: number, i: number, threshold = model.recommendThreshold): Prediction {
  const raw = rawScore(model, u, i);
  const rating = ratingFromRaw(model, raw);
  return { rating, raw, recommend: rating >= threshold };
}

/**
 * Scores a pair where either index may be unknown (-1): an unknown side contributes a zero
 * vector and zero bias, so the prediction falls back to the other side's bias.
 */
export function predictWithFallback(model: RecommenderModel, u: number, i: number): number {
  let x = model.globalBias;
  if (u >= 0) x += model.userBias[u]!;
  if (i >= 0) x += model.itemBias[i]!;
  if (u >= 0 && i >= 0) x += dotRows(model.userFactors, u, model.itemFactors, i, model.dim);
  return ratingFromRaw(model, activate(model.activation, x));
}
