import {
  biasRanker,
  createIdIndex,
  evaluateBaseline,
  evaluateRanking,
  evaluateRatings,
  fitBiasBaseline,
  globalMeanBaseline,
  itemPopularity,
  modelRanker,
  objectiveOf,
  popularityRanker,
  type IdIndex,
  type LoadedArtifact,
  type RankingAccuracy,
  type RatingAccuracy,
  type SeenItems,
} from '@edgerec/core';
import { basename } from 'node:path';
import type { RatingsFormat } from '../data/formats.js';
import { longIdWarning } from '../data/long-ids.js';
import { readRatingsFile, type DuplicatePolicy } from '../data/read-ratings.js';
import { indexAgainst } from '../data/split.js';
import { readArtifactFile } from '../io/read-artifact.js';
import {
  popularityVerdict,
  rankingMetricSet,
  type RankingMetricSet,
  type RankingVerdict,
} from './evaluate-interactions.js';
import { trainingItems } from './training-items.js';
import { UserError } from '../user-error.js';
import { type ExcludedItems, excludedItemsNote } from './excluded-items.js';

/** Regularisation of the bias baseline (Koren 2008's λ3 for users, λ2 for items). */
const BIAS_LAMBDAS = { lambdaUser: 10, lambdaItem: 25, sweeps: 10 } as const;

/** What {@link evaluateModelFiles} reads and how. */
export interface EvaluateOptions {
  /** Model artifact path. */
  model: string;
  /** Held-out ratings file. */
  ratings: string;
  /** The ratings file the model was trained on, to fit the bias baseline (and the global mean) on. */
  train?: string;
  /** Ranked list length (default 10). */
  k?: number;
  /** Held-out rating at which an item counts as relevant (default: the model's recommend threshold). */
  threshold?: number;
  format?: RatingsFormat | 'auto';
  duplicates?: DuplicatePolicy;
  /** The artifact already read (else `model` is read). */
  artifact?: LoadedArtifact;
  /** Skip rows with an id longer than MAX_ID_LENGTH instead of failing; each file's count goes to `onWarning`. */
  skipLongIds?: boolean;
  /** Receives warning lines (rows skipped for long ids). */
  onWarning?: (line: string) => void;
}

/** One predictor's figures; ranking metrics are null when it cannot rank or no user has a relevant item. */
export interface MetricSet extends RankingMetricSet {
  rmse: number;
  mae: number;
}

/** Whether the model beats a baseline on one metric. */
export interface Verdict {
  metric: 'rmse' | 'ndcgAtK';
  against: 'biasBaseline' | 'globalMean';
  model: number;
  baseline: number;
  beats: boolean;
  /** How much better the model is (positive) or worse (negative), in the metric's units. */
  margin: number;
  message: string;
}

/** Everything `edgerec evaluate` reports. */
export interface EvaluationReport {
  files: { model: string; ratings: string; train: string | null };
  k: number;
  threshold: number;
  heldOut: {
    ratings: number;
    /** Rows whose user or item the model does not know: bias fallback for RMSE/MAE, skipped for ranking. */
    unknownIds: number;
    /** Users with at least one relevant held-out item (the users the ranking metrics average over). */
    rankedUsers: number;
    relevant: number;
  };
  /** What each user's ranking excludes. */
  excluded: ExcludedItems;
  model: MetricSet;
  /** Null without --train: the artifact does not contain the training ratings. */
  biasBaseline: MetricSet | null;
  globalMean: MetricSet & { mean: number; source: 'train file' | 'artifact stats' };
  /** Item popularity on the same training data (ranking only); null when there is nothing to count. */
  popularity: RankingMetricSet | null;
  verdicts: (Verdict | RankingVerdict)[];
  notes: string[];
}

/**
 * Scores a model artifact on held-out ratings (RMSE, MAE, precision@K, recall@K, NDCG@K) next
 * to a bias baseline fitted on `train` and the global mean, all on the same held-out rows.
 */
