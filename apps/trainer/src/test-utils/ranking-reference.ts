// Brute-force references for ranking tests: every score from the tables in float64, full sorts,
// and the metric definitions written out again, sharing no code with @edgerec/core's evaluation.
import { activate, type RecommenderModel } from '@edgerec/core';

/** What scoring reads of a model (a head's tables need no ids). */
export type ScoringTables = Pick<
  RecommenderModel,
  'dim' | 'activation' | 'globalBias' | 'userFactors' | 'itemFactors' | 'userBias' | 'itemBias'
>;

/** Every item's activated score for user `u`, from float32 tables. */
export function bruteScores(model: ScoringTables, u: number): number[] {
  const { dim } = model;
  const users = model.userFactors as Float32Array;
  const items = model.itemFactors as Float32Array;
  return Array.from({ length: model.itemBias.length }, (_, i) => {
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += users[u * dim + d]! * items[i * dim + d]!;
    return activate(model.activation, model.globalBias + model.userBias[u]! + model.itemBias[i]! + dot);
  });
}

/** The `k` best items by score, skipping `exclude`; ties by lower index. */
export function bruteTopK(scores: ArrayLike<number>, exclude: ReadonlySet<number>, k: number): number[] {
  return Array.from({ length: scores.length }, (_, i) => i)
    .filter((i) => !exclude.has(i))
    .sort((a, b) => scores[b]! - scores[a]! || a - b)
    .slice(0, k);
}

/** Item indices by descending count; ties by lower index (a bestseller list). */
export function bruteOrder(counts: ArrayLike<number>): number[] {
  return Array.from({ length: counts.length }, (_, i) => i).sort((a, b) => counts[b]! - counts[a]! || a - b);
}

/** Per item, the number of distinct users who have it among `pairs`. */
export function bruteDistinctUsers(items: number, pairs: Iterable<readonly [number, number]>): number[] {
  const byItem = Array.from({ length: items }, () => new Set<number>());
  for (const [u, i] of pairs) byItem[i]!.add(u);
  return byItem.map((set) => set.size);
}

/** Mean top-K figures over the users in `relevant` (binary relevance). */
export interface BruteRanking {
  precision: number;
  recall: number;
  ndcg: number;
  map: number;
  hitRate: number;
  coverage: number;
  users: number;
  relevant: number;
}

/**
 * Precision, recall, NDCG, MAP and hit rate at `k`, averaged over the users of `relevant`, from
 * each user's ranked list (`rank(u)`); coverage is the share of `catalogue` items listed for anyone.
 */
export function bruteRanking(
  relevant: ReadonlyMap<number, ReadonlySet<number>>,
  rank: (u: number) => number[],
  k: number,
  catalogue: number,
): BruteRanking {
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let map = 0;
  let hits = 0;
  let pairs = 0;
  const listed = new Set<number>();
  for (const [u, set] of relevant) {
    const list = rank(u).slice(0, k);
    list.forEach((i) => listed.add(i));
    const hitRanks = list.flatMap((i, r) => (set.has(i) ? [r + 1] : []));
    precision += hitRanks.length / k;
    recall += hitRanks.length / set.size;
    const ideal = Math.min(k, set.size);
    let idcg = 0;
    for (let r = 1; r <= ideal; r++) idcg += 1 / Math.log2(r + 1);
    ndcg += hitRanks.reduce((sum, r) => sum + 1 / Math.log2(r + 1), 0) / idcg;
    map += hitRanks.reduce((sum, r, h) => sum + (h + 1) / r, 0) / ideal;
    hits += hitRanks.length > 0 ? 1 : 0;
    pairs += set.size;
  }
  const n = relevant.size;
  return {
    precision: precision / n,
    recall: recall / n,
    ndcg: ndcg / n,
    map: map / n,
    hitRate: hits / n,
    coverage: listed.size / catalogue,
    users: n,
    relevant: pairs,
  };
}

/** QᵀQ of a row-major table (rows × dim), in float64. */
export function bruteGramian(table: ArrayLike<number>, rows: number, dim: number): Float64Array {
  const g = new Float64Array(dim * dim);
  for (let r = 0; r < rows; r++) {
    for (let a = 0; a < dim; a++)
      for (let b = 0; b < dim; b++) g[a * dim + b]! += table[r * dim + a]! * table[r * dim + b]!;
  }
  return g;
}

/** The largest |a − b| over two equally long arrays. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let k = 0; k < a.length; k++) max = Math.max(max, Math.abs(a[k]! - b[k]!));
  return max;
}
