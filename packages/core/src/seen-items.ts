/** Compressed-sparse-row lists of item indices per user, each list sorted ascending. */
export interface SeenItems {
  /** `offsets[u]..offsets[u + 1]` is user u's slice of `items`; length users + 1. */
  readonly offsets: Uint32Array;
  readonly items: Uint32Array;
}

/** Builds SeenItems from parallel (user, item) index arrays; duplicates are kept once. */
export function buildSeenItems(
  userCount: number,
  users: ArrayLike<number>,
  items: ArrayLike<number>,
): SeenItems {
  const counts = new Uint32Array(userCount + 1);
  for (let r = 0; r < users.length; r++) counts[(users[r] as number) + 1]!++;
  for (let u = 0; u < userCount; u++) counts[u + 1]! += counts[u]!;
  const cursor = counts.slice(0, userCount);
  const flat = new Uint32Array(users.length);
  for (let r = 0; r < users.length; r++) flat[cursor[users[r] as number]!++] = items[r] as number;
  // Sort each user's slice and drop repeats, compacting in place.
  const offsets = new Uint32Array(userCount + 1);
  let write = 0;
  for (let u = 0; u < userCount; u++) {
    const slice = flat.subarray(counts[u], counts[u + 1]).sort();
    offsets[u] = write;
    let previous = -1;
    for (let j = 0; j < slice.length; j++) {
      const item = slice[j]!;
      if (item !== previous) flat[write++] = item;
      previous = item;
    }
  }
  offsets[userCount] = write;
  return { offsets, items: flat.slice(0, write) };
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
