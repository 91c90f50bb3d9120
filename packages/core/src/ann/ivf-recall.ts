import type { RecommenderModel } from '../recommender-model.js';
import { topKItems, type UserQuery } from '../topk.js';
import { ivfTopKItems } from './ivf-probe.js';

/** Recall of an IVF index at one nprobe. */
export interface IvfRecallPoint {
  nprobe: number;
  /** Mean share of the exact top-k that the IVF ranking returned. */
  recall: number;
  /** Mean share of the items re-scored. */
  scored: number;
}

/**
 * How much of the exact top-k the head's IVF index finds for these queries at each nprobe (no
 * exclusions): what `edgerec index build` reports and the benchmark prints.
 */
export function ivfRecall(
  head: RecommenderModel,
  queries: readonly UserQuery[],
  nprobes: readonly number[],
  k = 10,
): IvfRecallPoint[] {
  const exact = queries.map((query) => new Set(topKItems(head, query, { k }).map((r) => r.index)));
  return nprobes.map((nprobe) => {
    let recall = 0;
    let scored = 0;
    queries.forEach((query, q) => {
      const ranking = ivfTopKItems(head, query, { k, nprobe });
      const truth = exact[q]!;
      recall += ranking.items.filter((r) => truth.has(r.index)).length / Math.max(1, truth.size);
      scored += ranking.scored / head.items.size;
    });
    const n = Math.max(1, queries.length);
    return { nprobe, recall: recall / n, scored: scored / n };
  });
}

/** Powers of two from 1 up to the list count (which is always included). */
export function nprobeLadder(lists: number): number[] {
  const out: number[] = [];
  for (let p = 1; p < lists; p *= 2) out.push(p);
  out.push(lists);
  return out;
}
