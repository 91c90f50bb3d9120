import { UserError } from '../user-error.js';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { csvErrorLine, CsvRecordReader, isCsvError } from './csv-records.js';
import { DataError } from './data-error.js';
import { resolveDuplicates, type DuplicatePolicy } from './duplicates.js';
import { detectFormat, isRatingsFormat, type FormatSpec, type RatingsFormat } from './formats.js';
import type { RatingsTable } from './ratings-table.js';
import { RowCollector } from './row-collector.js';

export type { DuplicatePolicy } from './duplicates.js';

/** Options of readRatingsFile. */
export interface ReadRatingsOptions {
  /** Layout of the file; 'auto' (default) detects it from the first lines. */
  format?: RatingsFormat | 'auto';
  /** Repeated (user, item) pairs: keep the 'last' (default), average them ('mean'), or fail ('error'). */
  duplicates?: DuplicatePolicy;
  /** Called after each chunk read, and finally with bytesRead == totalBytes. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** A ratings table read from a file, with what is known about the file. */
export interface RatingsFile extends RatingsTable {
  file: string;
  format: RatingsFormat;
  /** Hex sha256 of the file bytes, computed while streaming. */
  sha256: string;
  /** Lines in the file, counting the header and blank lines. */
  lines: number;
  /** Rows merged or dropped by the duplicate policy. */
  duplicates: number;
}

const CHUNK_BYTES = 256 * 1024;
/** Non-blank lines to look at before choosing the format and sizing the arrays. */
const SAMPLE_LINES = 16;
const SAMPLE_MAX_BYTES = 1024 * 1024;
const DUPLICATE_POLICIES: readonly DuplicatePolicy[] = ['last', 'mean', 'error'];
const NEWLINE = 0x0a;

/** Streams a ratings file into a RatingsTable; any bad input is a DataError naming file, line and field. */
export async function readRatingsFile(path: string, options: ReadRatingsOptions = {}): Promise<RatingsFile> {
  const format = options.format ?? 'auto';
  const policy = options.duplicates ?? 'last';
  checkOptions(format, policy);
  const totalBytes = await fileSize(path);
  if (totalBytes === 0) throw new DataError(path, 'file is empty');

  const hash = createHash('sha256');
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const pending: Buffer[] = [];
  let parsing: Parsing | undefined;
  let bytesRead = 0;
  let newlines = 0;
  let endsWithNewline = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytesRead += chunk.length;
      newlines += countByte(chunk, NEWLINE);
      endsWithNewline = chunk[chunk.length - 1] === NEWLINE;
      options.onProgress?.(bytesRead, Math.max(totalBytes, bytesRead));
      if (parsing !== undefined) {
        await parsing.reader.write(chunk);
        continue;
      }
      pending.push(chunk);
      parsing = await startParsing(path, format, pending, false, totalBytes);
    }
    parsing ??= await startParsing(path, format, pending, true, totalBytes);
    if (parsing === undefined) throw new DataError(path, 'file is empty');
    await parsing.reader.end();
  } catch (error) {
    stream.destroy();
    parsing?.reader.destroy();
    throw asDataError(error, path);
  }
  if (bytesRead !== totalBytes) options.onProgress?.(bytesRead, bytesRead);

  const { collector, spec } = parsing;
  if (collector.builder.length === 0) {
    throw new DataError(path, collector.sawHeader ? 'no ratings: the file has a header line but no data rows' : 'no ratings');
  }
  const resolved = resolveDuplicates(collector.builder.build(), policy);
  if (resolved.firstDuplicate !== undefined) {
    const { row, firstRow } = resolved.firstDuplicate;
    const table = resolved.table;
    throw new DataError(
      path,
      `duplicate rating for user "${table.userIds[table.users[row]!]}" and item "${table.itemIds[table.items[row]!]}"` +
        `, first given on line ${collector.lineMap.lineOf(firstRow)} (choose another duplicate policy to merge them)`,
      { line: collector.lineMap.lineOf(row) },
    );
  }
  return {
    ...resolved.table,
    file: path,
    format: spec.format,
    sha256: hash.digest('hex'),
    lines: newlines + (bytesRead > 0 && !endsWithNewline ? 1 : 0),
    duplicates: resolved.duplicates,
  };
}

