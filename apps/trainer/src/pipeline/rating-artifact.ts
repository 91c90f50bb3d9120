import { serializeArtifact, type RecommenderModel } from '@edgerec/core';
import type { TrainResult } from '@edgerec/core/model';
import { basename } from 'node:path';
import type { RankingHead } from './fit-rating-model.js';
import type { RatingEvaluation } from './rating-evaluation.js';
import { hyperparameterRecord, type Hyperparameters } from './rating-hyperparameters.js';
import { interactionRecord } from './interaction-hyperparameters.js';
import type { PreparedRows, TrainingFiles } from './rating-rows.js';
import { describeFeatureFile, type RatingSideFeatures } from './rating-side-features.js';
import type { TrainModelOptions } from './train-model.js';

/** Everything the rating artifact records. */
export interface RatingArtifactParts {
  model: RecommenderModel;
  files: TrainingFiles;
  rows: PreparedRows;
  recipe: Hyperparameters;
  fit: { backend: string; result: TrainResult };
  /** Rows the served tables were fitted on (stats.ratings). */
  trainedOn: number;
  side: RatingSideFeatures;
  head: RankingHead | undefined;
  evaluation: RatingEvaluation;
}

/** Stage "serialize": the artifact text, with the training record (data, recipe, split sizes, metrics, history). */
export async function serializeRatingArtifact(parts: RatingArtifactParts, options: TrainModelOptions): Promise<string> {
  const { model, files, rows, recipe, fit, trainedOn, side, head, evaluation } = parts;
  const { result } = fit;
  const { data, testFile } = files;
  return serializeArtifact(
    model,
    {
      stats: { ratings: trainedOn, users: rows.users.size, items: rows.items.size, globalMean: evaluation.globalMean },
      training: {
        data: { file: basename(data.file), sha256: data.sha256, format: data.format, ratings: data.ratings.length },
        seed: recipe.seed,
        epochs: result.history.length,
        bestEpoch: result.bestEpoch,
        stoppedEarly: result.stoppedEarly,
        backend: fit.backend,
        seconds: result.seconds,
        hyperparameters: {
          ...hyperparameterRecord(recipe),
          refitEpochs: result.refitEpochs,
          engine: result.engine,
          validationFraction: rows.validationFraction,
          testFraction: rows.testFraction,
          trainRows: rows.trainTable.ratings.length,
          validationRows: rows.validationRows.ratings.length,
          testFile: testFile ? basename(testFile.file) : null,
          userFeatures: describeFeatureFile(options.userFeatures, side.users),
          itemFeatures: describeFeatureFile(options.itemFeatures, side.items),
          duplicates: options.duplicates ?? 'last',
        },
        metrics: {
          validation: evaluation.validation,
          ...(evaluation.test ? { test: evaluation.test } : {}),
          ranking: evaluation.ranking.stored,
        },
        history: result.history,
      },
      ...(head
        ? {
            rankingTraining: {
              method: head.recipe.method,
              seconds: head.fit.seconds,
              hyperparameters: {
                ...interactionRecord(head.recipe),
                bestEpoch: head.fit.bestEpoch,
                refitEpochs: head.fit.refitEpochs,
                engine: head.fit.engine,
              },
            },
          }
        : {}),
    },
    { tableEncoding: options.tableEncoding ?? 'f32-base64', includeSeen: options.includeSeen ?? true },
  );
}
