import {
  buildSeenItems,
  createIdIndex,
  evaluateRatings,
  itemPopularity,
  scaleRating,
  serializeArtifact,
  type IdIndex,
  type IndexedRatings,
  type RatingAccuracy,
  type RatingScale,
  type RecommenderModel,
  type TableEncoding,
} from '@edgerec/core';
import {
  DEFAULT_RECIPE,
  loadBackend,
  trainRecommender,
  type BackendChoice,
  type TrainHooks,
  type TrainOptions,
  type TrainingRows,
} from '@edgerec/core/model';
import { basename } from 'node:path';
import type { RatingsFormat } from '../data/formats.js';
import { readRatingsFile, type DuplicatePolicy, type RatingsFile } from '../data/read-ratings.js';
import { compactIds, indexAgainst, selectRows, splitRows } from '../data/split.js';
import { alignFeatures, readFeatureFile, type AlignedFeatures } from '../data/side-features.js';
import { UserError } from '../user-error.js';
import { fitInteractionHead, interactionDefaults, type InteractionHeadHooks, type InteractionRecipe } from './interaction-head.js';
import { interactionModel } from './interaction-model.js';
import { rankingFigures, type RankingFigures } from './ranking-figures.js';
import { concatIndices, definedOnly } from './arrays.js';
import { chooseRatingScale, defaultThreshold } from './rating-scale.js';
import { longIdWarning } from '../data/long-ids.js';

/** Model hyperparameters a caller may set; the rest come from {@link DEFAULT_RECIPE}. */
export type ModelOptions = Partial<Omit<TrainOptions, 'ratingUnitsPerTarget'>>;

/** Everything {@link trainModel} needs. */
export interface TrainModelOptions {
  /** Ratings to learn from: a file path, or a file already read. */
  ratings: string | RatingsFile;
  /** Separate test set; when given, `ratings` is split only into train and validation. */
  test?: string | RatingsFile;
  /** An explicit split of `ratings` into row sets (cross-validation); overrides the fractions. */
  rows?: { train: Uint32Array; validation: Uint32Array; test?: Uint32Array };
  format?: RatingsFormat | 'auto';
  duplicates?: DuplicatePolicy;
  /** Fraction of `ratings` held out for early stopping (default 0.1). */
  validationFraction?: number;
  /** Fraction of `ratings` held out for the final test when no test file is given (default 0.1). */
  testFraction?: number;
  model?: ModelOptions;
  backend?: BackendChoice;
  /** Rating range for scaling (default: the training data's min and max). */
  ratingMin?: number;
  ratingMax?: number;
  /** Rating at or above which the edge says "recommend" (default 62.5% up the scale: 3.5 on 1–5). */
  threshold?: number;
  tableEncoding?: TableEncoding;
  /** Side features: a user feature file (MovieLens u.user / users.dat, or CSV id,feature...). */
  userFeatures?: string;
  /** Side features: an item feature file (MovieLens u.item / movies.dat, or CSV id,feature...). */
  itemFeatures?: string;
  /** Store each user's training items in the artifact (default true). */
  includeSeen?: boolean;
  /** Skip rows with an id longer than MAX_ID_LENGTH (reported through onInfo) instead of failing (default false). */
  skipLongIds?: boolean;
  /**
   * The interaction head trained beside the rating head, which `/recommendations` and the
   * ranking figures use: false for none, else hyperparameters over the iALS defaults (default {}).
   */
  ranking?: Partial<InteractionRecipe> | false;
  /** Receives progress; all optional. */
  hooks?: TrainHooks & {
    onInfo?(line: string): void;
    onReadProgress?(file: string, bytesRead: number, totalBytes: number): void;
    /** A sweep or epoch of the ranking head. */
    onRankingEpoch?: InteractionHeadHooks['onEpoch'];
  };
}

