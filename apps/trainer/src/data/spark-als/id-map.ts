import { MAX_ID_LENGTH } from '@edgerec/core';
import { stat } from 'node:fs/promises';
import { readTextFile } from '../../io/signing-keys.js';
import { DataError } from '../data-error.js';
import type { FactorSide } from './read-factors.js';
import { sparkPartFiles } from './part-files.js';

/** Spark's integer ids back to the raw ids, per side. */
export type SparkIdMap = Record<FactorSide, Map<number, string>>;

const SPARK_ID = /^-?\d+(\.0+)?$/;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Reads an id mapping: lines `kind<TAB>sparkId<TAB>rawId`, kind `user` or `item`, an optional
 * header line starting with `kind`, blank lines skipped; `12.0` reads as 12 (StringIndexer
 * writes doubles). `path` is a file, or a folder Spark's `df.write.csv(path, sep="\t")` wrote
 * (its part-*.csv files are read in order). A malformed line, a Spark id mapped twice or a raw
 * id used twice in a kind is a DataError naming the file and line.
 * @example const ids = await readSparkIdMap('ids.tsv'); ids.user.get(0) // 'alice'
 */
export async function readSparkIdMap(path: string): Promise<SparkIdMap> {
  const files = (await isFolder(path)) ? await sparkPartFiles(path, '.csv', 'the --ids mapping') : [path];
  const map: SparkIdMap = { user: new Map(), item: new Map() };
  const rawSeen: Record<FactorSide, Map<string, { file: string; line: number }>> = { user: new Map(), item: new Map() };
  for (const file of files) {
    const lines = (await readTextFile(file, 'id mapping')).split('\n');
    let first = true;
    for (let n = 0; n < lines.length; n++) {
      const text = lines[n]!.replace(/\r$/, '');
      if (text.trim() === '') continue;
      const fields = text.split('\t');
      const header = first && fields[0]?.trim().toLowerCase() === 'kind';
      first = false;
      if (header) continue;
      const line = n + 1;
      if (fields.length !== 3) {
        throw new DataError(file, `expected 3 tab-separated fields (kind, Spark id, raw id), found ${fields.length}`, {
          line,
          value: text,
        });
      }
      const [kind, sparkText, raw] = fields as [string, string, string];
      if (kind !== 'user' && kind !== 'item') {
        throw new DataError(file, 'must be user or item', { line, field: 'kind', value: kind });
      }
      const sparkId = Number(sparkText);
      if (!SPARK_ID.test(sparkText) || sparkId < INT32_MIN || sparkId > INT32_MAX) {
        throw new DataError(file, "must be one of Spark's 32-bit integer ids", {
          line,
          field: 'sparkId',
          value: sparkText,
        });
      }
      if (raw === '') throw new DataError(file, 'empty', { line, field: 'rawId' });
      if (raw.length > MAX_ID_LENGTH) {
        throw new DataError(
          file,
          `id is ${raw.length} characters long, more than the ${MAX_ID_LENGTH} the Worker serves`,
          { line, field: 'rawId' },
        );
      }
      const before = map[kind].get(sparkId);
      if (before !== undefined && before !== raw) {
        throw new DataError(file, `${kind} Spark id ${sparkId} is mapped twice, to ${JSON.stringify(before)} and`, {
          line,
          field: 'rawId',
          value: raw,
        });
      }
      const other = rawSeen[kind].get(raw);
      if (other !== undefined && map[kind].get(sparkId) !== raw) {
        throw new DataError(file, `raw ${kind} id already maps another Spark id (${other.file}:${other.line})`, {
          line,
          field: 'rawId',
          value: raw,
        });
      }
      map[kind].set(sparkId, raw);
      rawSeen[kind].set(raw, { file, line });
    }
  }
  return map;
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false; // reading it as a file then says why
  }
}
