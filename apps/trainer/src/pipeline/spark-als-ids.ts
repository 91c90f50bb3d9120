import { DataError } from '../data/data-error.js';
import type { SparkIdMap } from '../data/spark-als/id-map.js';
import type { SparkFactors } from '../data/spark-als/read-factors.js';

/** Missing ids shown in an error before "and N more". */
const SHOWN_MISSING = 5;

/**
 * The served ids of a factor table: the raw ids of an `--ids` mapping (every Spark id must have
 * one, else a DataError naming the mapping file, the side and a few missing ids), or Spark's
 * integer ids as text without one.
 * @example servedIds(users, map, 'ids.tsv') // ['alice', 'bob', …] in Spark-id order
 */
export function servedIds(factors: SparkFactors, map: SparkIdMap | undefined, mapFile: string | undefined): string[] {
  if (!map) return Array.from(factors.ids, String);
  const known = map[factors.side];
  const missing: number[] = [];
  const ids = Array.from(factors.ids, (id) => {
    const raw = known.get(id);
    if (raw === undefined) missing.push(id);
    return raw ?? '';
  });
  if (missing.length > 0) {
    const shown = missing.slice(0, SHOWN_MISSING).join(', ');
    const more = missing.length > SHOWN_MISSING ? ` and ${missing.length - SHOWN_MISSING} more` : '';
    throw new DataError(
      mapFile ?? '--ids',
      `${missing.length} of the ${factors.ids.length} Spark ${factors.side} ids in ${factors.folder}/ have no ${factors.side} line: ${shown}${more}`,
      { field: factors.side },
    );
  }
  return ids;
}
