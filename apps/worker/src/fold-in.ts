/**
 * A user the model has never seen, folded in from a request body, then ranked like a known user:
 *
 *   body       model                                   fold-in (core)                            ranks by
 *   ratings    rating model                            foldInUser on the rating head             the rating head
 *   ratings    rating model with an iALS ranking head  foldInUser + foldInInteractions(weight 1)  the ranking head (ratings from the rating head)
 *   items      interaction model with iALS fold-in     foldInInteractions                        the model
 *   items      rating model with an iALS ranking head  foldInInteractions on the head            the ranking head (no ratings)
 *
 * Anything else is a 422 `fold_in_unsupported`. Unknown item ids are skipped and reported; the
 * known items are never returned.
 */
import {
  DEFAULT_FOLD_IN_L2,
  foldInInteractions,
  foldInUser,
  objectiveOf,
  rankingHead,
  type FoldInInteraction,
  type FoldInRating,
  type RecommenderModel,
  type UserQuery,
} from '@edgerec/core';
import { ApiError } from './errors';
import { resolveFilter, type FilterReport, type ItemFilter } from './item-filter';
import { rankItems, type UserQueries } from './ranking';
import type { RankOrder, RecommendedItem } from './schemas';

/** A new user's rating of an item id. */
export interface RatingById {
  item: string;
  rating: number;
}

/** A new user's interaction with an item id: the id alone (weight 1) or with a weight. */
export type InteractionById = string | { item: string; weight?: number | undefined };

/** A fold-in request (`POST /v1/recommendations`): `ratings` or `items`, as the schema checked. */
export interface FoldInRequest extends ItemFilter {
  ratings?: readonly RatingById[] | undefined;
  items?: readonly InteractionById[] | undefined;
  k: number;
  /** Ridge of the fold-in the body asks for (default: DEFAULT_FOLD_IN_L2 for ratings, the head's trained λ for items). */
  l2?: number | undefined;
  order?: RankOrder | undefined;
}

/** How the new user was folded in, as the response reports it. */
export interface FoldedIn {
  /** Distinct known rated items (a `ratings` body). */
  ratings?: number;
  /** Distinct known interacted items (an `items` body). */
  items?: number;
  unknownItems: string[];
  /** The ridge of the fold-in the body's `l2` sets. */
  l2: number;
  /** With `ratings` on a model with an iALS ranking head: the head's ridge, used to fold the rated items into it. */
  interactionL2?: number;
}

/** The result of {@link foldInRecommend}. */
export interface FoldInRecommendations extends FilterReport {
  items: RecommendedItem[];
  order?: RankOrder;
  foldedIn: FoldedIn;
}

/** A folded-in user: their queries, the item indices they gave, and the report. */
export interface FoldedUser {
  queries: UserQueries;
  known: Set<number>;
  foldedIn: FoldedIn;
}

/**
 * Recommendations for a user the model has never seen (see the table at the top of this file).
 * Throws 400 `invalid_request` for a rating outside the scale, 422 `fold_in_unsupported` when the
 * model cannot fold in this kind of body, and 422 `no_known_items` when it knows none of the items.
 */
export function foldInRecommend(
  model: RecommenderModel,
  request: FoldInRequest,
  prepared: FoldInPrepared = {},
): FoldInRecommendations {
  const user = prepared.user ?? foldInQueries(model, request);
  const filter = resolveFilter(model, request);
  if (prepared.pool) filter.candidates = prepared.pool; // ITEM_INDEX=vectorize or ivf: src/vectorize/recommend.ts
  for (const i of user.known) filter.exclude.add(i);
  const { items, order } = rankItems(model, user.queries, {
    k: request.k,
    filter,
    order: request.order ?? 'score',
    orderField: 'body field "order"',
  });
  return { items, ...(order ? { order } : {}), foldedIn: user.foldedIn, ...filter.report };
}

/** What {@link foldInRecommend} may be given ready (ITEM_INDEX=vectorize folds in first, then asks the index). */
export interface FoldInPrepared {
  /** The user {@link foldInQueries} folded in from this request. */
  user?: FoldedUser;
  /** Rank only these item indices (the item index's candidates). */
  pool?: ArrayLike<number>;
}

