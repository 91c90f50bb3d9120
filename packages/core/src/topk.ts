import { activate } from './activation.js';
import { dotF32, dotF32I8 } from './dot-kernels.js';
import { isInt8Rows, readRow } from './factor-table.js';
import { itemScorer } from './item-score.js';
import { sortedIncludes } from './seen-items.js';
import type { RecommenderModel } from './recommender-model.js';
import { ratingFromRaw } from './score.js';
import { mergeExclusions } from './simd/exclusions.js';
import { wasmScoring } from './simd/install.js';
import { TopKHeap } from './top-k-heap.js';

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

/**
 * The factor vector and bias of a known user index: a view into a float32 table, or for int8
 * user rows a new dequantized float32 vector (dim values).
 */
export function userQuery(model: RecommenderModel, u: number): UserQuery {
  const { dim, userFactors } = model;
  const factors = isInt8Rows(userFactors)
    ? readRow(userFactors, u, dim, new Float32Array(dim))
    : userFactors.subarray(u * dim, (u + 1) * dim);
  return { factors, bias: model.userBias[u]! };
}

/**
 * The k best items for a user, best first (ties: lower index first). Ranks by the logit,
 * which orders items like the score because every activation is monotonic, keeps a bounded
 * min-heap of size k, and allocates nothing proportional to the catalogue. Int8 item rows are
 * scored directly: itemBias[i] + dot(query, q_i) · scale_i. With a wasm scorer installed
 * (installWasmScoring) and at least its minItems to rank, an int8 SIMD scan prunes the items that
 * cannot make the top k and only the rest are scored here: the same result, ties included.
 */
export function topKItems(model: RecommenderModel, query: UserQuery, options: TopKOptions): RankedItem[] {
  const k = Math.max(0, Math.floor(options.k));
  if (k === 0) return [];
  const { dim, itemFactors, itemBias } = model;
  const q = query.factors;
  const heap = new TopKHeap(k);
  const excludeSorted = options.excludeSorted;
  const exclude = options.exclude;

  const n = model.items.size;
  const score = itemScorer(itemFactors, itemBias, q, dim);
  const wasm = wasmScoring();
  const push = (i: number) => heap.push(score(i), i);

  if (options.candidates) {
    const eligible = eligibleCandidates(options.candidates, excludeSorted, exclude);
    const none = new Uint32Array(0);
    const viaWasm =
      wasm !== undefined &&
      eligible.length >= wasm.minItems &&
      eligible.every((i) => Number.isInteger(i) && i >= 0 && i < n) &&
      wasm.rankItems(itemFactors, itemBias, n, dim, q, k, none, Uint32Array.from(eligible), push);
    if (!viaWasm) for (const i of eligible) push(i);
  } else if (
    wasm !== undefined &&
    n >= wasm.minItems &&
    wasm.rankItems(itemFactors, itemBias, n, dim, q, k, mergeExclusions(n, excludeSorted, exclude), undefined, push)
  ) {
    // Ranked through wasm: its survivors were scored and pushed by `push`.
  } else if (isInt8Rows(itemFactors)) {
    scanInt8(heap, n, q, itemBias, itemFactors.values, itemFactors.scales, dim, excludeSorted, exclude);
  } else {
    scanFloat32(heap, n, q, itemBias, itemFactors, dim, excludeSorted, exclude);
  }

  const base = model.globalBias + query.bias;
  return heap.sorted().map(({ score: s, index }) => {
    const raw = activate(model.activation, base + s);
    return { index, raw, rating: ratingFromRaw(model, raw) };
  });
}

/** The distinct candidates that are not excluded, in the order given. */
function eligibleCandidates(
  candidates: ArrayLike<number>,
  excludeSorted: Uint32Array | undefined,
  exclude: ReadonlySet<number> | undefined,
): number[] {
  // Strictly ascending candidates (an IVF probe's, a sorted list) cannot repeat: no dedupe set.
  const seen = strictlyAscending(candidates) ? undefined : new Set<number>();
  const eligible: number[] = [];
  for (let c = 0; c < candidates.length; c++) {
    const i = candidates[c]!;
    if (seen) {
      if (seen.has(i)) continue;
      seen.add(i);
    }
    if (exclude?.has(i) || (excludeSorted && sortedIncludes(excludeSorted, i))) continue;
    eligible.push(i);
  }
  return eligible;
}

/** Whether every value is greater than the one before it. */
function strictlyAscending(values: ArrayLike<number>): boolean {
  for (let c = 1; c < values.length; c++) if (!(values[c]! > values[c - 1]!)) return false;
  return true;
}

// The whole-catalogue scans, one per table type so each loop stays monomorphic and inlines its kernel.

function scanFloat32(
  heap: TopKHeap,
  n: number,
  q: Float32Array,
  itemBias: Float32Array,
  table: Float32Array,
  dim: number,
  excludeSorted: Uint32Array | undefined,
  exclude: ReadonlySet<number> | undefined,
): void {
  let skipPos = 0;
  for (let i = 0; i < n; i++) {
    if (excludeSorted) {
      while (skipPos < excludeSorted.length && excludeSorted[skipPos]! < i) skipPos++;
      if (excludeSorted[skipPos] === i) continue;
    }
    if (exclude?.has(i)) continue;
    heap.push(itemBias[i]! + dotF32(q, 0, table, i * dim, dim), i);
  }
}

function scanInt8(
  heap: TopKHeap,
  n: number,
  q: Float32Array,
  itemBias: Float32Array,
  values: Int8Array,
  scales: Float32Array,
  dim: number,
  excludeSorted: Uint32Array | undefined,
  exclude: ReadonlySet<number> | undefined,
): void {
  let skipPos = 0;
  for (let i = 0; i < n; i++) {
    if (excludeSorted) {
      while (skipPos < excludeSorted.length && excludeSorted[skipPos]! < i) skipPos++;
      if (excludeSorted[skipPos] === i) continue;
    }
    if (exclude?.has(i)) continue;
    heap.push(itemBias[i]! + dotF32I8(q, 0, values, i * dim, dim) * scales[i]!, i);
  }
}
