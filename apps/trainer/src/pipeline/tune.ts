import { mulberry32, shuffleInPlace, type RatingAccuracy } from '@edgerec/core';
import { DEFAULT_RECIPE, type BackendChoice } from '@edgerec/core/model';
import { basename } from 'node:path';
import {
  HYPERPARAMETER_KEYS,
  hyperparameterProblem,
  type HyperparameterKey,
  type Hyperparameters,
} from './rating-hyperparameters.js';
import type { RatingsFormat } from '../data/formats.js';
import { readRatingsFile, type DuplicatePolicy, type RatingsFile } from '../data/read-ratings.js';
import { splitRows, type RowSplit } from '../data/split.js';
import { longIdWarning } from '../data/long-ids.js';
import { UserError } from '../user-error.js';
import type { ModelOptions } from './rating-hyperparameters.js';
import { trainModel } from './train-model.js';
import { definedOnly } from './arrays.js';

/** Candidate values per hyperparameter; the search picks one value of each list per trial. */
export type SearchSpace = { [K in HyperparameterKey]?: ReadonlyArray<Hyperparameters[K]> };

/** How trials are chosen: distinct combinations drawn at random (seeded), or every combination. */
export const SEARCH_METHODS = ['random', 'grid'] as const;
/** One of {@link SEARCH_METHODS}. */
export type SearchMethod = (typeof SEARCH_METHODS)[number];

/** Grid searches larger than this are refused. */
export const MAX_GRID_TRIALS = 200;

/** The trials a search will run. */
export interface TrialPlan {
  /** Hyperparameters searched (those with a value list), in TrainOptions order. */
  keys: HyperparameterKey[];
  /** Those of `keys` with more than one candidate value. */
  varied: HyperparameterKey[];
  /** Number of distinct combinations of the candidate values. */
  combinations: number;
  /** The searched values of each trial, in run order. */
  trials: ModelOptions[];
}

/** Settings of {@link tune}. */
export interface TuneOptions {
  space: SearchSpace;
  /** Default 'random'. */
  search?: SearchMethod;
  /** Trials of a random search (default 12); a grid runs every combination. */
  trials?: number;
  /** Seeds the split, the trial sampling and every trial's training (default `base.seed`, else 42). */
  seed?: number;
  /** Hyperparameters that are not searched (the rest come from DEFAULT_RECIPE). */
  base?: ModelOptions;
  /** Fraction of the ratings held out for early stopping and for choosing (default 0.1). */
  validationFraction?: number;
  /** Fraction held out to report the winner's accuracy on (default 0.1; 0 = none). */
  testFraction?: number;
  backend?: BackendChoice;
  format?: RatingsFormat | 'auto';
  duplicates?: DuplicatePolicy;
  /** Skip rows with an id longer than MAX_ID_LENGTH (with one warning through onInfo) instead of failing (default false). */
  skipLongIds?: boolean;
  ratingMin?: number;
  ratingMax?: number;
  hooks?: {
    signal?: AbortSignal;
    /** Lines worth showing: what was read, backend notices, the final refit. */
    onInfo?(line: string): void;
    onTrialStart?(trial: number, trials: number, params: ModelOptions): void;
    onTrialEnd?(result: TrialResult, trials: number): void;
  };
}

/** What one trial produced. */
export interface TrialResult {
  /** 1-based, in run order. */
  trial: number;
  /** The searched values of this trial. */
  params: ModelOptions;
  /** Every hyperparameter of this trial, as `train --config` would use them. */
  model: Hyperparameters;
  epochs: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Training time. */
  seconds: number;
  /** Validation RMSE of the early-stopped model (before any refit); NaN when training diverged. */
  valRmse: number;
  valMae: number;
  /** Why training failed, when the loss stopped being finite. */
  diverged?: string;
}

/** The outcome of a search. */
export interface TuneResult {
  /** Base name of the ratings file, and the hex sha256 of its bytes. */
  file: string;
  sha256: string;
  seed: number;
  search: SearchMethod;
  keys: HyperparameterKey[];
  varied: HyperparameterKey[];
  combinations: number;
  rows: { train: number; validation: number; test: number };
  backend: string;
  /** In run order. */
  trials: TrialResult[];
  /** The trial with the lowest validation RMSE (the earliest among equals). */
  best: TrialResult;
  /** The winner's accuracy on the test rows (absent with testFraction 0); never used for choosing. */
  test?: RatingAccuracy;
}

/** The file `edgerec tune` writes: the winner's hyperparameters (what `train --config` reads) and where they came from. */
export interface TunedConfig {
  model: Hyperparameters;
  tuned: {
    file: string;
    sha256: string;
    seed: number;
    trials: number;
    valRmse: number;
    testRmse: number | null;
    createdAt: string;
  };
}

