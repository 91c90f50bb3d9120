import type { IndexedRatings } from './evaluate.js';
import type { RecommenderModel } from './recommender-model.js';
import { seenBy, type SeenItems } from './seen-items.js';
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

/** Something that ranks item indices for a user index: a model, or a baseline. */
export interface Ranker {
  /** Number of user indices (0..users-1). */
  readonly users: number;
  /** Number of item indices (0..items-1): the catalogue ranked. */
  readonly items: number;
  /** Each user's training items, excluded from the ranking unless the caller passes other lists. */
  readonly seen?: SeenItems;
  /** The rating at which a held-out item counts as relevant unless the caller says otherwise. */
  readonly threshold?: number;
  /** The `k` best item indices for user `u`, best first, skipping the sorted indices in `excludeSorted`. */
  topK(u: number, k: number, excludeSorted?: Uint32Array): number[];
}

/** Options for {@link evaluateRanking}. */
export interface RankingOptions {
  /** Length of the ranked list. */
  k: number;
  /** A held-out rating at or above this is relevant (default: the ranker's threshold). */
  threshold?: number;
  /** Items to exclude per user (default: the ranker's seen lists; none if it has none). */
  seen?: SeenItems;
}

/** Top-K ranking quality averaged over the users who have relevant held-out items. */
export interface RankingAccuracy {
  /** Mean precision@K (NaN when no user has a relevant held-out item; likewise recall and ndcg). */
  precision: number;
  recall: number;
  ndcg: number;
  k: number;
  threshold: number;
  /** Users ranked: those with at least one relevant held-out item. */
  users: number;
  /** Relevant held-out (user, item) pairs over those users. */
  relevant: number;
  /** Held-out rows skipped because the user or item is unknown (-1) or outside the ranker's range. */
  skipped: number;
}

/** The model as a {@link Ranker}: ranks by the serving top-K, with its seen lists and recommend threshold. */
export function modelRanker(model: RecommenderModel): Ranker {
  return {
    users: model.users.size,
    items: model.items.size,
    ...(model.seen ? { seen: model.seen } : {}),
    threshold: model.recommendThreshold,
    topK: (u, k, excludeSorted) =>
      topKItems(model, userQuery(model, u), { k, ...(excludeSorted ? { excludeSorted } : {}) }).map((r) => r.index),
  };
}

/**
 * Ranks the catalogue for every user with at least one relevant held-out item (rating ≥ the
 * threshold), excluding that user's seen items, and averages precision@K, recall@K and NDCG@K
 * over those users. Rows with an unknown (-1) user or item are skipped.
 */
export function evaluateRanking(ranker: Ranker, heldOut: IndexedRatings, options: RankingOptions): RankingAccuracy {
  checkK(options.k);
  const threshold = options.threshold ?? ranker.threshold;
  if (threshold === undefined || !Number.isFinite(threshold)) {
    throw new Error('evaluateRanking needs a finite relevance threshold (the ranker has none)');
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
    if (!(heldOut.ratings[r]! >= threshold)) continue;
    let set = relevantBy.get(u);
    if (!set) relevantBy.set(u, (set = new Set()));
    set.add(i);
  }
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let relevant = 0;
  const users = [...relevantBy.keys()].sort((a, b) => a - b);
  for (const u of users) {
    const set = relevantBy.get(u)!;
    const ranked = ranker.topK(u, options.k, seen ? seenBy(seen, u) : undefined);
    precision += precisionAtK(ranked, set, options.k);
    recall += recallAtK(ranked, set, options.k);
    ndcg += ndcgAtK(ranked, set, options.k);
    relevant += set.size;
  }
  const count = users.length;
  return {
    precision: count > 0 ? precision / count : Number.NaN,
    recall: count > 0 ? recall / count : Number.NaN,
    ndcg: count > 0 ? ndcg / count : Number.NaN,
    k: options.k,
    threshold,
    users: count,
    relevant,
    skipped,
  };
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