/** Figures about a finished training run. */
export interface TrainSummary {
  backend: string;
  /** 'fused' or 'autodiff'. */
  engine: string;
  seconds: number;
  epochs: number;
  /** Epochs of the refit on training + validation rows (0 without refit). */
  refitEpochs: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  rows: { train: number; validation: number; test: number };
  users: number;
  items: number;
  validation?: RatingAccuracy;
  test?: RatingAccuracy;
  /** RMSE of always predicting the training mean, on the test rows (or validation if no test). */
  globalMeanRmse: number;
  /** Ranking figures (every held-out item relevant) of the ranking head, or of the rating head without one. */
  ranking: RankingFigures;
  /** The ranking head: how it was trained, or null without one. */
  rankingHead: { method: string; engine: string; seconds: number; bestEpoch: number; refitEpochs: number } | null;
}

/** A trained model, its artifact text, and what happened. */
export interface TrainedModel {
  model: RecommenderModel;
  artifact: string;
  summary: TrainSummary;
}

/**
 * Reads ratings, splits them (seeded), fits a RecommenderNet, evaluates it with the serving
 * scorer and serializes the artifact. Writes nothing: the caller decides where the text goes.
 */
export async function trainModel(options: TrainModelOptions): Promise<TrainedModel> {
  const hooks = options.hooks ?? {};
  const recipe = { ...DEFAULT_RECIPE, ...definedOnly(options.model ?? {}) };
  const read = (path: string) =>
    readRatingsFile(path, {
      format: options.format ?? 'auto',
      duplicates: options.duplicates ?? 'last',
      skipLongIds: options.skipLongIds ?? false,
      onProgress: (bytes, total) => hooks.onReadProgress?.(path, bytes, total),
    });

  const load = async (source: string | RatingsFile) => {
    if (typeof source !== 'string') return source;
    const file = await read(source);
    reportData(hooks.onInfo, file);
    return file;
  };
  const data = await load(options.ratings);
  const testFile = options.test ? await load(options.test) : undefined;

  const validationFraction = options.validationFraction ?? 0.1;
  const testFraction = testFile ? 0 : (options.testFraction ?? 0.1);
  const split = options.rows
    ? { test: new Uint32Array(0), ...options.rows }
    : splitRows(data.ratings.length, { validation: validationFraction, test: testFraction }, recipe.seed);
  if (split.train.length === 0) throw new UserError(`${data.file}: too few ratings to train on`);
  if (split.validation.length === 0) {
    throw new UserError(`${data.file}: the validation split is empty; use more ratings or a larger --validation`);
  }
  const trainTable = compactIds(selectRows(data, split.train));
  const users = createIdIndex(trainTable.userIds);
  const items = createIdIndex(trainTable.itemIds);

  const { scale, notes: scaleNotes } = chooseRatingScale(trainTable.ratings, options, options.threshold);
  for (const note of scaleNotes) hooks.onInfo?.(note);
  const validationRows = indexAgainst(data, split.validation, users, items);
  const testRows = testFile
    ? indexAgainst(testFile, undefined, users, items)
    : split.test.length > 0
      ? indexAgainst(data, split.test, users, items)
      : undefined;

  const side = await sideFeatures(options, users, items, hooks.onInfo);

  // The fused engine (the default) runs its kernel on wasm or cpu; tfjs-node only serves --engine autodiff.
  const backend = await loadBackend(options.backend ?? 'auto', { native: recipe.engine === 'autodiff' });
  for (const notice of backend.notices) hooks.onInfo?.(`notice: ${notice}`);
  hooks.onInfo?.(`backend: ${backend.name}`);
  hooks.onInfo?.(
    `training on ${trainTable.ratings.length} ratings (${users.size} users, ${items.size} items), ` +
      `validating on ${validationRows.ratings.length}${testRows ? `, testing on ${testRows.ratings.length}` : ''}`,
  );

  const unitsPerTarget = (scale.max - scale.min) / (scale.targetMax - scale.targetMin);
  const earlyStopping = knownRows(validationRows, scale);
  const result = await trainRecommender(
    backend.tf,
    { users: users.size, items: items.size },
    {
      users: Int32Array.from(trainTable.users),
      items: Int32Array.from(trainTable.items),
      targets: trainTable.ratings.map((r) => scaleRating(scale, r)),
    },
    earlyStopping,
    { ...recipe, ratingUnitsPerTarget: Math.abs(unitsPerTarget) },
    hooks,
    { ...(side.users ? { users: side.users.memberships } : {}), ...(side.items ? { items: side.items.memberships } : {}) },
  );

  const globalMean = mean(trainTable.ratings);
  const trainSeen = buildSeenItems(users.size, trainTable.users, trainTable.items);
  const ratingModel: RecommenderModel = {
    dim: recipe.dim,
    activation: recipe.activation,
    globalBias: result.globalBias,
    scale,
    recommendThreshold: options.threshold ?? defaultThreshold(scale),
    users,
    items,
    ...result.tables,
    // A refit trains on the validation rows too, so they count as seen.
    seen:
      result.refitEpochs > 0
        ? buildSeenItems(users.size, concatIndices(trainTable.users, earlyStopping.users), concatIndices(trainTable.items, earlyStopping.items))
        : trainSeen,
  };
  const popularity = itemPopularity(items.size, ratingModel.seen!);
  const head = options.ranking === false ? undefined : await trainRankingHead();
  const model: RecommenderModel = { ...ratingModel, popularity, ...(head ? { ranking: head.model } : {}) };
  // After a refit the final model has seen the validation rows: score them with the early-stopped one.
  const validation = evaluateRatings({ ...ratingModel, ...result.validationTables }, validationRows);
  const test = testRows && testRows.ratings.length > 0 ? evaluateRatings(model, testRows) : undefined;
  const baselineRows = testRows && testRows.ratings.length > 0 ? testRows : validationRows;
  const ranking = rankingFigures({
    validation: head
      ? { model: { ...head.model, ...head.fit.validationTables }, rows: validationRows, seen: trainSeen }
      : { model: { ...ratingModel, ...result.validationTables }, rows: validationRows, seen: trainSeen },
    ...(testRows && testRows.ratings.length > 0 ? { test: { model, rows: testRows, seen: model.seen! } } : {}),
  });

  /** Fits the interaction head on the training ratings read as interactions (and validates on the validation rows). */
  async function trainRankingHead() {
    const given = options.ranking || {};
    const headRecipe = { ...interactionDefaults(given.method ?? 'ials'), seed: recipe.seed, refit: recipe.refit, ...definedOnly(given) };
    hooks.onInfo?.(`ranking head: ${headRecipe.method}, dim ${headRecipe.dim}`);
    const ones = (n: number) => new Float32Array(n).fill(1);
    const fit = await fitInteractionHead(
      { users: users.size, items: items.size },
      { users: Int32Array.from(trainTable.users), items: Int32Array.from(trainTable.items), weights: ones(trainTable.users.length) },
      { users: earlyStopping.users, items: earlyStopping.items, weights: ones(earlyStopping.users.length) },
      headRecipe,
      {
        backend: options.backend ?? 'auto',
        trainSeen,
        hooks: {
          ...(hooks.onInfo ? { onInfo: hooks.onInfo } : {}),
          ...(hooks.onRankingEpoch ? { onEpoch: hooks.onRankingEpoch } : {}),
          ...(hooks.signal ? { signal: hooks.signal } : {}),
        },
      },
    );
    const headModel = interactionModel(fit, { users, items, seen: ratingModel.seen!, popularity, seed: headRecipe.seed });
    return { fit, recipe: headRecipe, model: headModel };
  }

  const summary: TrainSummary = {
    backend: backend.name,
    engine: result.engine,
    seconds: result.seconds,
    epochs: result.history.length,
    refitEpochs: result.refitEpochs,
    bestEpoch: result.bestEpoch,
    stoppedEarly: result.stoppedEarly,
    rows: {
      train: trainTable.ratings.length,
      validation: validationRows.ratings.length,
      test: testRows?.ratings.length ?? 0,
    },
    users: users.size,
    items: items.size,
    validation,
    ...(test ? { test } : {}),
    globalMeanRmse: constantRmse(baselineRows.ratings, globalMean),
    ranking,
    rankingHead: head
      ? { method: head.recipe.method, engine: head.fit.engine, seconds: head.fit.seconds, bestEpoch: head.fit.bestEpoch, refitEpochs: head.fit.refitEpochs }
      : null,
  };

  const artifact = await serializeArtifact(
    model,
    {
      stats: { ratings: trainTable.ratings.length, users: users.size, items: items.size, globalMean },
      training: {
        data: {
          file: basename(data.file),
          sha256: data.sha256,
          format: data.format,
          ratings: data.ratings.length,
        },
        seed: recipe.seed,
        epochs: result.history.length,
        bestEpoch: result.bestEpoch,
        stoppedEarly: result.stoppedEarly,
        backend: backend.name,
        seconds: result.seconds,
        hyperparameters: {
          dim: recipe.dim,
          activation: recipe.activation,
          dropout: recipe.dropout,
          learningRate: recipe.learningRate,
          learningRateDecay: recipe.learningRateDecay,
          batchSize: recipe.batchSize,
          maxEpochs: recipe.epochs,
          patience: recipe.patience,
          minDelta: recipe.minDelta,
          restoreBest: recipe.restoreBest,
          l2: recipe.l2,
          initScale: recipe.initScale,
          globalOffset: recipe.globalOffset,
          implicit: recipe.implicit,
          nonneg: recipe.nonneg,
          refit: recipe.refit,
          refitEpochs: result.refitEpochs,
          engine: result.engine,
          validationFraction,
          testFraction,
          testFile: testFile ? basename(testFile.file) : null,
          userFeatures: options.userFeatures ? `${basename(options.userFeatures)} (${side.users?.featureNames.length ?? 0} features)` : null,
          itemFeatures: options.itemFeatures ? `${basename(options.itemFeatures)} (${side.items?.featureNames.length ?? 0} features)` : null,
          duplicates: options.duplicates ?? 'last',
        },
        metrics: { validation, ...(test ? { test } : {}), ranking: ranking.stored },
        history: result.history,
      },
      ...(head
        ? {
            rankingTraining: {
              method: head.recipe.method,
              seconds: head.fit.seconds,
              hyperparameters: { ...head.recipe, bestEpoch: head.fit.bestEpoch, refitEpochs: head.fit.refitEpochs, engine: head.fit.engine },
            },
          }
        : {}),
    },
    { tableEncoding: options.tableEncoding ?? 'f32-base64', includeSeen: options.includeSeen ?? true },
  );
  return { model, artifact, summary };
}

