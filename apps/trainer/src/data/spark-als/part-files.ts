import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readFailureReason } from '../../io/errno.js';
import { UserError } from '../../user-error.js';

/**
 * The data files of a folder Spark wrote (`part-00000-….snappy.parquet`, `part-00001-….csv`, …)
 * whose names end with `suffix`, sorted by name; `_SUCCESS`, `.crc` checksums and other dot or
 * underscore files are Spark's bookkeeping and skipped. A missing folder, or one without a part
 * file, is a UserError that says what `what` is.
 * @example await sparkPartFiles('als_model/userFactors', '.parquet', 'the user factors')
 */
export async function sparkPartFiles(folder: string, suffix: string, what: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw new UserError(`cannot read ${what} ${folder}/: ${readFailureReason(error)}`);
  }
  const names = entries
    .filter((entry) => entry.isFile() && entry.name.startsWith('part-') && entry.name.endsWith(suffix))
    .map((entry) => entry.name)
    .sort();
  if (names.length === 0) {
    const other = entries.filter((entry) => !entry.name.startsWith('.') && !entry.name.startsWith('_')).length;
    throw new UserError(
      `${folder}/ holds no part-*${suffix} file (${what})${other > 0 ? `; it holds ${other} other entr${other === 1 ? 'y' : 'ies'}` : ''}`,
    );
  }
  return names.map((name) => join(folder, name));
}
