/**
 * Where the edge ranks: the k best items for a user's queries, by the model's ranking head, in the
 * API's item shape, and the cold-start ranking for a user the model does not know.
 *
 * Which head ranks and what each item carries depends on the artifact:
 *
 *   model                                  ranks by          items
 *   rating model (every version-1 file)    the rating head   { item, rating, unclippedRating, raw }
 *   rating model with a ranking head       the ranking head  { item, score, rating, unclippedRating, raw }  (order=rating re-ranks)
 *   interaction model                      the model         { item, score, probability? }
 *
 * Cold start ranks by training popularity when the artifact stores it ({ item, popularity }, plus
 * the item-bias rating and raw output for rating models), else by item bias alone, as version 1 did.
 */
import {
  itemBiasQuery,
  mostPopular,
  objectiveOf,
  seenBy,
  topKItems,
  unscaleRating,
  userQuery,
  type MostPopularOptions,
  type RankedItem,
  type RecommenderModel,
  type TopKOptions,
  type UserQuery,
} from '@edgerec/core';
import { ApiError, unknownIdError } from './errors';
import { resolveFilter, type FilterReport, type ItemFilter, type ResolvedFilter } from './item-filter';
import type { ColdStartRanking } from './model-capabilities';
import { RERANK_POOL_FACTOR, RERANK_POOL_MIN } from './limits';
import type { RankOrder, RecommendedItem } from './schemas';

/** What the heads of a model know about one user. */
export interface UserQueries {
  /** The user against the head that ranks (`rankingHead(model)`); absent when that head cannot place them. */
  ranking?: UserQuery | undefined;
  /** The user against the rating head (rating models); absent for interaction models and `items` fold-ins. */
  rating?: UserQuery | undefined;
}

/** How to rank. */
export interface RankRequest {
  k: number;
  filter: ResolvedFilter;
  /** Item indices to skip as well, sorted ascending (a known user's training items). */
  excludeSorted?: Uint32Array | undefined;
  order: RankOrder;
  /** Names the order field in a 400: `query parameter "order"` or `body field "order"`. */
  orderField: string;
}

/** Ranked items, and the order they are in (reported for rating models with a ranking head). */
export interface Ranking {
  items: RecommendedItem[];
  order?: RankOrder;
}

/** How many of the ranking head's best items `order=rating` re-ranks by predicted rating. */
export function rerankPoolSize(k: number): number {
  return Math.max(RERANK_POOL_FACTOR * k, RERANK_POOL_MIN);
}

/**
 * The k best items for a user's queries (see the table at the top of this file). Throws a 400
 * when `order=rating` asks for ratings the model or the queries cannot give.
 */
export function rankItems(model: RecommenderModel, queries: UserQueries, request: RankRequest): Ranking {
  const options = topKOptions(request.k, request.filter, request.excludeSorted);
  const head = model.ranking;
  if (objectiveOf(model) === 'interaction') {
    if (request.order === 'rating')
      throw noRatings(request.orderField, 'this model ranks interactions and predicts no ratings');
    return { items: topKItems(model, required(queries.ranking), options).map((r) => scoredItem(model, r)) };
  }
  if (!head) return { items: topKItems(model, required(queries.rating), options).map((r) => ratedItem(model, r)) };
  if (!queries.ranking) {
    // Ratings folded into a model whose ranking head has no fold-in: only the rating head can rank them.
    return {
      items: topKItems(model, required(queries.rating), options).map((r) => ratedItem(model, r)),
      order: 'rating',
    };
  }
  if (!queries.rating) {
    if (request.order === 'rating')
      throw noRatings(request.orderField, 'an "items" fold-in gives no ratings to rank by');
    return { items: topKItems(head, queries.ranking, options).map((r) => scoredItem(head, r)), order: 'score' };
  }
  if (request.order === 'rating') {
    const pool = topKItems(head, queries.ranking, { ...options, k: rerankPoolSize(request.k) });
    const scores = new Map(pool.map((r) => [r.index, r]));
    const reranked = topKItems(model, queries.rating, { k: request.k, candidates: pool.map((r) => r.index) });
    return {
      items: reranked.map((r) => ({ ...scoredItem(head, scores.get(r.index)!), ...rating(model, r) })),
      order: 'rating',
    };
  }
  const top = topKItems(head, queries.ranking, options);
  const rated = rateItems(
    model,
    queries.rating,
    top.map((r) => r.index),
  );
  return { items: top.map((r) => ({ ...scoredItem(head, r), ...rating(model, rated.get(r.index)!) })), order: 'score' };
}

