import type { RatingsTable } from './ratings-table.js';

/** What to do when a (user, item) pair occurs more than once: keep the last, average, or fail. */
export type DuplicatePolicy = 'last' | 'mean' | 'error';

/** The outcome of applying a DuplicatePolicy. */
export interface DuplicateResolution {
  /** The table with one row per (user, item) pair, surviving rows in their original order. */
  table: RatingsTable;
  /** Rows merged into another row or dropped. */
  duplicates: number;
  /** With policy 'error': the earliest row repeating a pair, and the row it repeats. */
  firstDuplicate?: { row: number; firstRow: number };
}

/** Running sum of the ratings merged into one kept row (policy 'mean'). */
interface Merge {
  sum: number;
  count: number;
}

/**
 * Finds repeated (user, item) pairs without a map of all pairs: rows are counting-sorted by
 * user (stable, so file order within a user), and each user's items are checked against a
 * per-item stamp array. Memory is one Uint32 per row, one byte per row, and two words per item.
 * 'last' keeps the last occurrence at its position; 'mean' keeps the first occurrence's
 * position with the mean of all occurrences; 'error' changes nothing and reports the first repeat.
 */
export function resolveDuplicates(table: RatingsTable, policy: DuplicatePolicy): DuplicateResolution {
  const { users, items, ratings } = table;
  const n = users.length;
  const order = rowsByUser(users, table.userIds.length);
  const stamp = new Int32Array(table.itemIds.length).fill(-1);
  const keeper = new Uint32Array(table.itemIds.length);
  const dropped = new Uint8Array(n);
  const merges = new Map<number, Merge>();
  let duplicates = 0;
  let firstDuplicate: DuplicateResolution['firstDuplicate'];

  let k = 0;
  while (k < n) {
    const user = users[order[k]!]!;
    for (; k < n && users[order[k]!] === user; k++) {
      const row = order[k]!;
      const item = items[row]!;
      if (stamp[item] !== user) {
        stamp[item] = user;
        keeper[item] = row;
        continue;
      }
      duplicates++;
      const kept = keeper[item]!;
      if (policy === 'error') {
        if (firstDuplicate === undefined || row < firstDuplicate.row) firstDuplicate = { row, firstRow: kept };
      } else if (policy === 'last') {
        dropped[kept] = 1;
        keeper[item] = row;
      } else {
        dropped[row] = 1;
        const merge = merges.get(kept) ?? { sum: ratings[kept]!, count: 1 };
        merge.sum += ratings[row]!;
        merge.count++;
        merges.set(kept, merge);
      }
    }
  }
  if (duplicates === 0 || policy === 'error') {
    return firstDuplicate === undefined ? { table, duplicates } : { table, duplicates, firstDuplicate };
  }
  return { table: dropRows(table, dropped, duplicates, merges), duplicates };
}

/** Row indices ordered by user, file order within each user (a stable counting sort). */
function rowsByUser(users: Uint32Array, userCount: number): Uint32Array {
  const next = new Uint32Array(userCount + 1);
  for (let r = 0; r < users.length; r++) next[users[r]! + 1]!++;
  for (let u = 1; u <= userCount; u++) next[u]! += next[u - 1]!;
  const order = new Uint32Array(users.length);
  for (let r = 0; r < users.length; r++) order[next[users[r]!]!++] = r;
  return order;
}

/** A copy of `table` without the dropped rows, with merged rows set to their mean rating. */
function dropRows(table: RatingsTable, dropped: Uint8Array, count: number, merges: Map<number, Merge>): RatingsTable {
  const size = table.users.length - count;
  const users = new Uint32Array(size);
  const items = new Uint32Array(size);
  const ratings = new Float32Array(size);
  const mergedRows = [...merges.keys()].sort((a, b) => a - b);
  let nextMerge = 0;
  let out = 0;
  for (let r = 0; r < table.users.length; r++) {
    if (dropped[r] === 1) continue;
    users[out] = table.users[r]!;
    items[out] = table.items[r]!;
    if (mergedRows[nextMerge] === r) {
      const merge = merges.get(r)!;
      ratings[out] = merge.sum / merge.count;
      nextMerge++;
    } else {
      ratings[out] = table.ratings[r]!;
    }
    out++;
  }
  return { users, items, ratings, userIds: table.userIds, itemIds: table.itemIds };
}
