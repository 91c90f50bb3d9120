import { mulberry32, shuffleInPlace, type RankingAccuracy } from '@edgerec/core';
import type { BackendChoice } from '@edgerec/core/model';
import { basename } from 'node:path';
import type { RatingsFormat } from '../data/formats.js';
import { readInteractionsFile, type InteractionsFile } from '../data/read-interactions.js';
import { rowsByUser } from '../data/rows-by-user.js';
import { selectRows } from '../data/split.js';
import { longIdWarning } from '../data/long-ids.js';
import { UserError } from '../user-error.js';
import { foldFiles, meanStd, type MeanStd } from './cross-validate.js';
import type { InteractionRecipe } from './interaction-head.js';
import { splitPerUser, trainInteractionModel } from './train-interactions.js';

/** Settings shared by every fold. */
export interface CrossValidateInteractionsOptions {
  recipe?: Partial<InteractionRecipe>;
  /** Share of each user's training rows held out for validation (default 0.1). */
  validationFraction?: number;
  format?: RatingsFormat | 'auto';
  minRating?: number;
  weightColumn?: string;
  /** Skip rows with an id longer than MAX_ID_LENGTH (with one warning through onInfo) instead of failing (default false). */
  skipLongIds?: boolean;
  backend?: BackendChoice;
  hooks?: {
    signal?: AbortSignal;
    /** Notices, such as the warning for rows skipped for long ids. */
    onInfo?(line: string): void;
    onFoldStart?(fold: number, folds: number, what: string): void;
    onFoldEnd?(result: InteractionFold, folds: number): void;
  };
}

/** One fold's test ranking next to popularity. */
export interface InteractionFold {
  fold: number;
  rows: { train: number; validation: number; test: number };
  seconds: number;
  model: RankingAccuracy;
  popularity: RankingAccuracy;
}

/** Per-fold results and mean ± std of the test figures. */
export interface InteractionCrossValidation {
  folds: InteractionFold[];
  ndcg: MeanStd;
  precision: MeanStd;
  recall: MeanStd;
  map: MeanStd;
  popularityNdcg: MeanStd;
  seconds: MeanStd;
}

/**
 * Per-user k-fold row sets: each user's rows, shuffled with mulberry32(seed), are dealt round-robin
 * into `folds` folds, so every fold tests about 1/k of every user's rows; the training part of a
 * fold is the other folds minus a per-user validation share.
 */
export function perUserFolds(users: Uint32Array, userCount: number, folds: number, seed: number): Uint8Array {
  if (!Number.isInteger(folds) || folds < 2) throw new UserError(`folds must be an integer ≥ 2, got ${folds}`);
  const { order, start } = rowsByUser(users, userCount);
  const random = mulberry32(seed);
  const fold = new Uint8Array(users.length);
  for (let u = 0; u < userCount; u++) {
    const rows = shuffleInPlace(order.slice(start[u]!, start[u + 1]!), random);
    const offset = Math.floor(random() * folds);
    for (let k = 0; k < rows.length; k++) fold[rows[k]!] = (k + offset) % folds;
  }
  return fold;
}

/** k-fold cross-validation (per user) of an interaction model on one file, read once. */
export async function crossValidateInteractions(
  input: string | InteractionsFile,
  folds: number,
  options: CrossValidateInteractionsOptions = {},
): Promise<InteractionCrossValidation> {
  const data = typeof input === 'string' ? await read(input, options) : input;
  const seed = options.recipe?.seed ?? 42;
  const assignment = perUserFolds(data.users, data.userIds.length, folds, seed);
  const table = {
    users: data.users,
    items: data.items,
    ratings: data.weights,
    userIds: data.userIds,
    itemIds: data.itemIds,
  };
  const results: InteractionFold[] = [];
  for (let f = 0; f < folds; f++) {
    const test: number[] = [];
    const rest: number[] = [];
    for (let r = 0; r < assignment.length; r++) (assignment[r] === f ? test : rest).push(r);
    const restRows = Uint32Array.from(rest);
    const inner = splitPerUser(selectRows(table, restRows), options.validationFraction ?? 0.1, 0, seed + f + 1);
    const rows = {
      train: inner.train.map((k) => restRows[k]!),
      validation: inner.validation.map((k) => restRows[k]!),
      test: Uint32Array.from(test),
    };
    options.hooks?.onFoldStart?.(
      f + 1,
      folds,
      `${basename(data.file)}: ${rows.train.length} train, ${rows.validation.length} validation, ${rows.test.length} test interactions`,
    );
    const result = await runFold(f + 1, { interactions: data, rows }, options);
    options.hooks?.onFoldEnd?.(result, folds);
    results.push(result);
  }
  return summarise(results);
}

/** Cross-validation over fold files u1.base/u1.test … in `dir`, read as interactions. */
export async function crossValidateInteractionsFoldDir(
  dir: string,
  folds = 5,
  options: CrossValidateInteractionsOptions = {},
): Promise<InteractionCrossValidation> {
  const files = await foldFiles(dir, folds);
  const results: InteractionFold[] = [];
  for (let f = 0; f < files.length; f++) {
    const { base, test } = files[f]!;
    options.hooks?.onFoldStart?.(f + 1, folds, `${basename(base)} → ${basename(test)}`);
    const result = await runFold(
      f + 1,
      { interactions: await read(base, options), test: await read(test, options) },
      options,
    );
    options.hooks?.onFoldEnd?.(result, folds);
    results.push(result);
  }
  return summarise(results);
}

async function runFold(
  fold: number,
  data: {
    interactions: InteractionsFile;
    rows?: { train: Uint32Array; validation: Uint32Array; test: Uint32Array };
    test?: InteractionsFile;
  },
  options: CrossValidateInteractionsOptions,
): Promise<InteractionFold> {
  const { summary } = await trainInteractionModel({
    ...data,
    validationFraction: options.validationFraction ?? 0.1,
    ...(options.recipe ? { recipe: options.recipe } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
    includeSeen: false,
    hooks: { ...(options.hooks?.signal ? { signal: options.hooks.signal } : {}) },
  });
  const test = summary.ranking.test;
  if (!test) throw new UserError(`fold ${fold}: no test user could be ranked`);
  return { fold, rows: summary.rows, seconds: summary.seconds, model: test.model, popularity: test.popularity };
}

function summarise(folds: InteractionFold[]): InteractionCrossValidation {
  const of = (pick: (f: InteractionFold) => number) => meanStd(folds.map(pick));
  return {
    folds,
    ndcg: of((f) => f.model.ndcg),
    precision: of((f) => f.model.precision),
    recall: of((f) => f.model.recall),
    map: of((f) => f.model.map),
    popularityNdcg: of((f) => f.popularity.ndcg),
    seconds: of((f) => f.seconds),
  };
}

async function read(path: string, options: CrossValidateInteractionsOptions): Promise<InteractionsFile> {
  const file = await readInteractionsFile(path, {
    format: options.format ?? 'auto',
    ...(options.minRating !== undefined ? { minRating: options.minRating } : {}),
    ...(options.weightColumn !== undefined ? { weightColumn: options.weightColumn } : {}),
    skipLongIds: options.skipLongIds ?? false,
  });
  const skipped = longIdWarning(file);
  if (skipped !== undefined) options.hooks?.onInfo?.(skipped);
  return file;
}
