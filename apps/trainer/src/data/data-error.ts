/** Where in an input file a problem was found; every part is optional. */
export interface DataErrorLocation {
  /** 1-based line number. */
  line?: number;
  /** The field (column role) at fault, e.g. `rating`. */
  field?: string;
  /** The offending text, shown quoted in the message. */
  value?: string;
}

const MAX_SHOWN_VALUE = 80;

/** Bad input data: the message reads `${file}:${line}: ${field}: what is wrong (got "<value>")`. */
export class DataError extends Error {
  override readonly name = 'DataError';
  readonly file: string;
  readonly line?: number;
  readonly field?: string;
  readonly value?: string;

  constructor(file: string, problem: string, location: DataErrorLocation = {}) {
    super(formatDataError(file, problem, location));
    this.file = file;
    if (location.line !== undefined) this.line = location.line;
    if (location.field !== undefined) this.field = location.field;
    if (location.value !== undefined) this.value = location.value;
  }
}

/** Builds the one-line message of a DataError, leaving out the parts that are unknown. */
export function formatDataError(file: string, problem: string, location: DataErrorLocation = {}): string {
  const where = location.line === undefined ? file : `${file}:${location.line}`;
  const field = location.field === undefined ? '' : `${location.field}: `;
  const got = location.value === undefined ? '' : ` (got ${showValue(location.value)})`;
  return `${where}: ${field}${problem}${got}`;
}

/** Quotes a value for a message, escaping control characters and shortening very long text. */
function showValue(value: string): string {
  const shown = value.length > MAX_SHOWN_VALUE ? `${value.slice(0, MAX_SHOWN_VALUE)}…` : value;
  return JSON.stringify(shown);
}
