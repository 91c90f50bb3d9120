import { mulberry32 } from '@edgerec/core';
import { describe, expect, it } from 'vitest';
import type { RatingsTable } from './ratings-table.js';
import { checkSplitMode, roundHalfToEven, splitTrainTest, type TrainTestRows } from './train-test-split.js';
import { UserError } from '../user-error.js';

/** A table of `perUser[u]` rows for each user u, interleaved across users, with random timestamps. */
function table(perUser: number[], seed = 1): RatingsTable {
  const random = mulberry32(seed);
  const users: number[] = [];
  const left = [...perUser];
  while (left.some((n) => n > 0)) {
    for (let u = 0; u < left.length; u++) {
      if (left[u]! > 0) {
        users.push(u);
        left[u]!--;
      }
    }
  }
  return {
    users: Uint32Array.from(users),
    items: Uint32Array.from(users, (_, r) => r),
    ratings: Float32Array.from(users, () => 1 + Math.floor(random() * 5)),
    userIds: perUser.map((_, u) => `u${u}`),
    itemIds: users.map((_, r) => `i${r}`),
    timestamps: Float64Array.from(users, () => Math.floor(random() * 1e6)),
  };
}

/** Rows of each user in a part. */
function perUserCounts(data: RatingsTable, rows: Uint32Array): number[] {
  const counts = new Array<number>(data.userIds.length).fill(0);
  for (const r of rows) counts[data.users[r]!]!++;
  return counts;
}

/** Every row exactly once across the parts, each part ascending. */
function expectPartition(split: TrainTestRows, rows: number): void {
  expect([...split.train, ...split.test].sort((a, b) => a - b)).toEqual(Array.from({ length: rows }, (_, r) => r));
  for (const part of [split.train, split.test])
    expect(Array.from(part)).toEqual(Array.from(part).sort((a, b) => a - b));
}

describe('splitTrainTest: random', () => {
  const data = table(Array.from({ length: 20 }, () => 10));

  it('sends trainFraction of all rows to train, reproducibly for a seed', () => {
    const split = splitTrainTest(data, { kind: 'random', trainFraction: 0.8 }, 42);
    expect([split.train.length, split.test.length]).toEqual([160, 40]);
    expectPartition(split, 200);
    expect(splitTrainTest(data, { kind: 'random', trainFraction: 0.8 }, 42)).toEqual(split);
    expect(splitTrainTest(data, { kind: 'random', trainFraction: 0.8 }, 43).test).not.toEqual(split.test);
    // A global shuffle: users are not held to the fraction.
    expect(new Set(perUserCounts(data, split.test)).size).toBeGreaterThan(1);
  });
});

describe('splitTrainTest: by-user', () => {
  const sizes = [1, 2, 3, 4, 5, 6, 7, 10, 20, 33];
  const data = table(sizes);

  it("sends round(n × fraction) of each user's rows to train, halves to even as Python's round()", () => {
    const split = splitTrainTest(data, { kind: 'by-user', trainFraction: 0.75 }, 42);
    // n × 0.75 = 0.75 1.5 2.25 3 3.75 4.5 5.25 7.5 15 24.75
    const train = [1, 2, 2, 3, 4, 4, 5, 8, 15, 25];
    expect(perUserCounts(data, split.train)).toEqual(train);
    expect(perUserCounts(data, split.test)).toEqual(sizes.map((n, u) => n - train[u]!));
    expectPartition(split, data.users.length);
  });

  it('rounds as Python does', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6, 0, 7].map(roundHalfToEven)).toEqual([0, 2, 2, 4, 2, 3, 0, 7]);
    // 45 × 0.7 is 31.499999999999996 in floating point, which Python's round() also takes to 31.
    expect(roundHalfToEven(45 * 0.7)).toBe(31);
  });

  it('is reproducible for a seed and picks other rows for another seed', () => {
    const a = splitTrainTest(data, { kind: 'by-user', trainFraction: 0.5 }, 42);
    expect(splitTrainTest(data, { kind: 'by-user', trainFraction: 0.5 }, 42)).toEqual(a);
    const b = splitTrainTest(data, { kind: 'by-user', trainFraction: 0.5 }, 7);
    expect(b.test).not.toEqual(a.test);
    expect(perUserCounts(data, b.test)).toEqual(perUserCounts(data, a.test));
  });
});

describe('splitTrainTest: last', () => {
  it("sends each user's N latest rows to test, users with N rows or fewer to train", () => {
    const data = table([1, 2, 3, 6, 9], 5);
    const split = splitTrainTest(data, { kind: 'last', n: 2 }, 42);
    expectPartition(split, data.users.length);
    expect(perUserCounts(data, split.test)).toEqual([0, 0, 2, 2, 2]);
    for (let u = 2; u < 5; u++) {
      const rows = Array.from(data.users.keys()).filter((r) => data.users[r] === u);
      const latest = rows.sort((a, b) => data.timestamps![a]! - data.timestamps![b]!).slice(-2);
      expect(
        Array.from(split.test)
          .filter((r) => data.users[r] === u)
          .sort(),
      ).toEqual(latest.sort());
      const oldestTest = Math.min(...latest.map((r) => data.timestamps![r]!));
      for (const r of split.train)
        if (data.users[r] === u) expect(data.timestamps![r]!).toBeLessThanOrEqual(oldestTest);
    }
    expect(splitTrainTest(data, { kind: 'last', n: 2 }, 1)).toEqual(split);
  });

  it('breaks ties by file order: of rows with equal times, the later line is the later row', () => {
    const data: RatingsTable = {
      users: Uint32Array.of(0, 0, 0, 0, 1, 1),
      items: Uint32Array.of(0, 1, 2, 3, 0, 1),
      ratings: Float32Array.of(1, 2, 3, 4, 5, 1),
      userIds: ['a', 'b'],
      itemIds: ['w', 'x', 'y', 'z'],
      timestamps: Float64Array.of(5, 9, 9, 1, 3, 3),
    };
    expect(splitTrainTest(data, { kind: 'last', n: 1 }, 42)).toEqual({
      train: Uint32Array.of(0, 1, 3, 4),
      test: Uint32Array.of(2, 5),
    });
    expect(splitTrainTest(data, { kind: 'last', n: 2 }, 42).test).toEqual(Uint32Array.of(1, 2));
  });

  it('needs timestamps', () => {
    const { timestamps: _, ...untimed } = table([3]);
    expect(() => splitTrainTest(untimed, { kind: 'last', n: 1 }, 1)).toThrow(/--last needs a timestamp column/);
  });
});

describe('checkSplitMode', () => {
  it.each([0, 1, -0.5, 1.5, Number.NaN])('rejects the train fraction %s', (fraction) => {
    expect(() => checkSplitMode({ kind: 'by-user', trainFraction: fraction })).toThrow(UserError);
    expect(() => checkSplitMode({ kind: 'random', trainFraction: fraction })).toThrow(
      /--random needs a train fraction above 0 and below 1/,
    );
  });

  it.each([0, -1, 1.5])('rejects N = %s for --last', (n) => {
    expect(() => checkSplitMode({ kind: 'last', n })).toThrow(/--last needs a whole number of rows ≥ 1/);
  });

  it('accepts fractions inside (0, 1) and N ≥ 1', () => {
    expect(() => checkSplitMode({ kind: 'random', trainFraction: 0.001 })).not.toThrow();
    expect(() => checkSplitMode({ kind: 'last', n: 1 })).not.toThrow();
  });
});
