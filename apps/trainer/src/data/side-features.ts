import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { buildMemberships, type Memberships } from '@edgerec/core/model';
import { parse } from 'csv-parse/sync';
import { UserError } from '../user-error.js';
import { csvErrorLine, isCsvError } from './csv-records.js';
import { DataError } from './data-error.js';
import { unreadableProblem } from '../io/file-kind.js';

/**
 * Side-feature file layouts readFeatureFile understands ('auto' detects one from the first line):
 * - `movielens-user`: MovieLens 100K `u.user`, `id|age|gender|occupation|zip`.
 * - `movielens-item`: MovieLens 100K `u.item`, `id|title|release date|video date|url|` + 19 genre flags.
 * - `movielens-1m-user`: MovieLens 1M `users.dat`, `id::gender::age code::occupation code::zip`.
 * - `movielens-1m-item`: MovieLens 1M `movies.dat`, `id::Title (Year)::Genre|Genre`.
 * - `csv`: a comma, semicolon or tab separated file with a header; see readFeatureFile.
 */
export const FEATURE_FORMATS = [
  'auto',
  'movielens-user',
  'movielens-item',
  'movielens-1m-user',
  'movielens-1m-item',
  'csv',
] as const;

/** One of FEATURE_FORMATS. */
export type FeatureFormat = (typeof FEATURE_FORMATS)[number];

/** Whether a feature file describes users or items. */
export type FeatureKind = 'user' | 'item';

/** The side features of one file: which feature values each entity has. */
export interface FeatureFile {
  file: string;
  /** The layout read (never 'auto'). */
  format: string;
  /** entity ids in file order */
  ids: string[];
  /** feature value names, e.g. "gender=F", "genre=Comedy", "decade=1990s" */
  features: string[];
  /** parallel pairs: entity index (into ids) and feature index (into features) */
  owners: Int32Array;
  members: Int32Array;
}

/** A feature file's memberships re-indexed by a model's user or item indices. */
export interface AlignedFeatures {
  /** Owner = the model's user or item index; member = index into featureNames. */
  memberships: Memberships;
  /** The file's features that at least one model entity has, in file order. */
  featureNames: string[];
  /** model ids with no row in the file */
  missing: number;
  /** file ids the model does not know (ignored) */
  unknown: number;
}

/** The id index an alignment needs (an IdIndex from @edgerec/core fits). */
export interface FeatureIdIndex {
  size: number;
  ids: readonly string[];
  indexOf(id: string): number | undefined;
}

/** MovieLens 1M's age buckets, by lower bound; MovieLens 100K's exact ages are put in the same buckets. */
const AGE_BUCKETS: readonly (readonly [number, string])[] = [
  [56, '56+'],
  [50, '50-55'],
  [45, '45-49'],
  [35, '35-44'],
  [25, '25-34'],
  [18, '18-24'],
  [0, 'under 18'],
];
/** MovieLens 1M's age codes (the lower bound of each bucket, 1 for under 18). */
const ML1M_AGE_CODES: ReadonlySet<number> = new Set([1, 18, 25, 35, 45, 50, 56]);
/** MovieLens 1M's occupation codes 0..20, named as in its README. */
const ML1M_OCCUPATIONS: readonly string[] = [
  'other',
  'academic/educator',
  'artist',
  'clerical/admin',
  'college/grad student',
  'customer service',
  'doctor/health care',
  'executive/managerial',
  'farmer',
  'homemaker',
  'K-12 student',
  'lawyer',
  'programmer',
  'retired',
  'sales/marketing',
  'scientist',
  'self-employed',
  'technician/engineer',
  'tradesman/craftsman',
  'unemployed',
  'writer',
];
/** The 19 genre flags of MovieLens 100K's u.item, in column order. */
const ML100K_GENRES: readonly string[] = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];

type FixedFormat = Exclude<FeatureFormat, 'auto' | 'csv'>;