/**
 * The ranking for a user the model does not know: the most popular items (core's `mostPopular`)
 * when the artifact stores popularity, else item bias alone (core's `itemBiasQuery`). For a rating
 * model with a ranking head, `order=rating` re-ranks the most popular max(5k, 50) by the item-bias
 * rating.
 */
export function rankColdStart(model: RecommenderModel, request: RankRequest): Ranking & { fallback: ColdStartRanking } {
  const interaction = objectiveOf(model) === 'interaction';
  if (interaction && request.order === 'rating') {
    throw noRatings(request.orderField, 'this model ranks interactions and predicts no ratings');
  }
  const order = model.ranking ? { order: request.order } : {};
  const options = topKOptions(request.k, request.filter, undefined);
  if (!model.popularity) {
    // Item bias ranks a rating model by its item-bias rating, whatever the order asked for.
    const items = topKItems(model, itemBiasQuery(model), options).map((r) =>
      interaction ? scoredItem(model, r) : ratedItem(model, r),
    );
    return { items, fallback: 'item-bias', ...(model.ranking ? { order: 'rating' as const } : {}) };
  }
  const rerank = model.ranking !== undefined && request.order === 'rating';
  const popular = mostPopular(model, popularOptions(rerank ? rerankPoolSize(request.k) : request.k, request.filter));
  if (interaction) {
    return {
      items: popular.map(({ index, popularity }) => ({ item: model.items.ids[index]!, popularity })),
      fallback: 'popularity',
    };
  }
  const counts = new Map(popular.map((p) => [p.index, p.popularity]));
  const indices = popular.map((p) => p.index);
  const bias = itemBiasQuery(model);
  let ranked: RankedItem[];
  if (rerank) ranked = topKItems(model, bias, { k: request.k, candidates: indices });
  else {
    const rated = rateItems(model, bias, indices);
    ranked = indices.map((i) => rated.get(i)!);
  }
  const items = ranked.map((r) => ({
    item: model.items.ids[r.index]!,
    popularity: counts.get(r.index)!,
    ...rating(model, r),
  }));
  return { items, fallback: 'popularity', ...order };
}

/** What a user's recommendations report besides the user and k. */
export interface UserRecommendations extends FilterReport {
  items: RecommendedItem[];
  excludedSeen: number;
  seenItems: boolean;
  coldStart: boolean;
  fallback?: ColdStartRanking;
  order?: RankOrder;
}

/** What an unknown user gets: the cold-start ranking (`fallback`) or a 404 `unknown_user` (`error`). */
export type ColdStartMode = 'fallback' | 'error';

/** Options of {@link recommendFor}. */
export interface RecommendOptions {
  filter?: ItemFilter;
  coldStart?: ColdStartMode;
  order?: RankOrder;
  /** Rank only these item indices: ITEM_INDEX=vectorize's or =ivf's candidates (src/vectorize/recommend.ts). */
  pool?: ArrayLike<number> | undefined;
}

/**
 * The k best items for a user id, skipping the items the user interacted with in training (when
 * the artifact lists them) and the filter's `exclude` ids, over the filter's `candidates` when
 * given. An unknown user gets {@link rankColdStart}, flagged `coldStart`, or a 404 with
 * `coldStart: 'error'`.
 */
