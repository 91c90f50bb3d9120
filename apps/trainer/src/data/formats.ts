import { parse } from 'csv-parse/sync';
import { UserError } from '../user-error.js';
import { DataError } from './data-error.js';
import { findHeaderColumns, normalizeHeaderName, type RatingColumns } from './header-columns.js';
import { isDecimal } from './rating-value.js';

/** Ratings file layouts `readRatingsFile` understands. */
export const RATINGS_FORMATS = ['movielens-100k', 'movielens-1m', 'movielens-csv', 'csv', 'tsv'] as const;

/** One of RATINGS_FORMATS. */
export type RatingsFormat = (typeof RATINGS_FORMATS)[number];

/** How to parse a ratings file: its delimiter, whether line one is a header, and where each column is. */
export interface FormatSpec<Columns = RatingColumns> {
  format: RatingsFormat;
  /** Field delimiter: `\t`, `,`, `;` or `::`. */
  delimiter: string;
  /** True when the first non-blank line names the columns rather than holding a rating. */
  header: boolean;
  /** Column indices (0-based) of user id, item id, rating and, when there is one, timestamp. */
  columns: Columns;
}

/** The first non-blank line of a file, split into fields. */
export interface FirstLine {
  /** Field delimiter: `\t`, `,`, `;` or `::`. */
  delimiter: string;
  fields: string[];
  /** 1-based line number. */
  lineNumber: number;
}

const MOVIELENS_CSV_HEADER = ['userid', 'movieid', 'rating', 'timestamp'];
const POSITIONAL: RatingColumns = { user: 0, item: 1, rating: 2 };
const INTEGER = /^\d+$/;

/** True when `value` names one of RATINGS_FORMATS. */
export function isRatingsFormat(value: string): value is RatingsFormat {
  return (RATINGS_FORMATS as readonly string[]).includes(value);
}

/** Rejects a format that is not one of the known names (it may come from a command line). */
export function checkFormat(format: string): void {
  if (format !== 'auto' && !isRatingsFormat(format)) throw new UserError(`unknown ratings format "${format}"`);
}

/** Works out the layout of a ratings file from its first lines (`format` forces the layout but still reads the header). */
export function detectFormat(firstLines: string[], file: string, format: RatingsFormat | 'auto' = 'auto'): FormatSpec {
  const first = readFirstLine(firstLines, file, format);
  const header = hasHeader(format, first.fields);
  const name = formatName(format, first, header);
  if (header) return { format: name, delimiter: first.delimiter, header, columns: headerColumns(first, file) };
  const columns = positionalColumns(first, file);
  const timestamp = positionalTimestamp(name, first);
  if (timestamp !== undefined) columns.timestamp = timestamp;
  return { format: name, delimiter: first.delimiter, header, columns };
}

/** Finds the first non-blank line of a sample and splits it with the delimiter `format` implies or the line uses. */
export function readFirstLine(firstLines: readonly string[], file: string, format: RatingsFormat | 'auto'): FirstLine {
  const index = firstLines.findIndex((line) => cleanLine(line, 0) !== '');
  if (index < 0) throw new DataError(file, 'file is empty');
  const line = cleanLine(firstLines[index]!, index);
  const lineNumber = index + 1;
  const delimiter = delimiterFor(format, line, file, lineNumber);
  return { delimiter, fields: splitSample(line, delimiter), lineNumber };
}

/** The timestamp column of a header-less file: the fourth column of the MovieLens layouts (u.data, ratings.dat). */
export function positionalTimestamp(format: RatingsFormat, first: FirstLine): number | undefined {
  const movielens = format === 'movielens-100k' || format === 'movielens-1m';
  return movielens && first.fields.length > 3 ? 3 : undefined;
}

/** Strips a trailing `\r` and, on the first line, a UTF-8 byte-order mark; returns '' for a blank line. */
function cleanLine(line: string, index: number): string {
  const text = index === 0 && line.startsWith('\ufeff') ? line.slice(1) : line;
  return text.trim() === '' ? '' : text.replace(/\r$/, '');
}

/** The delimiter a format implies, or the one the first line uses. */
function delimiterFor(format: RatingsFormat | 'auto', line: string, file: string, lineNumber: number): string {
  switch (format) {
    case 'movielens-100k':
    case 'tsv':
      return '\t';
    case 'movielens-1m':
      return '::';
    case 'movielens-csv':
      return ',';
    case 'csv':
      return count(line, ';') > count(line, ',') ? ';' : ',';
    case 'auto':
      return sniffDelimiter(line, file, lineNumber);
  }
}