/** Layout of each MovieLens format: delimiter, field count, the kind it describes and its usual file name. */
const MOVIELENS: Record<FixedFormat, { delimiter: string; fields: number; kind: FeatureKind; name: string; columns: string }> = {
  'movielens-user': {
    delimiter: '|',
    fields: 5,
    kind: 'user',
    name: 'MovieLens 100K u.user',
    columns: 'user id | age | gender | occupation | zip code',
  },
  'movielens-item': {
    delimiter: '|',
    fields: 5 + ML100K_GENRES.length,
    kind: 'item',
    name: 'MovieLens 100K u.item',
    columns: 'movie id | title | release date | video release date | IMDb URL | 19 genre flags',
  },
  'movielens-1m-user': {
    delimiter: '::',
    fields: 5,
    kind: 'user',
    name: 'MovieLens 1M users.dat',
    columns: 'UserID::Gender::Age::Occupation::Zip-code',
  },
  'movielens-1m-item': {
    delimiter: '::',
    fields: 3,
    kind: 'item',
    name: 'MovieLens 1M movies.dat',
    columns: 'MovieID::Title::Genres',
  },
};

const INTEGER = /^\d+$/;
const ZIP = /^\d+(-\d+)?$/;
const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Reads a user or item side-feature file (MovieLens u.user/u.item/users.dat/movies.dat, or a CSV/TSV
 * with a header whose first column is the id and whose other columns are categorical: value `v` in
 * column `c` is feature `c=v`, `|` separates several values in one cell, empty cells add nothing;
 * numeric columns are categorical too, so bucket them first, e.g. years into decades).
 * MovieLens files are decoded as latin1; CSV as UTF-8, or latin1 when the bytes are not valid UTF-8.
 */
export async function readFeatureFile(path: string, kind: FeatureKind, format: FeatureFormat = 'auto'): Promise<FeatureFile> {
  checkFormat(format, kind);
  const bytes = withoutBom(await readBytes(path));
  const sniff = bytes.toString('latin1');
  const first = firstLine(sniff);
  if (first === undefined) throw new DataError(path, 'file is empty');
  const chosen = format === 'auto' ? detectFeatureFormat(first.text, path, first.line, kind) : format;
  const collector = new FeatureCollector(path, kind);
  if (chosen === 'csv') {
    readCsv(isUtf8(bytes) ? bytes.toString('utf8') : sniff, path, first.text, collector);
  } else {
    readMovieLens(sniff, path, chosen, collector);
  }
  if (collector.ids.length === 0) {
    throw new DataError(path, `no ${kind}s: the file has a header line but no data rows`);
  }
  return collector.result(chosen);
}

/**
 * Aligns a feature file with a model's id index: owners become the model's indices (a model id
 * without a row gets no members and weight 0), file ids the model does not know are dropped, and
 * features no model entity has are dropped. Throws a DataError when the ids clearly do not match.
 */
export function alignFeatures(file: FeatureFile, index: FeatureIdIndex, kind: FeatureKind): AlignedFeatures {
  const modelOf = new Int32Array(file.ids.length).fill(-1);
  const covered = new Uint8Array(index.size);
  const unknownIds: string[] = [];
  for (let e = 0; e < file.ids.length; e++) {
    const id = file.ids[e]!;
    const position = index.indexOf(id);
    if (position === undefined) {
      unknownIds.push(id);
      continue;
    }
    modelOf[e] = position;
    covered[position] = 1;
  }
  const found = covered.reduce((sum, flag) => sum + flag, 0);
  if (found * 2 < index.size) throw mismatchError(file, index, kind, found, covered, unknownIds);

  const used = new Uint8Array(file.features.length);
  for (let r = 0; r < file.owners.length; r++) {
    if (modelOf[file.owners[r]!]! >= 0) used[file.members[r]!] = 1;
  }
  const renumber = new Int32Array(file.features.length).fill(-1);
  const featureNames: string[] = [];
  for (let f = 0; f < file.features.length; f++) {
    if (used[f] === 0) continue;
    renumber[f] = featureNames.length;
    featureNames.push(file.features[f]!);
  }
  const ownerOf: number[] = [];
  const memberOf: number[] = [];
  for (let r = 0; r < file.owners.length; r++) {
    const owner = modelOf[file.owners[r]!]!;
    if (owner < 0) continue;
    ownerOf.push(owner);
    memberOf.push(renumber[file.members[r]!]!);
  }
  return {
    memberships: buildMemberships(index.size, featureNames.length, ownerOf, memberOf),
    featureNames,
    missing: index.size - found,
    unknown: unknownIds.length,
  };
}

