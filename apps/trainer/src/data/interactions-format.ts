import { UserError } from '../user-error.js';
import { DataError } from './data-error.js';
import {
  formatName,
  hasHeader,
  missingColumns,
  positionalTimestamp,
  readFirstLine,
  type FirstLine,
  type FormatSpec,
  type RatingsFormat,
} from './formats.js';
import { findHeaderColumns, normalizeHeaderName } from './header-columns.js';

/** Where the columns of an interactions file are (0-based); every role but user and item is optional. */
export interface InteractionColumns {
  user: number;
  item: number;
  weight?: number;
  rating?: number;
  timestamp?: number;
}

/** Where interaction weights come from: a weight column (or none: every row weighs 1), or a ratings file. */
export type InteractionSource = 'interactions' | 'ratings';

const INTEGER = /^\d+$/;
const HEADER_HINT =
  'a first line whose third field is not a number, or that names the user and item columns, is read as a header';

/**
 * Works out the layout of an interactions file from its first lines. A header names the columns
 * (user and item required; weight, rating and timestamp optional); a header-less file is
 * user,item or user,item,rating[,timestamp]. `weightColumn` (a header name or a 1-based column
 * number) makes that column the weight.
 */
export function detectInteractionsFormat(
  firstLines: string[],
  file: string,
  format: RatingsFormat | 'auto' = 'auto',
  weightColumn?: string,
): FormatSpec<InteractionColumns> {
  const first = readFirstLine(firstLines, file, format);
  const header = isHeader(format, first);
  const name = formatName(format, first, header);
  const columns = header ? namedColumns(first, file) : positionalColumns(first, file, name);
  if (weightColumn !== undefined) forceWeight(columns, weightColumn, first, header, file);
  return { format: name, delimiter: first.delimiter, header, columns };
}

/** 'ratings' when the only value column is a rating; otherwise 'interactions' (a weight column, or none). */
export function interactionSource(columns: InteractionColumns): InteractionSource {
  return columns.weight === undefined && columns.rating !== undefined ? 'ratings' : 'interactions';
}

/** With three or more fields, the ratings rule (third field not a number); with fewer, a line naming the user and item columns. */
function isHeader(format: RatingsFormat | 'auto', first: FirstLine): boolean {
  if (first.fields.length >= 3 || format.startsWith('movielens')) return hasHeader(format, first.fields);
  const found = findHeaderColumns(first.fields);
  return found.user !== undefined && found.item !== undefined;
}

/** Columns named by a header line; a DataError when the user or item column is missing. */
function namedColumns(first: FirstLine, file: string): InteractionColumns {
  const found = findHeaderColumns(first.fields);
  const { user, item, ...optional } = found;
  if (user === undefined || item === undefined) {
    const missing = (['user', 'item'] as const).filter((role) => found[role] === undefined);
    throw missingColumns(file, first, missing, HEADER_HINT);
  }
  return { user, item, ...optional };
}

/** user,item (two columns) or user,item,rating with MovieLens's timestamp as the fourth column. */
function positionalColumns(first: FirstLine, file: string, format: RatingsFormat): InteractionColumns {
  const count = first.fields.length;
  if (count < 2) {
    throw new DataError(file, `too few columns: expected at least 2 (user, item), got ${count}`, {
      line: first.lineNumber,
    });
  }
  if (count === 2) return { user: 0, item: 1 };
  const timestamp = positionalTimestamp(format, first);
  return timestamp === undefined ? { user: 0, item: 1, rating: 2 } : { user: 0, item: 1, rating: 2, timestamp };
}

/** Makes the column `spec` names (header name or 1-based number) the weight, taking it from any other optional role. */
function forceWeight(columns: InteractionColumns, spec: string, first: FirstLine, header: boolean, file: string): void {
  const index = weightIndex(spec.trim(), first, header, file);
  for (const role of ['user', 'item'] as const) {
    if (columns[role] === index) throw new UserError(`weight column ${spec} of ${file} is its ${role} id column`);
  }
  if (columns.rating === index) delete columns.rating;
  if (columns.timestamp === index) delete columns.timestamp;
  columns.weight = index;
}

/** The 0-based index of the column a weight-column option names. */
function weightIndex(spec: string, first: FirstLine, header: boolean, file: string): number {
  const count = first.fields.length;
  if (INTEGER.test(spec)) {
    const number = Number(spec);
    if (number < 1 || number > count) {
      throw new UserError(
        `weight column ${spec} is out of range: ${file} has ${count} column${count === 1 ? '' : 's'}`,
      );
    }
    return number - 1;
  }
  if (!header) {
    throw new UserError(`weight column "${spec}" is a name, but ${file} has no header line; give its number (1-based)`);
  }
  const names = first.fields.map((field) => field.trim());
  let index = names.indexOf(spec);
  if (index < 0) index = names.map(normalizeHeaderName).indexOf(normalizeHeaderName(spec));
  if (index < 0) {
    throw new UserError(
      `${file} has no column named "${spec}" (columns: ${names.map((n) => JSON.stringify(n)).join(', ')})`,
    );
  }
  return index;
}
