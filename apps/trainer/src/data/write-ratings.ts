import { writeFileAtomic } from '../io/atomic-write.js';
import type { RatingsTable } from './ratings-table.js';

/** Options of writeRatingsFile. */
export interface WriteRatingsOptions {
  /** 'tsv' (default) or 'csv'. */
  format?: 'tsv' | 'csv';
}

const ROWS_PER_CHUNK = 16_384;

/** Writes a table as `user<TAB>item<TAB>rating` lines (or CSV) under a header, atomically. */
export async function writeRatingsFile(path: string, table: RatingsTable, options: WriteRatingsOptions = {}): Promise<void> {
  const delimiter = options.format === 'csv' ? ',' : '\t';
  await writeFileAtomic(path, ratingLines(table, delimiter));
}

/** The file text in chunks of many lines: the header, then one line per row. */
function* ratingLines(table: RatingsTable, delimiter: string): Generator<string> {
  const { users, items, ratings } = table;
  const userFields = table.userIds.map((id) => quoteField(id, delimiter));
  const itemFields = table.itemIds.map((id) => quoteField(id, delimiter));
  yield ['user', 'item', 'rating'].join(delimiter) + '\n';
  let chunk = '';
  for (let r = 0; r < ratings.length; r++) {
    chunk += `${userFields[users[r]!]}${delimiter}${itemFields[items[r]!]}${delimiter}${formatFloat32(ratings[r]!)}\n`;
    if ((r + 1) % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** Quotes a field (CSV style, doubling quotes) when it holds the delimiter, a quote, a line break or edge spaces. */
function quoteField(text: string, delimiter: string): string {
  const needsQuotes =
    text.includes(delimiter) || /["\r\n]/.test(text) || text !== text.trim() || text === '';
  return needsQuotes ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The shortest decimal that reads back as the same float32 (so 3.7 prints as 3.7, not 3.700000047683716). */
export function formatFloat32(value: number): string {
  if (Number.isInteger(value)) return String(value);
  for (let digits = 1; digits < 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(Number(value.toPrecision(9)));
}