/** Works out a feature file's layout from its first non-blank line; a MovieLens file of the other kind is a DataError. */
function detectFeatureFormat(line: string, file: string, lineNumber: number, kind: FeatureKind): Exclude<FeatureFormat, 'auto'> {
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
    throw new DataError(file, `this looks like ${layout.name} (${layout.kind} features), but it was given as ${kind} features`, {
      line: lineNumber,
    });
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

/** Collects entities and their features while a file is read, rejecting empty and repeated ids. */
class FeatureCollector {
  readonly ids: string[] = [];
  private readonly features: string[] = [];
  private readonly featureIndex = new Map<string, number>();
  private readonly lineOf = new Map<string, number>();
  private readonly owners: number[] = [];
  private readonly members: number[] = [];
  private readonly current = new Set<number>();

  constructor(
    private readonly file: string,
    private readonly kind: FeatureKind,
  ) {}

  /** Starts the entity of `line`. */
  begin(id: string, line: number, field: string): void {
    if (id === '') throw new DataError(this.file, `empty ${this.kind} id`, { line, field });
    const first = this.lineOf.get(id);
    if (first !== undefined) {
      throw new DataError(this.file, `duplicate ${this.kind} id "${id}", first given on line ${first}`, { line });
    }
    this.lineOf.set(id, line);
    this.ids.push(id);
    this.current.clear();
  }

  /** Gives the current entity a feature (once, however often it is added). */
  add(name: string): void {
    let index = this.featureIndex.get(name);
    if (index === undefined) {
      index = this.features.length;
      this.features.push(name);
      this.featureIndex.set(name, index);
    }
    if (this.current.has(index)) return;
    this.current.add(index);
    this.owners.push(this.ids.length - 1);
    this.members.push(index);
  }

  /** The file read so far. */
  result(format: string): FeatureFile {
    return {
      file: this.file,
      format,
      ids: this.ids,
      features: this.features,
      owners: Int32Array.from(this.owners),
      members: Int32Array.from(this.members),
    };
  }
}

/** Reads the rows of a MovieLens file (no quoting, fixed field count) into the collector. */
function readMovieLens(text: string, file: string, format: FixedFormat, collector: FeatureCollector): void {
  const layout = MOVIELENS[format];
  for (const { text: line, line: lineNumber } of nonBlankLines(text)) {
    const fields = line.split(layout.delimiter).map((field) => field.trim());
    if (fields.length !== layout.fields) {
      const problem = fields.length < layout.fields ? 'too few fields' : 'too many fields';
      throw new DataError(file, `${problem}: expected ${layout.fields} (${layout.columns}), got ${fields.length}`, {
        line: lineNumber,
        value: line,
      });
    }
    const row = new Row(file, lineNumber, collector);
    switch (format) {
      case 'movielens-user':
        row.begin(fields[0]!, 'user id');
        row.addAge(fields[1]!, 'exact');
        row.addPlain('gender', fields[2]!);
        row.addPlain('occupation', fields[3]!);
        row.addZip(fields[4]!);
        break;
      case 'movielens-1m-user':
        row.begin(fields[0]!, 'UserID');
        row.addPlain('gender', fields[1]!);
        row.addAge(fields[2]!, 'code');
        row.addOccupationCode(fields[3]!);
        row.addZip(fields[4]!);
        break;
      case 'movielens-item':
        row.begin(fields[0]!, 'movie id');
        row.addGenreFlags(fields.slice(5));
        row.addDecade(fields[2]!, /(\d{4})$/, 'release date');
        break;
      case 'movielens-1m-item':
        row.begin(fields[0]!, 'MovieID');
        for (const genre of splitValues(fields[2]!)) collector.add(`genre=${genre}`);
        row.addDecade(fields[1]!, /\((\d{4})\)$/, 'title', true);
        break;
    }
  }
}

/** One MovieLens row being read: turns its fields into features, with DataErrors naming the line. */
class Row {
  constructor(
    private readonly file: string,
    private readonly line: number,
    private readonly collector: FeatureCollector,
  ) {}

  /** Starts the row's entity; `field` names the id column in messages. */
  begin(id: string, field: string): void {
    this.collector.begin(id, this.line, field);
  }

  /** `name=value` unless the value is empty. */
  addPlain(name: string, value: string): void {
    if (value !== '') this.collector.add(`${name}=${value}`);
  }

  /** `age=<bucket>` from an exact age (100K) or a 1M age code. */
  addAge(value: string, kind: 'exact' | 'code'): void {
    if (value === '') return;
    const age = INTEGER.test(value) ? Number(value) : Number.NaN;
    if (kind === 'exact' && !(age >= 0 && age < 150)) {
      throw new DataError(this.file, 'age must be a whole number of years', { line: this.line, field: 'age', value });
    }
    if (kind === 'code' && !ML1M_AGE_CODES.has(age)) {
      throw new DataError(this.file, 'age must be one of the MovieLens 1M age codes 1, 18, 25, 35, 45, 50, 56', {
        line: this.line,
        field: 'age',
        value,
      });
    }
    const bucket = AGE_BUCKETS.find(([from]) => age >= from)!;
    this.collector.add(`age=${bucket[1]}`);
  }

  /** `occupation=<name>` from a 1M occupation code 0..20. */
  addOccupationCode(value: string): void {
    if (value === '') return;
    const name = INTEGER.test(value) ? ML1M_OCCUPATIONS[Number(value)] : undefined;
    if (name === undefined) {
      throw new DataError(this.file, 'occupation must be a MovieLens 1M occupation code 0-20', {
        line: this.line,
        field: 'occupation',
        value,
      });
    }
    this.collector.add(`occupation=${name}`);
  }

  /** `zip=<first digit>` for a numeric zip code (e.g. 55117 or 55117-2345); others (Canadian, blank) add nothing. */
  addZip(value: string): void {
    if (ZIP.test(value)) this.collector.add(`zip=${value[0]}`);
  }

  /** `genre=<name>` per u.item flag set; "unknown" only when no other genre is set. */
  addGenreFlags(flags: readonly string[]): void {
    const set: string[] = [];
    flags.forEach((flag, i) => {
      if (flag !== '0' && flag !== '1') {
        throw new DataError(this.file, 'a genre flag must be 0 or 1', {
          line: this.line,
          field: `genre ${ML100K_GENRES[i]}`,
          value: flag,
        });
      }
      if (flag === '1') set.push(ML100K_GENRES[i]!);
    });
    const genres = set.length > 1 ? set.filter((genre) => genre !== 'unknown') : set;
    for (const genre of genres) this.collector.add(`genre=${genre}`);
  }

  /** `decade=<1990s>` from the year `pattern` finds; empty text adds nothing, and so does text without a year if `optional`. */
  addDecade(value: string, pattern: RegExp, field: string, optional = false): void {
    if (value === '') return;
    const match = pattern.exec(value);
    if (match === null) {
      if (optional) return;
      throw new DataError(this.file, 'no year (expected a date such as 01-Jan-1995)', { line: this.line, field, value });
    }
    this.collector.add(`decade=${Math.floor(Number(match[1]) / 10) * 10}s`);
  }
}

/** A record csv-parse returns with `info: true`: the fields and the line it ends on. */
interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/** Reads a CSV/TSV feature file with a header: first column the id, every other column a categorical feature. */
function readCsv(text: string, file: string, firstLine: string, collector: FeatureCollector): void {
  const delimiter = csvDelimiter(firstLine);
  let records: CsvRecord[];
  try {
    records = parse(text, {
      delimiter,
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
    }) as unknown as CsvRecord[];
  } catch (error) {
    if (!isCsvError(error)) throw error;
    const line = csvErrorLine(error);
    throw new DataError(file, `malformed file: ${error.message}`, line === undefined ? {} : { line });
  }
  const rows = records.filter(({ record }) => record.some((field) => field !== ''));
  const header = rows[0];
  if (header === undefined) throw new DataError(file, 'file is empty');
  const columns = checkHeader(header.record, file, header.info.lines);
  for (const { record, info } of rows.slice(1)) {
    const extra = record.slice(columns.length);
    if (record.length < columns.length || extra.some((field) => field !== '')) {
      const problem = record.length < columns.length ? 'too few fields' : 'too many fields';
      throw new DataError(
        file,
        `${problem}: expected ${columns.length} (${columns.join(', ')}), got ${record.length}` +
          (extra.length > 0 ? ' (quote cells that contain the delimiter)' : ''),
        { line: info.lines },
      );
    }
    collector.begin(record[0]!, info.lines, columns[0]!);
    for (let c = 1; c < columns.length; c++) {
      for (const value of splitValues(record[c]!)) collector.add(`${columns[c]}=${value}`);
    }
  }
}

/** The header's column names; a DataError when it looks like data or names no feature column, or names are empty or repeated. */
function checkHeader(names: string[], file: string, line: number): string[] {
  if (INTEGER.test(names[0]!)) {
    throw new DataError(
      file,
      'the first line must be a header (the id column, then one column per feature), but its first field looks like an id',
      { line, value: names[0]! },
    );
  }
  if (names.length < 2) {
    throw new DataError(file, 'the header names only an id column; a feature file needs at least one feature column', {
      line,
      value: names[0]!,
    });
  }
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (i > 0 && name === '') throw new DataError(file, `column ${i + 1} has no name in the header`, { line });
    if (seen.has(name)) throw new DataError(file, 'two columns have the same name', { line, value: name });
    seen.add(name);
  });
  return names;
}

