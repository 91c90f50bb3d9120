import type { IdIndex, Objective } from '@edgerec/core';
import { DataError } from '../data/data-error.js';
import type { RatingsFormat } from '../data/formats.js';
import { longIdWarning } from '../data/long-ids.js';
import { readInteractionsFile } from '../data/read-interactions.js';
import { readRatingsFile } from '../data/read-ratings.js';

/** The rows of a `--ratings` file whose user and item the imported model has, as model indices. */
export interface KnownPairs {
  file: string;
  sha256: string;
  format: RatingsFormat;
  /** Rows read (after the reader merged repeated pairs). */
  rows: number;
  users: Uint32Array;
  items: Uint32Array;
  /** The ratings (explicit) or interaction weights (implicit) of the kept rows. */
  values: Float32Array;
  /** Rows dropped because the model has no factors for their user or item. */
  unknown: number;
}

/** How to read the file. */
export interface KnownPairsOptions {
  format?: RatingsFormat | 'auto';
  skipLongIds?: boolean;
  onInfo?(line: string): void;
  onReadProgress?(file: string, bytesRead: number, totalBytes: number): void;
}

/**
 * Reads the data a Spark model was trained on with the trainer's own readers (a ratings file for
 * an explicit model, ratings or interactions for an implicit one; the same formats, delimiters
 * and headers as `train`) and keeps the rows whose ids the model serves. None kept is a
 * DataError: the file's ids are then not the model's (raw ids without `--ids`, or the reverse).
 * @example const pairs = await readKnownPairs('ratings.tsv', 'rating', users, items);
 */
export async function readKnownPairs(
  path: string,
  objective: Objective,
  users: IdIndex,
  items: IdIndex,
  options: KnownPairsOptions = {},
): Promise<KnownPairs> {
  const read = {
    format: options.format ?? 'auto',
    skipLongIds: options.skipLongIds ?? false,
    onProgress: (bytes: number, total: number) => options.onReadProgress?.(path, bytes, total),
  };
  const data =
    objective === 'rating'
      ? await readRatingsFile(path, { ...read, timestamps: false })
      : await readInteractionsFile(path, read);
  const skipped = longIdWarning(data);
  if (skipped !== undefined) options.onInfo?.(skipped);
  const values = 'weights' in data ? data.weights : data.ratings;
  const userOf = Int32Array.from(data.userIds, (id) => users.indexOf(id) ?? -1);
  const itemOf = Int32Array.from(data.itemIds, (id) => items.indexOf(id) ?? -1);
  const keep: number[] = [];
  for (let r = 0; r < data.users.length; r++) {
    if (userOf[data.users[r]!]! >= 0 && itemOf[data.items[r]!]! >= 0) keep.push(r);
  }
  if (keep.length === 0) {
    throw new DataError(
      path,
      `none of its ${data.users.length} rows has a user and an item of the model ` +
        `(e.g. user ${JSON.stringify(data.userIds[0])}, item ${JSON.stringify(data.itemIds[0])}); ` +
        "without --ids the model's ids are Spark's integer ids, with --ids they are the raw ids",
    );
  }
  return {
    file: data.file,
    sha256: data.sha256,
    format: data.format,
    rows: data.users.length,
    users: Uint32Array.from(keep, (r) => userOf[data.users[r]!]!),
    items: Uint32Array.from(keep, (r) => itemOf[data.items[r]!]!),
    values: Float32Array.from(keep, (r) => values[r]!),
    unknown: data.users.length - keep.length,
  };
}
