import {
  buildSeenItems,
  createIdIndex,
  itemPopularity,
  serializeArtifact,
  type RecommenderModel,
  type SeenItems,
  type TableEncoding,
} from '@edgerec/core';
import type { BackendChoice } from '@edgerec/core/model';
import { basename } from 'node:path';
import type { RatingsFormat } from '../data/formats.js';
import type { RatingsTable } from '../data/ratings-table.js';
import { mergeEvents, type EventsMerge } from '../data/merge-events.js';
import { readEventFiles } from '../data/read-events.js';
import { readInteractionsFile, type InteractionsFile } from '../data/read-interactions.js';
import { compactIds, indexAgainst, selectRows, type IndexedRows } from '../data/split.js';
import { splitTrainTest } from '../data/train-test-split.js';
import { longIdWarning } from '../data/long-ids.js';
import { UserError } from '../user-error.js';
import {
  fitInteractionHead,
  interactionDefaults,
  type InteractionHeadHooks,
  type InteractionRecipe,
  type InteractionRows,
} from './interaction-head.js';
import { interactionModel } from './interaction-model.js';
import { rankingFigures, type RankingFigures } from './ranking-figures.js';
import { concatIndices, definedOnly } from './arrays.js';
import { interactionRecord } from './interaction-hyperparameters.js';

/** Everything {@link trainInteractionModel} needs. */
export interface TrainInteractionsOptions {
  /** Interactions to learn from (or a ratings file, every row an interaction): a path, or a file already read. */
  interactions: string | InteractionsFile;
  /** Separate held-out interactions; when given, `interactions` is split only into train and validation. */
  test?: string | InteractionsFile;
  /** An explicit split of `interactions` into row sets (cross-validation); overrides the fractions. */
  rows?: { train: Uint32Array; validation: Uint32Array; test?: Uint32Array };
  format?: RatingsFormat | 'auto';
  /** Ratings files: keep rows rated at least this. */
  minRating?: number;
  /** The weight column, by header name or 1-based number. */
  weightColumn?: string;
  /** Share of each user's rows held out for validation (early stopping, threshold; default 0.1; 0 for none). */
  validationFraction?: number;
  /** Share of each user's rows held out for the final test when no test file is given (default 0.1). */
  testFraction?: number;
  recipe?: Partial<InteractionRecipe>;
  /** TensorFlow.js backend for the bce/bpr methods (iALS needs none). */
  backend?: BackendChoice;
  tableEncoding?: TableEncoding;
  includeSeen?: boolean;
  /** Skip rows with an id longer than MAX_ID_LENGTH (reported through onInfo) instead of failing (default false). */
  skipLongIds?: boolean;
  /** The score at which the edge says "recommend" (default: the median 10th-best score of training users). */
  threshold?: number;
  /** NDJSON event files (the Worker's export, `edgerec events pull`) merged into `interactions` before the split. */
  events?: readonly string[];
  hooks?: InteractionHeadHooks & { onReadProgress?(file: string, bytesRead: number, totalBytes: number): void };
}

/** Figures about a finished interaction training run. */
export interface InteractionTrainSummary {
  method: string;
  engine: string;
  seconds: number;
  epochs: number;
  bestEpoch: number;
  refitEpochs: number;
  stoppedEarly: boolean;
  rows: { train: number; validation: number; test: number };
  users: number;
  items: number;
  recommendThreshold: number;
  /** Whether the threshold was given rather than placed from the scores. */
  thresholdGiven: boolean;
  ranking: RankingFigures;
  /** What `events` added to the training file. */
  events?: EventsMerge & { files: number; duplicates: number };
}

/** A trained interaction model, its artifact text, and what happened. */
export interface TrainedInteractionModel {
  model: RecommenderModel;
  artifact: string;
  summary: InteractionTrainSummary;
}

/**
 * Reads interactions, splits them per user (seeded), fits an interaction head (iALS by default),
 * ranks the held-out pairs with the serving top-K next to a popularity ranking, and serializes
 * the artifact. Writes nothing: the caller decides where the text goes.
 */
