import {
  evaluateRanking,
  itemPopularity,
  modelRanker,
  objectiveOf,
  popularityRanker,
  type LoadedArtifact,
  type RankingAccuracy,
} from '@edgerec/core';
import { basename } from 'node:path';
import type { RatingsFormat } from '../data/formats.js';
import { longIdWarning } from '../data/long-ids.js';
import { readInteractionsFile } from '../data/read-interactions.js';
import { indexAgainst } from '../data/split.js';
import { readArtifactFile } from '../io/read-artifact.js';
import { trainingItems } from './training-items.js';
import { type ExcludedItems, excludedItemsNote } from './excluded-items.js';

/** Ranking figures of one ranker; null where undefined (no user to rank, or no popularity to rank against). */
export interface RankingMetricSet {
  precisionAtK: number | null;
  recallAtK: number | null;
  ndcgAtK: number | null;
  mapAtK: number | null;
  hitRateAtK: number | null;
  coverage: number | null;
  popularityPercentile: number | null;
}

/** The model against the popularity baseline on NDCG@K. */
export interface RankingVerdict {
  metric: 'ndcgAtK';
  against: 'popularity';
  model: number;
  baseline: number;
  beats: boolean;
  margin: number;
  message: string;
}

/** What `edgerec evaluate` reports in interaction mode. */
export interface InteractionEvaluationReport {
  mode: 'interaction';
  files: { model: string; ratings: string; train: string | null };
  objective: 'rating' | 'interaction';
  k: number;
  /** 'any' (every held-out item is relevant) or the rating a held-out row needs. */
  threshold: number | 'any';
  heldOut: { rows: number; unknownIds: number; rankedUsers: number; relevant: number };
  excluded: ExcludedItems;
  model: RankingMetricSet;
  popularity: (RankingMetricSet & { source: 'train file' | 'artifact' | 'seen lists' }) | null;
  verdicts: RankingVerdict[];
  notes: string[];
}

/** What {@link evaluateInteractionFiles} reads. */
export interface InteractionEvaluationOptions {
  model: string;
  ratings: string;
  train?: string;
  k?: number;
  /** A held-out rating at or above this is relevant (ratings files only); default: every held-out item. */
  threshold?: number;
  format?: RatingsFormat | 'auto';
  /** The artifact already read (else `model` is read). */
  artifact?: LoadedArtifact;
  /** Skip rows with an id longer than MAX_ID_LENGTH instead of failing; each file's count goes to `onWarning`. */
  skipLongIds?: boolean;
  /** Receives warning lines (rows skipped for long ids). */
  onWarning?: (line: string) => void;
}

/**
 * Ranks held-out interactions with the model's ranking head (the whole catalogue minus each
 * user's training items) and with item popularity counted on the same training data, and
 * reports P@K, R@K, NDCG@K, MAP@K, HR@K, catalogue coverage and the popularity percentile of
 * what was recommended, with a WARNING verdict when the model does not beat popularity.
 */
