import { describe, expect, it } from 'vitest';
import type { IndexedRatings } from './evaluate.js';
import { createIdIndex } from './ids.js';
import { evaluateRanking, modelRanker, ndcgAtK, precisionAtK, recallAtK, type Ranker } from './ranking.js';
import type { RecommenderModel } from './recommender-model.js';
import { rawScore } from './score.js';
import { buildSeenItems, seenBy } from './seen-items.js';
import { randomRatingModel } from './testing/rating-model.js';

const log2 = Math.log2;

describe('precisionAtK, recallAtK, ndcgAtK', () => {
  it('compute the textbook values for one ranked list', () => {
    const ranked = [7, 3, 9, 1];
    const relevant = new Set([3, 1, 42]);
    expect(precisionAtK(ranked, relevant, 2)).toBe(0.5);
    expect(precisionAtK(ranked, relevant, 4)).toBe(0.5);
    expect(recallAtK(ranked, relevant, 2)).toBeCloseTo(1 / 3, 12);
    expect(recallAtK(ranked, relevant, 4)).toBeCloseTo(2 / 3, 12);
    // Hits at ranks 2 and 4; the ideal list has 3 hits at ranks 1..3.
    const dcg = 1 / log2(3) + 1 / log2(5);
    const idcg = 1 + 1 / log2(3) + 1 / log2(4);
    expect(ndcgAtK(ranked, relevant, 4)).toBeCloseTo(dcg / idcg, 12);
  });

  it('normalise NDCG by min(K, |relevant|) hits: a perfect short list scores 1', () => {
    expect(ndcgAtK([5, 6], new Set([5, 6]), 10)).toBeCloseTo(1, 12);
    // Five relevant items, K = 2, both top slots hit: ideal is two hits.
    expect(ndcgAtK([1, 2, 0], new Set([1, 2, 3, 4, 5]), 2)).toBeCloseTo(1, 12);
    expect(ndcgAtK([0, 1], new Set([1]), 2)).toBeCloseTo(1 / log2(3), 12);
  });

  it('divide precision by K even when fewer than K items were ranked (Recommenders convention)', () => {
    expect(precisionAtK([1, 2], new Set([1, 2]), 10)).toBeCloseTo(0.2, 12);
    expect(recallAtK([1, 2], new Set([1, 2]), 10)).toBe(1);
  });

  it('reject a bad K and users without relevant items', () => {
    expect(() => precisionAtK([1], new Set([1]), 0)).toThrow(/k must be a positive integer/);
    expect(() => recallAtK([1], new Set(), 3)).toThrow(/no relevant items/);
    expect(() => ndcgAtK([1], new Set(), 3)).toThrow(/no relevant items/);
  });
});

/**
 * 4 users × 5 items, dim 1, linear activation, so score(u, i) = userFactor[u] × itemFactor[i]:
 * user 0 (+1) ranks items 0,1,2,3,4; user 1 (−1) ranks 4,3,2,1,0; user 2 (0) ties everything
 * (lower index first); user 3 (+0.5) ranks like user 0. Seen: user 0 item 0, user 1 item 4.
 */
function tinyModel(): RecommenderModel {
  return {
    dim: 1,
    activation: 'linear',
    globalBias: 0,
    scale: { min: -10, max: 10, targetMin: -10, targetMax: 10 },
    recommendThreshold: 4,
    users: createIdIndex(['a', 'b', 'c', 'd']),
    items: createIdIndex(['i0', 'i1', 'i2', 'i3', 'i4']),
    userFactors: Float32Array.from([1, -1, 0, 0.5]),
    itemFactors: Float32Array.from([5, 4, 3, 2, 1]),
    userBias: new Float32Array(4),
    itemBias: new Float32Array(5),
    seen: buildSeenItems(4, [0, 1], [0, 4]),
  };
}

function rows(triples: Array<[number, number, number]>): IndexedRatings {
  return {
    users: Int32Array.from(triples, (t) => t[0]),
    items: Int32Array.from(triples, (t) => t[1]),
    ratings: Float32Array.from(triples, (t) => t[2]),
  };
}

// Relevant (rating ≥ 4): user 0 {1, 3}; user 1 {0}; user 2 {1}; user 3 none. Two rows have unknown ids.
const heldOut = rows([
  [0, 1, 5],
  [0, 3, 4],
  [0, 2, 2],
  [1, 0, 4],
  [2, 1, 4.5],
  [2, 3, 3.5],
  [3, 0, 2],
  [3, 1, 3],
  [-1, 2, 5],
  [1, -1, 5],
]);

