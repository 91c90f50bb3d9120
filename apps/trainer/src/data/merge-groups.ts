const MIN_CAPACITY = 64;

/**
 * The repeated (user, item) pairs of a table, one group per pair, held in growable typed arrays
 * rather than an object per pair (a click log can repeat millions of pairs): the row that stays,
 * and the sum, maximum, count and latest timestamp of the rows merged into it.
 */
export class MergeGroups {
  size = 0;
  kept = new Uint32Array(MIN_CAPACITY);
  sum = new Float64Array(MIN_CAPACITY);
  max = new Float32Array(MIN_CAPACITY);
  count = new Uint32Array(MIN_CAPACITY);
  latest = new Float64Array(MIN_CAPACITY);

  /** Starts a group with its first row; returns the group's index. */
  open(row: number, value: number, timestamp: number): number {
    if (this.size === this.kept.length) this.grow();
    const g = this.size++;
    this.kept[g] = row;
    this.sum[g] = value;
    this.max[g] = value;
    this.count[g] = 1;
    this.latest[g] = timestamp;
    return g;
  }

  /** Adds one more row's value and timestamp to group `g`. */
  add(g: number, value: number, timestamp: number): void {
    this.sum[g]! += value;
    if (value > this.max[g]!) this.max[g] = value;
    this.count[g]!++;
    if (timestamp > this.latest[g]!) this.latest[g] = timestamp;
  }

  /** Group indices in increasing order of their kept row. */
  byKeptRow(): Uint32Array {
    const order = Uint32Array.from({ length: this.size }, (_, g) => g);
    return order.sort((a, b) => this.kept[a]! - this.kept[b]!);
  }

  /** Grows every column by half again. */
  private grow(): void {
    const capacity = Math.ceil(this.kept.length * 1.5);
    const resize = <T extends Uint32Array | Float64Array | Float32Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.kept = resize(this.kept, new Uint32Array(capacity));
    this.sum = resize(this.sum, new Float64Array(capacity));
    this.max = resize(this.max, new Float32Array(capacity));
    this.count = resize(this.count, new Uint32Array(capacity));
    this.latest = resize(this.latest, new Float64Array(capacity));
  }
}
