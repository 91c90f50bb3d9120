import {
  buildSeenItems,
  createIdIndex,
  scaleRating,
  type IdIndex,
  type IndexedRatings,
  type RatingScale,
  type SeenItems,
} from '@edgerec/core';
import type { TrainingRows } from '@edgerec/core/model';
import type { RatingsTable } from '../data/ratings-table.js';
import { readRatingsFile, type RatingsFile } from '../data/read-ratings.js';
import { longIdWarning } from '../data/long-ids.js';
import { compactIds, indexAgainst, selectRows, splitRows } from '../data/split.js';
import { UserError } from '../user-error.js';
import { chooseRatingScale } from './rating-scale.js';
import type { TrainModelOptions } from './train-model.js';

/** The files a rating model learns from: the ratings and the optional separate test file. */
export interface TrainingFiles {
  data: RatingsFile;
  testFile?: RatingsFile;
}

/** The split and indexed rows, with the ids and the rating scale of the training rows. */
export interface PreparedRows {
  validationFraction: number;
  testFraction: number;
  /** The training rows, ids compacted to those present. */
  trainTable: RatingsTable;
  users: IdIndex;
  items: IdIndex;
  scale: RatingScale;
  validationRows: IndexedRatings;
  testRows?: IndexedRatings;
  /** Validation rows whose user and item have embeddings, with scaled targets (early stopping, refit). */
  earlyStopping: TrainingRows;
  /** Each user's training items. */
  trainSeen: SeenItems;
}

/** Stage "read": reads the ratings and test files (or takes them already read), reporting each on onInfo. */
export async function readTrainingFiles(options: TrainModelOptions): Promise<TrainingFiles> {
  const hooks = options.hooks ?? {};
  const load = async (source: string | RatingsFile) => {
    if (typeof source !== 'string') return source;
    const file = await readRatingsFile(source, {
      format: options.format ?? 'auto',
      duplicates: options.duplicates ?? 'last',
      skipLongIds: options.skipLongIds ?? false,
      onProgress: (bytes, total) => hooks.onReadProgress?.(source, bytes, total),
    });
    reportData(hooks.onInfo, file);
    return file;
  };
  const data = await load(options.ratings);
  return options.test ? { data, testFile: await load(options.test) } : { data };
}

/** Stages "split" and "index": seeded train/validation/test rows, ids of the training rows, and the rating scale. */
export function prepareRows(files: TrainingFiles, options: TrainModelOptions, seed: number): PreparedRows {
  const { data, testFile } = files;
  const onInfo = options.hooks?.onInfo;
  const validationFraction = options.validationFraction ?? 0.1;
  const testFraction = testFile ? 0 : (options.testFraction ?? 0.1);
  const split = options.rows
    ? { test: new Uint32Array(0), ...options.rows }
    : splitRows(data.ratings.length, { validation: validationFraction, test: testFraction }, seed);
  if (split.train.length === 0) throw new UserError(`${data.file}: too few ratings to train on`);
  if (split.validation.length === 0) {
    throw new UserError(`${data.file}: the validation split is empty; use more ratings or a larger --validation`);
  }
  const trainTable = compactIds(selectRows(data, split.train));
  const users = createIdIndex(trainTable.userIds);
  const items = createIdIndex(trainTable.itemIds);

  const { scale, notes } = chooseRatingScale(trainTable.ratings, options, options.threshold);
  for (const note of notes) onInfo?.(note);
  const validationRows = indexAgainst(data, split.validation, users, items);
  const testRows = testFile
    ? indexAgainst(testFile, undefined, users, items)
    : split.test.length > 0
      ? indexAgainst(data, split.test, users, items)
      : undefined;
  return {
    validationFraction,
    testFraction,
    trainTable,
    users,
    items,
    scale,
    validationRows,
    ...(testRows ? { testRows } : {}),
    earlyStopping: knownRows(validationRows, scale),
    trainSeen: buildSeenItems(users.size, trainTable.users, trainTable.items),
  };
}

/** The test rows when there are any. */
export function nonEmptyTestRows(rows: PreparedRows): IndexedRatings | undefined {
  return rows.testRows && rows.testRows.ratings.length > 0 ? rows.testRows : undefined;
}

function reportData(onInfo: ((line: string) => void) | undefined, data: RatingsFile): void {
  const skipped = longIdWarning(data);
  if (skipped !== undefined) onInfo?.(skipped);
  const duplicates = data.duplicates > 0 ? `, ${data.duplicates} duplicate (user, item) rows merged` : '';
  onInfo?.(
    `read ${data.file}: ${data.ratings.length} ratings, ${data.userIds.length} users, ${data.itemIds.length} items ` +
      `(format ${data.format}${duplicates})`,
  );
}

/** Rows whose user and item both have embeddings, with scaled targets (for early stopping). */
function knownRows(rows: IndexedRatings, scale: RatingScale): TrainingRows {
  const keep: number[] = [];
  for (let r = 0; r < rows.ratings.length; r++) if (rows.users[r]! >= 0 && rows.items[r]! >= 0) keep.push(r);
  return {
    users: Int32Array.from(keep, (r) => rows.users[r]!),
    items: Int32Array.from(keep, (r) => rows.items[r]!),
    targets: Float32Array.from(keep, (r) => scaleRating(scale, rows.ratings[r]!)),
  };
}