describe('evaluateRanking with modelRanker', () => {
  it('matches hand-computed precision, recall and NDCG at K = 2 (seen items excluded, ties by index)', () => {
    const result = evaluateRanking(modelRanker(tinyModel()), heldOut, { k: 2 });
    // user 0: ranked [1, 2] (item 0 seen) → 1 hit at rank 1; P 1/2, R 1/2, NDCG 1 / (1 + 1/log2 3).
    // user 1: ranked [3, 2] (item 4 seen) → no hit.
    // user 2: all tied → [0, 1] → hit at rank 2; P 1/2, R 1, NDCG 1/log2 3.
    // user 3: no relevant item → not counted.
    const ndcg0 = 1 / (1 + 1 / log2(3));
    const ndcg2 = 1 / log2(3);
    expect(result.users).toBe(3);
    expect(result.relevant).toBe(4);
    expect(result.skipped).toBe(2);
    expect(result.threshold).toBe(4);
    expect(result.precision).toBeCloseTo((0.5 + 0 + 0.5) / 3, 12);
    expect(result.recall).toBeCloseTo((0.5 + 0 + 1) / 3, 12);
    expect(result.ndcg).toBeCloseTo((ndcg0 + 0 + ndcg2) / 3, 12);
  });

  it('handles K larger than the candidate list', () => {
    const result = evaluateRanking(
      modelRanker(tinyModel()),
      rows([
        [0, 1, 5],
        [0, 3, 4],
      ]),
      { k: 10 },
    );
    // user 0 ranks [1, 2, 3, 4]: hits at ranks 1 and 3.
    expect(result.users).toBe(1);
    expect(result.precision).toBeCloseTo(2 / 10, 12);
    expect(result.recall).toBe(1);
    expect(result.ndcg).toBeCloseTo((1 + 1 / log2(4)) / (1 + 1 / log2(3)), 12);
  });

  it('takes the threshold and the exclusion lists from the options when given', () => {
    const model = tinyModel();
    // Threshold 3.5 adds user 2's item 3 (rated 3.5) to the relevant pairs.
    const lower = evaluateRanking(modelRanker(model), heldOut, { k: 2, threshold: 3.5 });
    expect(lower.relevant).toBe(5);
    // Excluding nothing: user 0 now ranks [0, 1] → hit at rank 2 instead of rank 1.
    const noSeen = evaluateRanking(modelRanker(model), rows([[0, 1, 5]]), { k: 2, seen: buildSeenItems(4, [], []) });
    expect(noSeen.ndcg).toBeCloseTo(1 / log2(3), 12);
    const withSeen = evaluateRanking(modelRanker(model), rows([[0, 1, 5]]), { k: 2 });
    expect(withSeen.ndcg).toBeCloseTo(1, 12);
  });

  it('reports NaN when no user has a relevant held-out item', () => {
    const result = evaluateRanking(modelRanker(tinyModel()), rows([[3, 0, 2]]), { k: 3 });
    expect(result.users).toBe(0);
    expect(result.precision).toBeNaN();
    expect(result.ndcg).toBeNaN();
  });

  it('needs a threshold when the ranker has none', () => {
    const ranker: Ranker = { users: 1, items: 1, topK: () => [0] };
    expect(() => evaluateRanking(ranker, rows([[0, 0, 5]]), { k: 1 })).toThrow(/threshold/);
    expect(evaluateRanking(ranker, rows([[0, 0, 5]]), { k: 1, threshold: 4 }).precision).toBe(1);
  });

  it('agrees with a sort-everything reference on a random model', () => {
    const model = randomRatingModel({ users: 12, items: 40, dim: 4, seed: 7 });
    const triples: Array<[number, number, number]> = [];
    for (let u = 0; u < 12; u++) for (let i = (u * 7) % 5; i < 40; i += 3) triples.push([u, i, ((u + i) % 5) + 1]);
    const k = 5;
    const result = evaluateRanking(modelRanker(model), rows(triples), { k });
    let p = 0;
    let n = 0;
    for (let u = 0; u < 12; u++) {
      const relevant = new Set(triples.filter((t) => t[0] === u && t[2] >= 3.5).map((t) => t[1]));
      if (relevant.size === 0) continue;
      const seen = new Set(seenBy(model.seen!, u));
      const order = Array.from({ length: 40 }, (_, i) => i)
        .filter((i) => !seen.has(i))
        .sort((a, b) => rawScore(model, u, b) - rawScore(model, u, a) || a - b);
      p += precisionAtK(order, relevant, k);
      n++;
    }
    expect(result.users).toBe(n);
    expect(result.precision).toBeCloseTo(p / n, 12);
  });
});
