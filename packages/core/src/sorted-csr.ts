/** The index arrays a {@link SortedCsr} can be built in. */
export type IndexArray = Uint32Array | Int32Array;

/**
 * Distinct columns per row in compressed-sparse-row form: row r's columns are
 * `columns[offsets[r] .. offsets[r + 1])`, ascending, each once.
 */
export interface SortedCsr<A extends IndexArray> {
  /** Length rows + 1. */
  readonly offsets: A;
  readonly columns: A;
}

/**
 * Groups parallel (row, column) index arrays by row, sorting each row's columns and keeping a
 * repeated pair once. `IndexArray` is the typed array both outputs are made of. The one CSR
 * builder behind a model's seen items and the fused engine's memberships.
 */
export function buildSortedCsr<A extends IndexArray>(
  IndexArray: new (length: number) => A,
  rowCount: number,
  rows: ArrayLike<number>,
  columns: ArrayLike<number>,
): SortedCsr<A> {
  // Counting sort by row: counts[r]..counts[r + 1] is row r's range of `flat`.
  const counts = new Uint32Array(rowCount + 1);
  for (let k = 0; k < rows.length; k++) counts[(rows[k] as number) + 1]!++;
  for (let r = 0; r < rowCount; r++) counts[r + 1]! += counts[r]!;
  const cursor = counts.slice(0, rowCount);
  const flat = new IndexArray(rows.length);
  for (let k = 0; k < rows.length; k++) flat[cursor[rows[k] as number]!++] = columns[k] as number;
  // Sort each row's slice and drop repeats, compacting in place.
  const offsets = new IndexArray(rowCount + 1);
  let write = 0;
  for (let r = 0; r < rowCount; r++) {
    const slice = flat.subarray(counts[r], counts[r + 1]).sort();
    offsets[r] = write;
    for (let j = 0; j < slice.length; j++) {
      if (j === 0 || slice[j] !== slice[j - 1]) flat[write++] = slice[j]!;
    }
  }
  offsets[rowCount] = write;
  return { offsets, columns: flat.slice(0, write) as A };
}
