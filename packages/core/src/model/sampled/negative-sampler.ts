import { mulberry32 } from '../../random.js';
import { seenBy, sortedIncludes, type SeenItems } from '../../seen-items.js';

/** How negatives are drawn: uniformly over the catalogue, or in proportion to count^β. */
export const NEGATIVE_SAMPLERS = ['uniform', 'popularity'] as const;
/** One of {@link NEGATIVE_SAMPLERS}. */
export type NegativeSampling = (typeof NEGATIVE_SAMPLERS)[number];

/** Options for {@link createNegativeSampler}. */
export interface NegativeSamplerOptions {
  /** Catalogue size: items are 0..items-1. */
  items: number;
  sampling: NegativeSampling;
  /** Interactions per item (length `items`); needed for 'popularity'. */
  counts?: ArrayLike<number>;
  /** β in count^β (default 1; 0 is uniform over items with a count). */
  exponent?: number;
  /** Each user's training items: a draw among them is retried (up to maxRetries), then accepted. */
  seen?: SeenItems;
  /** Redraws for a seen item before accepting it (default 16). */
  maxRetries?: number;
  seed: number;
}

/** Draws negative items, seeded. */
export interface NegativeSampler {
  /** An item for user `u` (avoiding their seen items when the sampler has them). */
  sample(u: number): number;
  /** The probability of drawing item `i` before rejection. */
  probability(i: number): number;
}

/**
 * A seeded negative sampler: 'uniform' draws floor(U · items); 'popularity' draws item i with
 * probability count_i^β / Σ count^β through Walker's alias table (O(items) to build, O(1) a
 * draw). With `seen`, a draw the user interacted with is redrawn, at most maxRetries times.
 * @example
 * const sampler = createNegativeSampler({ items: 1682, sampling: 'popularity', counts, seen, seed: 1 });
 * const negative = sampler.sample(user);
 */
export function createNegativeSampler(options: NegativeSamplerOptions): NegativeSampler {
  const { items, seen } = options;
  if (!Number.isInteger(items) || items < 1)
    throw new Error(`a negative sampler needs a positive item count, got ${items}`);
  const maxRetries = options.maxRetries ?? 16;
  const random = mulberry32(options.seed);
  let draw: () => number;
  let probability: (i: number) => number;
  if (options.sampling === 'popularity') {
    if (!options.counts || options.counts.length !== items)
      throw new Error(`popularity sampling needs ${items} item counts`);
    const weights = popularityWeights(options.counts, options.exponent ?? 1);
    const alias = buildAliasTable(weights);
    const total = weights.reduce((a, b) => a + b, 0);
    draw = () => drawAlias(alias, random);
    probability = (i) => weights[i]! / total;
  } else {
    draw = () => Math.floor(random() * items);
    probability = () => 1 / items;
  }
  return {
    sample(u) {
      let item = draw();
      if (!seen) return item;
      const own = seenBy(seen, u);
      for (let retry = 0; retry < maxRetries && sortedIncludes(own, item); retry++) item = draw();
      return item;
    },
    probability,
  };
}

/** count^β per item (count 0 stays 0 for β > 0); throws unless some item has weight. */
function popularityWeights(counts: ArrayLike<number>, exponent: number): Float64Array {
  if (!(exponent >= 0)) throw new Error(`the popularity exponent must be ≥ 0, got ${exponent}`);
  const weights = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (!(c >= 0)) throw new Error(`item ${i} has count ${c}; counts must be ≥ 0`);
    weights[i] = c > 0 ? c ** exponent : 0;
  }
  if (!weights.some((w) => w > 0)) throw new Error('popularity sampling needs at least one item with a positive count');
  return weights;
}

/** Walker's alias table (Vose's construction): column i keeps i with probability keep[i], else alias[i]. */
interface AliasTable {
  keep: Float64Array;
  alias: Int32Array;
}

function buildAliasTable(weights: Float64Array): AliasTable {
  const n = weights.length;
  const total = weights.reduce((a, b) => a + b, 0);
  const scaled = Float64Array.from(weights, (w) => (w * n) / total);
  const keep = new Float64Array(n);
  const alias = Int32Array.from({ length: n }, (_, i) => i);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) (scaled[i]! < 1 ? small : large).push(i);
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large[large.length - 1]!;
    keep[s] = scaled[s]!;
    alias[s] = l;
    scaled[l] = scaled[l]! + scaled[s]! - 1;
    if (scaled[l]! < 1) small.push(large.pop()!);
  }
  // What remains is 1 up to rounding.
  for (const i of large) keep[i] = 1;
  for (const i of small) keep[i] = 1;
  return { keep, alias };
}

function drawAlias(table: AliasTable, random: () => number): number {
  const column = Math.floor(random() * table.keep.length);
  return random() < table.keep[column]! ? column : table.alias[column]!;
}
