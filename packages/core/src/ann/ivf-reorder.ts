/**
 * Lays a catalogue out list by list: the items of an IVF index's lists become contiguous index
 * ranges, so probing reads a few long runs of the item table instead of scattered rows (at 1M
 * items the table is far bigger than the CPU caches and scattered rows cost a memory fetch each).
 * Every item-side table of the model and of its ranking head is permuted the same way; ids keep
 * their rows, so only the catalogue order (and which of two tied items comes first) changes.
 */
import { isInt8Rows, type FactorTable } from '../factor-table.js';
import { createIdIndex } from '../ids.js';
import type { RecommenderModel } from '../recommender-model.js';
import { buildSeenItems, type SeenItems } from '../seen-items.js';
import type { IvfIndex } from './ivf-index.js';

/**
 * The model with its items in the index's list order, and the index over the new order (each list
 * a contiguous, ascending range: `items` is 0, 1, 2 …). `index` must be the ranking head's.
 * @example const { model: laidOut } = orderByLists(model, buildIvfIndex(rankingHead(model)));
 */
export function orderByLists(model: RecommenderModel, index: IvfIndex): { model: RecommenderModel; index: IvfIndex } {
  const order = index.items; // new position j holds old item order[j]
  const n = order.length;
  const newIndexOf = new Uint32Array(n);
  for (let j = 0; j < n; j++) newIndexOf[order[j]!] = j;
  const items = createIdIndex(Array.from(order, (i) => model.items.ids[i]!));
  const seen = model.seen && remapSeen(model.seen, newIndexOf);
  const popularity = model.popularity && permute(model.popularity, order, 1);
  const laid = { ...index, items: Uint32Array.from({ length: n }, (_, j) => j) };
  const shared = { items, ...(seen ? { seen } : {}), ...(popularity ? { popularity } : {}) };
  const head = (h: RecommenderModel): RecommenderModel => {
    const { ivf: _old, ...rest } = h;
    return {
      ...rest,
      ...shared,
      itemFactors: permuteRows(h.itemFactors, order, h.dim),
      itemBias: permute(h.itemBias, order, 1),
    };
  };
  if (model.ranking) {
    const ranking = { ...head(model.ranking), ivf: laid };
    return { model: { ...head(model), ranking }, index: laid };
  }
  return { model: { ...head(model), ivf: laid }, index: laid };
}

/** Rows of `width` values in the new order: row j is old row order[j]. */
function permute(values: Float32Array, order: Uint32Array, width: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let j = 0; j < order.length; j++) {
    const o = order[j]! * width;
    out.set(values.subarray(o, o + width), j * width);
  }
  return out;
}

function permuteRows(table: FactorTable, order: Uint32Array, dim: number): FactorTable {
  if (!isInt8Rows(table)) return permute(table, order, dim);
  const values = new Int8Array(table.values.length);
  for (let j = 0; j < order.length; j++) {
    const o = order[j]! * dim;
    values.set(table.values.subarray(o, o + dim), j * dim);
  }
  return { values, scales: permute(table.scales, order, 1), dim: table.dim };
}

/** Each user's seen items under the new indices, sorted again. */
function remapSeen(seen: SeenItems, newIndexOf: Uint32Array): SeenItems {
  const users = seen.offsets.length - 1;
  const userOf = new Uint32Array(seen.items.length);
  for (let u = 0; u < users; u++) userOf.fill(u, seen.offsets[u]!, seen.offsets[u + 1]!);
  return buildSeenItems(
    users,
    userOf,
    seen.items.map((i) => newIndexOf[i]!),
  );
}
