import {
  buildSeenItems,
  gramian,
  itemPopularity,
  mulberry32,
  SCORE_SCALE,
  seenBy,
  type SeenItems,
} from '@edgerec/core';
import { describe, expect, it } from 'vitest';
import { randomModel } from '../test-utils/interaction-fixtures.js';
import { bruteScores, bruteTopK } from '../test-utils/ranking-reference.js';
import { DEFAULT_INTERACTION_RECIPE, type InteractionHead } from './interaction-head.js';
import { interactionModel, topKThreshold } from './interaction-model.js';

/** Random seen lists: user u has `counts(u)` distinct items. */
function randomSeen(users: number, items: number, counts: (u: number) => number, seed: number): SeenItems {
  const random = mulberry32(seed);
  const u: number[] = [];
  const i: number[] = [];
  for (let user = 0; user < users; user++) {
    const picked = new Set<number>();
    while (picked.size < counts(user)) picked.add(Math.floor(random() * items));
    for (const item of picked) {
      u.push(user);
      i.push(item);
    }
  }
  return buildSeenItems(users, u, i);
}

/** Each user's 10th-best unseen score, by brute force; users with fewer than 10 unseen items are left out. */
function tenthBest(model: Parameters<typeof bruteScores>[0], users: number, seen: SeenItems): number[] {
  const out: number[] = [];
  for (let u = 0; u < users; u++) {
    const scores = bruteScores(model, u);
    const ranked = bruteTopK(scores, new Set(seenBy(seen, u)), 10);
    if (ranked.length === 10) out.push(scores[ranked[9]!]!);
  }
  return out;
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

describe('topKThreshold', () => {
  it('is the median of the users’ 10th-best unseen scores (odd count), with biases and a sigmoid', () => {
    // 41 users; users 0–5 have seen 35 of 40 items, so only 35 users have 10 unseen items left.
    const seen = randomSeen(41, 40, (u) => (u < 6 ? 35 : 1 + (u % 7)), 3);
    const model = randomModel({ users: 41, items: 40, dim: 4, seed: 9, activation: 'sigmoid', biases: true, seen });
    const scores = tenthBest(model, 41, seen);
    expect(scores).toHaveLength(35);
    const median = sorted(scores)[17]!;
    expect(topKThreshold(model, 1)).toBeCloseTo(median, 12);
    // The seed only orders the sample: with every user sampled, it cannot change the result.
    expect(topKThreshold(model, 77)).toBe(topKThreshold(model, 1));
  });

  it('takes the upper of the two middle scores for an even count', () => {
    const seen = randomSeen(30, 25, (u) => u % 5, 4);
    const model = randomModel({ users: 30, items: 25, dim: 3, seed: 10, seen });
    const scores = sorted(tenthBest(model, 30, seen));
    expect(scores).toHaveLength(30);
    expect(topKThreshold(model, 1)).toBeCloseTo(scores[15]!, 12);
    expect(scores[15]).not.toBeCloseTo(scores[14]!, 6);
  });

  it('ranks the whole catalogue without seen lists, and falls back to activate(globalBias) when nobody has 10 items left', () => {
    const model = randomModel({ users: 9, items: 30, dim: 3, seed: 11 });
    const none = buildSeenItems(9, [], []);
    expect(topKThreshold(model, 1)).toBeCloseTo(sorted(tenthBest(model, 9, none))[4]!, 12);

    const small = randomModel({
      users: 5,
      items: 12,
      dim: 2,
      seed: 12,
      activation: 'sigmoid',
      biases: true,
      seen: randomSeen(5, 12, () => 3, 5),
    });
    expect(topKThreshold(small, 1)).toBe(1 / (1 + Math.exp(-small.globalBias)));
  });

  it('samples at most 500 users: the result is one user’s 10th-best score, near the median of all', () => {
    const seen = randomSeen(900, 60, (u) => u % 4, 6);
    const model = randomModel({ users: 900, items: 60, dim: 3, seed: 13, seen });
    const all = sorted(tenthBest(model, 900, seen));
    const threshold = topKThreshold(model, 5);
    const at = all.findIndex((s) => Math.abs(s - threshold) < 1e-12);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(at / all.length).toBeGreaterThan(0.4);
    expect(at / all.length).toBeLessThan(0.6);
    expect(topKThreshold(model, 6)).not.toBe(threshold); // another sample
  });
});

describe('interactionModel', () => {
  it('serves a head as an interaction model: its tables, the shared ids, seen lists and popularity, and the top-10 threshold', () => {
    const seen = randomSeen(20, 30, (u) => 2 + (u % 6), 7);
    const base = randomModel({ users: 20, items: 30, dim: 5, seed: 14, seen });
    const tables = {
      userFactors: base.userFactors as Float32Array,
      itemFactors: base.itemFactors as Float32Array,
      userBias: base.userBias,
      itemBias: base.itemBias,
    };
    const foldIn = {
      method: 'ials',
      unobservedWeight: 0.2,
      l2: 0.02,
      regExponent: 1,
      confidence: { mode: 'binary', alpha: 1 },
      gramian: gramian(tables.itemFactors, 30, 5),
    } as const;
    const head: InteractionHead = {
      tables,
      globalBias: 0,
      activation: 'linear',
      foldIn,
      history: [],
      bestEpoch: 1,
      stoppedEarly: false,
      refitEpochs: 0,
      validationTables: tables,
      engine: 'test',
      seconds: 0,
    };
    const popularity = itemPopularity(30, seen);
    const model = interactionModel(head, {
      users: base.users,
      items: base.items,
      seen,
      popularity,
      seed: DEFAULT_INTERACTION_RECIPE.seed,
    });
    expect(model).toMatchObject({
      objective: 'interaction',
      dim: 5,
      activation: 'linear',
      globalBias: 0,
      scale: SCORE_SCALE,
    });
    expect(model.users).toBe(base.users);
    expect(model.seen).toBe(seen);
    expect(model.popularity).toBe(popularity);
    expect(model.foldIn).toBe(foldIn);
    expect(model.userFactors).toBe(tables.userFactors);
    expect(model.recommendThreshold).toBeCloseTo(sorted(tenthBest(model, 20, seen))[10]!, 12);
    const { foldIn: _dropped, ...withoutFoldIn } = head;
    expect(
      interactionModel(withoutFoldIn, { users: base.users, items: base.items, seen, popularity, seed: 1 }),
    ).not.toHaveProperty('foldIn');
  });
});
