import { readFirstLines } from '../data/delimited-file.js';
import type { DuplicatePolicy } from '../data/duplicates.js';
import type { RatingsFormat } from '../data/formats.js';
import { detectInteractionsFormat, interactionSource, type InteractionSource } from '../data/interactions-format.js';
import type { RatingsTable } from '../data/ratings-table.js';
import { readInteractionsFile } from '../data/read-interactions.js';
import { readRatingsFile } from '../data/read-ratings.js';
import { checkSplitMode, splitTrainTest, type SplitMode, type TrainTestRows } from '../data/train-test-split.js';
import { ratingsFileText } from '../data/write-ratings.js';
import { writeFilesAtomic } from '../io/atomic-files.js';
import { longIdWarning } from '../data/long-ids.js';
import { checkOutputPaths } from '../io/output-paths.js';
import { UserError } from '../user-error.js';

export type { SplitMode } from '../data/train-test-split.js';

/** Options of splitFile. */
export interface SplitFileOptions {
  /** The ratings or interactions file to split. */
  input: string;
  mode: SplitMode;
  /** Seed of the 'random' and 'by-user' shuffles (default 42). */
  seed?: number;
  trainOut: string;
  testOut: string;
  /** Replace existing output files (default: refuse, before reading anything). */
  force?: boolean;
  format?: RatingsFormat | 'auto';
  /** Repeated pairs of a ratings file (default 'last'); an interactions file's repeats always have their weights summed. */
  duplicates?: DuplicatePolicy;
  /** Read the input as interactions with this weight column (header name or 1-based number). */
  weightColumn?: string;
  /** Skip rows with an id longer than MAX_ID_LENGTH (with one warning through onInfo) instead of failing (default false). */
  skipLongIds?: boolean;
  /** Cancels the split; nothing is left behind. */
  signal?: AbortSignal;
  onInfo?: (line: string) => void;
  onReadProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** Rows, users and items of one written part. */
export interface SplitPart {
  path: string;
  rows: number;
  users: number;
  items: number;
}

/** What splitFile read and wrote. */
export interface SplitSummary {
  input: string;
  format: RatingsFormat;
  /** 'ratings': a rating per row (written as `rating`); 'interactions': a weight per row (written as `weight`). */
  source: InteractionSource;
  mode: SplitMode;
  seed: number;
  /** Input rows merged into another row of the same pair before splitting. */
  duplicates: number;
  train: SplitPart;
  test: SplitPart;
  /** Users with train rows but none in test (for --last: users with N rows or fewer). */
  usersOnlyInTrain: number;
  /** Users with test rows but none in train (cold-start users of the test part). */
  usersOnlyInTest: number;
  /** True when the input had a timestamp column, written as the fourth column. */
  timestamps: boolean;
}

const DEFAULT_SEED = 42;

/**
 * Splits one file into a train and a test file. Outputs are checked before the input is read;
 * repeated pairs are merged first, so no pair lands in both parts; both files are written under
 * temporary names and renamed only when both are complete.
 */
export async function splitFile(options: SplitFileOptions): Promise<SplitSummary> {
  checkSplitMode(options.mode);
  const seed = options.seed ?? DEFAULT_SEED;
  await checkOutputPaths(
    [
      { label: 'train output', path: options.trainOut },
      { label: 'test output', path: options.testOut },
    ],
    { inputs: [options.input], force: options.force === true },
  );
  const data = await readSplitInput(options);
  const rows = splitTrainTest(data.table, options.mode, seed);
  options.onInfo?.(`writing ${options.trainOut} and ${options.testOut}`);
  const valueName = data.source === 'ratings' ? 'rating' : 'weight';
  const text = (part: Uint32Array) => ratingsFileText(data.table, { valueName, rows: part, signal: options.signal });
  await writeFilesAtomic(
    [
      { path: options.trainOut, data: text(rows.train) },
      { path: options.testOut, data: text(rows.test) },
    ],
    options.signal,
  );
  return summarize(options, seed, data, rows);
}

/** The input as a table whose value column is the rating or the weight, with where it came from. */
interface SplitInput {
  table: RatingsTable;
  format: RatingsFormat;
  source: InteractionSource;
  duplicates: number;
}

/** Reads the input as ratings (a rating column and no weight column) or else as interactions. */
async function readSplitInput(options: SplitFileOptions): Promise<SplitInput> {
  const { input, signal } = options;
  const format = options.format ?? 'auto';
  const spec = detectInteractionsFormat(await readFirstLines(input, 'ratings'), input, format, options.weightColumn);
  const source = interactionSource(spec.columns);
  if (options.mode.kind === 'last' && spec.columns.timestamp === undefined) {
    throw new UserError(
      `--last needs a timestamp column, but ${input} has none ` +
        '(MovieLens u.data / ratings.dat, or a header column named timestamp, time, date, …); use --by-user or --random',
    );
  }
  const progress = options.onReadProgress === undefined ? {} : { onProgress: options.onReadProgress };
  const skipLongIds = options.skipLongIds ?? false;
  const warnLongIds = (file: { file: string; longIdRows: number }) => {
    const warning = longIdWarning(file);
    if (warning !== undefined) options.onInfo?.(warning);
  };
  if (source === 'ratings') {
    const data = await readRatingsFile(input, {
      format,
      duplicates: options.duplicates ?? 'last',
      signal,
      skipLongIds,
      ...progress,
    });
    warnLongIds(data);
    options.onInfo?.(
      `${input}: ${data.ratings.length} ratings, ${data.userIds.length} users, ${data.itemIds.length} items`,
    );
    return { table: data, format: data.format, source, duplicates: data.duplicates };
  }
  const weightColumn = options.weightColumn === undefined ? {} : { weightColumn: options.weightColumn };
  const data = await readInteractionsFile(input, { format, signal, skipLongIds, ...weightColumn, ...progress });
  warnLongIds(data);
  options.onInfo?.(
    `${input}: ${data.weights.length} interactions, ${data.userIds.length} users, ${data.itemIds.length} items`,
  );
  const table: RatingsTable = {
    users: data.users,
    items: data.items,
    ratings: data.weights,
    userIds: data.userIds,
    itemIds: data.itemIds,
  };
  if (data.timestamps !== undefined) table.timestamps = data.timestamps;
  return { table, format: data.format, source, duplicates: data.duplicates };
}

/** Counts rows, distinct users and items per part, and the users found in only one part. */
function summarize(options: SplitFileOptions, seed: number, data: SplitInput, rows: TrainTestRows): SplitSummary {
  const { table } = data;
  const inTrain = marks(table.users, rows.train, table.userIds.length);
  const inTest = marks(table.users, rows.test, table.userIds.length);
  let usersOnlyInTrain = 0;
  let usersOnlyInTest = 0;
  for (let u = 0; u < table.userIds.length; u++) {
    if (inTrain[u] === 1 && inTest[u] === 0) usersOnlyInTrain++;
    if (inTest[u] === 1 && inTrain[u] === 0) usersOnlyInTest++;
  }
  const part = (path: string, partRows: Uint32Array, users: Uint8Array): SplitPart => ({
    path,
    rows: partRows.length,
    users: users.reduce((sum, mark) => sum + mark, 0),
    items: marks(table.items, partRows, table.itemIds.length).reduce((sum, mark) => sum + mark, 0),
  });
  return {
    input: options.input,
    format: data.format,
    source: data.source,
    mode: options.mode,
    seed,
    duplicates: data.duplicates,
    train: part(options.trainOut, rows.train, inTrain),
    test: part(options.testOut, rows.test, inTest),
    usersOnlyInTrain,
    usersOnlyInTest,
    timestamps: table.timestamps !== undefined,
  };
}

/** 1 for each id that occurs in the given rows of a column, else 0. */
function marks(column: Uint32Array, rows: Uint32Array, count: number): Uint8Array {
  const seen = new Uint8Array(count);
  for (let k = 0; k < rows.length; k++) seen[column[rows[k]!]!] = 1;
  return seen;
}
