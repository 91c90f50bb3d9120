import type { IndexedRatings } from './evaluate.js';
import { objectiveOf, rankingHead, type RecommenderModel } from './recommender-model.js';
import { seenBy, sortedIncludes, type SeenItems } from './seen-items.js';
import { topKItems, userQuery } from './topk.js';

/**
 * Precision@K of one user's ranking (binary relevance): hits among the first `k` ranked items
 * divided by `k`, as in Microsoft Recommenders' `precision_at_k` (a list shorter than `k`
 * still divides by `k`).
 */
export function precisionAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  checkK(k);
  return hitsAtK(ranked, relevant, k) / k;
}

/** Recall@K of one user's ranking: hits among the first `k` ranked items divided by the number of relevant items. */
export function recallAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  checkK(k);
  if (relevant.size === 0) throw new Error('recall@k is undefined for a user with no relevant items');
  return hitsAtK(ranked, relevant, k) / relevant.size;
}

/**
 * NDCG@K of one user's ranking with binary relevance: DCG = Σ 1/log2(rank + 1) over the hits
 * among the first `k` (rank 1-based), divided by the ideal DCG of min(k, |relevant|) hits.
 */
export function ndcgAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  checkK(k);
  if (relevant.size === 0) throw new Error('ndcg@k is undefined for a user with no relevant items');
  const n = Math.min(k, ranked.length);
  let dcg = 0;
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r]!)) dcg += 1 / Math.log2(r + 2);
  let idcg = 0;
  const ideal = Math.min(k, relevant.size);
  for (let r = 0; r < ideal; r++) idcg += 1 / Math.log2(r + 2);
  return dcg / idcg;
}

/**
 * Average precision@K of one user's ranking, as Microsoft Recommenders' `map_at_k`: the sum of
 * precision at each hit's rank among the first `k`, divided by min(k, |relevant|).
 */
export function averagePrecisionAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  checkK(k);
  if (relevant.size === 0) throw new Error('average precision@k is undefined for a user with no relevant items');
  const n = Math.min(k, ranked.length);
  let hits = 0;
  let sum = 0;
  for (let r = 0; r < n; r++) {
    if (relevant.has(ranked[r]!)) sum += ++hits / (r + 1);
  }
  return sum / Math.min(k, relevant.size);
}

/** Hit rate@K of one user's ranking: 1 when any of the first `k` items is relevant, else 0. */
export function hitAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  checkK(k);
  return hitsAtK(ranked, relevant, k) > 0 ? 1 : 0;
}

/** Something that ranks item indices for a user index: a model, or a baseline. */
export interface Ranker {
  /** Number of user indices (0..users-1). */
  readonly users: number;
  /** Number of item indices (0..items-1): the catalogue ranked. */
  readonly items: number;
  /** Each user's training items, excluded from the ranking unless the caller passes other lists. */
  readonly seen?: SeenItems;
  /** The rating at which a held-out item counts as relevant unless the caller says otherwise ('any': all are). */
  readonly threshold?: number | 'any';
  /** The `k` best item indices for user `u`, best first, skipping the sorted indices in `excludeSorted`. */
  topK(u: number, k: number, excludeSorted?: Uint32Array): number[];
}

/** Options for {@link evaluateRanking}. */
export interface RankingOptions {
  /** Length of the ranked list. */
  k: number;
  /**
   * A held-out rating at or above this is relevant (default: the ranker's threshold); 'any'
   * makes every held-out item relevant, as for interaction data.
   */
  threshold?: number | 'any';
  /** Items to exclude per user (default: the ranker's seen lists; none if it has none). */
  seen?: SeenItems;
  /** Per-item training popularity, for the mean popularity percentile of what was recommended. */
  popularity?: Float32Array;
}

/** Top-K ranking quality averaged over the users who have relevant held-out items. */
export interface RankingAccuracy {
  /** Mean precision@K (NaN when no user has a relevant held-out item; likewise the other means). */
  precision: number;
  recall: number;
  ndcg: number;
  /** Mean average precision@K. */
  map: number;
  /** Share of users with at least one relevant item in their top K. */
  hitRate: number;
  /** Share of the catalogue that appears in at least one user's top K. */
  coverage: number;
  /**
   * Mean popularity percentile of the recommended items (100 = the most popular item, 0 = the
   * least; ties share their mean rank); NaN without `popularity`. A bestseller list scores near 100.
   */
  popularityPercentile: number;
  k: number;
  /** The relevance threshold used ('any': every held-out item is relevant). */
  threshold: number | 'any';
  /** Users ranked: those with at least one relevant held-out item. */
  users: number;
  /** Relevant held-out (user, item) pairs over those users. */
  relevant: number;
  /** Held-out rows skipped because the user or item is unknown (-1) or outside the ranker's range. */
  skipped: number;
}

/**
 * The model as a {@link Ranker}: ranks by the serving top-K of its ranking head (the interaction
 * head when it has one), with its seen lists; relevance defaults to the recommend threshold of a
 * rating model and to every held-out item for an interaction model.
 */
