import { objectiveOf, predict, rawScore, similarItems, unscaleRating, type RecommenderModel } from '@edgerec/core';
import { ApiError, unknownIdError } from './errors';
import type { PairError, PairScore, SimilarItemResult } from './schemas';

/** The index of a user id; throws a 404 `unknown_user` ApiError when the model does not know it. */
export function userIndex(model: RecommenderModel, user: string): number {
  const u = model.users.indexOf(user);
  if (u === undefined) throw unknownIdError('user', user, model.users.size);
  return u;
}

/**
 * Scores a (user, item) pair of ids, or says which id is unknown: a rating model with core's
 * `predict` (the rating head, also when a ranking head sits beside it), an interaction model with
 * core's `rawScore`, recommended when the score reaches the threshold.
 */
export function tryScorePair(
  model: RecommenderModel,
  user: string,
  item: string,
  threshold: number,
): PairScore | PairError {
  const u = model.users.indexOf(user);
  const i = model.items.indexOf(item);
  if (u === undefined || i === undefined) {
    const { code, message } =
      u === undefined ? unknownIdError('user', user, model.users.size) : unknownIdError('item', item, model.items.size);
    return { user, item, error: { code, message } };
  }
  if (objectiveOf(model) === 'interaction') {
    const score = rawScore(model, u, i);
    const probability = model.activation === 'sigmoid' ? { probability: score } : {};
    return { user, item, score, ...probability, recommend: score >= threshold, threshold };
  }
  const { rating, raw, recommend } = predict(model, u, i, threshold);
  return { user, item, rating, unclippedRating: unscaleRating(model.scale, raw), raw, recommend, threshold };
}

/** Like {@link tryScorePair}, but an unknown id throws its 404 ApiError. */
export function scorePair(model: RecommenderModel, user: string, item: string, threshold: number): PairScore {
  const result = tryScorePair(model, user, item, threshold);
  if ('error' in result) throw new ApiError(404, result.error.code, result.error.message);
  return result;
}

/** The k items most similar to `item` (cosine of the item embeddings, core's `similarItems`); 404 for an unknown item. */
export function similarTo(model: RecommenderModel, item: string, k: number): SimilarItemResult[] {
  const i = model.items.indexOf(item);
  if (i === undefined) throw unknownIdError('item', item, model.items.size);
  return similarItems(model, i, { k }).map(({ index, similarity }) => ({ item: model.items.ids[index]!, similarity }));
}