/**
 * The trials of a search: for 'grid' every combination of the candidate values (refused above
 * {@link MAX_GRID_TRIALS}); for 'random' min(trials, combinations) distinct combinations drawn
 * with mulberry32(seed). Repeated candidate values are dropped; bad values are a UserError.
 */
export function planTrials(
  space: SearchSpace,
  options: { search: SearchMethod; trials: number; seed: number },
): TrialPlan {
  return planSearch(space, HYPERPARAMETER_KEYS, hyperparameterProblem, options) as TrialPlan;
}

/** A search plan over any hyperparameter table: the keys in table order, and each trial's values. */
export interface SearchPlan<K extends string> {
  keys: K[];
  varied: K[];
  combinations: number;
  trials: Array<Partial<Record<K, unknown>>>;
}

/** {@link planTrials} for any table of hyperparameters: its keys in order and a check per value. */
export function planSearch<K extends string>(
  space: Partial<Record<K, ReadonlyArray<unknown>>>,
  allKeys: readonly K[],
  problemOf: (key: K, value: unknown) => string | undefined,
  options: { search: SearchMethod; trials: number; seed: number },
): SearchPlan<K> {
  const keys: K[] = [];
  const lists: unknown[][] = [];
  for (const key of allKeys) {
    const values = space[key];
    if (values === undefined) continue;
    if (values.length === 0) throw new UserError(`no candidate values for ${key}`);
    for (const value of values) {
      const problem = problemOf(key, value);
      if (problem !== undefined) throw new UserError(`${key}: ${JSON.stringify(value)} ${problem}`);
    }
    keys.push(key);
    lists.push([...new Set<unknown>(values)]);
  }
  const combinations = lists.reduce((n, list) => n * list.length, 1);
  const varied = keys.filter((_, k) => lists[k]!.length > 1);
  let indices: number[];
  if (options.search === 'grid') {
    if (combinations > MAX_GRID_TRIALS) {
      const sizes = varied.map((key) => `${lists[keys.indexOf(key)]!.length} ${key}`).join(' × ');
      throw new UserError(
        `a grid over ${sizes} is ${combinations} trials, more than ${MAX_GRID_TRIALS}; ` +
          'shorten the value lists, or use --search random --trials N',
      );
    }
    indices = Array.from({ length: combinations }, (_, i) => i);
  } else {
    if (!Number.isInteger(options.trials) || options.trials < 1) {
      throw new UserError(`trials must be a positive integer, got ${options.trials}`);
    }
    indices = sampleDistinct(combinations, Math.min(options.trials, combinations), mulberry32(options.seed));
  }
  const trials = indices.map((index) => {
    const params: Record<string, unknown> = {};
    for (let k = keys.length - 1; k >= 0; k--) {
      const list = lists[k]!;
      params[keys[k]!] = list[index % list.length];
      index = Math.floor(index / list.length);
    }
    return Object.fromEntries(keys.map((key) => [key, params[key]])) as Partial<Record<K, unknown>>;
  });
  return { keys, varied, combinations, trials };
}

/**
 * Hyperparameter search on one seeded split of one ratings file (read once): trains each
 * trial on the training rows, early-stops and scores it on the validation rows (refit is off
 * while searching, so validation rows never train the scored model), and picks the lowest
 * validation RMSE. Only the winner is then measured on the test rows (retrained with refit
 * when its config asks for it), so the test figure is what `train --config` on the same file
 * and seed reports.
 */
