import { MAX_ID_LENGTH } from '@edgerec/core';
import { UserError } from '../user-error.js';
import { DataError } from './data-error.js';
import { streamDelimitedFile } from './delimited-file.js';
import { resolveDuplicates } from './duplicates.js';
import { checkFormat, type FormatSpec, type RatingsFormat } from './formats.js';
import {
  detectInteractionsFormat,
  interactionSource,
  type InteractionColumns,
  type InteractionSource,
} from './interactions-format.js';
import { RowCollector, type RowLayout } from './row-collector.js';

/** Options of readInteractionsFile. */
export interface ReadInteractionsOptions {
  /** Layout of the file; 'auto' (default) detects it from the first lines. */
  format?: RatingsFormat | 'auto';
  /** Keeps only rows rated at least this (the file needs a rating column); the rest are counted in `belowMinRating`. */
  minRating?: number;
  /** The weight column, by header name or 1-based number (default: a header named weight, count, clicks, plays, …). */
  weightColumn?: string | number;
  /** Called after each chunk read, and finally with bytesRead == totalBytes. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Stops reading with the signal's reason. */
  signal?: AbortSignal;
  /** Skip rows whose user or item id is longer than MAX_ID_LENGTH (counted in `longIdRows`) instead of failing on the first. */
  skipLongIds?: boolean;
}

/** Implicit feedback read from a file: one row per (user, item) pair with its weight. */
export interface InteractionsFile {
  users: Uint32Array;
  items: Uint32Array;
  /** Finite and > 0: the weight column summed over repeats, or (without one) the number of rows of the pair. */
  weights: Float32Array;
  /** Seconds since the epoch (the latest of a pair's rows), when the file has a timestamp column. */
  timestamps?: Float64Array;
  userIds: readonly string[];
  itemIds: readonly string[];
  file: string;
  format: RatingsFormat;
  /** Hex sha256 of the file bytes, computed while streaming. */
  sha256: string;
  /** Lines in the file, counting the header and blank lines. */
  lines: number;
  /** Rows merged into another row of the same pair. */
  duplicates: number;
  /** Rows dropped because their rating was below `minRating`. */
  belowMinRating: number;
  /** Rows skipped because an id was longer than MAX_ID_LENGTH (only with `skipLongIds`). */
  longIdRows: number;
  /** 'interactions' for a weight column or plain user,item pairs; 'ratings' for a ratings file (each row weighs 1). */
  source: InteractionSource;
  /** With source 'ratings': each pair's rating (the highest, when the pair repeats). */
  ratings?: Float32Array;
}

/**
 * Streams an interactions file (user,item[,weight][,timestamp], or a ratings file read as
 * implicit feedback) into columns. Repeated pairs are merged by summing their weights, keeping
 * the latest timestamp. Any bad input is a DataError naming file, line and field; nothing partial is returned.
 */
export async function readInteractionsFile(
  path: string,
  options: ReadInteractionsOptions = {},
): Promise<InteractionsFile> {
  const format = options.format ?? 'auto';
  checkFormat(format);
  const { minRating } = options;
  if (minRating !== undefined && !Number.isFinite(minRating)) {
    throw new UserError(`minimum rating must be a finite number, got ${minRating}`);
  }
  const weightColumn = options.weightColumn === undefined ? undefined : String(options.weightColumn);
  const streamed = await streamDelimitedFile(
    path,
    (sample, expectedRows) => {
      const spec = detectInteractionsFormat(sample, path, format, weightColumn);
      const layout = { ...interactionsLayout(spec, path, minRating), skipLongIds: options.skipLongIds ?? false };
      return new RowCollector(path, spec, layout, expectedRows);
    },
    { noun: 'interactions', onProgress: options.onProgress, signal: options.signal },
  );
  const collector = streamed.sink;
  if (collector.builder.length === 0) throw new DataError(path, noRowsProblem(collector, minRating));
  const source = interactionSource(collector.spec.columns);
  const table = collector.builder.build();
  const resolved = resolveDuplicates(table, source === 'ratings' ? 'max' : 'sum', { countRows: source === 'ratings' });
  const merged = resolved.table;
  const result: InteractionsFile = {
    users: merged.users,
    items: merged.items,
    weights: source === 'ratings' ? Float32Array.from(resolved.rowCounts!) : merged.ratings,
    userIds: merged.userIds,
    itemIds: merged.itemIds,
    file: path,
    format: collector.spec.format,
    sha256: streamed.sha256,
    lines: streamed.lines,
    duplicates: resolved.duplicates,
    belowMinRating: collector.belowMinRating,
    longIdRows: collector.longIdRows,
    source,
  };
  if (merged.timestamps !== undefined) result.timestamps = merged.timestamps;
  if (source === 'ratings') result.ratings = merged.ratings;
  return result;
}

/** What each record holds: the weight (or the rating of a ratings file) as the value, the timestamp, the rating filter. */
function interactionsLayout(
  spec: FormatSpec<InteractionColumns>,
  path: string,
  minRating: number | undefined,
): RowLayout {
  const { user, item, weight, rating, timestamp } = spec.columns;
  const layout: RowLayout = { user, item };
  if (weight !== undefined) layout.value = { column: weight, field: 'weight' };
  else if (rating !== undefined) layout.value = { column: rating, field: 'rating' };
  if (timestamp !== undefined) layout.timestamp = timestamp;
  if (minRating !== undefined) {
    if (rating === undefined) {
      throw new UserError(`a minimum rating needs a rating column, but ${path} has none (${describeColumns(spec)})`);
    }
    layout.minRating = { column: rating, min: minRating };
  }
  return layout;
}

/** The roles a layout found, in column order, e.g. "columns: user, item, weight". */
function describeColumns(spec: FormatSpec<InteractionColumns>): string {
  const roles = Object.entries(spec.columns).sort(([, a], [, b]) => a - b);
  return `columns: ${roles.map(([role]) => role).join(', ')}`;
}

/** Why a file gave no rows: no data lines after the header, or every row under the minimum rating. */
function noRowsProblem(collector: RowCollector, minRating: number | undefined): string {
  if (collector.longIdRows > 0 && collector.belowMinRating === 0) {
    return `no interactions: every row (${collector.longIdRows}) has an id longer than ${MAX_ID_LENGTH} characters`;
  }
  if (collector.belowMinRating > 0) {
    return `no interactions: all ${collector.belowMinRating} rows have a rating below the minimum ${minRating}`;
  }
  return collector.sawHeader ? 'no interactions: the file has a header line but no data rows' : 'no interactions';
}
