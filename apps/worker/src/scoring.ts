import {
  DEFAULT_FOLD_IN_L2,
  foldInUser,
  itemBiasQuery,
  predict,
  seenBy,
  similarItems,
  topKItems,
  userQuery,
  type FoldInRating,
  type RecommenderModel,
  type TopKOptions,
  type UserQuery,
} from '@edgerec/core';
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

/** Item ids a ranking request restricts itself with (already deduplicated by the schemas). */
export interface ItemFilter {
  /** Ids never to return; unknown ids are ignored (and counted). */
  exclude?: readonly string[] | undefined;
  /** Rank only these ids; unknown ids are reported. */
  candidates?: readonly string[] | undefined;
}

/** How a request's `exclude` and `candidates` were applied, as the responses report it. */
export interface FilterReport {
  exclude?: { requested: number; unknown: number };
  candidates?: { requested: number; unknown: string[] };
}

/** An {@link ItemFilter} mapped to item indices. */
interface ResolvedFilter {
  exclude: Set<number>;
  candidates: number[] | undefined;
  report: FilterReport;
}

function resolveFilter(model: RecommenderModel, filter: ItemFilter): ResolvedFilter {
  const exclude = new Set<number>();
  const report: FilterReport = {};
  if (filter.exclude) {
    let unknown = 0;
    for (const id of filter.exclude) {
      const i = model.items.indexOf(id);
      if (i === undefined) unknown++;
      else exclude.add(i);
    }
    report.exclude = { requested: filter.exclude.length, unknown };
  }
  let candidates: number[] | undefined;
  if (filter.candidates) {
    candidates = [];
    const unknown: string[] = [];
    for (const id of filter.candidates) {
      const i = model.items.indexOf(id);
      if (i === undefined) unknown.push(id);
      else candidates.push(i);
    }
    report.candidates = { requested: filter.candidates.length, unknown };
  }
  return { exclude, candidates, report };
}

/** Ranks with core's `topKItems`, skipping `excludeSorted` and the filter's exclusions, restricted to its candidates. */
function rank(
  model: RecommenderModel,
  query: UserQuery,
  k: number,
  resolved: ResolvedFilter,
  excludeSorted?: Uint32Array,
): RecommendedItem[] {
  const options: TopKOptions = { k };
  if (excludeSorted && excludeSorted.length > 0) options.excludeSorted = excludeSorted;
  if (resolved.exclude.size > 0) options.exclude = resolved.exclude;
  if (resolved.candidates) options.candidates = resolved.candidates;
  return topKItems(model, query, options).map(({ index, rating, raw }) => ({ item: model.items.ids[index]!, rating, raw }));
}

/** What a user's recommendations report besides the user and k. */
export interface UserRecommendations extends FilterReport {
  items: RecommendedItem[];
  excludedSeen: number;
  seenItems: boolean;
  coldStart: boolean;
  fallback?: 'item-bias';
}

/** What an unknown user gets: the item-bias ranking (`fallback`) or a 404 `unknown_user` (`error`). */
export type ColdStartMode = 'fallback' | 'error';

/**
 * The k best items for a user with core's `topKItems`, skipping the items the user rated in
 * training (when the artifact lists them) and the filter's `exclude` ids, over the filter's
 * `candidates` when given. An unknown user is ranked by item bias (core's `itemBiasQuery`) and
 * flagged `coldStart`, or answers 404 with `coldStart: 'error'`.
 */
export function recommendFor(
  model: RecommenderModel,
  user: string,
  k: number,
  filter: ItemFilter = {},
  coldStart: ColdStartMode = 'fallback',
): UserRecommendations {
  const u = model.users.indexOf(user);
  if (u === undefined && coldStart === 'error') throw unknownIdError('user', user, model.users.size);
  const resolved = resolveFilter(model, filter);
  const seenItems = model.seen !== undefined;
  if (u === undefined) {
    const items = rank(model, itemBiasQuery(model), k, resolved);
    return { items, excludedSeen: 0, seenItems, coldStart: true, fallback: 'item-bias', ...resolved.report };
  }
  const seen = model.seen ? seenBy(model.seen, u) : undefined;
  const items = rank(model, userQuery(model, u), k, resolved, seen);
  return { items, excludedSeen: seen?.length ?? 0, seenItems, coldStart: false, ...resolved.report };
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

/** A new user's rating of an item id. */
export interface RatingById {
  item: string;
  rating: number;
}

/** The result of {@link foldInRecommend}. */
export interface FoldInRecommendations extends FilterReport {
  items: RecommendedItem[];
  foldedIn: { ratings: number; unknownItems: string[]; l2: number };
}

/**
 * Recommendations for a user the model has never seen, from their ratings: maps the item ids to
 * indices (unknown ones are skipped and reported), solves the user's vector and bias against the
 * fixed item table with core's `foldInUser` (ridge `l2`), and ranks with `topKItems` without the rated items.
 * Throws a 400 `invalid_request` naming the first rating outside the model's rating scale, and a
 * 422 `no_known_items` when the model knows none of the rated items.
 */
export function foldInRecommend(
  model: RecommenderModel,
  ratings: readonly RatingById[],
  k: number,
  filter: ItemFilter = {},
  l2: number = DEFAULT_FOLD_IN_L2,
): FoldInRecommendations {
  const { min, max } = model.scale;
  ratings.forEach(({ rating }, j) => {
    if (!(Number.isFinite(rating) && rating >= min && rating <= max)) {
      throw new ApiError(
        400,
        'invalid_request',
        `body field "ratings[${j}].rating": ${rating} is outside the model's rating scale ${min} to ${max}`,
      );
    }
  });
  const known: FoldInRating[] = [];
  const unknownItems = new Set<string>();
  for (const { item, rating } of ratings) {
    const i = model.items.indexOf(item);
    if (i === undefined) unknownItems.add(item);
    else known.push({ item: i, rating });
  }
  if (known.length === 0) {
    const sample = [...unknownItems].slice(0, 3).map((id) => JSON.stringify(id));
    const more = unknownItems.size > 3 ? ` and ${unknownItems.size - 3} more` : '';
    const which =
      unknownItems.size === 1
        ? `the model does not know the rated item ${sample[0]}`
        : `the model knows none of the ${unknownItems.size} rated items (${sample.join(', ')}${more})`;
    throw new ApiError(
      422,
      'no_known_items',
      `${which}: fold-in needs at least one rating of an item the model was trained on (the model knows ${model.items.size} items)`,
    );
  }
  let query: UserQuery;
  try {
    query = foldInUser(model, known, { l2 });
  } catch (error) {
    // The input is checked above and l2 is bounded away from 0, so this should not happen; if it
    // does, it is still about these ratings and options, never a 500.
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError(400, 'invalid_request', `cannot fold in these ratings: ${reason}`);
  }
  const rated = new Set(known.map((r) => r.item));
  const resolved = resolveFilter(model, filter);
  for (const i of rated) resolved.exclude.add(i);
  const items = rank(model, query, k, resolved);
  return { items, foldedIn: { ratings: rated.size, unknownItems: [...unknownItems], l2 }, ...resolved.report };
}
