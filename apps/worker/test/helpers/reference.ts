import {
  activate,
  predict,
  ratingFromRaw,
  readRow,
  unscaleRating,
  type RecommenderModel,
  type UserQuery,
} from '@edgerec/core';

/** One ranked item as the brute-force references compute it. */
export interface Ranked {
  index: number;
  item: string;
  rating: number;
  /** The rating before clipping to the scale. */
  unclippedRating: number;
  raw: number;
}

/** Sorts scored items best first (ties: lower index first) and keeps k of them. */
function top(model: RecommenderModel, scored: { index: number; raw: number }[], k: number): Ranked[] {
  return scored
    .sort((a, b) => b.raw - a.raw || a.index - b.index)
    .slice(0, k)
    .map(({ index, raw }) => ({
      index,
      item: model.items.ids[index]!,
      raw,
      rating: ratingFromRaw(model, raw),
      unclippedRating: unscaleRating(model.scale, raw),
    }));
}

/** The k best of `eligible` for a known user, by core's `predict` one pair at a time. */
export function bruteForUser(model: RecommenderModel, u: number, eligible: readonly number[], k: number): Ranked[] {
  return top(
    model,
    eligible.map((index) => ({ index, raw: predict(model, u, index).raw })),
    k,
  );
}

/** The k best of `eligible` by item bias (the cold-start fallback: mean user bias, no vector), by hand. */
export function bruteByItemBias(model: RecommenderModel, eligible: readonly number[], k: number): Ranked[] {
  let meanUserBias = 0;
  for (const b of model.userBias) meanUserBias += b;
  meanUserBias /= model.userBias.length;
  return top(
    model,
    eligible.map((index) => ({
      index,
      raw: activate(model.activation, model.globalBias + meanUserBias + model.itemBias[index]!),
    })),
    k,
  );
}

/** The k best of `eligible` for a query vector and bias, scored by hand from the (dequantized) item rows. */
export function bruteForQuery(
  model: RecommenderModel,
  query: UserQuery,
  eligible: readonly number[],
  k: number,
): Ranked[] {
  const row = new Float64Array(model.dim);
  return top(
    model,
    eligible.map((index) => {
      readRow(model.itemFactors, index, model.dim, row);
      let z = model.globalBias + query.bias + model.itemBias[index]!;
      for (let d = 0; d < model.dim; d++) z += query.factors[d]! * row[d]!;
      return { index, raw: activate(model.activation, z) };
    }),
    k,
  );
}

/** Cosine similarity of every other item to item `i`, most similar first (ties: lower index), from the dequantized rows. */
export function bruteSimilar(
  model: RecommenderModel,
  i: number,
): { index: number; item: string; similarity: number }[] {
  const { dim } = model;
  const rows = Array.from({ length: model.items.size }, (_, r) =>
    readRow(model.itemFactors, r, dim, new Float64Array(dim)),
  );
  const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const self = rows[i]!;
  return rows
    .map((v, index) => {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += self[d]! * v[d]!;
      const denominator = norm(self) * norm(v);
      return { index, item: model.items.ids[index]!, similarity: denominator > 0 ? dot / denominator : 0 };
    })
    .filter((entry) => entry.index !== i)
    .sort((a, b) => b.similarity - a.similarity || a.index - b.index);
}

/** Every item index of the model. */
export function allItems(model: RecommenderModel): number[] {
  return Array.from({ length: model.items.size }, (_, i) => i);
}

/** Every object key anywhere in a JSON value (to assert that a field never appears in a response). */
export function keysDeep(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const entry of value) keysDeep(entry, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, entry] of Object.entries(value)) {
      into.add(key);
      keysDeep(entry, into);
    }
  }
  return into;
}
