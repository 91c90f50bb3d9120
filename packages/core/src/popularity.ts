import { orderRanker, type Ranker } from './ranking.js';
import type { RecommenderModel } from './recommender-model.js';
import { sortedIncludes, type SeenItems } from './seen-items.js';

/** Per item, the number of distinct users with a (user, item) pair in the given rows. */
export function itemPopularity(items: number, seen: SeenItems): Float32Array {
  const counts = new Float32Array(items);
  for (let k = 0; k < seen.items.length; k++) counts[seen.items[k]!]!++;
  return counts;
}

/** Item indices by descending popularity; ties by lower index. */
export function popularityOrder(popularity: Float32Array): Uint32Array {
  return Uint32Array.from({ length: popularity.length }, (_, i) => i).sort(
    (a, b) => popularity[b]! - popularity[a]! || a - b,
  );
}

/** An item of a popularity ranking. */
export interface PopularItem {
  index: number;
  /** Training users who interacted with it. */
  popularity: number;
}

/** Options for {@link mostPopular}. */
export interface MostPopularOptions {
  k: number;
  /** Item indices to skip, sorted ascending. */
  excludeSorted?: Uint32Array;
  /** Further item indices to skip. */
  exclude?: ReadonlySet<number>;
  /** Rank only these item indices. */
  candidates?: ArrayLike<number>;
}

const orders = new WeakMap<Float32Array, Uint32Array>();

/**
 * The k most popular items of a model (its cold-start ranking), best first, skipping excluded
 * items; the order is computed once per model and cached.
 */
export function mostPopular(model: RecommenderModel, options: MostPopularOptions): PopularItem[] {
  const popularity = model.popularity;
  if (!popularity) throw new Error('the model stores no item popularity');
  const k = Math.max(0, Math.floor(options.k));
  const skip = (i: number) =>
    (options.exclude?.has(i) ?? false) ||
    (options.excludeSorted !== undefined && sortedIncludes(options.excludeSorted, i));
  const out: PopularItem[] = [];
  if (options.candidates) {
    const unique = [...new Set(Array.from(options.candidates))].filter((i) => !skip(i));
    unique.sort((a, b) => popularity[b]! - popularity[a]! || a - b);
    for (const index of unique.slice(0, k)) out.push({ index, popularity: popularity[index]! });
    return out;
  }
  let order = orders.get(popularity);
  if (!order) {
    order = popularityOrder(popularity);
    orders.set(popularity, order);
  }
  for (let j = 0; j < order.length && out.length < k; j++) {
    const index = order[j]!;
    if (!skip(index)) out.push({ index, popularity: popularity[index]! });
  }
  return out;
}

/** Options for {@link popularityRanker}. */
export interface PopularityRankerOptions {
  /** Number of user indices. */
  users: number;
  /** Each user's training items, excluded by default. */
  seen?: SeenItems;
  threshold?: number | 'any';
}

/** Ranks every user's items by training popularity (the "bestseller list" baseline). */
export function popularityRanker(popularity: Float32Array, options: PopularityRankerOptions): Ranker {
  return orderRanker(popularityOrder(popularity), { items: popularity.length, ...options });
}
