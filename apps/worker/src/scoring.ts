import { objectiveOf, predict, rawScore, similarItems, type RecommenderModel } from '@edgerec/core';
import { ApiError, unknownIdError } from './errors';

/** A pair scored by a rating model, as the API returns it. */
export interface Score {
  user: string;
  item: string;
  rating: number;
  raw: number;
  recommend: boolean;
  threshold: number;
}

/** A pair scored by an interaction model: a ranking score, never a rating. */
export interface InteractionScore {
  user: string;
  item: string;
  /** The head's output (core's rawScore). */
  score: number;
  /** The same number when the head is a sigmoid, whose output is a probability. */
  probability?: number;
  /** Whether score >= threshold. */
  recommend: boolean;
  threshold: number;
}

/** A scored pair of either kind of model. */
export type PairScore = Score | InteractionScore;

/** The index of a user id; throws a 404 `unknown_user` ApiError when the model does not know it. */
export function userIndex(model: RecommenderModel, user: string): number {
  const u = model.users.indexOf(user);
  if (u === undefined) throw unknownIdError('user', user, model.users.size);
  return u;
}

/** A pair whose id is unknown, as a batch result entry. */
export interface PairError {
  user: string;
  item: string;
  error: { code: 'unknown_user' | 'unknown_item'; message: string };
}

/**
 * Scores a (user, item) pair of ids, or says which id is unknown: a rating model with core's
 * `predict` (the rating head, also when a ranking head sits beside it), an interaction model with
 * core's `rawScore`, recommended when the score reaches the threshold.
 */
export function tryScorePair(model: RecommenderModel, user: string, item: string, threshold: number): PairScore | PairError {
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
  return { user, item, rating, raw, recommend, threshold };
}

/** Like {@link tryScorePair}, but an unknown id throws its 404 ApiError. */
export function scorePair(model: RecommenderModel, user: string, item: string, threshold: number): PairScore {
  const result = tryScorePair(model, user, item, threshold);
  if ('error' in result) throw new ApiError(404, result.error.code, result.error.message);
  return result;
}

/** An item similar to another, as the API returns it. */
export interface SimilarItemResult {
  item: string;
  similarity: number;
}

/** The k items most similar to `item` (cosine of the item embeddings, core's `similarItems`); 404 for an unknown item. */
export function similarTo(model: RecommenderModel, item: string, k: number): SimilarItemResult[] {
  const i = model.items.indexOf(item);
  if (i === undefined) throw unknownIdError('item', item, model.items.size);
  return similarItems(model, i, { k }).map(({ index, similarity }) => ({ item: model.items.ids[index]!, similarity }));
}
