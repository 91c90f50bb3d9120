import { describe, expect, it } from 'vitest';
import { createInteractionBatcher, type InteractionPositives } from './interaction-batches.js';
import type { NegativeSampler } from './negative-sampler.js';

/** A sampler that answers 100 + user, 200 + user, ... so each negative shows where it came from. */
function countingSampler(): NegativeSampler {
  let calls = 0;
  return { sample: (u) => 100 * ++calls + u, probability: () => 0 };
}

const positives: InteractionPositives = {
  users: Int32Array.from([0, 1, 2]),
  items: Int32Array.from([10, 11, 12]),
  weights: Float32Array.from([2, 3, 4]),
};
const order = Uint32Array.from([2, 0, 1]);

describe('createInteractionBatcher', () => {
  it("'bce': each positive (target 1, its weight) then its user's negatives (target 0, negativeWeight)", () => {
    const batcher = createInteractionBatcher(
      positives,
      { loss: 'bce', negatives: 2, negativeWeight: 0.5, batchSize: 2 },
      countingSampler(),
    );
    expect(batcher.batches).toBe(2);
    const first = batcher.fill(order, 0);
    expect(first.size).toBe(6);
    expect(Array.from(first.users.subarray(0, 6))).toEqual([2, 2, 2, 0, 0, 0]);
    expect(Array.from(first.items.subarray(0, 6))).toEqual([12, 102, 202, 10, 300, 400]);
    expect(Array.from(first.targets.subarray(0, 6))).toEqual([1, 0, 0, 1, 0, 0]);
    expect(Array.from(first.weights!.subarray(0, 6))).toEqual([4, 0.5, 0.5, 2, 0.5, 0.5]);
    // The last batch holds the one remaining positive.
    const last = batcher.fill(order, 1);
    expect(last.size).toBe(3);
    expect(Array.from(last.items.subarray(0, 3))).toEqual([11, 501, 601]);
  });

  it("'bpr': positives repeated per negative in the first half, their paired negatives in the second", () => {
    const batcher = createInteractionBatcher(
      positives,
      { loss: 'bpr', negatives: 2, negativeWeight: 1, batchSize: 2 },
      countingSampler(),
    );
    const batch = batcher.fill(order, 0);
    expect(batch.size).toBe(8);
    expect(Array.from(batch.users.subarray(0, 8))).toEqual([2, 2, 0, 0, 2, 2, 0, 0]);
    expect(Array.from(batch.items.subarray(0, 8))).toEqual([12, 12, 10, 10, 102, 202, 300, 400]);
    expect(Array.from(batch.weights!.subarray(0, 4))).toEqual([4, 4, 2, 2]);
  });

  it('sends no weights when every row would weigh 1', () => {
    const plain = { users: positives.users, items: positives.items };
    expect(
      createInteractionBatcher(
        plain,
        { loss: 'bce', negatives: 1, negativeWeight: 1, batchSize: 8 },
        countingSampler(),
      ).fill(order, 0).weights,
    ).toBeUndefined();
    expect(
      createInteractionBatcher(
        plain,
        { loss: 'bpr', negatives: 1, negativeWeight: 3, batchSize: 8 },
        countingSampler(),
      ).fill(order, 0).weights,
    ).toBeUndefined();
    expect(() =>
      createInteractionBatcher(
        plain,
        { loss: 'bce', negatives: 0, negativeWeight: 1, batchSize: 8 },
        countingSampler(),
      ),
    ).toThrow(/negatives/);
  });
});
