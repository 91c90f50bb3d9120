/**
 * ITEM_INDEX=ivf: candidates from the IVF index the artifact carries for its ranking head
 * (`edgerec index build`; core's ann/ivf-probe.ts): the items of the `nprobe` lists whose
 * centroids score best for the user, re-scored exactly by ranking.ts / fold-in.ts.
 */
import { clampProbe, ivfCandidates, rankingHead, type RecommenderModel, type UserQuery } from '@edgerec/core';
import { NPROBE_DEFAULT } from '../limits';
import { itemIndexUnavailable } from './config';
import type { ItemIndexReport } from './report';

/** Why ITEM_INDEX=ivf cannot serve a model without an index. */
export const NO_IVF_INDEX =
  'ITEM_INDEX is "ivf" but this model carries no IVF index: build one with `edgerec index build --model M --out M2` and serve M2';

/** The candidates of one query and how they were found. */
export interface IvfPool {
  indices: Uint32Array;
  /** Lists probed (the request's or the default nprobe, clamped to the lists). */
  nprobe: number;
  lists: number;
}

/** The nprobe of a request without one: the artifact's measured default, else NPROBE_DEFAULT, clamped to the lists. */
export function defaultNprobe(model: RecommenderModel): number | undefined {
  const index = rankingHead(model).ivf;
  return index && clampProbe(index.probe?.nprobe ?? NPROBE_DEFAULT, index.lists);
}

/** The probed items for the ranking head's query; a 503 `item_index_unavailable` when the artifact has no IVF index. */
export function ivfPool(model: RecommenderModel, query: UserQuery, nprobe: number | undefined): IvfPool {
  const index = rankingHead(model).ivf;
  if (!index) throw itemIndexUnavailable(NO_IVF_INDEX);
  const probe = clampProbe(nprobe ?? defaultNprobe(model)!, index.lists);
  return { indices: ivfCandidates(index, query, probe), nprobe: probe, lists: index.lists };
}

/** `itemIndex` of an IVF ranking; `short` when fewer than k came back and unprobed lists remain. */
export function fromIvf(pool: IvfPool, returned: number, k: number): ItemIndexReport {
  const candidates = pool.indices.length;
  return {
    source: 'ivf',
    nprobe: pool.nprobe,
    lists: pool.lists,
    candidates,
    short: returned < k && pool.nprobe < pool.lists,
  };
}
