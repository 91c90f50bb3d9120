import { mulberry32, shuffleInPlace } from '@edgerec/core';
import { UserError } from '../user-error.js';
import type { RatingsTable } from './ratings-table.js';
import { rowsByUser } from './rows-by-user.js';
import { splitRows } from './split.js';

/**
 * How to split rows into train and test: a seeded shuffle of all rows ('random'), a seeded
 * shuffle of each user's rows ('by-user', stratified), or each user's `n` latest rows to test ('last').
 */
export type SplitMode =
  | { kind: 'random'; trainFraction: number }
  | { kind: 'by-user'; trainFraction: number }
  | { kind: 'last'; n: number };

/** Row indices of the two parts, each in ascending (file) order. */
export interface TrainTestRows {
  train: Uint32Array;
  test: Uint32Array;
}

/** Throws a UserError unless a mode's fraction is in (0, 1) or its N is a whole number ≥ 1. */
export function checkSplitMode(mode: SplitMode): void {
  if (mode.kind === 'last') {
    if (!Number.isInteger(mode.n) || mode.n < 1)
      throw new UserError(`--last needs a whole number of rows ≥ 1, got ${mode.n}`);
  } else if (!(mode.trainFraction > 0 && mode.trainFraction < 1)) {
    throw new UserError(`--${mode.kind} needs a train fraction above 0 and below 1, got ${mode.trainFraction}`);
  }
}

/** Splits a table's rows by `mode`; `seed` drives the shuffles of 'random' and 'by-user'. */
export function splitTrainTest(table: RatingsTable, mode: SplitMode, seed: number): TrainTestRows {
  checkSplitMode(mode);
  switch (mode.kind) {
    case 'random': {
      const { train, test } = splitRows(table.users.length, { validation: 0, test: 1 - mode.trainFraction }, seed);
      return { train, test };
    }
    case 'by-user':
      return splitByUser(table, mode.trainFraction, seed);
    case 'last':
      if (table.timestamps === undefined)
        throw new UserError('--last needs a timestamp column, and the table has none');
      return splitLastByTime(table, table.timestamps, mode.n);
  }
}

/**
 * Per-user stratified split, like Microsoft Recommenders' python_stratified_split: each user's
 * rows (users in order of first appearance) are shuffled by one mulberry32(seed) stream, and
 * the first round(n × fraction) go to train, rounded as Python's round() does (halves to even).
 */
function splitByUser(table: RatingsTable, trainFraction: number, seed: number): TrainTestRows {
  const { order, start } = rowsByUser(table.users, table.userIds.length);
  const random = mulberry32(seed);
  const toTest = new Uint8Array(table.users.length);
  for (let u = 0; u < table.userIds.length; u++) {
    const rows = order.subarray(start[u]!, start[u + 1]!);
    shuffleInPlace(rows, random);
    const trainRows = roundHalfToEven(rows.length * trainFraction);
    for (let k = trainRows; k < rows.length; k++) toTest[rows[k]!] = 1;
  }
  return partition(toTest);
}

/**
 * Leave-last-N-out: each user's `n` latest rows go to test. Rows with equal timestamps count in
 * file order (the one further down the file is the later). Users with n rows or fewer stay in train.
 */
function splitLastByTime(table: RatingsTable, timestamps: Float64Array, n: number): TrainTestRows {
  const { order, start } = rowsByUser(table.users, table.userIds.length);
  const toTest = new Uint8Array(table.users.length);
  for (let u = 0; u < table.userIds.length; u++) {
    if (start[u + 1]! - start[u]! <= n) continue;
    // Rows within a user are in file order, so a stable sort by time breaks ties by file order.
    const rows = Array.from(order.subarray(start[u]!, start[u + 1]!)).sort((a, b) => timestamps[a]! - timestamps[b]!);
    for (let k = rows.length - n; k < rows.length; k++) toTest[rows[k]!] = 1;
  }
  return partition(toTest);
}

/** Python's round(): to the nearest integer, an exact half to the even one (so 2.5 → 2, 3.5 → 4). */
export function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction !== 0.5) return fraction < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The rows marked 0 (train) and 1 (test), each ascending. */
function partition(toTest: Uint8Array): TrainTestRows {
  let testRows = 0;
  for (let r = 0; r < toTest.length; r++) testRows += toTest[r]!;
  const train = new Uint32Array(toTest.length - testRows);
  const test = new Uint32Array(testRows);
  let t = 0;
  let s = 0;
  for (let r = 0; r < toTest.length; r++) {
    if (toTest[r] === 1) test[s++] = r;
    else train[t++] = r;
  }
  return { train, test };
}
