/**
 * Builds an IVF index (ann/ivf-index.ts) over a head's items with seeded k-means: Lloyd
 * iterations on a sample of the item vectors [v_i, itemBias[i]], then one pass assigning every
 * item to its best centroid. Pure and deterministic for a seed; runs in the trainer.
 */
import { dotF32 } from '../dot-kernels.js';
import { readRow } from '../factor-table.js';
import { MAX_IVF_LISTS } from '../limits.js';
import { mulberry32 } from '../random.js';
import type { RecommenderModel } from '../recommender-model.js';
import type { IvfBuildInfo, IvfIndex } from './ivf-index.js';

/** Options of {@link buildIvfIndex}. */
export interface IvfBuildOptions {
  /** Number of lists (default {@link defaultIvfLists}). */
  lists?: number;
  /** Seed of the sample and of the initial centroids (default 1). */
  seed?: number;
  /** Most Lloyd iterations (default 12); fewer when under 0.1% of the sample changes list. */
  maxIterations?: number;
  /**
   * 'spherical' (default): k-means on the unit-normalised item vectors, centroids normalised, so
   * a list gathers items pointing the same way whatever their length; 'euclidean': plain k-means,
   * items assigned to the centroid nearest in L2. Either way a query ranks lists by inner product.
   */
  kmeans?: IvfBuildInfo['kmeans'];
  /** Sample points per list that k-means trains on (default 64; every item when fewer). */
  samplePerList?: number;
  /** Progress lines (iterations, assignment), for big catalogues. */
  onProgress?: (message: string) => void;
  /** Milliseconds clock for `build.seconds` and progress (default Date.now). */
  now?: () => number;
}

/** Lists for `items` items when none are asked for: about √items (a list then holds about √items items). */
export function defaultIvfLists(items: number): number {
  return Math.max(1, Math.min(MAX_IVF_LISTS, items, Math.round(Math.sqrt(items))));
}

/**
 * An IVF index over the items of `head` (pass the ranking head: `rankingHead(model)`), each item
 * in the list whose centroid scores it best. Throws on a list count outside 1 to
 * min(MAX_IVF_LISTS, items).
 * @example const ivf = buildIvfIndex(rankingHead(model), { lists: 1024, seed: 7 });
 */
export function buildIvfIndex(head: RecommenderModel, options: IvfBuildOptions = {}): IvfIndex {
  const now = options.now ?? Date.now;
  const started = now();
  const n = head.items.size;
  const lists = options.lists ?? defaultIvfLists(n);
  if (!Number.isInteger(lists) || lists < 1 || lists > Math.min(MAX_IVF_LISTS, n)) {
    throw new Error(`an IVF index over ${n} items takes 1 to ${Math.min(MAX_IVF_LISTS, n)} lists, got ${lists}`);
  }
  const kmeans = options.kmeans ?? 'spherical';
  const seed = options.seed ?? 1;
  const maxIterations = options.maxIterations ?? 12;
  const log = options.onProgress ?? (() => {});
  const width = head.dim + 1;
  const vectors = itemVectors(head, kmeans === 'spherical');
  const sample = sampleIndices(n, Math.min(n, lists * (options.samplePerList ?? 64)), seed);
  const random = mulberry32(seed ^ 0x9e3779b9);
  const centroids = new Float32Array(lists * width);
  for (let l = 0; l < lists; l++)
    centroids.set(vectors.subarray(sample[l]! * width, (sample[l]! + 1) * width), l * width);

  const assigned = new Int32Array(sample.length).fill(-1);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const bias = centroidBias(centroids, lists, width, kmeans);
    let changed = 0;
    for (let s = 0; s < sample.length; s++) {
      const best = bestList(vectors, sample[s]! * width, centroids, bias, lists, width);
      if (best !== assigned[s]) changed++;
      assigned[s] = best;
    }
    updateCentroids(centroids, vectors, sample, assigned, lists, width, kmeans, random);
    const share = changed / sample.length;
    log(
      `k-means iteration ${iterations + 1}/${maxIterations}: ${(100 * share).toFixed(2)}% of ${sample.length} points changed list (${seconds(now() - started)})`,
    );
    if (share < 0.001) {
      iterations++;
      break;
    }
  }
  const { offsets, items } = assignAll(vectors, n, centroids, lists, width, kmeans, log, () =>
    seconds(now() - started),
  );
  const build = { kmeans, seed, iterations, sample: sample.length, seconds: (now() - started) / 1000 };
  return { lists, width, centroids, offsets, items, build };
}

