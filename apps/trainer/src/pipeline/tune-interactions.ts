import type { RankingAccuracy } from '@edgerec/core';
import type { BackendChoice } from '@edgerec/core/model';
import { basename } from 'node:path';
import { INTERACTION_KEYS, interactionProblem, type InteractionKey } from './interaction-hyperparameters.js';
import type { RatingsFormat } from '../data/formats.js';
import { readInteractionsFile, type InteractionsFile } from '../data/read-interactions.js';
import { longIdWarning } from '../data/long-ids.js';
import { UserError } from '../user-error.js';
import { interactionDefaults, type InteractionRecipe } from './interaction-head.js';
import { splitPerUser, trainInteractionModel } from './train-interactions.js';
import { planSearch, type SearchMethod } from './tune.js';

/** Candidate values per interaction hyperparameter. */
export type InteractionSearchSpace = Partial<{ [K in InteractionKey]: ReadonlyArray<InteractionRecipe[K]> }>;

/** Settings of {@link tuneInteractions}. */
export interface TuneInteractionsOptions {
  space: InteractionSearchSpace;
  search?: SearchMethod;
  trials?: number;
  seed?: number;
  /** Hyperparameters that are not searched (the rest: the method's defaults). */
  base?: Partial<InteractionRecipe>;
  /** Share of each user's rows held out for choosing (default 0.1). */
  validationFraction?: number;
  /** Share of each user's rows held out to report the winner on (default 0.1; 0 = none). */
  testFraction?: number;
  format?: RatingsFormat | 'auto';
  minRating?: number;
  weightColumn?: string;
  /** Skip rows with an id longer than MAX_ID_LENGTH (with one warning through onInfo) instead of failing (default false). */
  skipLongIds?: boolean;
  backend?: BackendChoice;
  hooks?: {
    signal?: AbortSignal;
    onInfo?(line: string): void;
    onTrialStart?(trial: number, trials: number, params: Partial<InteractionRecipe>): void;
    onTrialEnd?(result: InteractionTrial, trials: number): void;
  };
}

/** One trial: its values and its validation NDCG@10 (of the model before any refit). */
export interface InteractionTrial {
  trial: number;
  params: Partial<InteractionRecipe>;
  model: InteractionRecipe;
  epochs: number;
  bestEpoch: number;
  seconds: number;
  valNdcg: number;
  valPrecision: number;
}

/** The outcome of an interaction search. */
export interface InteractionTuneResult {
  objective: 'interaction';
  file: string;
  sha256: string;
  seed: number;
  search: SearchMethod;
  keys: InteractionKey[];
  varied: InteractionKey[];
  combinations: number;
  rows: { train: number; validation: number; test: number };
  trials: InteractionTrial[];
  best: InteractionTrial;
  /** The winner on the test rows (refit when its recipe refits); never used for choosing. */
  test?: { model: RankingAccuracy; popularity: RankingAccuracy };
}

/**
 * Hyperparameter search for an interaction model on one seeded per-user split of one file (read
 * once): each trial trains on the training rows without refit and is scored by NDCG@10 on the
 * validation rows; the highest wins (the earliest among equals). Only the winner is measured on
 * the test rows, retrained as `train --config` would train it.
 */
