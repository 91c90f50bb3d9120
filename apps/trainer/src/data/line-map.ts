/**
 * Remembers the file line of every row without storing one number per row: most files have
 * one row per line, so only the rows where the gap between row and line changes (after a
 * header, a blank line or a multi-line record) are recorded.
 */
export class LineMap {
  private readonly rows: number[] = [];
  private readonly offsets: number[] = [];
  private offset = 1;

  /** Notes that `row` was read from 1-based `line`; rows must be added in increasing order. */
  add(row: number, line: number): void {
    const offset = line - row;
    if (offset !== this.offset) {
      this.rows.push(row);
      this.offsets.push(offset);
      this.offset = offset;
    }
  }

  /** The 1-based line `row` was read from. */
  lineOf(row: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[mid]! <= row) lo = mid + 1;
      else hi = mid;
    }
    return row + (lo === 0 ? 1 : this.offsets[lo - 1]!);
  }
}
