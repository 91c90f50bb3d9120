/**
 * Observed (row, column) pairs of one side in compressed-sparse-row form: row r's columns are
 * `columns[offsets[r] .. offsets[r + 1])`, with their confidences at the same positions.
 */
export interface Csr {
  readonly rows: number;
  readonly offsets: Int32Array;
  readonly columns: Int32Array;
  readonly confidences: Float32Array;
}

/**
 * Builds the CSR of (rows[k], columns[k]) pairs with values[k]; a repeated pair keeps one entry
 * whose value is the sum. Within a row, columns keep their first-seen order. `allocate` makes
 * the arrays (pass one backed by a SharedArrayBuffer to share them with worker threads).
 */
export function buildCsr(
  rowCount: number,
  columnCount: number,
  rows: ArrayLike<number>,
  columns: ArrayLike<number>,
  values: ArrayLike<number>,
  allocate: AllocateArrays = plainArrays,
): Csr {
  const n = rows.length;
  if (columns.length !== n || values.length !== n) throw new RangeError('rows, columns and values differ in length');
  const counts = new Int32Array(rowCount + 1);
  for (let k = 0; k < n; k++) {
    const r = rows[k]!;
    const c = columns[k]!;
    if (!(r >= 0 && r < rowCount && c >= 0 && c < columnCount)) {
      throw new RangeError(`pair ${k} (${r}, ${c}) is outside ${rowCount} × ${columnCount}`);
    }
    counts[r + 1]!++;
  }
  for (let r = 0; r < rowCount; r++) counts[r + 1]! += counts[r]!;
  const cursor = counts.slice(0, rowCount);
  const flatColumns = new Int32Array(n);
  const flatValues = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const at = cursor[rows[k]!]!++;
    flatColumns[at] = columns[k]!;
    flatValues[at] = values[k]!;
  }
  // Merge repeats per row with a stamp per column, compacting in place.
  const stamp = new Int32Array(columnCount).fill(-1);
  const slot = new Int32Array(columnCount);
  const offsets = allocate.int32(rowCount + 1);
  let write = 0;
  for (let r = 0; r < rowCount; r++) {
    offsets[r] = write;
    for (let k = counts[r]!; k < counts[r + 1]!; k++) {
      const c = flatColumns[k]!;
      if (stamp[c] === r) {
        flatValues[slot[c]!]! += flatValues[k]!;
        continue;
      }
      stamp[c] = r;
      slot[c] = write;
      flatColumns[write] = c;
      flatValues[write] = flatValues[k]!;
      write++;
    }
  }
  offsets[rowCount] = write;
  const outColumns = allocate.int32(write);
  outColumns.set(flatColumns.subarray(0, write));
  const outValues = allocate.float32(write);
  for (let k = 0; k < write; k++) outValues[k] = flatValues[k]!;
  return { rows: rowCount, offsets, columns: outColumns, confidences: outValues };
}

/** The same pairs seen from the other side (columns become rows), values carried along. */
export function transposeCsr(csr: Csr, columnCount: number, allocate: AllocateArrays = plainArrays): Csr {
  const nnz = csr.offsets[csr.rows]!;
  const offsets = allocate.int32(columnCount + 1);
  for (let k = 0; k < nnz; k++) offsets[csr.columns[k]! + 1]!++;
  for (let c = 0; c < columnCount; c++) offsets[c + 1]! += offsets[c]!;
  const cursor = offsets.slice(0, columnCount);
  const columns = allocate.int32(nnz);
  const confidences = allocate.float32(nnz);
  for (let r = 0; r < csr.rows; r++) {
    for (let k = csr.offsets[r]!; k < csr.offsets[r + 1]!; k++) {
      const at = cursor[csr.columns[k]!]!++;
      columns[at] = r;
      confidences[at] = csr.confidences[k]!;
    }
  }
  return { rows: columnCount, offsets, columns, confidences };
}

/** Makes the CSR's arrays: plain, or backed by shared memory for worker threads. */
export interface AllocateArrays {
  int32(length: number): Int32Array;
  float32(length: number): Float32Array;
}

/** Arrays on ordinary ArrayBuffers. */
export const plainArrays: AllocateArrays = {
  int32: (length) => new Int32Array(length),
  float32: (length) => new Float32Array(length),
};

/** Arrays on SharedArrayBuffers, readable by worker threads without copying. */
export const sharedArrays: AllocateArrays = {
  int32: (length) => new Int32Array(new SharedArrayBuffer(Math.max(4, length * 4)), 0, length),
  float32: (length) => new Float32Array(new SharedArrayBuffer(Math.max(4, length * 4)), 0, length),
};
