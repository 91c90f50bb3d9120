import { mulberry32 } from '@edgerec/core';
import { describe, expect, it } from 'vitest';
import { resolveDuplicates } from './duplicates.js';
import type { RatingsTable } from './ratings-table.js';

/** A random table over few users and items, so that many pairs repeat. */
function randomTable(rows: number, users: number, items: number, seed: number): RatingsTable {
  const random = mulberry32(seed);
  return {
    users: Uint32Array.from({ length: rows }, () => Math.floor(random() * users)),
    items: Uint32Array.from({ length: rows }, () => Math.floor(random() * items)),
    ratings: Float32Array.from({ length: rows }, () => 1 + Math.floor(random() * 5)),
    userIds: Array.from({ length: users }, (_, u) => `u${u}`),
    itemIds: Array.from({ length: items }, (_, i) => `i${i}`),
  };
}

/** Straightforward Map-based reference: surviving [row, user, item, rating] in file order. */
function reference(table: RatingsTable, policy: 'last' | 'mean'): number[][] {
  const groups = new Map<string, number[]>();
  for (let r = 0; r < table.ratings.length; r++) {
    const key = `${table.users[r]}/${table.items[r]}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const kept: number[][] = [];
  for (const rows of groups.values()) {
    const at = policy === 'last' ? rows.at(-1)! : rows[0]!;
    const rating = policy === 'last' ? table.ratings[at]! : rows.reduce((s, r) => s + table.ratings[r]!, 0) / rows.length;
    kept.push([at, table.users[at]!, table.items[at]!, Math.fround(rating)]);
  }
  return kept.sort((a, b) => a[0]! - b[0]!).map(([, ...rest]) => rest);
}

describe('resolveDuplicates', () => {
  it.each(['last', 'mean'] as const)('matches a Map-based reference (%s)', (policy) => {
    const table = randomTable(5000, 40, 60, 3);
    const { table: out, duplicates } = resolveDuplicates(table, policy);
    const expected = reference(table, policy);
    expect(duplicates).toBe(5000 - expected.length);
    expect(duplicates).toBeGreaterThan(1000);
    const actual = Array.from(out.ratings, (rating, r) => [out.users[r]!, out.items[r]!, rating]);
    expect(actual).toEqual(expected);
    expect(out.userIds).toBe(table.userIds);
  });

  it('reports the earliest repeat and changes nothing under policy error', () => {
    const table = randomTable(200, 5, 5, 9);
    const result = resolveDuplicates(table, 'error');
    expect(result.table).toBe(table);
    const seen = new Map<string, number>();
    let expected: { row: number; firstRow: number } | undefined;
    for (let r = 0; r < 200 && expected === undefined; r++) {
      const key = `${table.users[r]}/${table.items[r]}`;
      const first = seen.get(key);
      if (first !== undefined) expected = { row: r, firstRow: first };
      else seen.set(key, r);
    }
    expect(result.firstDuplicate).toEqual(expected);
  });

  it('returns the same table when nothing repeats', () => {
    const table: RatingsTable = {
      users: Uint32Array.of(0, 0, 1),
      items: Uint32Array.of(0, 1, 0),
      ratings: Float32Array.of(1, 2, 3),
      userIds: ['a', 'b'],
      itemIds: ['x', 'y'],
    };
    for (const policy of ['last', 'mean', 'error'] as const) {
      expect(resolveDuplicates(table, policy)).toEqual({ table, duplicates: 0 });
    }
  });
});
