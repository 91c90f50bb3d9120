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

/** The rows of each (user, item) pair, pairs in order of first appearance. */
function rowsByPair(table: RatingsTable): number[][] {
  const groups = new Map<string, number[]>();
  for (let r = 0; r < table.ratings.length; r++) {
    const key = `${table.users[r]}/${table.items[r]}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()];
}

/** Straightforward Map-based reference: surviving [user, item, rating] in file order. */
function reference(table: RatingsTable, policy: 'last' | 'mean'): number[][] {
  return mergedReference(table, policy).map((row) => row.slice(0, 3));
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

/** Map-based reference: surviving [user, item, value, latest timestamp (0 without), rows merged] in file order. */
function mergedReference(table: RatingsTable, rule: 'last' | 'mean' | 'sum' | 'max'): number[][] {
  const kept: number[][] = [];
  for (const rows of rowsByPair(table)) {
    const values = rows.map((r) => table.ratings[r]!);
    const sum = values.reduce((s, v) => s + v, 0);
    const value = { last: values.at(-1)!, mean: sum / rows.length, sum, max: Math.max(...values) }[rule];
    const at = rule === 'last' ? rows.at(-1)! : rows[0]!;
    const latest = Math.max(...rows.map((r) => table.timestamps?.[r] ?? 0));
    kept.push([at, table.users[at]!, table.items[at]!, Math.fround(value), latest, rows.length]);
  }
  return kept.sort((a, b) => a[0]! - b[0]!).map(([, ...rest]) => rest);
}

describe('resolveDuplicates: sum, max, row counts and timestamps', () => {
  it.each(['last', 'mean', 'sum', 'max'] as const)('matches a Map-based reference (%s)', (rule) => {
    const table = randomTable(3000, 30, 40, 11);
    const random = mulberry32(12);
    table.timestamps = Float64Array.from({ length: 3000 }, () => Math.floor(random() * 1e9));
    const { table: out, duplicates, rowCounts } = resolveDuplicates(table, rule, { countRows: true });
    const expected = mergedReference(table, rule);
    expect(duplicates).toBe(3000 - expected.length);
    expect(duplicates).toBeGreaterThan(500);
    const actual = Array.from(out.ratings, (value, r) => [
      out.users[r]!,
      out.items[r]!,
      value,
      out.timestamps![r]!,
      rowCounts![r]!,
    ]);
    expect(actual).toEqual(expected);
  });

  it('leaves rowCounts out unless asked, and counts 1 per row when nothing repeats', () => {
    const table: RatingsTable = {
      users: Uint32Array.of(0, 1),
      items: Uint32Array.of(0, 0),
      ratings: Float32Array.of(2, 3),
      userIds: ['a', 'b'],
      itemIds: ['x'],
      timestamps: Float64Array.of(5, 6),
    };
    expect(resolveDuplicates(table, 'sum', { countRows: true })).toEqual({
      table,
      duplicates: 0,
      rowCounts: Uint32Array.of(1, 1),
    });
    const repeated = { ...table, users: Uint32Array.of(0, 0) };
    const merged = resolveDuplicates(repeated, 'sum');
    expect(merged).toEqual({
      table: {
        ...repeated,
        users: Uint32Array.of(0),
        items: Uint32Array.of(0),
        ratings: Float32Array.of(5),
        timestamps: Float64Array.of(6),
      },
      duplicates: 1,
    });
  });
});