export async function trainInteractionModel(options: TrainInteractionsOptions): Promise<TrainedInteractionModel> {
  const hooks = options.hooks ?? {};
  const given = options.recipe ?? {};
  const recipe: InteractionRecipe = { ...interactionDefaults(given.method ?? 'ials'), ...definedOnly(given) };
  const load = async (source: string | InteractionsFile) => {
    if (typeof source !== 'string') return source;
    const file = await readInteractionsFile(source, {
      format: options.format ?? 'auto',
      ...(options.minRating !== undefined ? { minRating: options.minRating } : {}),
      ...(options.weightColumn !== undefined ? { weightColumn: options.weightColumn } : {}),
      skipLongIds: options.skipLongIds ?? false,
      onProgress: (bytes, total) => hooks.onReadProgress?.(source, bytes, total),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
    });
    reportData(hooks.onInfo, file, options.minRating);
    return file;
  };
  const read = await load(options.interactions);
  const withEvents =
    options.events && options.events.length > 0 ? await mergeEventFiles(read, options.events, hooks.onInfo) : undefined;
  const data = withEvents?.merged ?? read;
  const testFile = options.test ? await load(options.test) : undefined;
  const table = asTable(data);
  const split = options.rows
    ? { test: new Uint32Array(0), ...options.rows }
    : splitPerUser(table, options.validationFraction ?? 0.1, testFile ? 0 : (options.testFraction ?? 0.1), recipe.seed);
  if (split.train.length === 0) throw new UserError(`${data.file}: too few interactions to train on`);

  const trainTable = compactIds(selectRows(table, split.train));
  const users = createIdIndex(trainTable.userIds);
  const items = createIdIndex(trainTable.itemIds);
  const sizes = { users: users.size, items: items.size };
  const validation = knownPairs(indexAgainst(table, split.validation, users, items));
  const testRows = testFile
    ? indexAgainst(asTable(testFile), undefined, users, items)
    : split.test.length > 0
      ? indexAgainst(table, split.test, users, items)
      : undefined;
  const trainRows: InteractionRows = {
    users: Int32Array.from(trainTable.users),
    items: Int32Array.from(trainTable.items),
    weights: trainTable.ratings,
  };
  const trainSeen = buildSeenItems(users.size, trainTable.users, trainTable.items);
  hooks.onInfo?.(
    `training ${recipe.method} (dim ${recipe.dim}) on ${trainRows.users.length} interactions (${users.size} users, ${items.size} items), ` +
      `validating on ${validation.users.length}${testRows ? `, testing on ${testRows.users.length}` : ''}`,
  );

  const head = await fitInteractionHead(
    sizes,
    trainRows,
    validation.users.length > 0 ? validation : undefined,
    recipe,
    {
      trainSeen,
      ...(options.backend ? { backend: options.backend } : {}),
      hooks,
    },
  );
  const seen: SeenItems =
    head.refitEpochs > 0
      ? buildSeenItems(
          users.size,
          concatIndices(trainRows.users, validation.users),
          concatIndices(trainRows.items, validation.items),
        )
      : trainSeen;
  const placed = interactionModel(head, {
    users,
    items,
    seen,
    popularity: itemPopularity(items.size, seen),
    seed: recipe.seed,
  });
  const model = options.threshold === undefined ? placed : { ...placed, recommendThreshold: options.threshold };
  const ranking = rankingFigures({
    ...(validation.users.length > 0
      ? { validation: { model: { ...model, ...head.validationTables }, rows: asIndexed(validation), seen: trainSeen } }
      : {}),
    ...(testRows && testRows.users.length > 0 ? { test: { model, rows: testRows, seen } } : {}),
  });
  const trainedOn = trainRows.users.length + (head.refitEpochs > 0 ? validation.users.length : 0);

  const summary: InteractionTrainSummary = {
    method: recipe.method,
    engine: head.engine,
    seconds: head.seconds,
    epochs: head.history.length,
    bestEpoch: head.bestEpoch,
    refitEpochs: head.refitEpochs,
    stoppedEarly: head.stoppedEarly,
    rows: { train: trainRows.users.length, validation: validation.users.length, test: testRows?.users.length ?? 0 },
    users: users.size,
    items: items.size,
    recommendThreshold: model.recommendThreshold,
    thresholdGiven: options.threshold !== undefined,
    ranking,
    ...(withEvents ? { events: withEvents.report } : {}),
  };
  const artifact = await serializeArtifact(
    model,
    {
      stats: { ratings: trainedOn, users: users.size, items: items.size },
      training: {
        data: {
          file: basename(data.file),
          sha256: data.sha256,
          format: data.format,
          ratings: data.users.length,
          ...(withEvents
            ? { events: { files: options.events!.map((f) => basename(f)), count: withEvents.report.events } }
            : {}),
        },
        seed: recipe.seed,
        epochs: head.history.length,
        bestEpoch: head.bestEpoch,
        stoppedEarly: head.stoppedEarly,
        backend: head.engine,
        seconds: head.seconds,
        hyperparameters: {
          ...interactionRecord(recipe),
          refitEpochs: head.refitEpochs,
          validationFraction: options.validationFraction ?? 0.1,
          testFraction: testFile ? 0 : (options.testFraction ?? 0.1),
          testFile: testFile ? basename(testFile.file) : null,
          source: data.source,
          minRating: options.minRating ?? null,
        },
        metrics: { ranking: ranking.stored },
        history: head.history,
      },
    },
    { tableEncoding: options.tableEncoding ?? 'f32-base64', includeSeen: options.includeSeen ?? true },
  );
  return { model, artifact, summary };
}

