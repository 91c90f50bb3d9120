import { predict, seenBy, topKItems, userQuery, type RecommenderModel } from '@edgerec/core';
import { ApiError, unknownIdError } from './errors';

/** A scored pair, as the API returns it. */
export interface Score {
  user: string;
  item: string;
  rating: number;
  raw: number;
  recommend: boolean;
  threshold: number;
}

/** One ranked item, as the API returns it. */
export interface RecommendedItem {
  item: string;
  rating: number;
  raw: number;
}

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

/** Scores a (user, item) pair of ids with core's `predict`, or says which id is unknown. */
export function tryScorePair(model: RecommenderModel, user: string, item: string, threshold: number): Score | PairError {
  const u = model.users.indexOf(user);
  const i = model.items.indexOf(item);
  if (u === undefined || i === undefined) {
    const { code, message } =
      u === undefined ? unknownIdError('user', user, model.users.size) : unknownIdError('item', item, model.items.size);
    return { user, item, error: { code, message } };
  }
  const { rating, raw, recommend } = predict(model, u, i, threshold);
  return { user, item, rating, raw, recommend, threshold };
}

/** Like {@link tryScorePair}, but an unknown id throws its 404 ApiError. */
export function scorePair(model: RecommenderModel, user: string, item: string, threshold: number): Score {
  const result = tryScorePair(model, user, item, threshold);
  if ('error' in result) throw new ApiError(404, result.error.code, result.error.message);
  return result;
}

/**
 * The k best items for a user with core's `topKItems`, skipping the items the user rated in
 * training when the artifact lists them.
 */
export function recommendFor(
  model: RecommenderModel,
  user: string,
  k: number,
): { items: RecommendedItem[]; excludedSeen: number; seenItems: boolean } {
  const u = userIndex(model, user);
  const seen = model.seen ? seenBy(model.seen, u) : undefined;
  const ranked = topKItems(model, userQuery(model, u), seen ? { k, excludeSorted: seen } : { k });
  return {
    items: ranked.map(({ index, rating, raw }) => ({ item: model.items.ids[index]!, rating, raw })),
    excludedSeen: seen?.length ?? 0,
    seenItems: model.seen !== undefined,
  };
}