export async function tune(ratings: string | RatingsFile, options: TuneOptions): Promise<TuneResult> {
  const hooks = options.hooks ?? {};
  const base = definedOnly(options.base ?? {});
  for (const [key, value] of Object.entries(base)) {
    const problem = hyperparameterProblem(key as HyperparameterKey, value);
    if (problem !== undefined) throw new UserError(`${key}: ${JSON.stringify(value)} ${problem}`);
  }
  const seed = options.seed ?? base.seed ?? DEFAULT_RECIPE.seed;
  const search = options.search ?? 'random';
  const trials = options.trials ?? 12;
  const plan = planTrials(options.space, { search, trials, seed });
  if (search === 'random' && trials > plan.combinations) {
    hooks.onInfo?.(`only ${plan.combinations} distinct combinations: running each once`);
  }

  const data =
    typeof ratings === 'string'
      ? await readRatingsFile(ratings, {
          format: options.format ?? 'auto',
          duplicates: options.duplicates ?? 'last',
          skipLongIds: options.skipLongIds ?? false,
        })
      : ratings;
  if (typeof ratings === 'string') {
    const skipped = longIdWarning(data);
    if (skipped !== undefined) hooks.onInfo?.(skipped);
    hooks.onInfo?.(
      `read ${data.file}: ${data.ratings.length} ratings, ${data.userIds.length} users, ${data.itemIds.length} items`,
    );
  }
  const split = splitRows(
    data.ratings.length,
    { validation: options.validationFraction ?? 0.1, test: options.testFraction ?? 0.1 },
    seed,
  );

  const notices = new Set<string>();
  const train = async (model: Hyperparameters, rows: RowSplit) =>
    trainModel({
      ratings: data,
      rows,
      model,
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.ratingMin !== undefined ? { ratingMin: options.ratingMin } : {}),
      ...(options.ratingMax !== undefined ? { ratingMax: options.ratingMax } : {}),
      includeSeen: false,
      // Trials are chosen by RMSE: no ranking head.
      ranking: false,
      hooks: {
        ...(hooks.signal ? { signal: hooks.signal } : {}),
        onInfo: (line) => {
          if (line.startsWith('notice:') && !notices.has(line)) hooks.onInfo?.(line);
          notices.add(line);
        },
      },
    });

  const results: TrialResult[] = [];
  // Test accuracy of each trial, kept apart from the results: only the winner's is ever read.
  const testAccuracy = new Map<number, RatingAccuracy>();
  let backend = '';
  for (let t = 0; t < plan.trials.length; t++) {
    hooks.signal?.throwIfAborted();
    const params = plan.trials[t]!;
    const model: Hyperparameters = { ...DEFAULT_RECIPE, ...base, seed, ...params };
    hooks.onTrialStart?.(t + 1, plan.trials.length, params);
    let result: TrialResult;
    try {
      const { summary } = await train({ ...model, refit: false }, split);
      backend = summary.backend;
      if (summary.test) testAccuracy.set(t + 1, summary.test);
      result = {
        trial: t + 1,
        params,
        model,
        epochs: summary.epochs,
        bestEpoch: summary.bestEpoch,
        stoppedEarly: summary.stoppedEarly,
        seconds: summary.seconds,
        valRmse: summary.validation?.rmse ?? Number.NaN,
        valMae: summary.validation?.mae ?? Number.NaN,
      };
    } catch (error) {
      if (!(error instanceof Error && error.name === 'DivergedError')) throw error;
      result = {
        trial: t + 1,
        params,
        model,
        epochs: 0,
        bestEpoch: 0,
        stoppedEarly: false,
        seconds: 0,
        valRmse: Number.NaN,
        valMae: Number.NaN,
        diverged: error.message,
      };
    }
    results.push(result);
    hooks.onTrialEnd?.(result, plan.trials.length);
  }

  const best = rankTrials(results)[0];
  if (best === undefined || !Number.isFinite(best.valRmse)) {
    throw new UserError('every trial diverged; try smaller learning rates');
  }
  let test = testAccuracy.get(best.trial);
  if (split.test.length > 0 && best.model.refit) {
    hooks.signal?.throwIfAborted();
    hooks.onInfo?.(`refitting trial ${best.trial} on training + validation rows to measure it on the test rows`);
    test = (await train(best.model, split)).summary.test;
  }
  return {
    file: basename(data.file),
    sha256: data.sha256,
    seed,
    search,
    keys: plan.keys,
    varied: plan.varied,
    combinations: plan.combinations,
    rows: { train: split.train.length, validation: split.validation.length, test: split.test.length },
    backend,
    trials: results,
    best,
    ...(test ? { test } : {}),
  };
}

/** Trials by validation RMSE, lowest first; ties keep run order; diverged trials last. */
export function rankTrials(trials: readonly TrialResult[]): TrialResult[] {
  const key = (t: TrialResult) => (Number.isFinite(t.valRmse) ? t.valRmse : Number.POSITIVE_INFINITY);
  return [...trials].sort((a, b) => key(a) - key(b) || a.trial - b.trial);
}

/** The config file contents for a search's winner. */
export function tunedConfig(result: TuneResult, createdAt: Date = new Date()): TunedConfig {
  return {
    model: result.best.model,
    tuned: {
      file: result.file,
      sha256: result.sha256,
      seed: result.seed,
      trials: result.trials.length,
      valRmse: result.best.valRmse,
      testRmse: result.test?.rmse ?? null,
      createdAt: createdAt.toISOString(),
    },
  };
}

/** `count` distinct integers in [0, n), in the order a seeded draw produces them. */
function sampleDistinct(n: number, count: number, random: () => number): number[] {
  if (count * 2 >= n) {
    const all = Uint32Array.from({ length: n }, (_, i) => i);
    return Array.from(shuffleInPlace(all, random).subarray(0, count));
  }
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(random() * n));
  return [...chosen];
}
