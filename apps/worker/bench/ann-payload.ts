// What ann-bench.ts sends the workerd half (ann-worker.ts): the laid-out item tables of the
// benchmark's head (int8 rows, their scales, the biases), its IVF index and the user queries, as
// one binary body: a uint32 header length, the JSON header, then the 4-byte aligned arrays.
import type { IvfIndex, UserQuery } from '@edgerec/core';

/** The arrays of a payload, in order. */
const PARTS = ['values', 'scales', 'bias', 'centroids', 'offsets', 'items', 'queries'] as const;

/** The benchmark's head as plain arrays. */
export interface AnnPayload {
  dim: number;
  values: Int8Array;
  scales: Float32Array;
  bias: Float32Array;
  index: IvfIndex;
  queries: Float32Array;
}

/** The payload as one body. */
export function encodePayload(p: AnnPayload): Uint8Array {
  const arrays = [p.values, p.scales, p.bias, p.index.centroids, p.index.offsets, p.index.items, p.queries];
  const sizes = arrays.map((a) => a.byteLength);
  const header = new TextEncoder().encode(JSON.stringify({ dim: p.dim, lists: p.index.lists, sizes }));
  const start = align(4 + header.length);
  const total = sizes.reduce((at, size) => align(at + size), start);
  const bytes = new Uint8Array(total);
  new DataView(bytes.buffer).setUint32(0, header.length, true);
  bytes.set(header, 4);
  let at = start;
  arrays.forEach((a) => {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at = align(at + a.byteLength);
  });
  return bytes;
}

/** The payload back from its body (the arrays are views into it). */
export function decodePayload(buffer: ArrayBuffer): AnnPayload & { queryList: UserQuery[] } {
  const length = new DataView(buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, length))) as {
    dim: number;
    lists: number;
    sizes: number[];
  };
  let at = align(4 + length);
  const views = header.sizes.map((size, j) => {
    const part = PARTS[j]!;
    const view =
      part === 'values'
        ? new Int8Array(buffer, at, size)
        : part === 'offsets' || part === 'items'
          ? new Uint32Array(buffer, at, size / 4)
          : new Float32Array(buffer, at, size / 4);
    at = align(at + size);
    return view;
  });
  const [values, scales, bias, centroids, offsets, items, queries] = views as [
    Int8Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Uint32Array,
    Uint32Array,
    Float32Array,
  ];
  const { dim, lists } = header;
  const build = { kmeans: 'spherical' as const, seed: 0, iterations: 0, sample: 0, seconds: 0 };
  const index: IvfIndex = { lists, width: dim + 1, centroids, offsets, items, build };
  const queryList = Array.from({ length: queries.length / dim }, (_, u) => ({
    factors: queries.subarray(u * dim, (u + 1) * dim),
    bias: 0,
  }));
  return { dim, values, scales, bias, index, queries, queryList };
}

function align(n: number): number {
  return (n + 3) & ~3;
}
