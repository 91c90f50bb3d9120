import { evaluateRatings, type RatingAccuracy, type RecommenderModel } from '@edgerec/core';
import type { AssembledRatingModel, RankingHead } from './fit-rating-model.js';
import { rankingFigures, type RankingFigures } from './ranking-figures.js';
import { nonEmptyTestRows, type PreparedRows } from './rating-rows.js';

/** What the trained model scores on the held-out rows. */
export interface RatingEvaluation {
  validation: RatingAccuracy;
  test?: RatingAccuracy;
  /** RMSE of always predicting the training mean, on the test rows (or validation if no test). */
  globalMeanRmse: number;
  /** Mean training rating, in rating units. */
  globalMean: number;
  ranking: RankingFigures;
}

/** Stage "evaluate": accuracy and ranking figures with the serving scorer; validation by the early-stopped tables. */
export function evaluateTrained(
  rows: PreparedRows,
  rating: AssembledRatingModel,
  head: RankingHead | undefined,
  model: RecommenderModel,
): RatingEvaluation {
  const { validationRows, trainSeen } = rows;
  const testRows = nonEmptyTestRows(rows);
  // After a refit the final model has seen the validation rows: score them with the early-stopped one.
  const validation = evaluateRatings(rating.earlyStopped, validationRows);
  const test = testRows ? evaluateRatings(model, testRows) : undefined;
  const globalMean = mean(rows.trainTable.ratings);
  const ranking = rankingFigures({
    validation: head
      ? { model: { ...head.model, ...head.fit.validationTables }, rows: validationRows, seen: trainSeen }
      : { model: rating.earlyStopped, rows: validationRows, seen: trainSeen },
    ...(testRows ? { test: { model, rows: testRows, seen: model.seen! } } : {}),
  });
  return {
    validation,
    ...(test ? { test } : {}),
    globalMeanRmse: constantRmse((testRows ?? validationRows).ratings, globalMean),
    globalMean,
    ranking,
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
