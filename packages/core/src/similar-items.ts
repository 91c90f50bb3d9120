import { dotF32, dotI8 } from './dot-kernels.js';
import { isInt8Rows } from './factor-table.js';
import type { RecommenderModel } from './recommender-model.js';
import { rowNorms } from './row-norms.js';
import { mergeExclusions } from './simd/exclusions.js';
import { wasmScoring } from './simd/install.js';
import { TopKHeap } from './top-k-heap.js';

/** Options for {@link similarItems}. */
export interface SimilarItemsOptions {
  /** How many items to return (at most the number of eligible items). */
  k: number;
  /** Item indices to skip, sorted ascending. */
  excludeSorted?: Uint32Array;
  /** Further item indices to skip, in any order. */
  exclude?: ReadonlySet<number>;
}

/** An item and its cosine similarity to the query item. */
export interface SimilarItem {
  index: number;
  similarity: number;
}

/**
 * The k items whose factor vectors have the highest cosine similarity to item `itemIndex`'s,
 * best first (ties: lower index first), never the item itself. Works on float32 and int8
 * item tables (int8 rows compared with exact integer dot products; their scales cancel).
 * Row norms are computed once per table and cached; a zero vector has similarity 0 to
 * everything. Ranks through the installed wasm scorer when there is one (same result). Allocates nothing proportional to the catalogue after the first call.
 */
export function similarItems(model: RecommenderModel, itemIndex: number, options: SimilarItemsOptions): SimilarItem[] {
  const n = model.items.size;
  if (!Number.isInteger(itemIndex) || itemIndex < 0 || itemIndex >= n) {
    throw new RangeError(`item index ${itemIndex} is out of range (the model has ${n} items)`);
  }
  const k = Math.max(0, Math.floor(options.k));
  if (k === 0) return [];
  const { dim, itemFactors: table } = model;
  const norms = rowNorms(table, dim);
  const heap = new TopKHeap(k);
  const self = itemIndex * dim;
  const selfNorm = norms[itemIndex]!;

  let dot: (i: number) => number;
  if (isInt8Rows(table)) {
    const { values, scales } = table;
    const selfScale = scales[itemIndex]!;
    dot = (i) => dotI8(values, self, values, i * dim, dim) * (selfScale * scales[i]!);
  } else {
    dot = (i) => dotF32(table, self, table, i * dim, dim);
  }

  const similarity = (i: number) => {
    const denominator = selfNorm * norms[i]!;
    const s = denominator > 0 ? dot(i) / denominator : 0;
    return s > 1 ? 1 : Math.max(s, -1);
  };
  const push = (i: number) => heap.push(similarity(i), i);
  const { excludeSorted, exclude } = options;
  const wasm = wasmScoring();
  const viaWasm =
    wasm !== undefined &&
    n >= wasm.minItems &&
    wasm.rankSimilar(table, n, dim, itemIndex, norms, k, mergeExclusions(n, excludeSorted, exclude, itemIndex), push);
  if (!viaWasm) {
    let skipPos = 0;
    for (let i = 0; i < n; i++) {
      if (i === itemIndex) continue;
      if (excludeSorted) {
        while (skipPos < excludeSorted.length && excludeSorted[skipPos]! < i) skipPos++;
        if (excludeSorted[skipPos] === i) continue;
      }
      if (exclude?.has(i)) continue;
      push(i);
    }
  }
  return heap.sorted().map(({ score, index }) => ({ index, similarity: score }));
}
