import { mulberry32, shuffleInPlace, type RatingAccuracy } from '@edgerec/core';
import { SEED_RECIPE, type BackendChoice } from '@edgerec/core/model';
import { access, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { RatingsFormat } from '../data/formats.js';
import { readRatingsFile, type DuplicatePolicy, type RatingsFile } from '../data/read-ratings.js';
import { splitRows, type RowSplit } from '../data/split.js';
import { longIdWarning } from '../data/long-ids.js';
import { UserError } from '../user-error.js';
import { trainModel, type ModelOptions, type TrainModelOptions } from './train-model.js';

/** Settings shared by every fold of a cross-validation. */
export interface CrossValidateOptions {
  model?: ModelOptions;
  backend?: BackendChoice;
  /** Fraction of each fold's training part held out for early stopping (default 0.1). */
  validationFraction?: number;
  ratingMin?: number;
  ratingMax?: number;
  format?: RatingsFormat | 'auto';
  duplicates?: DuplicatePolicy;
  /** Skip rows with an id longer than MAX_ID_LENGTH (with one warning through onInfo) instead of failing (default false). */
  skipLongIds?: boolean;
  /** Side-feature files, passed to every fold's training. */
  userFeatures?: string;
  itemFeatures?: string;
  hooks?: {
    signal?: AbortSignal;
    /** Lines from training worth showing (backend notices). */
    onInfo?(line: string): void;
    /** `what` names the fold's data, e.g. "u1.base → u1.test" or "rows 1–20000 of the shuffle". */
    onFoldStart?(fold: number, folds: number, what: string): void;
    onFoldEnd?(result: FoldResult, folds: number): void;
  };
}

/** What one fold produced. */
export interface FoldResult {
  /** 1-based. */
  fold: number;
  rows: { train: number; validation: number; test: number };
  epochs: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  backend: string;
  /** Training time. */
  seconds: number;
  test: RatingAccuracy;
  /** RMSE of predicting the fold's training mean on its test rows. */
  globalMeanRmse: number;
}

/** Mean and sample standard deviation (n − 1) of per-fold values. */
export interface MeanStd {
  mean: number;
  std: number;
}

/** Per-fold results and their summary. */
export interface CrossValidation {
  folds: FoldResult[];
  rmse: MeanStd;
  mae: MeanStd;
  seconds: MeanStd;
}

/**
 * k-fold row splits: a seeded shuffle cut into `folds` disjoint test parts of near-equal size;
 * for each fold the remaining rows are split again (seeded) into train and validation.
 * Every part lists row indices in ascending order.
 */
export function kFoldSplits(rowCount: number, folds: number, seed: number, validationFraction = 0.1): RowSplit[] {
  if (!Number.isInteger(folds) || folds < 2) throw new UserError(`folds must be an integer ≥ 2, got ${folds}`);
  if (rowCount < folds) throw new UserError(`cannot make ${folds} folds of ${rowCount} ratings`);
  const order = new Uint32Array(rowCount);
  for (let r = 0; r < rowCount; r++) order[r] = r;
  shuffleInPlace(order, mulberry32(seed));
  const splits: RowSplit[] = [];
  for (let f = 0; f < folds; f++) {
    const start = Math.floor((f * rowCount) / folds);
    const end = Math.floor(((f + 1) * rowCount) / folds);
    const test = order.slice(start, end).sort();
    const rest = new Uint32Array(rowCount - test.length);
    rest.set(order.subarray(0, start), 0);
    rest.set(order.subarray(end), start);
    const inner = splitRows(rest.length, { validation: validationFraction, test: 0 }, seed + f + 1);
    splits.push({
      train: inner.train.map((k) => rest[k]!).sort(),
      validation: inner.validation.map((k) => rest[k]!).sort(),
      test,
    });
  }
  return splits;
}

/** k-fold cross-validation of the model on one ratings file (read once). */
export async function crossValidate(
  ratings: string | RatingsFile,
  folds: number,
  options: CrossValidateOptions = {},
): Promise<CrossValidation> {
  const data = typeof ratings === 'string' ? await read(ratings, options) : ratings;
  const seed = options.model?.seed ?? SEED_RECIPE.seed;
  const splits = kFoldSplits(data.ratings.length, folds, seed, options.validationFraction ?? 0.1);
  const results: FoldResult[] = [];
  for (let f = 0; f < splits.length; f++) {
    const split = splits[f]!;
    options.hooks?.onFoldStart?.(
      f + 1,
      folds,
      `${basename(data.file)}: ${split.train.length} train, ${split.validation.length} validation, ${split.test.length} test ratings`,
    );
    const result = await runFold(f + 1, { ratings: data, rows: split }, options);
    options.hooks?.onFoldEnd?.(result, folds);
    results.push(result);
  }
  return summarise(results);
}

/** The MovieLens fold files u1.base/u1.test … u{folds}.base/u{folds}.test in `dir`; a UserError lists any missing. */
export async function foldFiles(dir: string, folds = 5): Promise<Array<{ base: string; test: string }>> {
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch {
    throw new UserError(`${dir}: no such directory`);
  }
  if (!isDir) throw new UserError(`${dir} is not a directory`);
  const files = Array.from({ length: folds }, (_, f) => ({
    base: join(dir, `u${f + 1}.base`),
    test: join(dir, `u${f + 1}.test`),
  }));
  const missing: string[] = [];
  for (const path of files.flatMap((f) => [f.base, f.test])) {
    try {
      await access(path);
    } catch {
      missing.push(basename(path));
    }
  }
  if (missing.length > 0) {
    const expected = folds === 1 ? 'u1.base/u1.test' : `u1.base/u1.test … u${folds}.base/u${folds}.test`;
    throw new UserError(`${dir} is missing ${missing.join(', ')} (expected MovieLens' ${expected})`);
  }
  return files;
}

/** Cross-validation over MovieLens' canonical folds in `dir` (u1.base/u1.test …); each base file is split 90/10 for early stopping. */
export async function crossValidateFoldDir(
  dir: string,
  folds = 5,
  options: CrossValidateOptions = {},
): Promise<CrossValidation> {
  if (!Number.isInteger(folds) || folds < 1) throw new UserError(`folds must be a positive integer, got ${folds}`);
  const files = await foldFiles(dir, folds);
  const results: FoldResult[] = [];
  for (let f = 0; f < files.length; f++) {
    const { base: basePath, test: testPath } = files[f]!;
    options.hooks?.onFoldStart?.(f + 1, folds, `${basename(basePath)} → ${basename(testPath)}`);
    const base = await read(basePath, options);
    const test = await read(testPath, options);
    const result = await runFold(f + 1, { ratings: base, test }, options);
    options.hooks?.onFoldEnd?.(result, folds);
    results.push(result);
  }
  return summarise(results);
}

/** Mean and sample standard deviation (NaN for fewer than two values). */
export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const squares = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mean, std: n > 1 ? Math.sqrt(squares / (n - 1)) : Number.NaN };
}