export async function tuneInteractions(
  input: string | InteractionsFile,
  options: TuneInteractionsOptions,
): Promise<InteractionTuneResult> {
  const hooks = options.hooks ?? {};
  const base = options.base ?? {};
  for (const [key, value] of Object.entries(base)) {
    const problem = interactionProblem(key as InteractionKey, value);
    if (problem !== undefined) throw new UserError(`${key}: ${JSON.stringify(value)} ${problem}`);
  }
  const seed = options.seed ?? base.seed ?? 42;
  const search = options.search ?? 'random';
  const plan = planSearch(
    options.space as Partial<Record<InteractionKey, readonly unknown[]>>,
    INTERACTION_KEYS,
    interactionProblem,
    {
      search,
      trials: options.trials ?? 12,
      seed,
    },
  );
  const data =
    typeof input === 'string'
      ? await readInteractionsFile(input, {
          format: options.format ?? 'auto',
          ...(options.minRating !== undefined ? { minRating: options.minRating } : {}),
          ...(options.weightColumn !== undefined ? { weightColumn: options.weightColumn } : {}),
          skipLongIds: options.skipLongIds ?? false,
        })
      : input;
  const skipped = typeof input === 'string' ? longIdWarning(data) : undefined;
  if (skipped !== undefined) hooks.onInfo?.(skipped);
  hooks.onInfo?.(
    `read ${data.file}: ${data.users.length} interactions, ${data.userIds.length} users, ${data.itemIds.length} items`,
  );
  const table = {
    users: data.users,
    items: data.items,
    ratings: data.weights,
    userIds: data.userIds,
    itemIds: data.itemIds,
  };
  const split = splitPerUser(table, options.validationFraction ?? 0.1, options.testFraction ?? 0.1, seed);
  const train = (recipe: InteractionRecipe) =>
    trainInteractionModel({
      interactions: data,
      rows: split,
      recipe,
      includeSeen: false,
      ...(options.backend ? { backend: options.backend } : {}),
      hooks: { ...(hooks.signal ? { signal: hooks.signal } : {}) },
    });

  const results: InteractionTrial[] = [];
  for (let t = 0; t < plan.trials.length; t++) {
    hooks.signal?.throwIfAborted();
    const params = plan.trials[t] as Partial<InteractionRecipe>;
    const method = params.method ?? base.method ?? 'ials';
    const model: InteractionRecipe = { ...interactionDefaults(method), ...base, seed, ...params };
    hooks.onTrialStart?.(t + 1, plan.trials.length, params);
    const { summary } = await train({ ...model, refit: false });
    const validation = summary.ranking.validation?.model;
    const result: InteractionTrial = {
      trial: t + 1,
      params,
      model,
      epochs: summary.epochs,
      bestEpoch: summary.bestEpoch,
      seconds: summary.seconds,
      valNdcg: validation?.ndcg ?? Number.NaN,
      valPrecision: validation?.precision ?? Number.NaN,
    };
    results.push(result);
    hooks.onTrialEnd?.(result, plan.trials.length);
  }
  const best = rankInteractionTrials(results)[0];
  if (!best || !Number.isFinite(best.valNdcg))
    throw new UserError('no trial could be scored: the validation split has no users to rank');
  let test: InteractionTuneResult['test'];
  if (split.test.length > 0) {
    hooks.onInfo?.(`training trial ${best.trial} as train --config would, to measure it on the test rows`);
    const figures = (await train(best.model)).summary.ranking.test;
    if (figures) test = figures;
  }
  return {
    objective: 'interaction',
    file: basename(data.file),
    sha256: data.sha256,
    seed,
    search,
    keys: plan.keys,
    varied: plan.varied,
    combinations: plan.combinations,
    rows: { train: split.train.length, validation: split.validation.length, test: split.test.length },
    trials: results,
    best,
    ...(test ? { test } : {}),
  };
}

/** Trials by validation NDCG@10, highest first; ties keep run order. */
export function rankInteractionTrials(trials: readonly InteractionTrial[]): InteractionTrial[] {
  const key = (t: InteractionTrial) => (Number.isFinite(t.valNdcg) ? t.valNdcg : Number.NEGATIVE_INFINITY);
  return [...trials].sort((a, b) => key(b) - key(a) || a.trial - b.trial);
}

/** The config file for the winner: what `train --config` reads (the thread count is the machine's, not a hyperparameter, so it is left out). */
export function tunedInteractionConfig(result: InteractionTuneResult, createdAt = new Date()) {
  const { threads: _threads, ...model } = result.best.model;
  return {
    objective: 'interaction' as const,
    model,
    tuned: {
      file: result.file,
      sha256: result.sha256,
      seed: result.seed,
      trials: result.trials.length,
      valNdcg: result.best.valNdcg,
      testNdcg: result.test?.model.ndcg ?? null,
      createdAt: createdAt.toISOString(),
    },
  };
}