/** Row sets of a per-user split: `test` first (when a share is asked), then `validation` from what is left. */
export function splitPerUser(
  table: RatingsTable,
  validationFraction: number,
  testFraction: number,
  seed: number,
): { train: Uint32Array; validation: Uint32Array; test: Uint32Array } {
  for (const [name, value] of [
    ['validation', validationFraction],
    ['test', testFraction],
  ] as const) {
    if (!(value >= 0 && value < 1))
      throw new UserError(`the ${name} share must be at least 0 and below 1, got ${value}`);
  }
  const all = Uint32Array.from({ length: table.users.length }, (_, r) => r);
  const hold = (rows: Uint32Array, share: number, salt: number) => {
    if (share === 0) return { keep: rows, held: new Uint32Array(0) };
    const parts = splitTrainTest(selectRows(table, rows), { kind: 'by-user', trainFraction: 1 - share }, seed + salt);
    return { keep: parts.train.map((k) => rows[k]!), held: parts.test.map((k) => rows[k]!) };
  };
  const test = hold(all, testFraction, 0);
  const validation = hold(test.keep, validationFraction, 1);
  return { train: validation.keep, validation: validation.held, test: test.held };
}

/** An interactions file as a table whose value column is the weight. */
function asTable(file: InteractionsFile): RatingsTable {
  return { users: file.users, items: file.items, ratings: file.weights, userIds: file.userIds, itemIds: file.itemIds };
}

/** `file` with the events of `paths` merged in (see mergeEvents), and what they added. */
async function mergeEventFiles(
  file: InteractionsFile,
  paths: readonly string[],
  onInfo: ((line: string) => void) | undefined,
): Promise<{ merged: InteractionsFile; report: EventsMerge & { files: number; duplicates: number } }> {
  const read = await readEventFiles(paths);
  const { merged, report } = mergeEvents(file, read.events);
  onInfo?.(
    `merged ${report.events} events from ${paths.length} file${paths.length === 1 ? '' : 's'} into ${file.file}: ` +
      `${report.newPairs} new pairs, ${report.newUsers} new users, ${report.newItems} new items` +
      `${read.duplicates > 0 ? ` (${read.duplicates} repeated events dropped)` : ''}`,
  );
  return { merged, report: { ...report, files: paths.length, duplicates: read.duplicates } };
}

/** The pairs whose user and item both have embeddings. */
function knownPairs(rows: IndexedRows): InteractionRows {
  const keep: number[] = [];
  for (let r = 0; r < rows.users.length; r++) if (rows.users[r]! >= 0 && rows.items[r]! >= 0) keep.push(r);
  return {
    users: Int32Array.from(keep, (r) => rows.users[r]!),
    items: Int32Array.from(keep, (r) => rows.items[r]!),
    weights: Float32Array.from(keep, (r) => rows.ratings[r]!),
  };
}

function asIndexed(rows: InteractionRows) {
  return { users: rows.users, items: rows.items, ratings: rows.weights };
}

function reportData(
  onInfo: ((line: string) => void) | undefined,
  file: InteractionsFile,
  minRating: number | undefined,
): void {
  const skipped = longIdWarning(file);
  if (skipped !== undefined) onInfo?.(skipped);
  const notes = [
    file.duplicates > 0 ? `${file.duplicates} repeated (user, item) rows merged (weights summed)` : undefined,
    file.belowMinRating > 0 ? `${file.belowMinRating} rows rated below ${minRating} dropped` : undefined,
    file.source === 'ratings' ? 'a ratings file: every row is an interaction' : undefined,
  ].filter((note) => note !== undefined);
  onInfo?.(
    `read ${file.file}: ${file.users.length} interactions, ${file.userIds.length} users, ${file.itemIds.length} items ` +
      `(format ${file.format}${notes.length > 0 ? `; ${notes.join('; ')}` : ''})`,
  );
}
