import { createIdEncoder, type IdEncoder } from '@edgerec/core';
import type { RatingsTable } from './ratings-table.js';

const MIN_CAPACITY = 1024;

/** Appends ratings one row at a time into growing typed arrays, encoding ids on the fly. */
export class RatingsBuilder {
  readonly userIndex: IdEncoder = createIdEncoder();
  readonly itemIndex: IdEncoder = createIdEncoder();
  private users: Uint32Array;
  private items: Uint32Array;
  private ratings: Float32Array;
  private size = 0;

  constructor(expectedRows = 0) {
    const capacity = Math.max(MIN_CAPACITY, Math.ceil(expectedRows));
    this.users = new Uint32Array(capacity);
    this.items = new Uint32Array(capacity);
    this.ratings = new Float32Array(capacity);
  }

  /** Number of rows added so far. */
  get length(): number {
    return this.size;
  }

  /** Adds one rating and returns its row index. */
  add(user: string, item: string, rating: number): number {
    if (this.size === this.users.length) this.grow();
    const row = this.size++;
    this.users[row] = this.userIndex.encode(user);
    this.items[row] = this.itemIndex.encode(item);
    this.ratings[row] = rating;
    return row;
  }

  /** The rows added so far as a table whose arrays are exactly `length` long (copied once if over-allocated). */
  build(): RatingsTable {
    const n = this.size;
    return {
      users: n === this.users.length ? this.users : this.users.slice(0, n),
      items: n === this.items.length ? this.items : this.items.slice(0, n),
      ratings: n === this.ratings.length ? this.ratings : this.ratings.slice(0, n),
      userIds: this.userIndex.ids,
      itemIds: this.itemIndex.ids,
    };
  }

  /** Grows every column by half again. */
  private grow(): void {
    const capacity = Math.ceil(this.users.length * 1.5);
    this.users = copyInto(new Uint32Array(capacity), this.users);
    this.items = copyInto(new Uint32Array(capacity), this.items);
    this.ratings = copyInto(new Float32Array(capacity), this.ratings);
  }
}

/** Copies `from` to the start of `to` and returns `to`. */
function copyInto<T extends Uint32Array | Float32Array>(to: T, from: T): T {
  to.set(from);
  return to;
}
