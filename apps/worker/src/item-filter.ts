import type { RecommenderModel } from '@edgerec/core';

/** Item ids a ranking request restricts itself with (already deduplicated by the schemas). */
export interface ItemFilter {
  /** Ids never to return; unknown ids are ignored (and counted). */
  exclude?: readonly string[] | undefined;
  /** Rank only these ids; unknown ids are reported. */
  candidates?: readonly string[] | undefined;
}

/** How a request's `exclude` and `candidates` were applied, as the responses report it. */
export interface FilterReport {
  exclude?: { requested: number; unknown: number };
  candidates?: { requested: number; unknown: string[] };
}

/** An {@link ItemFilter} mapped to item indices; callers may add to `exclude` (a fold-in's own items). */
export interface ResolvedFilter {
  exclude: Set<number>;
  /** Item indices to rank: the request's `candidates`, or an item index's pool (ITEM_INDEX). */
  candidates: ArrayLike<number> | undefined;
  report: FilterReport;
}

/** Maps a filter's ids to item indices, counting (exclude) or listing (candidates) the unknown ones. */
export function resolveFilter(model: RecommenderModel, filter: ItemFilter): ResolvedFilter {
  const exclude = new Set<number>();
  const report: FilterReport = {};
  if (filter.exclude) {
    let unknown = 0;
    for (const id of filter.exclude) {
      const i = model.items.indexOf(id);
      if (i === undefined) unknown++;
      else exclude.add(i);
    }
    report.exclude = { requested: filter.exclude.length, unknown };
  }
  let candidates: number[] | undefined;
  if (filter.candidates) {
    candidates = [];
    const unknown: string[] = [];
    for (const id of filter.candidates) {
      const i = model.items.indexOf(id);
      if (i === undefined) unknown.push(id);
      else candidates.push(i);
    }
    report.candidates = { requested: filter.candidates.length, unknown };
  }
  return { exclude, candidates, report };
}
