/**
 * The one format edgerec uses to put a ranking head's items into Cloudflare Vectorize: the trainer
 * writes it (`edgerec export vectorize`), the Worker reads it back (ITEM_INDEX=vectorize).
 *
 * The head ranks by logit = globalBias + userBias[u] + itemBias[i] + dot(u, v_i). The first two
 * terms are the same for every item of one query, so the order is that of an inner product of
 * two (dim + 1)-wide vectors, which a dot-product index can search:
 *
 *   item vector  [v_i..., itemBias[i]]      query  [u..., 1]
 *
 * Vector ids are `<first 12 hex of the artifact sha256>-<item index>`: always short (Vectorize
 * ids are at most 64 bytes, edgerec ids up to 256 characters), and a match from another model's
 * export is recognised by its prefix. Each model's vectors live in their own namespace,
 * `edgerec-<first 32 hex of the sha256>`, so one index can hold two model versions during a swap.
 *
 * Limits: https://developers.cloudflare.com/vectorize/platform/limits/ (checked 2026-12).
 */
import { readRow } from '../factor-table.js';
import type { RecommenderModel } from '../recommender-model.js';
import type { UserQuery } from '../topk.js';

/** The distance metric the index must be created with. */
export const VECTORIZE_METRIC = 'dot-product';
/** Most results one Vectorize query returns without values or metadata (20 with them). */
export const VECTORIZE_MAX_TOP_K = 100;
/** Widest vector a Vectorize index holds. */
export const VECTORIZE_MAX_DIMENSIONS = 1536;
/** Most vectors one Vectorize index holds. */
export const VECTORIZE_MAX_VECTORS = 10_000_000;
/** Longest vector id, and longest namespace name, in bytes. */
export const VECTORIZE_MAX_ID_BYTES = 64;

const ID_PREFIX_HEX = 12;
const NAMESPACE_HEX = 32;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Width of the index a head's items go into: its dim plus the bias coordinate. */
export function vectorizeDimensions(head: RecommenderModel): number {
  return head.dim + 1;
}

/** The namespace a model's vectors are inserted into and queried in. */
export function vectorizeNamespace(sha256: string): string {
  return `edgerec-${checkedSha(sha256).slice(0, NAMESPACE_HEX)}`;
}

/** The vector id of item index `i` of the model with this artifact sha256. */
export function vectorizeId(sha256: string, i: number): string {
  return `${checkedSha(sha256).slice(0, ID_PREFIX_HEX)}-${i}`;
}

/** The item index a vector id names, or undefined when it is not an id of this model (another export, or out of range). */
export function vectorizeItemIndex(id: string, sha256: string, items: number): number | undefined {
  const prefix = `${checkedSha(sha256).slice(0, ID_PREFIX_HEX)}-`;
  if (!id.startsWith(prefix)) return undefined;
  const digits = id.slice(prefix.length);
  if (!/^(0|[1-9]\d{0,9})$/.test(digits)) return undefined;
  const i = Number(digits);
  return i < items ? i : undefined;
}

/** Item `i`'s vector: its factors (int8 rows dequantized) followed by its bias. */
export function vectorizeItemValues(head: RecommenderModel, i: number): Float32Array {
  const out = new Float32Array(head.dim + 1);
  readRow(head.itemFactors, i, head.dim, out);
  out[head.dim] = head.itemBias[i]!;
  return out;
}

/** A user's query vector: their factors followed by 1, so its dot product with an item vector adds the item bias. */
export function vectorizeQueryValues(query: UserQuery): Float32Array {
  const out = new Float32Array(query.factors.length + 1);
  out.set(query.factors);
  out[query.factors.length] = 1;
  return out;
}

function checkedSha(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error(`expected a lowercase hex sha256, got ${JSON.stringify(sha256)}`);
  return sha256;
}
