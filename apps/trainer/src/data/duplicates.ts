import { MergeGroups } from './merge-groups.js';
import type { RatingsTable } from './ratings-table.js';
import { rowsByUser } from './rows-by-user.js';

/** What to do when a (user, item) pair occurs more than once: keep the last, average, or fail. */
export type DuplicatePolicy = 'last' | 'mean' | 'error';

/** How repeated pairs are merged: a DuplicatePolicy, or the sum or the maximum of their values. */
export type MergeRule = DuplicatePolicy | 'sum' | 'max';

/** Options of resolveDuplicates. */
export interface ResolveOptions {
  /** Also report how many input rows each output row stands for (`rowCounts`). */
  countRows?: boolean;
}

/** The outcome of applying a MergeRule. */
export interface DuplicateResolution {
  /** The table with one row per (user, item) pair, surviving rows in their original order. */
  table: RatingsTable;
  /** Rows merged into another row or dropped. */
  duplicates: number;
  /** With policy 'error': the earliest row repeating a pair, and the row it repeats. */
  firstDuplicate?: { row: number; firstRow: number };
  /** With `countRows`: the number of input rows merged into each output row (1 for a pair that never repeats). */
  rowCounts?: Uint32Array;
}

/**
 * Finds repeated (user, item) pairs without a map of all pairs: rows are counting-sorted by
 * user (stable, so file order within a user), and each user's items are checked against a
 * per-item stamp array. Memory is one Uint32 per row, one byte per row, a few words per user and per item,
 * and 28 bytes per repeated pair. 'last' keeps the last occurrence at its position; 'mean',
 * 'sum' and 'max' keep the first occurrence's position with the mean, sum or maximum of all
 * occurrences; 'error' changes nothing and reports the first repeat. A merged row gets the
 * latest timestamp of the rows merged into it.
 */
export function resolveDuplicates(
  table: RatingsTable,
  rule: MergeRule,
  options: ResolveOptions = {},
): DuplicateResolution {
  const { users, items, ratings, timestamps } = table;
  const n = users.length;
  const { order } = rowsByUser(users, table.userIds.length);
  const stamp = new Int32Array(table.itemIds.length).fill(-1);
  const firstOf = new Uint32Array(table.itemIds.length);
  const groupOf = new Int32Array(table.itemIds.length);
  const dropped = new Uint8Array(n);
  const groups = new MergeGroups();
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
        firstOf[item] = row;
        groupOf[item] = -1;
        continue;
      }
      duplicates++;
      const first = firstOf[item]!;
      if (rule === 'error') {
        if (firstDuplicate === undefined || row < firstDuplicate.row) firstDuplicate = { row, firstRow: first };
        continue;
      }
      let g = groupOf[item]!;
      if (g < 0) {
        g = groups.open(first, ratings[first]!, timestamps?.[first] ?? 0);
        groupOf[item] = g;
      }
      groups.add(g, ratings[row]!, timestamps?.[row] ?? 0);
      if (rule === 'last') {
        dropped[groups.kept[g]!] = 1;
        groups.kept[g] = row;
      } else {
        dropped[row] = 1;
      }
    }
  }
  if (duplicates === 0 || rule === 'error') {
    const result: DuplicateResolution = { table, duplicates };
    if (firstDuplicate !== undefined) result.firstDuplicate = firstDuplicate;
    if (options.countRows) result.rowCounts = new Uint32Array(n).fill(1);
    return result;
  }
  return { ...mergeRows(table, dropped, duplicates, groups, rule, options.countRows === true), duplicates };
}

/** The value group `g` gets under a rule. */
function mergedValue(groups: MergeGroups, g: number, rule: Exclude<MergeRule, 'error'>, ratings: Float32Array): number {
  switch (rule) {
    case 'last':
      return ratings[groups.kept[g]!]!;
    case 'mean':
      return groups.sum[g]! / groups.count[g]!;
    case 'sum':
      return groups.sum[g]!;
    case 'max':
      return groups.max[g]!;
  }
}

/** A copy of `table` without the dropped rows, each group's kept row set to its merged value and latest timestamp. */
function mergeRows(
  table: RatingsTable,
  dropped: Uint8Array,
  count: number,
  groups: MergeGroups,
  rule: Exclude<MergeRule, 'error'>,
  countRows: boolean,
): Pick<DuplicateResolution, 'table' | 'rowCounts'> {
  const size = table.users.length - count;
  const users = new Uint32Array(size);
  const items = new Uint32Array(size);
  const ratings = new Float32Array(size);
  const timestamps = table.timestamps === undefined ? undefined : new Float64Array(size);
  const rowCounts = countRows ? new Uint32Array(size).fill(1) : undefined;
  const byKept = groups.byKeptRow();
  let next = 0;
  let out = 0;
  for (let r = 0; r < table.users.length; r++) {
    if (dropped[r] === 1) continue;
    users[out] = table.users[r]!;
    items[out] = table.items[r]!;
    const g = byKept[next];
    if (g !== undefined && groups.kept[g] === r) {
      ratings[out] = mergedValue(groups, g, rule, table.ratings);
      if (timestamps !== undefined) timestamps[out] = groups.latest[g]!;
      if (rowCounts !== undefined) rowCounts[out] = groups.count[g]!;
      next++;
    } else {
      ratings[out] = table.ratings[r]!;
      if (timestamps !== undefined) timestamps[out] = table.timestamps![r]!;
    }
    out++;
  }
  const merged: RatingsTable = { users, items, ratings, userIds: table.userIds, itemIds: table.itemIds };
  if (timestamps !== undefined) merged.timestamps = timestamps;
  return rowCounts === undefined ? { table: merged } : { table: merged, rowCounts };
}
