import type { FusedBatch } from '../fused/fused-engine.js';
import type { NegativeSampler } from './negative-sampler.js';

/** Observed interactions: user and item indices, with optional per-interaction weights (absent = 1). */
export interface InteractionPositives {
  users: Int32Array;
  items: Int32Array;
  weights?: Float32Array;
}

/** How positives become kernel rows. */
export interface InteractionBatchOptions {
  loss: 'bce' | 'bpr';
  /** Sampled negatives per positive (for 'bpr': pairs per positive). */
  negatives: number;
  /** Loss weight of a sampled negative row under 'bce' (positives carry their own weight). */
  negativeWeight: number;
  /** Positives per batch. */
  batchSize: number;
}

/** Fills one reusable batch per call from consecutive positives of a shuffled order. */
export interface InteractionBatcher {
  /** Batches in one pass over the positives. */
  readonly batches: number;
  /** The batch built from positives order[b·batchSize ..], with freshly sampled negatives (a reused buffer). */
  fill(order: Uint32Array, b: number): FusedBatch;
}

/**
 * Builds fused-kernel batches from positives and a negative sampler.
 * 'bce': each positive (target 1, its weight) is followed by `negatives` rows of the same user
 * with sampled items (target 0, negativeWeight).
 * 'bpr': for c positives, rows [0, c·negatives) repeat each positive `negatives` times and row
 * c·negatives + k is the sampled negative paired with row k (the layout the 'bpr' loss reads).
 */
export function createInteractionBatcher(
  positives: InteractionPositives,
  options: InteractionBatchOptions,
  sampler: NegativeSampler,
): InteractionBatcher {
  const n = positives.users.length;
  const { loss, negatives, negativeWeight } = options;
  if (!Number.isInteger(negatives) || negatives < 1)
    throw new Error(`negatives must be a positive integer, got ${negatives}`);
  const batchSize = Math.max(1, Math.min(options.batchSize, n));
  const rows = loss === 'bce' ? batchSize * (1 + negatives) : 2 * batchSize * negatives;
  const weighted = positives.weights !== undefined || (loss === 'bce' && negativeWeight !== 1);
  const batch: FusedBatch = {
    users: new Int32Array(rows),
    items: new Int32Array(rows),
    targets: new Float32Array(rows),
    ...(weighted ? { weights: new Float32Array(rows) } : {}),
    size: 0,
  };
  if (loss === 'bpr') batch.targets.fill(0);
  const weightOf = (p: number) => (positives.weights ? positives.weights[p]! : 1);
  return {
    batches: Math.ceil(n / batchSize),
    fill(order, b) {
      const from = b * batchSize;
      const count = Math.min(batchSize, n - from);
      const { users, items, targets, weights } = batch;
      if (loss === 'bce') {
        let r = 0;
        for (let j = 0; j < count; j++) {
          const p = order[from + j]!;
          const u = positives.users[p]!;
          users[r] = u;
          items[r] = positives.items[p]!;
          targets[r] = 1;
          if (weights) weights[r] = weightOf(p);
          r++;
          for (let s = 0; s < negatives; s++, r++) {
            users[r] = u;
            items[r] = sampler.sample(u);
            targets[r] = 0;
            if (weights) weights[r] = negativeWeight;
          }
        }
        batch.size = r;
      } else {
        const pairs = count * negatives;
        let k = 0;
        for (let j = 0; j < count; j++) {
          const p = order[from + j]!;
          const u = positives.users[p]!;
          for (let s = 0; s < negatives; s++, k++) {
            users[k] = u;
            items[k] = positives.items[p]!;
            users[pairs + k] = u;
            items[pairs + k] = sampler.sample(u);
            if (weights) weights[k] = weightOf(p);
          }
        }
        batch.size = 2 * pairs;
      }
      return batch;
    },
  };
}
