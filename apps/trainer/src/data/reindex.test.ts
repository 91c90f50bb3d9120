import { createIdIndex } from '@edgerec/core';
import { describe, expect, it } from 'vitest';
import type { RatingsTable } from './ratings-table.js';
import { compactIds, indexAgainst, selectRows } from './reindex.js';

const table: RatingsTable = {
  users: Uint32Array.of(0, 1, 2, 1, 3),
  items: Uint32Array.of(0, 0, 1, 2, 3),
  ratings: Float32Array.of(1, 2, 3, 4, 5),
  userIds: ['a', 'b', 'c', 'd'],
  itemIds: ['w', 'x', 'y', 'z'],
};

describe('selectRows', () => {
  it('copies the chosen rows in the given order and shares the id lists', () => {
    const picked = selectRows(table, Uint32Array.of(3, 1));
    expect(picked.users).toEqual(Uint32Array.of(1, 1));
    expect(picked.items).toEqual(Uint32Array.of(2, 0));
    expect(picked.ratings).toEqual(Float32Array.of(4, 2));
    expect(picked.userIds).toBe(table.userIds);
  });

  it('rejects a row out of range', () => {
    expect(() => selectRows(table, Uint32Array.of(5))).toThrow(RangeError);
  });
});

describe('indexAgainst', () => {
  const users = createIdIndex(['b', 'a', 'q']);
  const items = createIdIndex(['x', 'w', 'y']);

  it('maps the given rows to another index, -1 for unknown ids', () => {
    const out = indexAgainst(table, Uint32Array.of(0, 2, 4), users, items);
    expect(out.users).toEqual(Int32Array.of(1, -1, -1));
    expect(out.items).toEqual(Int32Array.of(1, 0, -1));
    expect(out.ratings).toEqual(Float32Array.of(1, 3, 5));
  });

  it('maps every row when no rows are given', () => {
    const out = indexAgainst(table, undefined, users, items);
    expect(out.users).toEqual(Int32Array.of(1, 0, -1, 0, -1));
    expect(out.items).toEqual(Int32Array.of(1, 1, 0, 2, -1));
    expect(out.ratings).toEqual(table.ratings);
  });
});

describe('compactIds', () => {
  it('drops unused ids and renumbers by first appearance', () => {
    const part = compactIds(selectRows(table, Uint32Array.of(4, 2, 0)));
    expect(part.userIds).toEqual(['d', 'c', 'a']);
    expect(part.itemIds).toEqual(['z', 'x', 'w']);
    expect(part.users).toEqual(Uint32Array.of(0, 1, 2));
    expect(part.items).toEqual(Uint32Array.of(0, 1, 2));
    expect(part.ratings).toEqual(Float32Array.of(5, 3, 1));
  });

  it('keeps a table whose ids are all used and in order as it is', () => {
    const same = compactIds(table);
    expect(same.userIds).toEqual(table.userIds);
    expect(same.users).toEqual(table.users);
    expect(same.items).toEqual(table.items);
  });
});
