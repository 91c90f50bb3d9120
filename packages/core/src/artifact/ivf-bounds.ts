import { MAX_IVF_LISTS } from '../limits.js';
import type { IvfIndexJson } from './schema.js';

type Fail = (message: string) => never;

/** The size checks of bounds.ts this one reuses. */
export interface SizeChecks {
  fail: Fail;
  /** Decoded bytes of a float table of `length` values, after checking its declared and stored sizes. */
  floatBytes: (name: string, table: IvfIndexJson['centroids'], length: number, fail: Fail) => number;
  /** Bytes a base64 string decodes to, undefined when its length is not a whole number of quads. */
  base64ByteLength: (text: string) => number | undefined;
}

/**
 * Checks an IVF index's declared sizes before anything is decoded: 1 to min(MAX_IVF_LISTS, items)
 * lists, one size per list summing to the item count, centroids of lists × width values, one
 * uint32 per item in `items` (against its base64 length). Returns the bytes it decodes to
 * (centroids, offsets, and per item its index, its decoded bytes and the list it was found in).
 */
export function ivfBytes(ivf: IvfIndexJson, items: number, width: number, checks: SizeChecks): number {
  const { fail, floatBytes, base64ByteLength } = checks;
  const { lists, sizes } = ivf;
  if (lists < 1) fail('ivf.lists is 0; an IVF index needs at least one list');
  if (lists > MAX_IVF_LISTS) fail(`ivf.lists is ${lists}, more than the ${MAX_IVF_LISTS} an IVF index may have`);
  if (lists > items) fail(`ivf.lists is ${lists}, more than the ${items} items it indexes`);
  if (ivf.probe && (ivf.probe.nprobe < 1 || ivf.probe.nprobe > lists))
    fail(`ivf.probe.nprobe is ${ivf.probe.nprobe}, outside 1 to ${lists} (ivf.lists)`);
  if (sizes.length !== lists) fail(`ivf.sizes lists ${sizes.length} sizes, expected ${lists} (ivf.lists)`);
  let total = 0;
  for (const size of sizes) total += size;
  if (total !== items) fail(`ivf.sizes sum to ${total}, expected ${items} (every item in exactly one list)`);
  if (ivf.items.length !== items) fail(`ivf.items declares ${ivf.items.length} item indices, expected ${items}`);
  const stored = base64ByteLength(ivf.items.data);
  if (stored === undefined)
    fail(`ivf.items.data is not valid base64 (its length ${ivf.items.data.length} is not a multiple of 4)`);
  if (stored !== items * 4)
    fail(`ivf.items.data holds ${stored} bytes, but ${items} uint32 item indices take ${items * 4}`);
  const centroids = floatBytes('ivf.centroids', ivf.centroids, lists * width, fail);
  return centroids + 4 * (lists + 1) + 12 * items;
}
