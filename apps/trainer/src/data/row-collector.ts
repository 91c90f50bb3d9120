import { DataError } from './data-error.js';
import type { FormatSpec } from './formats.js';
import { LineMap } from './line-map.js';
import { RatingsBuilder } from './ratings-builder.js';
import { parseRating } from './rating-value.js';

/** Validates parsed records of one file and appends them as rows; throws DataError on the first bad record. */
export class RowCollector {
  readonly builder: RatingsBuilder;
  readonly lineMap = new LineMap();
  private headerPending: boolean;
  private readonly minFields: number;
  private readonly decimalComma: boolean;

  constructor(
    private readonly file: string,
    private readonly spec: FormatSpec,
    expectedRows: number,
  ) {
    this.builder = new RatingsBuilder(expectedRows);
    this.headerPending = spec.header;
    this.minFields = Math.max(spec.columns.user, spec.columns.item, spec.columns.rating) + 1;
    this.decimalComma = spec.delimiter === ';';
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
        `too few columns: expected at least ${this.minFields} (user, item, rating), found ${fields.length}`,
        { line, value: fields.join(this.spec.delimiter) },
      );
    }
    const { columns } = this.spec;
    const user = fields[columns.user]!.trim();
    if (user === '') throw new DataError(this.file, 'missing id', { line, field: 'user' });
    const item = fields[columns.item]!.trim();
    if (item === '') throw new DataError(this.file, 'missing id', { line, field: 'item' });
    const rating = parseRating(fields[columns.rating]!, this.decimalComma);
    if (!rating.ok) {
      throw new DataError(this.file, rating.problem, { line, field: 'rating', value: fields[columns.rating]! });
    }
    this.lineMap.add(this.builder.add(user, item, rating.value), line);
  }
}