/** Folds in the request's user (see the table at the top of this file); throws like {@link foldInRecommend}. */
export function foldInQueries(model: RecommenderModel, request: FoldInRequest): FoldedUser {
  return request.items
    ? foldInItems(model, request.items, request.l2)
    : foldInRatings(model, request.ratings ?? [], request.l2);
}

function foldInRatings(model: RecommenderModel, ratings: readonly RatingById[], l2 = DEFAULT_FOLD_IN_L2): FoldedUser {
  if (objectiveOf(model) === 'interaction') {
    throw unsupported(
      model.foldIn
        ? 'this model ranks interactions and predicts no ratings: send "items" (the items the user interacted with, each an id or { "item", "weight" }) instead of "ratings"'
        : 'this model ranks interactions and predicts no ratings, and its head was not trained with iALS, so it cannot fold in a new user at all',
    );
  }
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
  if (known.length === 0) throw noKnownItems(model, unknownItems, 'rated item', 'one rating of an item');
  const rated = new Set(known.map((r) => r.item));
  const rating = solve('ratings', () => foldInUser(model, known, { l2 }));
  const foldedIn: FoldedIn = { ratings: rated.size, unknownItems: [...unknownItems], l2 };
  const head = model.ranking;
  if (!head) return { queries: { rating, ranking: rating }, known: rated, foldedIn };
  if (!head.foldIn) return { queries: { rating }, known: rated, foldedIn }; // only the rating head can place this user
  // An iALS ranking head: the rated items are interactions of weight 1, at the head's trained λ.
  const ranking = solve('ratings', () =>
    foldInInteractions(
      head,
      [...rated].map((item) => ({ item })),
    ),
  );
  foldedIn.interactionL2 = head.foldIn.l2;
  return { queries: { rating, ranking }, known: rated, foldedIn };
}

function foldInItems(model: RecommenderModel, entries: readonly InteractionById[], l2: number | undefined): FoldedUser {
  const head = rankingHead(model);
  const params = head.foldIn;
  if (!params) {
    throw unsupported(
      objectiveOf(model) === 'rating'
        ? model.ranking
          ? 'this model\'s ranking head was not trained with iALS, so it cannot fold in interactions: send "ratings" instead of "items"'
          : 'this rating model has no interaction head to fold "items" into: send "ratings" (each { "item", "rating" }) instead'
        : "this model was not trained with iALS, so it cannot fold in a new user's items",
    );
  }
  const known: FoldInInteraction[] = [];
  const unknownItems = new Set<string>();
  for (const entry of entries) {
    const { item, weight } = typeof entry === 'string' ? { item: entry, weight: undefined } : entry;
    const i = model.items.indexOf(item);
    if (i === undefined) unknownItems.add(item);
    else known.push(weight === undefined ? { item: i } : { item: i, weight });
  }
  if (known.length === 0) throw noKnownItems(model, unknownItems, 'interacted item', 'one item');
  const ranking = solve('items', () => foldInInteractions(head, known, l2 === undefined ? {} : { l2 }));
  const used = new Set(known.map((x) => x.item));
  return {
    queries: { ranking },
    known: used,
    foldedIn: { items: used.size, unknownItems: [...unknownItems], l2: l2 ?? params.l2 },
  };
}

/**
 * Runs a core fold-in. The input is checked before and l2 is bounded away from 0, so a failure
 * should not happen; if it does, it is still about this body, never a 500.
 */
function solve(what: 'ratings' | 'items', foldIn: () => UserQuery): UserQuery {
  try {
    return foldIn();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError(400, 'invalid_request', `cannot fold in these ${what}: ${reason}`);
  }
}

function unsupported(message: string): ApiError {
  return new ApiError(422, 'fold_in_unsupported', message);
}

function noKnownItems(
  model: RecommenderModel,
  unknownItems: ReadonlySet<string>,
  what: string,
  needs: string,
): ApiError {
  const sample = [...unknownItems].slice(0, 3).map((id) => JSON.stringify(id));
  const more = unknownItems.size > 3 ? ` and ${unknownItems.size - 3} more` : '';
  const which =
    unknownItems.size === 1
      ? `the model does not know the ${what} ${sample[0]}`
      : `the model knows none of the ${unknownItems.size} ${what}s (${sample.join(', ')}${more})`;
  return new ApiError(
    422,
    'no_known_items',
    `${which}: fold-in needs at least ${needs} the model was trained on (the model knows ${model.items.size} items)`,
  );
}
