import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { UserError } from '../user-error.js';
import { readFailureReason } from '../io/errno.js';
import { unreadableProblem } from '../io/file-kind.js';
import { readCsvFeatures } from './csv-features.js';
import { DataError } from './data-error.js';
import {
  FEATURE_FORMATS,
  FeatureCollector,
  INTEGER,
  nonBlankLines,
  type FeatureFile,
  type FeatureFormat,
  type FeatureKind,
} from './feature-file.js';
import { MOVIELENS, readMovieLensFeatures, type FixedFormat } from './movielens-features.js';

export { alignFeatures, type AlignedFeatures, type FeatureIdIndex } from './feature-alignment.js';
export { FEATURE_FORMATS, type FeatureFile, type FeatureFormat, type FeatureKind } from './feature-file.js';

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Reads a user or item side-feature file (MovieLens u.user/u.item/users.dat/movies.dat, or a CSV/TSV
 * with a header whose first column is the id and whose other columns are categorical: value `v` in
 * column `c` is feature `c=v`, `|` separates several values in one cell, empty cells add nothing;
 * numeric columns are categorical too, so bucket them first, e.g. years into decades).
 * MovieLens files are decoded as latin1; CSV as UTF-8, or latin1 when the bytes are not valid UTF-8.
 */
export async function readFeatureFile(
  path: string,
  kind: FeatureKind,
  format: FeatureFormat = 'auto',
): Promise<FeatureFile> {
  checkFormat(format, kind);
  const bytes = withoutBom(await readBytes(path));
  const sniff = bytes.toString('latin1');
  const first = firstLine(sniff);
  if (first === undefined) throw new DataError(path, 'file is empty');
  const chosen = format === 'auto' ? detectFeatureFormat(first.text, path, first.line, kind) : format;
  const collector = new FeatureCollector(path, kind);
  if (chosen === 'csv') {
    readCsvFeatures(isUtf8(bytes) ? bytes.toString('utf8') : sniff, path, first.text, collector);
  } else {
    readMovieLensFeatures(sniff, path, chosen, collector);
  }
  if (collector.ids.length === 0) {
    throw new DataError(path, `no ${kind}s: the file has a header line but no data rows`);
  }
  return collector.result(chosen);
}

/** Works out a feature file's layout from its first non-blank line; a MovieLens file of the other kind is a DataError. */
function detectFeatureFormat(
  line: string,
  file: string,
  lineNumber: number,
  kind: FeatureKind,
): Exclude<FeatureFormat, 'auto'> {
  let detected: FixedFormat | undefined;
  if (line.includes('::')) {
    const count = line.split('::').length;
    if (count === 5) detected = 'movielens-1m-user';
    else if (count === 3) detected = 'movielens-1m-item';
    else {
      throw new DataError(
        file,
        `a "::" separated file should have 5 fields (MovieLens 1M users.dat) or 3 (movies.dat), got ${count}`,
        { line: lineNumber, value: line },
      );
    }
  } else if (line.includes('|') && !line.includes('\t') && INTEGER.test(line.split('|')[0]!.trim())) {
    const count = line.split('|').length;
    if (count === MOVIELENS['movielens-user'].fields) detected = 'movielens-user';
    else if (count === MOVIELENS['movielens-item'].fields) detected = 'movielens-item';
    else {
      throw new DataError(
        file,
        `a "|" separated file should have 5 fields (MovieLens 100K u.user) or 24 (u.item), got ${count}`,
        { line: lineNumber, value: line },
      );
    }
  }
  if (detected === undefined) return 'csv';
  const layout = MOVIELENS[detected];
  if (layout.kind !== kind) {
    throw new DataError(
      file,
      `this looks like ${layout.name} (${layout.kind} features), but it was given as ${kind} features`,
      {
        line: lineNumber,
      },
    );
  }
  return detected;
}

/** Rejects a format name that is not known (it may come from a command line) or that describes the other kind. */
function checkFormat(format: string, kind: FeatureKind): void {
  if (!(FEATURE_FORMATS as readonly string[]).includes(format)) {
    throw new UserError(`unknown feature format "${format}" (expected ${FEATURE_FORMATS.join(', ')})`);
  }
  if (format === 'auto' || format === 'csv') return;
  const layout = MOVIELENS[format as FixedFormat];
  if (layout.kind !== kind) {
    throw new UserError(`feature format "${format}" describes ${layout.kind}s, not ${kind}s`);
  }
}

/** The first non-blank line and its 1-based number, or undefined when every line is blank. */
function firstLine(text: string): { text: string; line: number } | undefined {
  for (const line of nonBlankLines(text)) return line;
  return undefined;
}

/** The bytes without a UTF-8 byte-order mark. */
function withoutBom(bytes: Buffer): Buffer {
  return UTF8_BOM.every((byte, i) => bytes[i] === byte) ? bytes.subarray(UTF8_BOM.length) : bytes;
}

/** A file's bytes, or a DataError saying why it cannot be read. */
async function readBytes(path: string): Promise<Buffer> {
  const problem = await unreadableProblem(path);
  if (problem !== undefined) throw new DataError(path, `cannot read features: ${problem}`);
  try {
    return await readFile(path);
  } catch (error) {
    throw new DataError(path, `cannot read features: ${readFailureReason(error)}`);
  }
}