/** Picks `::`, tab, comma or semicolon from the first line. */
function sniffDelimiter(line: string, file: string, lineNumber: number): string {
  if (line.includes('::')) return '::';
  const delimiter = sniffFieldDelimiter(line);
  if (delimiter === undefined) {
    throw new DataError(file, 'cannot tell the column delimiter: expected tab, comma, semicolon or "::"', {
      line: lineNumber,
      value: line,
    });
  }
  return delimiter;
}

/** Tab if the line has one, else semicolon when it has more semicolons than commas, else comma; undefined when it has none of them. */
export function sniffFieldDelimiter(line: string): '\t' | ';' | ',' | undefined {
  if (line.includes('\t')) return '\t';
  const commas = count(line, ',');
  const semicolons = count(line, ';');
  if (commas === 0 && semicolons === 0) return undefined;
  return semicolons > commas ? ';' : ',';
}

/** Number of occurrences of a one-character string. */
function count(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i >= 0; i = text.indexOf(char, i + 1)) n++;
  return n;
}

/** Splits one line into fields with csv-parse (quotes honoured), falling back to a plain split. */
function splitSample(line: string, delimiter: string): string[] {
  try {
    const records = parse(line, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][];
    return records[0] ?? [];
  } catch {
    return line.split(delimiter);
  }
}

/** A header is a first line whose rating-candidate (third) field is not a number. */
export function hasHeader(format: RatingsFormat | 'auto', fields: readonly string[]): boolean {
  if (format === 'movielens-100k' || format === 'movielens-1m') return false;
  if (format === 'movielens-csv') return true;
  const rating = fields[POSITIONAL.rating];
  return rating === undefined ? !fields.every((field) => isDecimal(field.trim())) : !isDecimal(rating.trim());
}

/** Columns named by a header line; a DataError when one of user, item, rating is missing. */
function headerColumns(first: FirstLine, file: string): RatingColumns {
  const found = findHeaderColumns(first.fields);
  const { user, item, rating, timestamp } = found;
  if (user === undefined || item === undefined || rating === undefined) {
    const missing = (['user', 'item', 'rating'] as const).filter((role) => found[role] === undefined);
    throw missingColumns(file, first, missing, 'a first line whose third field is not a number is read as a header');
  }
  return timestamp === undefined ? { user, item, rating } : { user, item, rating, timestamp };
}

/** Columns a missing-column message lists, and the characters it shows of each name. */
const LISTED_COLUMNS = 10;
const LISTED_NAME_CHARS = 40;

/** The DataError for a header that lacks required roles, listing (the first of) the columns it has. */
export function missingColumns(file: string, first: FirstLine, missing: readonly string[], hint: string): DataError {
  const shown = first.fields.slice(0, LISTED_COLUMNS).map((field) => {
    const name = field.trim();
    return JSON.stringify(name.length > LISTED_NAME_CHARS ? `${name.slice(0, LISTED_NAME_CHARS)}…` : name);
  });
  const more = first.fields.length > LISTED_COLUMNS ? `, … (${first.fields.length} in all)` : '';
  const names = `${shown.join(', ')}${more}`;
  return new DataError(file, `header has no ${missing.join(', ')} column; columns found: ${names} (${hint})`, {
    line: first.lineNumber,
  });
}

/** Columns 0, 1, 2 of a header-less file, which needs at least three columns. */
function positionalColumns(first: FirstLine, file: string): RatingColumns {
  if (first.fields.length < 3) {
    throw new DataError(file, `too few columns: expected at least 3 (user, item, rating), got ${first.fields.length}`, {
      line: first.lineNumber,
    });
  }
  return { ...POSITIONAL };
}

/** The format a layout reports: the forced one, or the name an auto-detected layout gets. */
export function formatName(format: RatingsFormat | 'auto', first: FirstLine, header: boolean): RatingsFormat {
  return format === 'auto' ? nameFormat(first.delimiter, header, first.fields) : format;
}

/** The format name an auto-detected layout reports. */
function nameFormat(delimiter: string, header: boolean, fields: readonly string[]): RatingsFormat {
  if (delimiter === '::') return 'movielens-1m';
  if (delimiter === '\t') {
    const movielens100k = !header && fields.length === 4 && fields.every((field) => INTEGER.test(field.trim()));
    return movielens100k ? 'movielens-100k' : 'tsv';
  }
  if (
    delimiter === ',' &&
    header &&
    fields.length === MOVIELENS_CSV_HEADER.length &&
    fields.every((field, i) => normalizeHeaderName(field) === MOVIELENS_CSV_HEADER[i])
  ) {
    return 'movielens-csv';
  }
  return 'csv';
}
