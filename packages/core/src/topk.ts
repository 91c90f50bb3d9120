import { activate } from './activation.js';
import type { RecommenderModel } from './recommender-model.js';
import { dotRows, ratingFromRaw } from './score.js';

/** A user's side of the score: a factor vector (length dim) and a bias. */
export interface UserQuery {
  readonly factors: Float32Array;
  readonly bias: number;
}

/** Options for {@link topKItems}. */
export interface TopKOptions {
  /** How many items to return (at most the number of eligible items). */
  k: number;
  /** Item indices to skip, sorted ascending (for example the user's seen items). */
  excludeSorted?: Uint32Array;
  /** Further item indices to skip, in any order. */
  exclude?: ReadonlySet<number>;
  /** Rank only these item indices instead of the whole catalogue. */
  candidates?: ArrayLike<number>;
}

/** An item in a ranking, with its predicted rating and raw model output. */
export interface RankedItem {
  index: number;
  rating: number;
  raw: number;
}

/** The factor vector and bias of a known user index. */
export function userQuery(model: RecommenderModel, u: number): UserQuery {
  const { dim } = model;
  return { factors: model.userFactors.subarray(u * dim, (u + 1) * dim), bias: model.userBias[u]! };
}

/**
 * The k best items for a user, best first (ties: lower index first). Ranks by the logit,
 * which orders items like the score because every activation is monotonic, keeps a bounded
 * min-heap of size k, and allocates nothing proportional to the catalogue.
 */
export function topKItems(model: RecommenderModel, query: UserQuery, options: TopKOptions): RankedItem[] {
  const k = Math.max(0, Math.floor(options.k));
  if (k === 0) return [];
  const { dim, itemFactors, itemBias } = model;
  const q = query.factors;
  const heapScore = new Float64Array(k);
  const heapIndex = new Int32Array(k);
  let size = 0;
  const excludeSorted = options.excludeSorted;
  const exclude = options.exclude;
  let skipPos = 0;

  const consider = (i: number) => {
    const s = itemBias[i]! + dotRows(q, 0, itemFactors, i, dim);
    if (size < k) {
      // Sift up.
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(s, i, heapScore[p]!, heapIndex[p]!)) break;
        heapScore[c] = heapScore[p]!;
        heapIndex[c] = heapIndex[p]!;
        c = p;
      }
      heapScore[c] = s;
      heapIndex[c] = i;
    } else if (worse(heapScore[0]!, heapIndex[0]!, s, i)) {
      // Replace the root and sift down.
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= k) break;
        const r = l + 1;
        const m = r < k && worse(heapScore[r]!, heapIndex[r]!, heapScore[l]!, heapIndex[l]!) ? r : l;
        if (!worse(heapScore[m]!, heapIndex[m]!, s, i)) break;
        heapScore[c] = heapScore[m]!;
        heapIndex[c] = heapIndex[m]!;
        c = m;
      }
      heapScore[c] = s;
      heapIndex[c] = i;
    }
  };

  if (options.candidates) {
    const seenCandidates = new Set<number>();
    for (let c = 0; c < options.candidates.length; c++) {
      const i = options.candidates[c]!;
      if (seenCandidates.has(i)) continue;
      seenCandidates.add(i);
      if (exclude?.has(i) || (excludeSorted && binarySearch(excludeSorted, i))) continue;
      consider(i);
    }
  } else {
    const n = model.items.size;
    for (let i = 0; i < n; i++) {
      if (excludeSorted) {
        while (skipPos < excludeSorted.length && excludeSorted[skipPos]! < i) skipPos++;
        if (excludeSorted[skipPos] === i) continue;
      }
      if (exclude?.has(i)) continue;
      consider(i);
    }
  }

  const order = Array.from({ length: size }, (_, j) => j).sort((a, b) =>
    worse(heapScore[a]!, heapIndex[a]!, heapScore[b]!, heapIndex[b]!) ? 1 : -1,
  );
  const base = model.globalBias + query.bias;
  return order.map((j) => {
    const raw = activate(model.activation, base + heapScore[j]!);
    return { index: heapIndex[j]!, raw, rating: ratingFromRaw(model, raw) };
  });
}

/** Whether (score a, index ia) ranks below (score b, index ib). */
function worse(a: number, ia: number, b: number, ib: number): boolean {
  return a < b || (a === b && ia > ib);
}

function binarySearch(sorted: Uint32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