/** Tab if the header has one, else semicolon when it has more semicolons than commas, else comma. */
function csvDelimiter(line: string): string {
  if (line.includes('\t')) return '\t';
  return line.split(';').length > line.split(',').length ? ';' : ',';
}

/** The non-empty, trimmed, `|`-separated values of one cell. */
function splitValues(cell: string): string[] {
  return cell
    .split('|')
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

/** The first non-blank line and its 1-based number, or undefined when every line is blank. */
function firstLine(text: string): { text: string; line: number } | undefined {
  for (const line of nonBlankLines(text)) return line;
  return undefined;
}

/** The non-blank lines of a text with their 1-based numbers, without a trailing `\r`. */
function* nonBlankLines(text: string): Generator<{ text: string; line: number }> {
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const content = text.slice(start, end).replace(/\r$/, '');
    if (content.trim() !== '') yield { text: content, line };
    start = end + 1;
  }
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
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'this is a directory, not a file'
            : (error as Error).message;
    throw new DataError(path, `cannot read features: ${reason}`);
  }
}

/** The DataError for a file whose ids barely overlap the model's, with examples from both sides. */
function mismatchError(
  file: FeatureFile,
  index: FeatureIdIndex,
  kind: FeatureKind,
  found: number,
  covered: Uint8Array,
  unknownIds: readonly string[],
): DataError {
  const EXAMPLES = 3;
  const modelOnly: string[] = [];
  for (let i = 0; i < index.size && modelOnly.length < EXAMPLES; i++) {
    if (covered[i] === 0) modelOnly.push(index.ids[i]!);
  }
  const quote = (ids: readonly string[]): string => ids.slice(0, EXAMPLES).map((id) => JSON.stringify(id)).join(', ');
  const fileSide =
    unknownIds.length > 0
      ? `this file has ${unknownIds.length} ${kind} ids the model does not know, e.g. ${quote(unknownIds)}`
      : `this file has only ${file.ids.length} ${kind}s`;
  return new DataError(
    file.file,
    `the ${kind} ids do not match the model's: only ${found} of its ${index.size} ${kind}s have a row here ` +
      `(the model has e.g. ${quote(modelOnly)}; ${fileSide}); is this the ${kind} feature file for these ratings?`,
  );
}
