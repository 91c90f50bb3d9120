import type { RatingsTable } from './ratings-table.js';

/** Something that maps an id to a dense index, like core's IdIndex. */
export interface IdLookup {
  indexOf(id: string): number | undefined;
}

/** Ratings indexed against another id index; -1 marks an id that index does not know. */
export interface IndexedRows {
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
}

/** The given rows of a table, in the given order; the id lists are shared, not compacted (see compactIds). */
export function selectRows(table: RatingsTable, rows: Uint32Array): RatingsTable {
  const n = table.ratings.length;
  const users = new Uint32Array(rows.length);
  const items = new Uint32Array(rows.length);
  const ratings = new Float32Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    if (r >= n) throw new RangeError(`row ${r} is out of range: the table has ${n} rows`);
    users[k] = table.users[r]!;
    items[k] = table.items[r]!;
    ratings[k] = table.ratings[r]!;
  }
  return { users, items, ratings, userIds: table.userIds, itemIds: table.itemIds };
}

/** Maps rows (all when `rows` is undefined) to another pair of id indices, with -1 for unknown ids. */
export function indexAgainst(
  table: RatingsTable,
  rows: Uint32Array | undefined,
  userIndex: IdLookup,
  itemIndex: IdLookup,
): IndexedRows {
  const userMap = translation(table.userIds, userIndex);
  const itemMap = translation(table.itemIds, itemIndex);
  const count = rows === undefined ? table.ratings.length : rows.length;
  const users = new Int32Array(count);
  const items = new Int32Array(count);
  const ratings = new Float32Array(count);
  for (let k = 0; k < count; k++) {
    const r = rows === undefined ? k : rows[k]!;
    if (r >= table.ratings.length) {
      throw new RangeError(`row ${r} is out of range: the table has ${table.ratings.length} rows`);
    }
    users[k] = userMap[table.users[r]!]!;
    items[k] = itemMap[table.items[r]!]!;
    ratings[k] = table.ratings[r]!;
  }
  return { users, items, ratings };
}

/** For each of `ids`, its index in `index` or -1 (looked up once per id, not per row). */
function translation(ids: readonly string[], index: IdLookup): Int32Array {
  const map = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) map[i] = index.indexOf(ids[i]!) ?? -1;
  return map;
}

/** Drops ids that no row uses and renumbers densely in order of first appearance in the rows. */
export function compactIds(table: RatingsTable): RatingsTable {
  const users = renumber(table.users, table.userIds);
  const items = renumber(table.items, table.itemIds);
  return { users: users.indices, items: items.indices, ratings: table.ratings, userIds: users.ids, itemIds: items.ids };
}

/** New indices for one column, assigned in order of first appearance, and the ids in that order. */
function renumber(column: Uint32Array, ids: readonly string[]): { indices: Uint32Array; ids: string[] } {
  const newIndex = new Int32Array(ids.length).fill(-1);
  const kept: string[] = [];
  const indices = new Uint32Array(column.length);
  for (let r = 0; r < column.length; r++) {
    const old = column[r]!;
    let index = newIndex[old]!;
    if (index < 0) {
      index = kept.length;
      newIndex[old] = index;
      kept.push(ids[old]!);
    }
    indices[r] = index;
  }
  return { indices, ids: kept };
}