export function recommendFor(
  model: RecommenderModel,
  user: string,
  k: number,
  options: RecommendOptions = {},
): UserRecommendations {
  const u = model.users.indexOf(user);
  if (u === undefined && options.coldStart === 'error') throw unknownIdError('user', user, model.users.size);
  const filter = resolveFilter(model, options.filter ?? {});
  if (options.pool) filter.candidates = options.pool; // ITEM_INDEX=vectorize or ivf
  const request = {
    k,
    filter,
    order: options.order ?? 'score',
    orderField: 'query parameter "order"',
  } satisfies RankRequest;
  const seenItems = model.seen !== undefined;
  if (u === undefined) {
    const { items, fallback, order } = rankColdStart(model, request);
    return {
      items,
      excludedSeen: 0,
      seenItems,
      coldStart: true,
      fallback,
      ...(order ? { order } : {}),
      ...filter.report,
    };
  }
  const seen = model.seen ? seenBy(model.seen, u) : undefined;
  const { items, order } = rankItems(model, knownUserQueries(model, u), { ...request, excludeSorted: seen });
  return {
    items,
    excludedSeen: seen?.length ?? 0,
    seenItems,
    coldStart: false,
    ...(order ? { order } : {}),
    ...filter.report,
  };
}

/** A known user's queries: their trained vectors in the ranking head and in the rating head. */
export function knownUserQueries(model: RecommenderModel, u: number): UserQueries {
  const ranking = userQuery(model.ranking ?? model, u);
  if (objectiveOf(model) === 'interaction') return { ranking };
  return { ranking, rating: model.ranking ? userQuery(model, u) : ranking };
}

function topKOptions(k: number, filter: ResolvedFilter, excludeSorted: Uint32Array | undefined): TopKOptions {
  const options: TopKOptions = { k };
  if (excludeSorted && excludeSorted.length > 0) options.excludeSorted = excludeSorted;
  if (filter.exclude.size > 0) options.exclude = filter.exclude;
  if (filter.candidates) options.candidates = filter.candidates;
  return options;
}

function popularOptions(k: number, filter: ResolvedFilter): MostPopularOptions {
  const options: MostPopularOptions = { k };
  if (filter.exclude.size > 0) options.exclude = filter.exclude;
  if (filter.candidates) options.candidates = filter.candidates;
  return options;
}

/** The rating head's prediction for each of `indices` (core's topKItems over them as candidates). */
function rateItems(model: RecommenderModel, query: UserQuery, indices: readonly number[]): Map<number, RankedItem> {
  return new Map(topKItems(model, query, { k: indices.length, candidates: indices }).map((r) => [r.index, r]));
}

/** An item ranked by an interaction head: its score, and its probability for a sigmoid head. */
function scoredItem(head: RecommenderModel, r: RankedItem): RecommendedItem {
  const item = head.items.ids[r.index]!;
  return head.activation === 'sigmoid' ? { item, score: r.raw, probability: r.raw } : { item, score: r.raw };
}

/** An item ranked by a rating head: the version-1 shape. */
function ratedItem(model: RecommenderModel, r: RankedItem): RecommendedItem {
  return { item: model.items.ids[r.index]!, ...rating(model, r) };
}

/** A rating head's prediction: the clipped rating, the unclipped one (breaks ties at the scale's ends) and the raw output. */
function rating(model: RecommenderModel, r: RankedItem): { rating: number; unclippedRating: number; raw: number } {
  return { rating: r.rating, unclippedRating: unscaleRating(model.scale, r.raw), raw: r.raw };
}

function required(query: UserQuery | undefined): UserQuery {
  if (!query) throw new Error('edgerec: a ranking was asked for without the query it needs');
  return query;
}

function noRatings(field: string, why: string): ApiError {
  return new ApiError(400, 'invalid_request', `${field}: "rating" is not available here: ${why} (use "score")`);
}
