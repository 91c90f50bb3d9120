import type { RatingAccuracy, RecommenderModel, TableEncoding } from '@edgerec/core';
import { DEFAULT_RECIPE, type BackendChoice, type TrainHooks } from '@edgerec/core/model';
import type { RatingsFormat } from '../data/formats.js';
import type { DuplicatePolicy, RatingsFile } from '../data/read-ratings.js';
import { definedOnly } from './arrays.js';
import {
  assembleRatingModel,
  fitRankingHead,
  fitRatingHead,
  rowsFittedOn,
  type RankingHead,
  type RatingFit,
} from './fit-rating-model.js';
import type { InteractionHeadHooks, InteractionRecipe } from './interaction-head.js';
import type { RankingFigures } from './ranking-figures.js';
import { serializeRatingArtifact } from './rating-artifact.js';
import { evaluateTrained, type RatingEvaluation } from './rating-evaluation.js';
import type { ModelOptions } from './rating-hyperparameters.js';
import { prepareRows, readTrainingFiles, type PreparedRows } from './rating-rows.js';
import { loadSideFeatures } from './rating-side-features.js';

export type { ModelOptions } from './rating-hyperparameters.js';

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
  /** Rows the served tables were fitted on: the training rows, plus the known validation rows after a refit. */
  trainedOn: number;
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
  const recipe = { ...DEFAULT_RECIPE, ...definedOnly(options.model ?? {}) };
  const files = await readTrainingFiles(options);
  const rows = prepareRows(files, options, recipe.seed);
  const side = await loadSideFeatures(options, rows, options.hooks?.onInfo);
  const fit = await fitRatingHead(rows, recipe, side, options);
  const rating = assembleRatingModel(rows, recipe, fit.result, options.threshold);
  const head = options.ranking === false ? undefined : await fitRankingHead(rows, rating, recipe, options);
  const model: RecommenderModel = {
    ...rating.ratingModel,
    popularity: rating.popularity,
    ...(head ? { ranking: head.model } : {}),
  };
  const evaluation = evaluateTrained(rows, rating, head, model);
  // A refit fits the served tables on training + (known) validation rows: that is what the model saw.
  const trainedOn = rowsFittedOn(rows, fit.result);
  const artifact = await serializeRatingArtifact(
    { model, files, rows, recipe, fit, trainedOn, side, head, evaluation },
    options,
  );
  return { model, artifact, summary: summarize(rows, fit, trainedOn, head, evaluation) };
}

/** The figures of a finished run, as TrainSummary reports them. */
function summarize(
  rows: PreparedRows,
  fit: RatingFit,
  trainedOn: number,
  head: RankingHead | undefined,
  evaluation: RatingEvaluation,
): TrainSummary {
  const { result } = fit;
  return {
    backend: fit.backend,
    engine: result.engine,
    seconds: result.seconds,
    epochs: result.history.length,
    refitEpochs: result.refitEpochs,
    bestEpoch: result.bestEpoch,
    stoppedEarly: result.stoppedEarly,
    rows: {
      train: rows.trainTable.ratings.length,
      validation: rows.validationRows.ratings.length,
      test: rows.testRows?.ratings.length ?? 0,
    },
    trainedOn,
    users: rows.users.size,
    items: rows.items.size,
    validation: evaluation.validation,
    ...(evaluation.test ? { test: evaluation.test } : {}),
    globalMeanRmse: evaluation.globalMeanRmse,
    ranking: evaluation.ranking,
    rankingHead: head
      ? {
          method: head.recipe.method,
          engine: head.fit.engine,
          seconds: head.fit.seconds,
          bestEpoch: head.fit.bestEpoch,
          refitEpochs: head.fit.refitEpochs,
        }
      : null,
  };
}
