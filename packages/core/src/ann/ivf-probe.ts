/**
 * Searches an IVF index (ann/ivf-index.ts) at the edge: ranks the lists by the inner product of
 * their centroid with the query [u..., 1], takes the items of the best `nprobe` lists as
 * candidates, and re-scores them exactly with topKItems, so exclusions, seen items and a caller's
 * own candidates (intersected) apply as in an exact ranking. Pure; runs in workerd.
 */
import { dotF32 } from '../dot-kernels.js';
import type { RecommenderModel } from '../recommender-model.js';
import { TopKHeap } from '../top-k-heap.js';
import { topKItems, type RankedItem, type TopKOptions, type UserQuery } from '../topk.js';
import type { IvfIndex } from './ivf-index.js';

/** Options of {@link ivfTopKItems}: topKItems' options and how many lists to probe. */
export interface IvfTopKOptions extends TopKOptions {
  /** Lists to probe (clamped to 1 .. the index's lists). */
  nprobe: number;
}

/** An IVF ranking and what it cost. */
export interface IvfRanking {
  items: RankedItem[];
  /** Lists probed (nprobe after clamping). */
  nprobe: number;
  /** Lists in the index. */
  lists: number;
  /** Items re-scored exactly: those of the probed lists (intersected with the caller's candidates). */
  scored: number;
}

/** The `nprobe` lists whose centroids have the largest inner product with [u..., 1], best first (ties: lower list). */
export function probeLists(index: IvfIndex, query: UserQuery, nprobe: number): number[] {
  const { lists, width, centroids } = index;
  const dim = width - 1;
  const q = query.factors;
  if (q.length !== dim) throw new Error(`the query has ${q.length} factors, the IVF index ${dim}`);
  const heap = new TopKHeap(clampProbe(nprobe, lists));
  for (let l = 0; l < lists; l++) heap.push(dotF32(q, 0, centroids, l * width, dim) + centroids[l * width + dim]!, l);
  return heap.sorted().map((entry) => entry.index);
}

/** The items of the given lists, list after list. */
export function listItems(index: IvfIndex, probed: readonly number[]): Uint32Array {
  let total = 0;
  for (const l of probed) total += index.offsets[l + 1]! - index.offsets[l]!;
  const out = new Uint32Array(total);
  let at = 0;
  for (const l of probed) {
    const list = index.items.subarray(index.offsets[l]!, index.offsets[l + 1]!);
    out.set(list, at);
    at += list.length;
  }
  return out;
}

/**
 * The items of the `nprobe` lists that score best for the query: the candidates to re-score
 * exactly. The lists are taken in index order, so for a catalogue laid out list by list
 * (orderByLists) the candidates are strictly ascending, which topKItems scores without a dedupe set.
 */
export function ivfCandidates(index: IvfIndex, query: UserQuery, nprobe: number): Uint32Array {
  return listItems(
    index,
    probeLists(index, query, nprobe).sort((a, b) => a - b),
  );
}

/** `nprobe` clamped to 1 .. lists (a non-finite value probes every list). */
export function clampProbe(nprobe: number, lists: number): number {
  if (!Number.isFinite(nprobe)) return lists;
  return Math.max(1, Math.min(lists, Math.floor(nprobe)));
}

/**
 * The k best items of the head's probed lists, best first, as topKItems ranks them. With
 * nprobe ≥ lists every item is a candidate and the answer equals the exact top-K, ties included.
 * Throws when the head carries no IVF index.
 * @example ivfTopKItems(head, userQuery(head, u), { k: 10, nprobe: 32, excludeSorted: seenBy(seen, u) })
 */
export function ivfTopKItems(head: RecommenderModel, query: UserQuery, options: IvfTopKOptions): IvfRanking {
  const index = head.ivf;
  if (!index) throw new Error('this head carries no IVF index (edgerec index build)');
  const { nprobe: asked, candidates: own, ...rest } = options;
  const nprobe = clampProbe(asked, index.lists);
  let candidates = ivfCandidates(index, query, nprobe);
  if (own) candidates = intersect(candidates, own);
  const items = topKItems(head, query, { ...rest, candidates });
  return { items, nprobe, lists: index.lists, scored: candidates.length };
}

/** The probed items that are also among the caller's candidates. */
function intersect(probed: Uint32Array, own: ArrayLike<number>): Uint32Array {
  const wanted = new Set<number>();
  for (let c = 0; c < own.length; c++) wanted.add(own[c]!);
  return probed.filter((i) => wanted.has(i));
}
