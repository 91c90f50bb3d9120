import {
  buildSeenItems,
  createIdIndex,
  itemPopularity,
  serializeArtifact,
  type Objective,
  type RecommenderModel,
  type SeenItems,
  type TableEncoding,
} from '@edgerec/core';
import { basename } from 'node:path';
import type { RatingsFormat } from '../data/formats.js';
import { readSparkIdMap } from '../data/spark-als/id-map.js';
import { readSparkAlsMetadata, type SparkAlsMetadata } from '../data/spark-als/metadata.js';
import { readSparkFactors, type FactorProgress, type SparkFactors } from '../data/spark-als/read-factors.js';
import { FlagValueError } from '../options.js';
import type { GivenScale } from './rating-scale.js';
import { servedIds } from './spark-als-ids.js';
import { explicitModel, implicitModel, resolveObjective } from './spark-als-model.js';
import { readKnownPairs, type KnownPairs } from './spark-als-ratings.js';

/** Everything {@link importSparkAls} needs. */
export interface ImportSparkAlsOptions extends GivenScale {
  /** The folder Spark's `ALSModel.save(path)` wrote. */
  dir: string;
  /** What the model was trained for; needed when the metadata does not record implicitPrefs (it never does for an ALSModel). */
  objective?: Objective;
  /** A `kind<TAB>sparkId<TAB>rawId` mapping (file or Spark CSV folder); without it the Spark ids are the served ids. */
  ids?: string;
  /** The training data, for seen lists and popularity (and an explicit model's scale and mean). */
  ratings?: string;
  format?: RatingsFormat | 'auto';
  skipLongIds?: boolean;
  /** The score (implicit) or rating (explicit) at which the edge says "recommend". */
  threshold?: number;
  tableEncoding?: TableEncoding;
  hooks?: {
    onInfo?(line: string): void;
    onFactors?: FactorProgress;
    onReadProgress?(file: string, bytesRead: number, totalBytes: number): void;
  };
}

/** What an import found and wrote. */
export interface SparkImportSummary {
  objective: Objective;
  /** How the objective was known: the metadata's implicitPrefs, or --objective. */
  objectiveFrom: 'metadata' | '--objective';
  rank: number;
  users: number;
  items: number;
  userFiles: number;
  itemFiles: number;
  sparkVersion: string | null;
  /** Rows of --ratings kept (their user and item are in the model), and dropped; null without --ratings. */
  ratings: { file: string; rows: number; kept: number; unknown: number; seenPairs: number } | null;
  recommendThreshold: number;
  seconds: number;
}

/** The imported model, its artifact text, and what happened. */
export interface ImportedSparkModel {
  model: RecommenderModel;
  artifact: string;
  summary: SparkImportSummary;
}

/**
 * Reads a saved Spark ML ALSModel (metadata, userFactors/, itemFactors/), maps its ids (`--ids`),
 * optionally reads the training data for seen lists and popularity, and assembles the served
 * model on the trainer's own paths: an implicit model as an iALS interaction head (zero biases,
 * linear), an explicit one as a rating model on the unscaled rating range. Writes nothing.
 */