export async function evaluateModelFiles(options: EvaluateOptions): Promise<EvaluationReport> {
  const k = options.k ?? 10;
  const read = async (path: string) => {
    const file = await readRatingsFile(path, {
      format: options.format ?? 'auto',
      duplicates: options.duplicates ?? 'last',
      timestamps: false,
      skipLongIds: options.skipLongIds ?? false,
    });
    const warning = longIdWarning(file);
    if (warning !== undefined) options.onWarning?.(warning);
    return file;
  };
  const { model, meta } = options.artifact ?? (await readArtifactFile(options.model));
  if (objectiveOf(model) === 'interaction') {
    throw new UserError(
      `${options.model} is an interaction model: it predicts what users pick, not ratings; evaluate it with --mode interaction`,
    );
  }
  const heldOutFile = await read(options.ratings);
  const threshold = options.threshold ?? model.recommendThreshold;
  const clip = { min: model.scale.min, max: model.scale.max };
  const notes: string[] = [];

  const heldOut = indexAgainst(heldOutFile, undefined, model.users, model.items);
  let unknownIds = 0;
  for (let r = 0; r < heldOut.ratings.length; r++) if (heldOut.users[r]! < 0 || heldOut.items[r]! < 0) unknownIds++;
  const modelAccuracy = evaluateRatings(model, heldOut);

  let seen: SeenItems | undefined = model.seen;
  let popularityCounts: Float32Array | undefined =
    model.popularity ?? (model.seen ? itemPopularity(model.items.size, model.seen) : undefined);
  let bias: { accuracy: RatingAccuracy; ranking: RankingAccuracy } | undefined;
  let mean: { accuracy: RatingAccuracy; value: number; source: 'train file' | 'artifact stats' };
  if (options.train !== undefined) {
    const trainFile = await read(options.train);
    // One index space for the baseline: the model's ids first (so its indices match the model's), then the rest.
    const users = extendIndex(model.users, trainFile.userIds);
    const items = extendIndex(model.items, trainFile.itemIds);
    const trainRows = indexAgainst(trainFile, undefined, users, items);
    const baseline = fitBiasBaseline(trainRows, { users: users.size, items: items.size }, BIAS_LAMBDAS);
    const heldOutForBaseline = indexAgainst(heldOutFile, undefined, users, items);
    seen = trainingItems(model.users.size, model.items.size, trainRows, model.seen);
    const counts = itemPopularity(model.items.size, trainingItems(model.users.size, model.items.size, trainRows));
    popularityCounts = counts;
    const ranker = biasRanker(baseline, { users: model.users.size, items: model.items.size });
    bias = {
      accuracy: evaluateBaseline(baseline, heldOutForBaseline, clip),
      ranking: evaluateRanking(ranker, heldOut, { k, threshold, seen, popularity: counts }),
    };
    mean = {
      accuracy: evaluateBaseline(globalMeanBaseline(baseline.globalMean), heldOutForBaseline, clip),
      value: baseline.globalMean,
      source: 'train file',
    };
    notes.push(
      `baselines fitted on all ${trainFile.ratings.length} ratings of ${basename(trainFile.file)} ` +
        `(μ = ${baseline.globalMean.toFixed(4)}, λ_user ${BIAS_LAMBDAS.lambdaUser}, λ_item ${BIAS_LAMBDAS.lambdaItem}); ` +
        `the model trained on ${meta.stats.ratings} of the ${meta.training.data.ratings} ratings of ${meta.training.data.file}`,
    );
    if (trainFile.sha256 !== meta.training.data.sha256) {
      notes.push(
        `${basename(trainFile.file)} is not the file the model was trained on (${meta.training.data.file}, sha256 differs): ` +
          'the comparison is not like for like',
      );
    }
  } else {
    mean = {
      accuracy: evaluateBaseline(globalMeanBaseline(meta.stats.globalMean ?? Number.NaN), heldOut, clip),
      value: meta.stats.globalMean ?? Number.NaN,
      source: 'artifact stats',
    };
    notes.push(
      'no bias baseline: the artifact does not contain the training ratings; pass --train FILE ' +
        `(the file the model was trained on, ${meta.training.data.file}) to fit one`,
    );
    notes.push(
      `global mean ${(meta.stats.globalMean ?? Number.NaN).toFixed(4)} taken from the artifact (the mean of the model's training split)`,
    );
  }
  const rankingOptions = {
    k,
    threshold,
    ...(seen ? { seen } : {}),
    ...(popularityCounts ? { popularity: popularityCounts } : {}),
  };
  const modelRanking = evaluateRanking(modelRanker(model), heldOut, rankingOptions);
  const popularityRanking = popularityCounts
    ? evaluateRanking(
        popularityRanker(popularityCounts, { users: model.users.size, ...(seen ? { seen } : {}) }),
        heldOut,
        rankingOptions,
      )
    : undefined;
  if (model.ranking)
    notes.push(
      'ranking by the model’s interaction head (what /recommendations serves); RMSE and MAE by its rating head',
    );
  notes.push('the global mean cannot rank (every item gets the same score): its ranking metrics are n/a');
  if (unknownIds > 0) {
    notes.push(
      `${unknownIds} held-out ratings have a user or item the model does not know: ` +
        'scored by the bias fallback for RMSE/MAE, skipped for ranking',
    );
  }
  if (modelRanking.users === 0) notes.push(`no held-out rating reaches ${threshold}: ranking metrics are n/a`);
  if (!seen) notes.push('the model stores no training items and no --train was given: rankings exclude nothing');

  const modelMetrics = metricSet(modelAccuracy, modelRanking);
  const biasMetrics = bias ? metricSet(bias.accuracy, bias.ranking) : null;
  const meanMetrics = { ...metricSet(mean.accuracy), mean: mean.value, source: mean.source };
  const verdicts: (Verdict | RankingVerdict)[] = [];
  if (popularityRanking && modelMetrics.ndcgAtK !== null && popularityRanking.users > 0) {
    verdicts.push(popularityVerdict(modelMetrics.ndcgAtK, popularityRanking.ndcg, k));
  }
  if (biasMetrics) {
    verdicts.push(verdict('rmse', 'biasBaseline', modelMetrics.rmse, biasMetrics.rmse, k));
    if (modelMetrics.ndcgAtK !== null && biasMetrics.ndcgAtK !== null) {
      verdicts.push(verdict('ndcgAtK', 'biasBaseline', modelMetrics.ndcgAtK, biasMetrics.ndcgAtK, k));
    }
  }
  const againstMean = verdict('rmse', 'globalMean', modelMetrics.rmse, meanMetrics.rmse, k);
  if (!biasMetrics || !againstMean.beats) verdicts.push(againstMean);

  return {
    files: { model: options.model, ratings: options.ratings, train: options.train ?? null },
    k,
    threshold,
    heldOut: {
      ratings: heldOut.ratings.length,
      unknownIds,
      rankedUsers: modelRanking.users,
      relevant: modelRanking.relevant,
    },
    excluded: excludedItemsNote(options.train, seen),
    model: modelMetrics,
    biasBaseline: biasMetrics,
    globalMean: meanMetrics,
    popularity: popularityRanking ? rankingMetricSet(popularityRanking) : null,
    verdicts,
    notes,
  };
}

