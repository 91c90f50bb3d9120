// MovieLens 100K and 1M side-feature tables (u.user, u.item, users.dat, movies.dat).
import { DataError } from './data-error.js';
import {
  type FeatureCollector,
  INTEGER,
  nonBlankLines,
  splitValues,
  type FeatureFormat,
  type FeatureKind,
} from './feature-file.js';

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

/** A MovieLens layout. */
export type FixedFormat = Exclude<FeatureFormat, 'auto' | 'csv'>;

/** Layout of each MovieLens format: delimiter, field count, the kind it describes and its usual file name. */
export const MOVIELENS: Record<
  FixedFormat,
  { delimiter: string; fields: number; kind: FeatureKind; name: string; columns: string }
> = {
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

const ZIP = /^\d+(-\d+)?$/;

/** Reads the rows of a MovieLens file (no quoting, fixed field count) into the collector. */
export function readMovieLensFeatures(
  text: string,
  file: string,
  format: FixedFormat,
  collector: FeatureCollector,
): void {
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
      throw new DataError(this.file, 'no year (expected a date such as 01-Jan-1995)', {
        line: this.line,
        field,
        value,
      });
    }
    this.collector.add(`decade=${Math.floor(Number(match[1]) / 10) * 10}s`);
  }
}