/** A parse in progress: the detected layout, the csv-parse reader and the rows collected so far. */
interface Parsing {
  spec: FormatSpec;
  reader: CsvRecordReader;
  collector: RowCollector;
}

/**
 * Once the buffered chunks hold enough lines (or the file has ended), detects the format,
 * sets up the parser, feeds it the buffered chunks and empties the buffer; until then undefined.
 */
async function startParsing(
  path: string,
  format: RatingsFormat | 'auto',
  pending: Buffer[],
  atEnd: boolean,
  totalBytes: number,
): Promise<Parsing | undefined> {
  const sample = sampleLines(pending, atEnd);
  if (sample === undefined) return undefined;
  const spec = detectFormat(sample, path, format);
  const collector = new RowCollector(path, spec, estimateRows(sample, totalBytes));
  const reader = new CsvRecordReader(
    { delimiter: spec.delimiter, bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true },
    (fields, line) => collector.accept(fields, line),
  );
  for (const chunk of pending.splice(0)) await reader.write(chunk);
  return { spec, reader, collector };
}

/** Rejects a format or duplicate policy that is not one of the known names (they may come from a command line). */
function checkOptions(format: string, policy: string): void {
  if (format !== 'auto' && !isRatingsFormat(format)) {
    throw new UserError(`unknown ratings format "${format}"`);
  }
  if (!(DUPLICATE_POLICIES as readonly string[]).includes(policy)) {
    throw new UserError(`unknown duplicate policy "${policy}" (expected ${DUPLICATE_POLICIES.join(', ')})`);
  }
}

/** Size of a regular file, or a DataError saying why it cannot be read. */
async function fileSize(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw asDataError(error, path);
  }
  if (info.isDirectory()) throw new DataError(path, 'cannot read ratings: this is a directory, not a file');
  return info.size;
}

/** The first lines of the buffered chunks once enough are known (or at the end of the file), else undefined. */
function sampleLines(chunks: readonly Buffer[], atEnd: boolean): string[] | undefined {
  const bytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const text = Buffer.concat(chunks, Math.min(bytes, SAMPLE_MAX_BYTES)).toString('utf8');
  const lines = text.split('\n');
  // Unless the whole file is here, the text may stop inside a line: drop that part-line
  // (but keep it when it is all there is, as for a first line longer than the sample).
  const cut = !atEnd || bytes > SAMPLE_MAX_BYTES;
  const complete = cut && lines.length > 1 ? lines.slice(0, -1) : lines;
  const nonBlank = complete.filter((line) => line.trim() !== '').length;
  if (!atEnd && bytes < SAMPLE_MAX_BYTES && nonBlank < SAMPLE_LINES) return undefined;
  return complete;
}

/** Expected number of rows from the average length of the sampled lines, to size the arrays once. */
function estimateRows(lines: readonly string[], totalBytes: number): number {
  let bytes = 0;
  let count = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    bytes += Buffer.byteLength(line) + 1;
    count++;
  }
  return count === 0 ? 0 : Math.ceil((totalBytes / (bytes / count)) * 1.05);
}

/** Number of occurrences of one byte value. */
function countByte(chunk: Buffer, byte: number): number {
  let n = 0;
  for (let i = chunk.indexOf(byte); i >= 0; i = chunk.indexOf(byte, i + 1)) n++;
  return n;
}

/** Turns file-system and csv-parse errors into DataErrors; DataErrors and anything else pass through. */
function asDataError(error: unknown, path: string): unknown {
  if (error instanceof DataError) return error;
  if (isCsvError(error)) {
    const line = csvErrorLine(error);
    return new DataError(path, `malformed file: ${error.message}`, line === undefined ? {} : { line });
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new DataError(path, 'cannot read ratings: no such file');
    case 'EACCES':
    case 'EPERM':
      return new DataError(path, 'cannot read ratings: permission denied');
    case 'EISDIR':
      return new DataError(path, 'cannot read ratings: this is a directory, not a file');
    case undefined:
      return error;
    default:
      return new DataError(path, `cannot read ratings: ${(error as Error).message}`);
  }
}
