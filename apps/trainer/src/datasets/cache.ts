import envPaths from 'env-paths';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { errnoCode, writeFailureHint } from '../io/errno.js';
import { UserError } from '../user-error.js';
import type { DatasetInfo } from './catalog.js';

/** Environment variable naming the datasets folder (when `--dir` is not given). */
export const DATA_DIR_ENV = 'EDGEREC_DATA_DIR';

/** File written into a dataset's folder recording where it came from and how it was verified. */
export const SOURCE_FILE = '.edgerec-source.json';

/** Where a dataset came from, as recorded in SOURCE_FILE. */
export interface DatasetSource {
  name: string;
  url: string;
  bytes: number;
  md5: string;
  sha256: string;
  /** What the download was checked against, e.g. "pinned sha256", "published md5", or "not verified". */
  verified: string;
  fetchedAt: string;
}

/**
 * The datasets folder: `dir` (from `--dir`), else `$EDGEREC_DATA_DIR`, else the user's cache folder
 * (`~/.cache/edgerec/datasets` on Linux, `~/Library/Caches/edgerec/datasets` on macOS,
 * `%LOCALAPPDATA%\edgerec\Cache\datasets` on Windows). Always absolute.
 */
export function datasetsCacheDir(dir?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (dir !== undefined && dir.trim() !== '') return resolve(dir);
  const fromEnv = env[DATA_DIR_ENV]?.trim();
  if (fromEnv) return resolve(fromEnv);
  return join(envPaths('edgerec', { suffix: '' }).cache, 'datasets');
}

/** Absolute paths of a dataset in the cache folder: its folder, ratings file and split files. */
export function datasetPaths(
  cacheDir: string,
  info: DatasetInfo,
): { folder: string; ratings: string; train?: string; test?: string } {
  return {
    folder: join(cacheDir, info.folder),
    ratings: join(cacheDir, info.ratingsFile),
    ...(info.split ? { train: join(cacheDir, info.split.train), test: join(cacheDir, info.split.test) } : {}),
  };
}

/** True when the dataset's ratings file is present in the cache folder. */
export async function isCached(cacheDir: string, info: DatasetInfo): Promise<boolean> {
  try {
    return (await stat(datasetPaths(cacheDir, info).ratings)).isFile();
  } catch {
    return false;
  }
}

const DISK_ERROR_CODES = new Set([
  'ENOSPC',
  'EDQUOT',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOTDIR',
  'EISDIR',
  'EEXIST',
  'ENOENT',
  'EMFILE',
  'ENFILE',
  'EIO',
  'EBUSY',
  'ENAMETOOLONG',
  'ELOOP',
  'EXDEV',
  'ENOTEMPTY',
]);

/** Turns a failed file-system call into a UserError saying what could not be done where; other errors pass through. */
export function diskError(error: unknown, action: string, path: string): unknown {
  const code = errnoCode(error);
  if (code === undefined || !DISK_ERROR_CODES.has(code)) return error;
  const message = error instanceof Error ? error.message : code;
  return new UserError(`could not ${action} ${path}: ${message}${writeFailureHint(code)}`);
}
