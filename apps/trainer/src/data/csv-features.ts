// A generic side-feature file: CSV/TSV with a header, id first, one categorical feature per column.
import { parse } from 'csv-parse/sync';
import { csvDataError, isCsvError } from './csv-records.js';
import { DataError } from './data-error.js';
import { type FeatureCollector, INTEGER, splitValues } from './feature-file.js';
import { sniffFieldDelimiter } from './formats.js';

/** A record csv-parse returns with `info: true`: the fields and the line it ends on. */
interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/** Reads a CSV/TSV feature file with a header: first column the id, every other column a categorical feature. */
export function readCsvFeatures(text: string, file: string, firstLine: string, collector: FeatureCollector): void {
  // The ratings files' sniffing, without "::" (a header such as `item,tag::mood` is comma separated).
  const delimiter = sniffFieldDelimiter(firstLine) ?? ',';
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
    throw isCsvError(error) ? csvDataError(error, file) : error;
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
