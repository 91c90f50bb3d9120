import { createIdEncoder, type IdEncoder } from '@edgerec/core';
import type { RatingsTable } from './ratings-table.js';

const MIN_CAPACITY = 1024;

/**
 * Appends rows one at a time into growing typed arrays, encoding ids on the fly. The value
 * column is the rating (or an interaction's weight); the timestamp column exists only when asked for.
 */
export class RatingsBuilder {
  readonly userIndex: IdEncoder = createIdEncoder();
  readonly itemIndex: IdEncoder = createIdEncoder();
  private users: Uint32Array;
  private items: Uint32Array;
  private ratings: Float32Array;
  private timestamps: Float64Array | undefined;
  private size = 0;

  constructor(expectedRows = 0, withTimestamps = false) {
    const capacity = Math.max(MIN_CAPACITY, Math.ceil(expectedRows));
    this.users = new Uint32Array(capacity);
    this.items = new Uint32Array(capacity);
    this.ratings = new Float32Array(capacity);
    if (withTimestamps) this.timestamps = new Float64Array(capacity);
  }

  /** Number of rows added so far. */
  get length(): number {
    return this.size;
  }

  /** Adds one row and returns its index; `timestamp` is kept only by a builder made with timestamps. */
  add(user: string, item: string, rating: number, timestamp = 0): number {
    if (this.size === this.users.length) this.grow();
    const row = this.size++;
    this.users[row] = this.userIndex.encode(user);
    this.items[row] = this.itemIndex.encode(item);
    this.ratings[row] = rating;
    if (this.timestamps !== undefined) this.timestamps[row] = timestamp;
    return row;
  }

  /** The rows added so far as a table whose arrays are exactly `length` long (copied once if over-allocated). */
  build(): RatingsTable {
    const n = this.size;
    const table: RatingsTable = {
      users: trimmed(this.users, n),
      items: trimmed(this.items, n),
      ratings: trimmed(this.ratings, n),
      userIds: this.userIndex.ids,
      itemIds: this.itemIndex.ids,
    };
    if (this.timestamps !== undefined) table.timestamps = trimmed(this.timestamps, n);
    return table;
  }

  /** Grows every column by half again. */
  private grow(): void {
    const capacity = Math.ceil(this.users.length * 1.5);
    this.users = copyInto(new Uint32Array(capacity), this.users);
    this.items = copyInto(new Uint32Array(capacity), this.items);
    this.ratings = copyInto(new Float32Array(capacity), this.ratings);
    if (this.timestamps !== undefined) this.timestamps = copyInto(new Float64Array(capacity), this.timestamps);
  }
}

type Column = Uint32Array | Float32Array | Float64Array;

/** The first `n` entries of a column: the column itself when it is exactly that long. */
function trimmed<T extends Column>(column: T, n: number): T {
  return (n === column.length ? column : column.slice(0, n)) as T;
}

/** Copies `from` to the start of `to` and returns `to`. */
function copyInto<T extends Column>(to: T, from: T): T {
  to.set(from);
  return to;
}
