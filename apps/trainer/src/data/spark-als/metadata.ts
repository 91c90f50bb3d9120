import { MAX_DIM } from '@edgerec/core';
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readFailureReason } from '../../io/errno.js';
import { UserError } from '../../user-error.js';
import { DataError } from '../data-error.js';

/** The class Spark writes into the metadata of a saved `ALSModel`. */
export const ALS_MODEL_CLASS = 'org.apache.spark.ml.recommendation.ALSModel';

/** Where Spark's `model.save(path)` puts the model's parameters, relative to the model folder. */
export const METADATA_FILE = join('metadata', 'part-00000');

/** Containers that hold an ALSModel one folder down, and where. */
const CONTAINERS: Record<string, string> = {
  'org.apache.spark.ml.tuning.CrossValidatorModel': 'its bestModel/ folder',
  'org.apache.spark.ml.tuning.TrainValidationSplitModel': 'its bestModel/ folder',
  'org.apache.spark.ml.PipelineModel': 'the ALS stage under its stages/ folder',
};

/** What the metadata of a saved Spark ALSModel says. */
export interface SparkAlsMetadata {
  /** The metadata file read (`DIR/metadata/part-00000`). */
  file: string;
  rank: number;
  userCol: string;
  itemCol: string;
  /**
   * Whether the model was trained on implicit feedback, when the metadata records it. Spark's
   * ALSModel keeps only its serving params (userCol, itemCol, coldStartStrategy, blockSize), so
   * the models it saves leave this out; the caller then has to be told.
   */
  implicitPrefs?: boolean;
  sparkVersion?: string;
  uid?: string;
  /** Hex sha256 of the metadata file's bytes. */
  sha256: string;
}

/**
 * Reads and checks `DIR/metadata/part-00000` of a model saved by Spark ML's `ALSModel.save`: one
 * JSON line whose class must be ALSModel, with the rank and the params. A missing folder or file
 * is a UserError; anything wrong inside is a DataError naming the file and field.
 * @example const { rank, implicitPrefs } = await readSparkAlsMetadata('als_model');
 */
export async function readSparkAlsMetadata(dir: string): Promise<SparkAlsMetadata> {
  await requireDirectory(dir);
  const file = join(dir, METADATA_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new UserError(
      `${dir}: cannot read ${METADATA_FILE} (${readFailureReason(error)}): not a model saved by Spark ML ` +
        '(ALSModel.save(path) writes metadata/, userFactors/ and itemFactors/ into path)',
    );
  }
  const line = bytes.toString('utf8').trim().split('\n')[0] ?? '';
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    throw new DataError(file, `not Spark ML metadata: the first line is not JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new DataError(file, 'not Spark ML metadata: the first line is not a JSON object');
  }
  const record = json as Record<string, unknown>;
  checkClass(file, record.class);
  const params = paramsOf(record);
  return {
    file,
    rank: rankOf(file, record.rank),
    userCol: stringParam(file, params, 'userCol') ?? 'user',
    itemCol: stringParam(file, params, 'itemCol') ?? 'item',
    ...implicitPrefsOf(file, params),
    ...(typeof record.sparkVersion === 'string' ? { sparkVersion: record.sparkVersion } : {}),
    ...(typeof record.uid === 'string' ? { uid: record.uid } : {}),
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** Throws a UserError unless `dir` is an existing directory. */
async function requireDirectory(dir: string): Promise<void> {
  let info: Stats;
  try {
    info = await stat(dir);
  } catch (error) {
    throw new UserError(`cannot read the Spark model folder ${dir}: ${readFailureReason(error)}`);
  }
  if (!info.isDirectory()) {
    throw new UserError(
      `${dir} is not a folder: give the folder Spark's model.save(path) wrote (it holds metadata/, userFactors/ and itemFactors/)`,
    );
  }
}

/** Throws a DataError unless the class is ALSModel, pointing into a container model when it is one. */
function checkClass(file: string, value: unknown): void {
  if (value === ALS_MODEL_CLASS) return;
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  const inside = typeof value === 'string' ? CONTAINERS[value] : undefined;
  const hint = inside ? `; the ALS model is inside it: point at ${inside}` : '';
  throw new DataError(file, `not an ALS model: the class is ${shown}, expected ${ALS_MODEL_CLASS}${hint}`, {
    field: 'class',
  });
}

/** The params as the model was saved: defaults, overridden by the ones set explicitly. */
function paramsOf(record: Record<string, unknown>): Record<string, unknown> {
  const asObject = (value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  return { ...asObject(record.defaultParamMap), ...asObject(record.paramMap) };
}

function rankOf(file: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_DIM) return value;
  const problem =
    value === undefined ? 'missing' : `must be an integer from 1 to ${MAX_DIM} (the widest table the Worker serves)`;
  throw new DataError(file, problem, { field: 'rank', ...(value === undefined ? {} : { value: String(value) }) });
}

function stringParam(file: string, params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new DataError(file, 'must be a string', { field: name, value: JSON.stringify(value) });
}

function implicitPrefsOf(file: string, params: Record<string, unknown>): { implicitPrefs?: boolean } {
  const value = params.implicitPrefs;
  if (value === undefined) return {};
  if (typeof value === 'boolean') return { implicitPrefs: value };
  throw new DataError(file, 'must be true or false', { field: 'implicitPrefs', value: JSON.stringify(value) });
}
