import { MAX_ID_LENGTH } from '@edgerec/core';
import { DataError } from './data-error.js';
import type { RatingColumns } from './header-columns.js';
import { LineMap } from './line-map.js';
import { RatingsBuilder } from './ratings-builder.js';
import { parseRating } from './rating-value.js';
import { parseTimestamp } from './timestamp-value.js';

/** Which columns a RowCollector reads from each record (0-based), and what it does with them. */
export interface RowLayout {
  user: number;
  item: number;
  /** The column stored as each row's value, and the field it is reported as; without one every value is 1. */
  value?: { column: number; field: 'rating' | 'weight' };
  timestamp?: number;
  /** Keeps only rows whose rating (in this column) is at least `min`; the rest are counted, not stored. */
  minRating?: { column: number; min: number };
  /** Rows with an id longer than MAX_ID_LENGTH (which the Worker cannot serve) are skipped and counted, instead of an error. */
  skipLongIds?: boolean;
}

/** How the records of a file are split and whether the first one is a header. */
export interface RecordShape {
  delimiter: string;
  header: boolean;
}

/** The layout of a ratings file: the rating is the value, and the timestamp is kept when there is one (and it is wanted). */
export function ratingsLayout(columns: RatingColumns, timestamps: boolean): RowLayout {
  const layout: RowLayout = {
    user: columns.user,
    item: columns.item,
    value: { column: columns.rating, field: 'rating' },
  };
  if (timestamps && columns.timestamp !== undefined) layout.timestamp = columns.timestamp;
  return layout;
}

const NONE = -1;

/** Validates parsed records of one file and appends them as rows; throws DataError on the first bad record. */
export class RowCollector<Spec extends RecordShape = RecordShape> {
  readonly builder: RatingsBuilder;
  readonly lineMap = new LineMap();
  /** Rows left out because their rating was below the layout's minRating. */
  belowMinRating = 0;
  /** Rows left out because their user or item id is longer than MAX_ID_LENGTH (with skipLongIds). */
  longIdRows = 0;
  private headerPending: boolean;
  private readonly minFields: number;
  private readonly roles: string;
  private readonly decimalComma: boolean;
  private readonly user: number;
  private readonly item: number;
  private readonly value: number;
  private readonly valueField: 'rating' | 'weight';
  private readonly timestamp: number;
  private readonly minColumn: number;
  private readonly minRating: number;
  private readonly skipLongIds: boolean;

  constructor(
    private readonly file: string,
    /** The file's layout, as detected. */
    readonly spec: Spec,
    layout: RowLayout,
    expectedRows: number,
  ) {
    this.headerPending = spec.header;
    this.decimalComma = spec.delimiter === ';';
    this.user = layout.user;
    this.item = layout.item;
    this.value = layout.value?.column ?? NONE;
    this.valueField = layout.value?.field ?? 'weight';
    this.timestamp = layout.timestamp ?? NONE;
    this.minColumn = layout.minRating?.column ?? NONE;
    this.minRating = layout.minRating?.min ?? Number.NEGATIVE_INFINITY;
    this.skipLongIds = layout.skipLongIds ?? false;
    const used: [string, number][] = [
      ['user', this.user],
      ['item', this.item],
    ];
    if (this.value !== NONE) used.push([this.valueField, this.value]);
    if (this.minColumn !== NONE && this.minColumn !== this.value) used.push(['rating', this.minColumn]);
    if (this.timestamp !== NONE) used.push(['timestamp', this.timestamp]);
    this.minFields = Math.max(...used.map(([, column]) => column)) + 1;
    this.roles = used.map(([role]) => role).join(', ');
    this.builder = new RatingsBuilder(expectedRows, this.timestamp !== NONE);
  }

  /** The field delimiter of the file. */
  get delimiter(): string {
    return this.spec.delimiter;
  }

  /** True when the file had a header line (already consumed). */
  get sawHeader(): boolean {
    return this.spec.header && !this.headerPending;
  }

  /** Handles one record that ends on 1-based `line`. */
  accept(fields: string[], line: number): void {
    if (fields.length === 1 && fields[0]!.trim() === '') return; // a line of spaces
    if (this.headerPending) {
      this.headerPending = false;
      return;
    }
    if (fields.length < this.minFields) {
      throw new DataError(
        this.file,
        `too few columns: expected at least ${this.minFields} (${this.roles}), found ${fields.length}`,
        { line, value: fields.join(this.spec.delimiter) },
      );
    }
    const user = fields[this.user]!.trim();
    if (user === '') throw new DataError(this.file, 'missing id', { line, field: 'user' });
    const item = fields[this.item]!.trim();
    if (item === '') throw new DataError(this.file, 'missing id', { line, field: 'item' });
    if (user.length > MAX_ID_LENGTH || item.length > MAX_ID_LENGTH) {
      if (this.skipLongIds) {
        this.longIdRows++;
        return;
      }
      const [field, id] = user.length > MAX_ID_LENGTH ? (['user', user] as const) : (['item', item] as const);
      throw new DataError(
        this.file,
        `id is ${id.length} characters long, more than the ${MAX_ID_LENGTH} the Worker serves (--skip-long-ids skips such rows)`,
        { line, field },
      );
    }
    const value = this.value === NONE ? 1 : this.number(fields[this.value]!, line, this.valueField);
    const timestamp = this.timestamp === NONE ? 0 : this.time(fields[this.timestamp]!, line);
    if (this.minColumn !== NONE) {
      const rating = this.minColumn === this.value ? value : this.number(fields[this.minColumn]!, line, 'rating');
      if (rating < this.minRating) {
        this.belowMinRating++;
        return;
      }
    }
    this.lineMap.add(this.builder.add(user, item, value, timestamp), line);
  }

  /** A rating (any finite number) or a weight (a finite number above 0), else a DataError naming the field. */
  private number(raw: string, line: number, field: 'rating' | 'weight'): number {
    const parsed = parseRating(raw, this.decimalComma);
    if (!parsed.ok) throw new DataError(this.file, parsed.problem, { line, field, value: raw });
    if (field === 'weight' && !(Math.fround(parsed.value) > 0)) {
      throw new DataError(this.file, 'must be a number greater than 0', { line, field, value: raw });
    }
    return parsed.value;
  }

  /** Seconds since the epoch, else a DataError naming the timestamp field. */
  private time(raw: string, line: number): number {
    const parsed = parseTimestamp(raw);
    if (!parsed.ok) throw new DataError(this.file, parsed.problem, { line, field: 'timestamp', value: raw });
    return parsed.value;
  }
}