export async function evaluateInteractionFiles(
  options: InteractionEvaluationOptions,
): Promise<InteractionEvaluationReport> {
  const k = options.k ?? 10;
  const read = async (path: string) => {
    const file = await readInteractionsFile(path, {
      format: options.format ?? 'auto',
      skipLongIds: options.skipLongIds ?? false,
    });
    const warning = longIdWarning(file);
    if (warning !== undefined) options.onWarning?.(warning);
    return file;
  };
  const { model } = options.artifact ?? (await readArtifactFile(options.model));
  const heldOutFile = await read(options.ratings);
  const notes: string[] = [];
  if (options.threshold !== undefined && heldOutFile.source !== 'ratings') {
    notes.push(
      `${basename(heldOutFile.file)} has no rating column: --threshold is ignored and every held-out item is relevant`,
    );
  }
  const threshold: number | 'any' =
    options.threshold !== undefined && heldOutFile.source === 'ratings' ? options.threshold : 'any';
  const values = threshold === 'any' ? heldOutFile.weights : heldOutFile.ratings!;
  const indexed = indexAgainst({ ...heldOutFile, ratings: values }, undefined, model.users, model.items);
  let unknownIds = 0;
  for (let r = 0; r < indexed.users.length; r++) if (indexed.users[r]! < 0 || indexed.items[r]! < 0) unknownIds++;

  let seen = model.seen;
  let popularity: { counts: Float32Array; source: 'train file' | 'artifact' | 'seen lists' } | undefined;
  if (options.train !== undefined) {
    const trainFile = await read(options.train);
    const rows = indexAgainst({ ...trainFile, ratings: trainFile.weights }, undefined, model.users, model.items);
    const trainSeen = trainingItems(model.users.size, model.items.size, rows);
    seen = trainingItems(model.users.size, model.items.size, rows, model.seen);
    popularity = { counts: itemPopularity(model.items.size, trainSeen), source: 'train file' };
    notes.push(
      `popularity counted on ${basename(trainFile.file)}: ${trainSeen.items.length} of its ${trainFile.users.length} interactions are on the model's users and items`,
    );
  } else if (model.popularity) {
    popularity = { counts: model.popularity, source: 'artifact' };
    notes.push('popularity taken from the artifact (counted on the data the model was trained on)');
  } else if (model.seen) {
    popularity = { counts: itemPopularity(model.items.size, model.seen), source: 'seen lists' };
    notes.push(
      'popularity counted from the training items stored in the model (a version-1 artifact stores no popularity)',
    );
  } else {
    notes.push('no popularity baseline: the model stores neither popularity nor training items; pass --train FILE');
  }
  if (!seen) notes.push('the model stores no training items and no --train was given: rankings exclude nothing');
  const rankingOptions = {
    k,
    threshold,
    ...(seen ? { seen } : {}),
    ...(popularity ? { popularity: popularity.counts } : {}),
  };
  const modelRanking = evaluateRanking(modelRanker(model), indexed, rankingOptions);
  const popularityRanking = popularity
    ? evaluateRanking(
        popularityRanker(popularity.counts, { users: model.users.size, ...(seen ? { seen } : {}) }),
        indexed,
        rankingOptions,
      )
    : undefined;
  if (objectiveOf(model) === 'rating') {
    notes.push(
      model.ranking
        ? 'a rating model ranked by its interaction head (what /recommendations serves)'
        : 'a rating model ranked by predicted rating',
    );
  }
  if (unknownIds > 0) notes.push(`${unknownIds} held-out rows have a user or item the model does not know: skipped`);
  if (modelRanking.users === 0)
    notes.push('no held-out row is relevant for a known user and item: ranking metrics are n/a');

  const modelSet = rankingMetricSet(modelRanking);
  const verdicts: RankingVerdict[] = [];
  if (popularityRanking && modelSet.ndcgAtK !== null && popularityRanking.users > 0) {
    verdicts.push(popularityVerdict(modelSet.ndcgAtK, popularityRanking.ndcg, k));
  }
  return {
    mode: 'interaction',
    files: { model: options.model, ratings: options.ratings, train: options.train ?? null },
    objective: objectiveOf(model),
    k,
    threshold,
    heldOut: {
      rows: indexed.users.length,
      unknownIds,
      rankedUsers: modelRanking.users,
      relevant: modelRanking.relevant,
    },
    excluded: excludedItemsNote(options.train, seen),
    model: modelSet,
    popularity:
      popularityRanking && popularity ? { ...rankingMetricSet(popularityRanking), source: popularity.source } : null,
    verdicts,
    notes,
  };
}

/** The fields of a RankingAccuracy as the reports print them (NaN as null). */
export function rankingMetricSet(r: RankingAccuracy): RankingMetricSet {
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    precisionAtK: finite(r.precision),
    recallAtK: finite(r.recall),
    ndcgAtK: finite(r.ndcg),
    mapAtK: finite(r.map),
    hitRateAtK: finite(r.hitRate),
    coverage: finite(r.coverage),
    popularityPercentile: finite(r.popularityPercentile),
  };
}

/** Whether the model beats popularity on NDCG@K; ties do not beat. */
export function popularityVerdict(model: number, baseline: number, k: number): RankingVerdict {
  const margin = model - baseline;
  const beats = margin > 0;
  const message = beats
    ? `model beats popularity on NDCG@${k} by ${margin.toFixed(4)} (${model.toFixed(4)} vs ${baseline.toFixed(4)})`
    : `WARNING: the model does NOT beat popularity on NDCG@${k} (${model.toFixed(4)} vs ${baseline.toFixed(4)})`;
  return { metric: 'ndcgAtK', against: 'popularity', model, baseline, beats, margin, message };
}