export async function importSparkAls(options: ImportSparkAlsOptions): Promise<ImportedSparkModel> {
  const started = performance.now();
  const hooks = options.hooks ?? {};
  const metadata = await readSparkAlsMetadata(options.dir);
  const { objective, from } = resolveObjective(metadata, options.objective);
  if (objective === 'rating' && options.ratings === undefined) {
    throw new FlagValueError(
      'an explicit (rating) model needs --ratings: its rating scale and global mean come from the ratings Spark trained on',
    );
  }
  const userFactors = await readSparkFactors(options.dir, 'user', metadata.rank, hooks.onFactors);
  const itemFactors = await readSparkFactors(options.dir, 'item', metadata.rank, hooks.onFactors);
  const idMap = options.ids === undefined ? undefined : await readSparkIdMap(options.ids);
  const users = createIdIndex(servedIds(userFactors, idMap, options.ids));
  const items = createIdIndex(servedIds(itemFactors, idMap, options.ids));
  hooks.onInfo?.(
    `read Spark ${metadata.sparkVersion ?? '(version unknown)'} ALS model ${options.dir}: rank ${metadata.rank}, ` +
      `${users.size} users (${userFactors.files} part files), ${items.size} items (${itemFactors.files} part files), ${objective} objective`,
  );
  const pairs =
    options.ratings === undefined
      ? undefined
      : await readKnownPairs(options.ratings, objective, users, items, {
          format: options.format ?? 'auto',
          skipLongIds: options.skipLongIds ?? false,
          ...(hooks.onInfo ? { onInfo: hooks.onInfo } : {}),
          ...(hooks.onReadProgress ? { onReadProgress: hooks.onReadProgress } : {}),
        });
  if (pairs && pairs.unknown > 0) {
    hooks.onInfo?.(
      `warning: ${pairs.file}: ${pairs.unknown} of ${pairs.rows} rows have a user or item the model has no factors for; left out of the seen lists`,
    );
  }
  const seen = pairs ? buildSeenItems(users.size, pairs.users, pairs.items) : undefined;
  const tables = {
    userFactors: userFactors.factors,
    itemFactors: itemFactors.factors,
    userBias: new Float32Array(users.size),
    itemBias: new Float32Array(items.size),
  };
  const shared = { users, items, ...(seen ? { seen, popularity: itemPopularity(items.size, seen) } : {}) };
  const { model, globalMean } =
    objective === 'interaction'
      ? { model: implicitModel(tables, shared, options.threshold), globalMean: undefined }
      : explicitModel(tables, shared, metadata.rank, pairs!, options, hooks.onInfo);
  const seconds = (performance.now() - started) / 1000;
  const artifact = await serializeArtifact(
    model,
    {
      stats: {
        ratings: pairs?.users.length ?? 0,
        users: users.size,
        items: items.size,
        ...(globalMean !== undefined ? { globalMean } : {}),
      },
      training: trainingRecord(metadata, objective, from, pairs, options, seconds),
    },
    { tableEncoding: options.tableEncoding ?? 'f32-base64', includeSeen: seen !== undefined },
  );
  return {
    model,
    artifact,
    summary: summarize(metadata, objective, from, userFactors, itemFactors, pairs, seen, model, seconds),
  };
}

/** The artifact's training record: where the model came from (Spark never tells the hyperparameters an ALSModel was fitted with). */
function trainingRecord(
  metadata: SparkAlsMetadata,
  objective: Objective,
  from: 'metadata' | '--objective',
  pairs: KnownPairs | undefined,
  options: ImportSparkAlsOptions,
  seconds: number,
) {
  return {
    data: pairs
      ? { file: basename(pairs.file), sha256: pairs.sha256, format: pairs.format, ratings: pairs.rows }
      : { file: basename(metadata.file), sha256: metadata.sha256, format: 'spark-als', ratings: 0 },
    seed: 0,
    epochs: 0,
    bestEpoch: 0,
    stoppedEarly: false,
    backend: 'spark',
    seconds,
    hyperparameters: {
      source: 'spark-als',
      method: objective === 'interaction' ? 'ials' : 'als',
      dim: metadata.rank,
      implicitPrefs: objective === 'interaction',
      objectiveFrom: from,
      sparkVersion: metadata.sparkVersion ?? null,
      sparkUid: metadata.uid ?? null,
      userCol: metadata.userCol,
      itemCol: metadata.itemCol,
      metadataSha256: metadata.sha256,
      idsFile: options.ids === undefined ? null : basename(options.ids),
      ratingsFile: pairs ? basename(pairs.file) : null,
    },
    metrics: {},
    history: [],
  };
}

function summarize(
  metadata: SparkAlsMetadata,
  objective: Objective,
  from: 'metadata' | '--objective',
  userFactors: SparkFactors,
  itemFactors: SparkFactors,
  pairs: KnownPairs | undefined,
  seen: SeenItems | undefined,
  model: RecommenderModel,
  seconds: number,
): SparkImportSummary {
  return {
    objective,
    objectiveFrom: from,
    rank: metadata.rank,
    users: userFactors.ids.length,
    items: itemFactors.ids.length,
    userFiles: userFactors.files,
    itemFiles: itemFactors.files,
    sparkVersion: metadata.sparkVersion ?? null,
    ratings: pairs
      ? {
          file: pairs.file,
          rows: pairs.rows,
          kept: pairs.users.length,
          unknown: pairs.unknown,
          seenPairs: seen?.items.length ?? 0,
        }
      : null,
    recommendThreshold: model.recommendThreshold,
    seconds,
  };
}