export function modelRanker(model: RecommenderModel): Ranker {
  const head = rankingHead(model);
  return {
    users: model.users.size,
    items: model.items.size,
    ...(model.seen ? { seen: model.seen } : {}),
    threshold: objectiveOf(model) === 'interaction' ? 'any' : model.recommendThreshold,
    topK: (u, k, excludeSorted) =>
      topKItems(head, userQuery(head, u), { k, ...(excludeSorted ? { excludeSorted } : {}) }).map((r) => r.index),
  };
}

/** Options for {@link orderRanker}. */
export interface OrderRankerOptions {
  users: number;
  items: number;
  seen?: SeenItems;
  threshold?: number | 'any';
}

/** A ranker that gives every user the same item order, minus their excluded items (baselines). */
export function orderRanker(order: Uint32Array, options: OrderRankerOptions): Ranker {
  return {
    users: options.users,
    items: options.items,
    ...(options.seen ? { seen: options.seen } : {}),
    ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
    topK(_u, k, excludeSorted) {
      const out: number[] = [];
      for (let j = 0; j < order.length && out.length < k; j++) {
        const i = order[j]!;
        if (excludeSorted && sortedIncludes(excludeSorted, i)) continue;
        out.push(i);
      }
      return out;
    },
  };
}

/**
 * Ranks the catalogue for every user with at least one relevant held-out item (rating ≥ the
 * threshold, or any held-out item with threshold 'any'), excluding that user's seen items, and
 * averages precision@K, recall@K, NDCG@K, MAP@K and hit rate@K over those users; also reports
 * catalogue coverage and the popularity percentile of what was recommended. Rows with an
 * unknown (-1) user or item are skipped.
 */
export function evaluateRanking(ranker: Ranker, heldOut: IndexedRatings, options: RankingOptions): RankingAccuracy {
  checkK(options.k);
  const threshold = options.threshold ?? ranker.threshold;
  if (threshold === undefined || (threshold !== 'any' && !Number.isFinite(threshold))) {
    throw new Error('evaluateRanking needs a finite relevance threshold or "any" (the ranker has none)');
  }
  const seen = options.seen ?? ranker.seen;
  if (seen && seen.offsets.length < ranker.users + 1) {
    throw new Error(`seen items cover ${seen.offsets.length - 1} users, the ranker has ${ranker.users}`);
  }
  const relevantBy = new Map<number, Set<number>>();
  let skipped = 0;
  const n = heldOut.ratings.length;
  for (let r = 0; r < n; r++) {
    const u = heldOut.users[r]!;
    const i = heldOut.items[r]!;
    if (u < 0 || i < 0 || u >= ranker.users || i >= ranker.items) {
      skipped++;
      continue;
    }
    if (threshold !== 'any' && !(heldOut.ratings[r]! >= threshold)) continue;
    let set = relevantBy.get(u);
    if (!set) {
      set = new Set();
      relevantBy.set(u, set);
    }
    set.add(i);
  }
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let map = 0;
  let hits = 0;
  let relevant = 0;
  const recommended = new Uint8Array(ranker.items);
  const percentile = options.popularity ? popularityPercentiles(options.popularity) : undefined;
  let percentileSum = 0;
  let listed = 0;
  const users = [...relevantBy.keys()].sort((a, b) => a - b);
  for (const u of users) {
    const set = relevantBy.get(u)!;
    const ranked = ranker.topK(u, options.k, seen ? seenBy(seen, u) : undefined);
    precision += precisionAtK(ranked, set, options.k);
    recall += recallAtK(ranked, set, options.k);
    ndcg += ndcgAtK(ranked, set, options.k);
    map += averagePrecisionAtK(ranked, set, options.k);
    hits += hitAtK(ranked, set, options.k);
    relevant += set.size;
    for (const i of ranked) {
      recommended[i] = 1;
      if (percentile) percentileSum += percentile[i]!;
    }
    listed += ranked.length;
  }
  const count = users.length;
  const mean = (sum: number) => (count > 0 ? sum / count : Number.NaN);
  let covered = 0;
  for (let i = 0; i < recommended.length; i++) covered += recommended[i]!;
  return {
    precision: mean(precision),
    recall: mean(recall),
    ndcg: mean(ndcg),
    map: mean(map),
    hitRate: mean(hits),
    coverage: count > 0 && ranker.items > 0 ? covered / ranker.items : Number.NaN,
    popularityPercentile: percentile && listed > 0 ? percentileSum / listed : Number.NaN,
    k: options.k,
    threshold,
    users: count,
    relevant,
    skipped,
  };
}

/**
 * Each item's popularity percentile in [0, 100]: 100 · (mean rank among equals) / (n − 1), ranks
 * from 0 for the least popular; every item gets 100 in a one-item catalogue.
 */
export function popularityPercentiles(popularity: Float32Array): Float64Array {
  const n = popularity.length;
  const out = new Float64Array(n);
  if (n === 1) out[0] = 100;
  if (n <= 1) return out;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => popularity[a]! - popularity[b]!);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && popularity[order[end]!] === popularity[order[start]!]) end++;
    const rank = (start + end - 1) / 2;
    for (let j = start; j < end; j++) out[order[j]!] = (100 * rank) / (n - 1);
    start = end;
  }
  return out;
}

function hitsAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  const n = Math.min(k, ranked.length);
  let hits = 0;
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r]!)) hits++;
  return hits;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
}
