// What a side-feature file holds once read, and the collector every layout's reader fills.
import { DataError } from './data-error.js';

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

/** Collects entities and their features while a file is read, rejecting empty and repeated ids. */
export class FeatureCollector {
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

/** The non-empty, trimmed, `|`-separated values of one cell. */
export function splitValues(cell: string): string[] {
  return cell
    .split('|')
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

/** The non-blank lines of a text with their 1-based numbers, without a trailing `\r`. */
export function* nonBlankLines(text: string): Generator<{ text: string; line: number }> {
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const content = text.slice(start, end).replace(/\r$/, '');
    if (content.trim() !== '') yield { text: content, line };
    start = end + 1;
  }
}

/** An id-looking field: digits only. */
export const INTEGER = /^\d+$/;
