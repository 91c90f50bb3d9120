import { MAX_ID_LENGTH } from '@edgerec/core';
import { UserError } from '../user-error.js';
import { DataError } from './data-error.js';
import { streamDelimitedFile } from './delimited-file.js';
import { resolveDuplicates, type DuplicatePolicy } from './duplicates.js';
import { checkFormat, detectFormat, type RatingsFormat } from './formats.js';
import type { RatingsTable } from './ratings-table.js';
import { ratingsLayout, RowCollector } from './row-collector.js';

export type { DuplicatePolicy } from './duplicates.js';

/** Options of readRatingsFile. */
export interface ReadRatingsOptions {
  /** Layout of the file; 'auto' (default) detects it from the first lines. */
  format?: RatingsFormat | 'auto';
  /** Repeated (user, item) pairs: keep the 'last' (default), average them ('mean'), or fail ('error'). */
  duplicates?: DuplicatePolicy;
  /** Called after each chunk read, and finally with bytesRead == totalBytes. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Stops reading with the signal's reason. */
  signal?: AbortSignal;
  /** Read the timestamp column when there is one (default true); false skips it and saves 8 bytes a row. */
  timestamps?: boolean;
  /** Skip rows whose user or item id is longer than MAX_ID_LENGTH (counted in `longIdRows`) instead of failing on the first. */
  skipLongIds?: boolean;
}

/**
 * A ratings table read from a file, with what is known about the file. `timestamps` (seconds
 * since the epoch) is present when the file has a timestamp column: the fourth column of
 * MovieLens u.data / ratings.dat, or a header named timestamp, time, date, … (epoch seconds or ISO-8601).
 */
export interface RatingsFile extends RatingsTable {
  file: string;
  format: RatingsFormat;
  /** Hex sha256 of the file bytes, computed while streaming. */
  sha256: string;
  /** Lines in the file, counting the header and blank lines. */
  lines: number;
  /** Rows merged or dropped by the duplicate policy. */
  duplicates: number;
  /** Rows skipped because an id was longer than MAX_ID_LENGTH (only with `skipLongIds`). */
  longIdRows: number;
}

const DUPLICATE_POLICIES: readonly DuplicatePolicy[] = ['last', 'mean', 'error'];

/** Streams a ratings file into a RatingsTable; any bad input is a DataError naming file, line and field. */
export async function readRatingsFile(path: string, options: ReadRatingsOptions = {}): Promise<RatingsFile> {
  const format = options.format ?? 'auto';
  const policy = options.duplicates ?? 'last';
  checkFormat(format);
  if (!(DUPLICATE_POLICIES as readonly string[]).includes(policy)) {
    throw new UserError(`unknown duplicate policy "${policy}" (expected ${DUPLICATE_POLICIES.join(', ')})`);
  }
  const streamed = await streamDelimitedFile(
    path,
    (sample, expectedRows) => {
      const spec = detectFormat(sample, path, format);
      const layout = {
        ...ratingsLayout(spec.columns, options.timestamps ?? true),
        skipLongIds: options.skipLongIds ?? false,
      };
      return new RowCollector(path, spec, layout, expectedRows);
    },
    { noun: 'ratings', onProgress: options.onProgress, signal: options.signal },
  );
  const collector = streamed.sink;
  if (collector.builder.length === 0) {
    if (collector.longIdRows > 0)
      throw new DataError(
        path,
        `no ratings: every row (${collector.longIdRows}) has an id longer than ${MAX_ID_LENGTH} characters`,
      );
    throw new DataError(
      path,
      collector.sawHeader ? 'no ratings: the file has a header line but no data rows' : 'no ratings',
    );
  }
  const resolved = resolveDuplicates(collector.builder.build(), policy);
  if (resolved.firstDuplicate !== undefined) {
    const { row, firstRow } = resolved.firstDuplicate;
    const table = resolved.table;
    throw new DataError(
      path,
      `duplicate rating for user "${table.userIds[table.users[row]!]}" and item "${table.itemIds[table.items[row]!]}"` +
        `, first given on line ${collector.lineMap.lineOf(firstRow)} (choose another duplicate policy to merge them)`,
      { line: collector.lineMap.lineOf(row) },
    );
  }
  return {
    ...resolved.table,
    file: path,
    format: collector.spec.format,
    sha256: streamed.sha256,
    lines: streamed.lines,
    duplicates: resolved.duplicates,
    longIdRows: collector.longIdRows,
  };
}