/** Every item's [v_i, itemBias[i]], normalised to unit length for spherical k-means (a zero vector stays zero). */
function itemVectors(head: RecommenderModel, normalise: boolean): Float32Array {
  const { dim } = head;
  const width = dim + 1;
  const n = head.items.size;
  const out = new Float32Array(n * width);
  const row = new Float32Array(dim);
  for (let i = 0; i < n; i++) {
    readRow(head.itemFactors, i, dim, row);
    const o = i * width;
    out.set(row, o);
    out[o + dim] = head.itemBias[i]!;
    if (normalise) normaliseRow(out, o, width);
  }
  return out;
}

function normaliseRow(values: Float32Array, offset: number, width: number): void {
  const norm = Math.sqrt(dotF32(values, offset, values, offset, width));
  if (norm > 0) for (let k = 0; k < width; k++) values[offset + k]! /= norm;
}

/** `m` distinct indices of 0..n-1 in a seeded random order (partial Fisher-Yates). */
function sampleIndices(n: number, m: number, seed: number): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  const random = mulberry32(seed);
  for (let j = 0; j < m; j++) {
    const r = j + Math.floor(random() * (n - j));
    const t = order[j]!;
    order[j] = order[r]!;
    order[r] = t;
  }
  return order.slice(0, m);
}

/**
 * What is added to x·c to score centroid c: −‖c‖²/2 for euclidean k-means (so the argmax is the
 * L2-nearest centroid), 0 for spherical (unit centroids: the argmax is the closest in angle).
 */
function centroidBias(centroids: Float32Array, lists: number, width: number, kmeans: string): Float32Array {
  const bias = new Float32Array(lists);
  if (kmeans === 'euclidean') {
    for (let l = 0; l < lists; l++) bias[l] = -0.5 * dotF32(centroids, l * width, centroids, l * width, width);
  }
  return bias;
}

/** The list whose centroid scores vector x (at `offset`) best; ties go to the lower list. */
function bestList(
  vectors: Float32Array,
  offset: number,
  centroids: Float32Array,
  bias: Float32Array,
  lists: number,
  width: number,
): number {
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let l = 0; l < lists; l++) {
    const score = dotF32(vectors, offset, centroids, l * width, width) + bias[l]!;
    if (score > bestScore) {
      bestScore = score;
      best = l;
    }
  }
  return best;
}

/** Each centroid becomes the mean of its points (normalised for spherical); an empty list restarts at a random sample point. */
function updateCentroids(
  centroids: Float32Array,
  vectors: Float32Array,
  sample: Uint32Array,
  assigned: Int32Array,
  lists: number,
  width: number,
  kmeans: string,
  random: () => number,
): void {
  const sums = new Float64Array(lists * width);
  const counts = new Uint32Array(lists);
  for (let s = 0; s < sample.length; s++) {
    const l = assigned[s]!;
    counts[l]!++;
    const o = sample[s]! * width;
    const c = l * width;
    for (let k = 0; k < width; k++) sums[c + k]! += vectors[o + k]!;
  }
  for (let l = 0; l < lists; l++) {
    const c = l * width;
    if (counts[l] === 0) {
      const o = sample[Math.floor(random() * sample.length)]! * width;
      centroids.set(vectors.subarray(o, o + width), c);
      continue;
    }
    for (let k = 0; k < width; k++) centroids[c + k] = sums[c + k]! / counts[l]!;
    if (kmeans === 'spherical') normaliseRow(centroids, c, width);
  }
}

/** Every item in its best list: offsets per list and the item indices, ascending within a list. */
function assignAll(
  vectors: Float32Array,
  n: number,
  centroids: Float32Array,
  lists: number,
  width: number,
  kmeans: string,
  log: (message: string) => void,
  elapsed: () => string,
): { offsets: Uint32Array; items: Uint32Array } {
  const bias = centroidBias(centroids, lists, width, kmeans);
  const listOf = new Uint32Array(n);
  const offsets = new Uint32Array(lists + 1);
  const step = Math.max(1, Math.ceil(n / 10));
  for (let i = 0; i < n; i++) {
    const l = bestList(vectors, i * width, centroids, bias, lists, width);
    listOf[i] = l;
    offsets[l + 1]!++;
    if ((i + 1) % step === 0 && n >= 100_000) log(`assigned ${i + 1} of ${n} items to ${lists} lists (${elapsed()})`);
  }
  for (let l = 0; l < lists; l++) offsets[l + 1]! += offsets[l]!;
  const next = offsets.slice(0, lists);
  const items = new Uint32Array(n);
  for (let i = 0; i < n; i++) items[next[listOf[i]!]!++] = i;
  return { offsets, items };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