async function runFold(
  fold: number,
  data: Pick<TrainModelOptions, 'ratings' | 'rows' | 'test'>,
  options: CrossValidateOptions,
): Promise<FoldResult> {
  const onInfo = options.hooks?.onInfo;
  const { summary } = await trainModel({
    ...data,
    validationFraction: options.validationFraction ?? 0.1,
    ...(options.model ? { model: options.model } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
    ...(options.ratingMin !== undefined ? { ratingMin: options.ratingMin } : {}),
    ...(options.ratingMax !== undefined ? { ratingMax: options.ratingMax } : {}),
    ...(options.duplicates ? { duplicates: options.duplicates } : {}),
    ...(options.userFeatures ? { userFeatures: options.userFeatures } : {}),
    ...(options.itemFeatures ? { itemFeatures: options.itemFeatures } : {}),
    includeSeen: false,
    // RMSE is what a fold reports: no ranking head.
    ranking: false,
    hooks: {
      ...(options.hooks?.signal ? { signal: options.hooks.signal } : {}),
      onInfo: (line) => {
        if (line.startsWith('notice:')) onInfo?.(line);
      },
    },
  });
  if (!summary.test) throw new UserError(`fold ${fold}: the test part is empty`);
  return {
    fold,
    rows: summary.rows,
    epochs: summary.epochs,
    bestEpoch: summary.bestEpoch,
    stoppedEarly: summary.stoppedEarly,
    backend: summary.backend,
    seconds: summary.seconds,
    test: summary.test,
    globalMeanRmse: summary.globalMeanRmse,
  };
}

function summarise(folds: FoldResult[]): CrossValidation {
  return {
    folds,
    rmse: meanStd(folds.map((f) => f.test.rmse)),
    mae: meanStd(folds.map((f) => f.test.mae)),
    seconds: meanStd(folds.map((f) => f.seconds)),
  };
}

async function read(path: string, options: CrossValidateOptions): Promise<RatingsFile> {
  const file = await readRatingsFile(path, {
    format: options.format ?? 'auto',
    duplicates: options.duplicates ?? 'last',
    skipLongIds: options.skipLongIds ?? false,
  });
  const skipped = longIdWarning(file);
  if (skipped !== undefined) options.hooks?.onInfo?.(skipped);
  return file;
}
