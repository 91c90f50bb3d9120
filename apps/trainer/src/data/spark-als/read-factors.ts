import { basename, join } from 'node:path';
import { DataError } from '../data-error.js';
import { readFactorFile, type FactorRows } from './factor-file.js';
import { sparkPartFiles } from './part-files.js';

/** Which factor table: Spark's `userFactors/` or `itemFactors/`. */
export type FactorSide = 'user' | 'item';

/** One factor table of a Spark ALS model, ordered by Spark id. */
export interface SparkFactors {
  side: FactorSide;
  /** The folder read (`DIR/userFactors`). */
  folder: string;
  /** Spark's integer ids, ascending. */
  ids: Int32Array;
  /** Row r is the factor row of ids[r], `rank` float32 values. */
  factors: Float32Array;
  /** Part files read. */
  files: number;
}

/** Progress of {@link readSparkFactors}: after each part file, the files and rows read so far. */
export type FactorProgress = (side: FactorSide, filesRead: number, files: number, rows: number) => void;

/** The folder of a side's factors inside a saved ALSModel. */
export function factorFolder(dir: string, side: FactorSide): string {
  return join(dir, side === 'user' ? 'userFactors' : 'itemFactors');
}

/**
 * Reads every `part-*.parquet` of `DIR/userFactors` or `DIR/itemFactors` and returns the rows
 * sorted by Spark id, so the result does not depend on how Spark partitioned them. An id in two
 * rows (in one file or two) is a DataError naming both files.
 * @example const users = await readSparkFactors('als_model', 'user', 10);
 */
export async function readSparkFactors(
  dir: string,
  side: FactorSide,
  rank: number,
  onProgress?: FactorProgress,
): Promise<SparkFactors> {
  const folder = factorFolder(dir, side);
  const paths = await sparkPartFiles(folder, '.parquet', `the ${side} factors of the Spark model`);
  const parts: FactorRows[] = [];
  let rows = 0;
  for (const path of paths) {
    const part = await readFactorFile(path, rank);
    parts.push(part);
    rows += part.ids.length;
    onProgress?.(side, parts.length, paths.length, rows);
  }
  if (rows === 0) throw new DataError(folder, `no ${side}s: every part file is empty`);
  const ids = new Int32Array(rows);
  const fileOf = new Uint32Array(rows);
  let at = 0;
  parts.forEach((part, p) => {
    ids.set(part.ids, at);
    fileOf.fill(p, at, at + part.ids.length);
    at += part.ids.length;
  });
  const order = Uint32Array.from({ length: rows }, (_, r) => r).sort((a, b) => ids[a]! - ids[b]!);
  for (let k = 1; k < rows; k++) {
    const [a, b] = [order[k - 1]!, order[k]!];
    if (ids[a] === ids[b]) {
      const files = [...new Set([paths[fileOf[a]!]!, paths[fileOf[b]!]!])].map((path) => basename(path));
      throw new DataError(folder, `${side} id ${ids[a]} appears twice (in ${files.join(' and ')})`, { field: 'id' });
    }
  }
  const factors = new Float32Array(rows * rank);
  const starts = parts.map((_, p) => parts.slice(0, p).reduce((sum, q) => sum + q.ids.length, 0));
  for (let k = 0; k < rows; k++) {
    const r = order[k]!;
    const p = fileOf[r]!;
    const local = r - starts[p]!;
    factors.set(parts[p]!.factors.subarray(local * rank, (local + 1) * rank), k * rank);
  }
  return { side, folder, ids: Int32Array.from(order, (r) => ids[r]!), factors, files: paths.length };
}