const METRIC_NAMES = { rmse: 'RMSE', ndcgAtK: 'NDCG@K' } as const;
const BASELINE_NAMES = { biasBaseline: 'the bias baseline', globalMean: 'the global mean' } as const;

/** Compares the model with a baseline on RMSE (lower is better) or NDCG@K (higher is better); ties do not beat. */
export function verdict(
  metric: Verdict['metric'],
  against: Verdict['against'],
  model: number,
  baseline: number,
  k: number,
): Verdict {
  const margin = metric === 'rmse' ? baseline - model : model - baseline;
  const beats = margin > 0;
  const name = METRIC_NAMES[metric].replace('@K', `@${k}`);
  const message = beats
    ? `model beats ${BASELINE_NAMES[against]} on ${name} by ${margin.toFixed(4)} (${model.toFixed(4)} vs ${baseline.toFixed(4)})`
    : `WARNING: the model does NOT beat ${BASELINE_NAMES[against]} on ${name} (${model.toFixed(4)} vs ${baseline.toFixed(4)})`;
  return { metric, against, model, baseline, beats, margin, message };
}

/** Accuracy and ranking figures as one metric row (ranking figures null without a ranking). */
export function metricSet(accuracy: RatingAccuracy, ranking?: RankingAccuracy): MetricSet {
  const none: RankingMetricSet = {
    precisionAtK: null,
    recallAtK: null,
    ndcgAtK: null,
    mapAtK: null,
    hitRateAtK: null,
    coverage: null,
    popularityPercentile: null,
  };
  return { rmse: accuracy.rmse, mae: accuracy.mae, ...(ranking ? rankingMetricSet(ranking) : none) };
}

/** An index with `base`'s ids at their indices, then the ids of `more` it lacks, in order. */
function extendIndex(base: IdIndex, more: readonly string[]): IdIndex {
  const extra = more.filter((id) => base.indexOf(id) === undefined);
  return extra.length === 0 ? base : createIdIndex([...base.ids, ...extra]);
}
