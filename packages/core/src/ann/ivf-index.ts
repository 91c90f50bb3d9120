/**
 * An inverted-file (IVF) index over a head's items, for maximum-inner-product search of its
 * logit. The head ranks by globalBias + userBias[u] + itemBias[i] + dot(u, v_i); the first two
 * terms are the same for every item of one query, so the order is that of an inner product of
 * (dim + 1)-wide vectors, as for Vectorize (ann/vectorize.ts):
 *
 *   item vector  [v_i..., itemBias[i]]      query  [u..., 1]
 *
 * k-means (ann/ivf-build.ts) splits the item vectors into `lists` lists around centroids; a query
 * ranks the centroids by inner product with [u..., 1], and only the items of the best `nprobe`
 * lists are re-scored exactly (ann/ivf-probe.ts).
 */

/** An IVF index: centroids and the item indices of each list. */
export interface IvfIndex {
  /** Number of lists (centroids), at least 1. */
  readonly lists: number;
  /** Width of a centroid: the head's dim + 1 (the bias coordinate). */
  readonly width: number;
  /** Row-major centroids, lists × width. */
  readonly centroids: Float32Array;
  /** List l holds items[offsets[l] .. offsets[l + 1]); offsets has lists + 1 entries, the last the item count. */
  readonly offsets: Uint32Array;
  /** Every item index exactly once, list after list (ascending within a list). */
  readonly items: Uint32Array;
  /** How it was built (stored in the artifact). */
  readonly build: IvfBuildInfo;
  /** The nprobe to use when a request gives none, as measured when the index was built. */
  readonly probe?: IvfProbeDefault;
}

/** A default nprobe and the recall@k it reached on sampled training users at build time. */
export interface IvfProbeDefault {
  /** The smallest measured nprobe whose recall reached the target (1 to lists). */
  nprobe: number;
  recall: number;
  k: number;
  /** Users the recall was measured on. */
  users: number;
}

/** How an IVF index was built. */
export interface IvfBuildInfo {
  kmeans: 'spherical' | 'euclidean';
  seed: number;
  /** Lloyd iterations run. */
  iterations: number;
  /** Points k-means trained on (a seeded sample of the items). */
  sample: number;
  seconds: number;
}

/** Throws unless the index is well formed for a head of `dim` and `items` items: sizes, offsets, every item once. */
export function assertIvfShape(index: IvfIndex, dim: number, items: number): void {
  const { lists, width, centroids, offsets } = index;
  if (!Number.isInteger(lists) || lists < 1) throw new Error(`an IVF index needs at least one list, got ${lists}`);
  if (width !== dim + 1) throw new Error(`IVF centroids are ${width} wide, expected ${dim + 1} (dim + 1)`);
  if (centroids.length !== lists * width)
    throw new Error(`IVF centroids hold ${centroids.length} values, expected ${lists * width}`);
  if (index.probe && !(Number.isInteger(index.probe.nprobe) && index.probe.nprobe >= 1 && index.probe.nprobe <= lists))
    throw new Error(`IVF default nprobe ${index.probe.nprobe} is outside 1 to ${lists} (the lists)`);
  if (offsets.length !== lists + 1)
    throw new Error(`IVF offsets hold ${offsets.length} entries, expected ${lists + 1}`);
  if (offsets[0] !== 0 || offsets[lists] !== items || index.items.length !== items) {
    throw new Error(`IVF lists hold ${index.items.length} items, expected ${items}`);
  }
  for (let l = 0; l < lists; l++) {
    if (offsets[l + 1]! < offsets[l]!) throw new Error(`IVF offsets decrease at list ${l}`);
  }
  const listed = new Uint8Array(items);
  for (let j = 0; j < items; j++) {
    const i = index.items[j]!;
    if (i >= items) throw new Error(`IVF lists name item ${i}, but there are ${items} items`);
    if (listed[i]) throw new Error(`IVF lists name item ${i} twice`);
    listed[i] = 1;
  }
}
