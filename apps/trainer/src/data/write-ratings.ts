import { writeFileAtomic } from '../io/atomic-write.js';
import type { RatingsTable } from './ratings-table.js';

/** Options of writeRatingsFile and ratingsFileText. */
export interface WriteRatingsOptions {
  /** 'tsv' (default) or 'csv'. */
  format?: 'tsv' | 'csv';
  /** Header of the value column: 'rating' (default), or 'weight' for interactions. */
  valueName?: 'rating' | 'weight';
  /** Only these rows, in this order (default: all rows). */
  rows?: Uint32Array;
  /** Stops producing text with the signal's reason. */
  signal?: AbortSignal;
}

const ROWS_PER_CHUNK = 16_384;

/**
 * Writes a table as `user<TAB>item<TAB>rating` lines (or CSV) under a header, atomically; a
 * table with timestamps gets a fourth column, `timestamp`, in epoch seconds.
 */
export async function writeRatingsFile(
  path: string,
  table: RatingsTable,
  options: WriteRatingsOptions = {},
): Promise<void> {
  await writeFileAtomic(path, ratingsFileText(table, options));
}

/** The text of a ratings file in chunks of many lines: the header, then one line per row. */
export function* ratingsFileText(table: RatingsTable, options: WriteRatingsOptions = {}): Generator<string> {
  const delimiter = options.format === 'csv' ? ',' : '\t';
  const { users, items, ratings, timestamps } = table;
  const userFields = table.userIds.map((id) => quoteField(id, delimiter));
  const itemFields = table.itemIds.map((id) => quoteField(id, delimiter));
  const header = ['user', 'item', options.valueName ?? 'rating'];
  if (timestamps !== undefined) header.push('timestamp');
  yield `${header.join(delimiter)}\n`;
  const count = options.rows?.length ?? ratings.length;
  let chunk = '';
  for (let k = 0; k < count; k++) {
    const r = options.rows === undefined ? k : options.rows[k]!;
    chunk += `${userFields[users[r]!]}${delimiter}${itemFields[items[r]!]}${delimiter}${formatFloat32(ratings[r]!)}`;
    chunk += timestamps === undefined ? '\n' : `${delimiter}${timestamps[r]!}\n`;
    if ((k + 1) % ROWS_PER_CHUNK === 0) {
      options.signal?.throwIfAborted();
      yield chunk;
      chunk = '';
    }
  }
  options.signal?.throwIfAborted();
  if (chunk !== '') yield chunk;
}

/** Quotes a field (CSV style, doubling quotes) when it holds the delimiter, a quote, a line break or edge spaces. */
function quoteField(text: string, delimiter: string): string {
  const needsQuotes = text.includes(delimiter) || /["\r\n]/.test(text) || text !== text.trim() || text === '';
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
