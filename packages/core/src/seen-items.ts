import { buildSortedCsr } from './sorted-csr.js';

/** Compressed-sparse-row lists of item indices per user, each list sorted ascending. */
export interface SeenItems {
  /** `offsets[u]..offsets[u + 1]` is user u's slice of `items`; length users + 1. */
  readonly offsets: Uint32Array;
  readonly items: Uint32Array;
}

/** Builds SeenItems from parallel (user, item) index arrays; duplicates are kept once. */
export function buildSeenItems(userCount: number, users: ArrayLike<number>, items: ArrayLike<number>): SeenItems {
  const { offsets, columns } = buildSortedCsr(Uint32Array, userCount, users, items);
  return { offsets, items: columns };
}

/** The sorted item indices user `u` rated (a view, not a copy). */
export function seenBy(seen: SeenItems, u: number): Uint32Array {
  return seen.items.subarray(seen.offsets[u], seen.offsets[u + 1]);
}

/** Whether `value` is in the ascending array `sorted` (binary search). */
export function sortedIncludes(sorted: Uint32Array, value: number): boolean {
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
