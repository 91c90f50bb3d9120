import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { errnoCode, readFailureReason } from '../io/errno.js';
import { unreadableKindProblem } from '../io/file-kind.js';
import { binaryProblem } from './binary-text.js';
import { csvDataError, CsvRecordReader, isCsvError, type RecordHandler } from './csv-records.js';
import { DataError } from './data-error.js';

/** Where parsed records go once the layout is known: the delimiter to split on and a handler per record. */
export interface RecordSink {
  readonly delimiter: string;
  accept: RecordHandler;
}

/** Options of streamDelimitedFile. */
export interface StreamOptions {
  /** What the file holds, for messages ("cannot read ratings: no such file"). */
  noun: string;
  /** Called after each chunk read, and finally with bytesRead == totalBytes. */
  onProgress?: ((bytesRead: number, totalBytes: number) => void) | undefined;
  /** Stops reading with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/** A file streamed to the end: the sink that received its records, and facts about its bytes. */
export interface StreamedFile<Sink> {
  sink: Sink;
  /** Hex sha256 of the file bytes, computed while streaming. */
  sha256: string;
  /** Lines in the file, counting the header and blank lines. */
  lines: number;
}

/** Sets up parsing from the file's first lines and the expected number of rows. */
export type StartParsing<Sink extends RecordSink> = (sample: string[], expectedRows: number) => Sink;

const CHUNK_BYTES = 256 * 1024;
/** Non-blank lines to look at before choosing the format and sizing the arrays. */
const SAMPLE_LINES = 16;
const SAMPLE_MAX_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Streams a delimited text file through csv-parse: buffers chunks until enough first lines are
 * known, lets `start` choose the layout from them, then hands every record to the sink it returns.
 * Any bad input is a DataError naming the file (and the line, when there is one).
 */
export async function streamDelimitedFile<Sink extends RecordSink>(
  path: string,
  start: StartParsing<Sink>,
  options: StreamOptions,
): Promise<StreamedFile<Sink>> {
  // Size 0 is also what /proc files report: they are read to their end like any other.
  const totalBytes = await inputSize(path, options.noun);

  const hash = createHash('sha256');
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const pending: Buffer[] = [];
  let parsing: Parsing<Sink> | undefined;
  let bytesRead = 0;
  let newlines = 0;
  let endsWithNewline = false;
  try {
    options.signal?.throwIfAborted();
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted();
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
      parsing = await startParsing(path, start, pending, false, totalBytes);
    }
    if (bytesRead === 0) throw new DataError(path, 'file is empty');
    parsing ??= await startParsing(path, start, pending, true, totalBytes);
    if (parsing === undefined) throw new DataError(path, 'file is empty');
    await parsing.reader.end();
  } catch (error) {
    stream.destroy();
    parsing?.reader.destroy();
    throw asDataError(error, path, options.noun);
  }
  if (bytesRead !== totalBytes) options.onProgress?.(bytesRead, bytesRead);
  return {
    sink: parsing.sink,
    sha256: hash.digest('hex'),
    lines: newlines + (bytesRead > 0 && !endsWithNewline ? 1 : 0),
  };
}

/** The first lines of a file, as many as streamDelimitedFile would sample before choosing a layout. */
export async function readFirstLines(path: string, noun: string): Promise<string[]> {
  await inputSize(path, noun);
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      const sample = sampleLines(chunks, false);
      if (sample !== undefined) return checkText(sample, chunks, path);
    }
  } catch (error) {
    throw asDataError(error, path, noun);
  } finally {
    stream.destroy();
  }
  if (chunks.length === 0) throw new DataError(path, 'file is empty');
  return checkText(sampleLines(chunks, true)!, chunks, path);
}

/** A parse in progress: the csv-parse reader and the sink its records go to. */
interface Parsing<Sink> {
  reader: CsvRecordReader;
  sink: Sink;
}

/**
 * Once the buffered chunks hold enough lines (or the file has ended), sets up the sink and the
 * parser, feeds it the buffered chunks and empties the buffer; until then undefined.
 */
async function startParsing<Sink extends RecordSink>(
  path: string,
  start: StartParsing<Sink>,
  pending: Buffer[],
  atEnd: boolean,
  totalBytes: number,
): Promise<Parsing<Sink> | undefined> {
  const sample = sampleLines(pending, atEnd);
  if (sample === undefined) return undefined;
  const sink = start(checkText(sample, pending, path), estimateRows(sample, totalBytes));
  const reader = new CsvRecordReader(
    { delimiter: sink.delimiter, bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true },
    (fields, line) => sink.accept(fields, line),
  );
  for (const chunk of pending.splice(0)) await reader.write(chunk);
  return { reader, sink };
}

/**
 * The size the file system reports for a regular file (0 for /proc files, whatever they hold), or
 * a DataError saying what the path is instead: a directory, a named pipe, a device or a socket,
 * none of which is opened (a FIFO would block, /dev/zero never ends).
 */
async function inputSize(path: string, noun: string): Promise<number> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    throw asDataError(error, path, noun);
  }
  const problem = unreadableKindProblem(info);
  if (problem !== undefined) throw new DataError(path, `cannot read ${noun}: ${problem}`);
  return info.size;
}

/** The sampled lines, unless they (or the first bytes) show binary data, which no ratings file holds. */
function checkText(lines: string[], chunks: readonly Buffer[], path: string): string[] {
  const head = chunks[0]?.subarray(0, 64) ?? Buffer.alloc(0);
  const problem = binaryProblem(lines, head);
  if (problem !== undefined) throw new DataError(path, problem);
  return lines;
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
function asDataError(error: unknown, path: string, noun: string): unknown {
  if (error instanceof DataError) return error;
  if (isCsvError(error)) return csvDataError(error, path);
  if (errnoCode(error) === undefined) return error; // not a file-system error (an abort, a UserError, a bug)
  return new DataError(path, `cannot read ${noun}: ${readFailureReason(error)}`);
}