/** Reads and aligns the side-feature files, if any, with the training ids. */
async function sideFeatures(
  options: TrainModelOptions,
  users: IdIndex,
  items: IdIndex,
  onInfo: ((line: string) => void) | undefined,
): Promise<{ users?: AlignedFeatures; items?: AlignedFeatures }> {
  const load = async (path: string | undefined, kind: 'user' | 'item', index: IdIndex) => {
    if (!path) return undefined;
    const aligned = alignFeatures(await readFeatureFile(path, kind), index, kind);
    onInfo?.(
      `${kind} features from ${path}: ${aligned.featureNames.length} feature values` +
        `${aligned.missing > 0 ? `, ${aligned.missing} ${kind}s without a row` : ''}` +
        `${aligned.unknown > 0 ? `, ${aligned.unknown} rows for ${kind}s not in the training data (ignored)` : ''}`,
    );
    return aligned;
  };
  const userSide = await load(options.userFeatures, 'user', users);
  const itemSide = await load(options.itemFeatures, 'item', items);
  return { ...(userSide ? { users: userSide } : {}), ...(itemSide ? { items: itemSide } : {}) };
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


function mean(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function constantRmse(values: Float32Array, constant: number): number {
  let sum = 0;
  for (const v of values) sum += (v - constant) ** 2;
  return Math.sqrt(sum / values.length);
}
