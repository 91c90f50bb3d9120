import { MAX_ID_LENGTH } from '@edgerec/core';

/**
 * The one warning line for rows a reader skipped because an id was longer than MAX_ID_LENGTH
 * (`--skip-long-ids`), or undefined when none were.
 */
export function longIdWarning(file: { file: string; longIdRows: number }): string | undefined {
  const n = file.longIdRows;
  if (n === 0) return undefined;
  return (
    `warning: ${file.file}: skipped ${n} ${n === 1 ? 'row' : 'rows'} whose user or item id is longer than ` +
    `${MAX_ID_LENGTH} characters, which the Worker cannot serve (--skip-long-ids)`
  );
}
