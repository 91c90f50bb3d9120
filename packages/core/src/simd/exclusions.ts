/**
 * One ascending, duplicate-free list of the item indices in [0, n) to skip: the sorted
 * `excludeSorted`, the set `exclude` and `extra` merged (the wasm scan takes a single list).
 */
export function mergeExclusions(
  n: number,
  excludeSorted: Uint32Array | undefined,
  exclude: ReadonlySet<number> | undefined,
  extra?: number,
): Uint32Array {
  const more: number[] = [];
  if (exclude) for (const i of exclude) if (Number.isInteger(i) && i >= 0 && i < n) more.push(i);
  if (extra !== undefined) more.push(extra);
  if (more.length === 0 && excludeSorted && isStrictlyAscending(excludeSorted)) return excludeSorted;
  const all = new Uint32Array((excludeSorted?.length ?? 0) + more.length);
  if (excludeSorted) all.set(excludeSorted);
  all.set(more, excludeSorted?.length ?? 0);
  all.sort();
  let w = 0;
  for (let r = 0; r < all.length; r++) if (r === 0 || all[r] !== all[r - 1]) all[w++] = all[r]!;
  return all.subarray(0, w);
}

function isStrictlyAscending(a: Uint32Array): boolean {
  for (let j = 1; j < a.length; j++) if (a[j]! <= a[j - 1]!) return false;
  return true;
}
