import { describe, expect, it } from 'vitest';
import { foldInUser } from '../fold-in.js';
import { quantizedModel } from '../test-utils/quantized.js';
import { clusteredInteractionModel } from '../testing/clustered-model.js';
import { randomInteractionModel } from '../testing/interaction-model.js';
import { randomRatingModel } from '../testing/rating-model.js';
import { topKItems, userQuery } from '../topk.js';
import {
  assertModelShape as assertModelShapeOf,
  type Float32RecommenderModel,
  type RecommenderModel,
} from '../recommender-model.js';
import { assertIvfShape } from './ivf-index.js';
import { buildIvfIndex, defaultIvfLists } from './ivf-build.js';
import { ivfCandidates, ivfTopKItems, listItems, probeLists } from './ivf-probe.js';
import { orderByLists } from './ivf-reorder.js';
import { buildSeenItems, seenBy } from '../seen-items.js';

/** A model whose items come in groups of four identical rows, so many scores tie exactly. */
function tiedModel(): RecommenderModel {
  const base = randomInteractionModel({ users: 9, items: 120, dim: 6, seed: 4, biases: true });
  const itemFactors = Float32Array.from(base.itemFactors as Float32Array);
  const itemBias = Float32Array.from(base.itemBias);
  for (let i = 0; i < 120; i++) {
    const source = i - (i % 4);
    itemFactors.copyWithin(i * 6, source * 6, source * 6 + 6);
    itemBias[i] = itemBias[source]!;
  }
  return { ...base, itemFactors, itemBias };
}

function withIndex(model: RecommenderModel, lists: number, seed = 1): RecommenderModel {
  return { ...model, ivf: buildIvfIndex(model, { lists, seed }) };
}

/** Share of the exact top-k that the IVF ranking found, over every user. */
function recallAt(head: RecommenderModel, k: number, nprobe: number): { recall: number; scored: number } {
  let hits = 0;
  let scored = 0;
  for (let u = 0; u < head.users.size; u++) {
    const query = userQuery(head, u);
    const exact = new Set(topKItems(head, query, { k }).map((r) => r.index));
    const ranking = ivfTopKItems(head, query, { k, nprobe });
    hits += ranking.items.filter((r) => exact.has(r.index)).length;
    scored += ranking.scored;
  }
  return { recall: hits / (k * head.users.size), scored: scored / (head.users.size * head.items.size) };
}

describe('buildIvfIndex', () => {
  it('puts every item in exactly one list, ascending within a list, about √n lists by default', () => {
    const model = randomInteractionModel({ users: 3, items: 500, dim: 5, seed: 2, biases: true });
    const ivf = buildIvfIndex(model);
    expect(ivf.lists).toBe(defaultIvfLists(500));
    expect(ivf.lists).toBe(22);
    expect(ivf.width).toBe(6);
    expect(() => assertIvfShape(ivf, 5, 500)).not.toThrow();
    for (let l = 0; l < ivf.lists; l++) {
      const list = ivf.items.subarray(ivf.offsets[l]!, ivf.offsets[l + 1]!);
      for (let j = 1; j < list.length; j++) expect(list[j]!).toBeGreaterThan(list[j - 1]!);
    }
  });

  it('is deterministic for a seed, and a different seed gives a different index', () => {
    const model = randomInteractionModel({ users: 3, items: 400, dim: 4, seed: 5, biases: true });
    const a = buildIvfIndex(model, { lists: 16, seed: 9, now: () => 0 });
    const b = buildIvfIndex(model, { lists: 16, seed: 9, now: () => 0 });
    const c = buildIvfIndex(model, { lists: 16, seed: 10, now: () => 0 });
    expect(b).toEqual(a);
    expect(c.centroids).not.toEqual(a.centroids);
  });

  it('caps the iterations and reports progress', () => {
    const model = randomInteractionModel({ users: 3, items: 300, dim: 4, seed: 6 });
    const lines: string[] = [];
    const ivf = buildIvfIndex(model, { lists: 10, maxIterations: 2, onProgress: (line) => lines.push(line) });
    expect(ivf.build.iterations).toBeLessThanOrEqual(2);
    expect(lines[0]).toMatch(/^k-means iteration 1\/2: /);
  });

  it('indexes int8 item rows (dequantized)', () => {
    const model = quantizedModel(
      randomInteractionModel({ users: 3, items: 200, dim: 8, seed: 7, biases: true }) as Float32RecommenderModel,
    );
    const head = withIndex(model, 12);
    const query = userQuery(head, 1);
    expect(ivfTopKItems(head, query, { k: 7, nprobe: 12 }).items).toEqual(topKItems(head, query, { k: 7 }));
  });

  it('refuses a list count of 0, above the item count, or not an integer', () => {
    const model = randomInteractionModel({ users: 1, items: 10, dim: 2, seed: 1 });
    for (const lists of [0, 11, 2.5]) expect(() => buildIvfIndex(model, { lists })).toThrow(/takes 1 to 10 lists/);
  });
});

describe('ivfTopKItems', () => {
  it('with every list probed equals the exact top-K, ties included', () => {
    const head = withIndex(tiedModel(), 9);
    for (let u = 0; u < head.users.size; u++) {
      const query = userQuery(head, u);
      for (const k of [1, 5, 17, 120]) {
        const ranking = ivfTopKItems(head, query, { k, nprobe: 9 });
        expect(ranking.items).toEqual(topKItems(head, query, { k }));
        expect(ranking.scored).toBe(120);
      }
    }
  });

  it('keeps exclusions and seen items out, and intersects the caller’s candidates', () => {
    const head = withIndex(tiedModel(), 9);
    const query = userQuery(head, 2);
    const excludeSorted = Uint32Array.from([0, 1, 2, 40, 41]);
    const exclude = new Set([7, 8, 64]);
    const all = ivfTopKItems(head, query, { k: 20, nprobe: 99, excludeSorted, exclude });
    expect(all.nprobe).toBe(9); // clamped to the lists
    expect(all.items).toEqual(topKItems(head, query, { k: 20, excludeSorted, exclude }));

    const candidates = [3, 5, 9, 50, 51, 52, 64, 110, 3];
    const own = ivfTopKItems(head, query, { k: 5, nprobe: 9, candidates, exclude });
    expect(own.items).toEqual(topKItems(head, query, { k: 5, candidates, exclude }));
    // Probing fewer lists: only candidates inside the probed lists are scored.
    const probed = new Set(listItems(head.ivf!, probeLists(head.ivf!, query, 2)));
    const few = ivfTopKItems(head, query, { k: 5, nprobe: 2, candidates });
    expect(few.items.every((r) => probed.has(r.index) && candidates.includes(r.index))).toBe(true);
    expect(few.scored).toBe(new Set(candidates.filter((i) => probed.has(i))).size);
  });

  it('ranks a folded-in user (a query from foldInUser) like the exact scan when every list is probed', () => {
    const model = randomRatingModel({ users: 7, items: 90, dim: 5, seed: 3 });
    const head = withIndex(model, 8);
    const query = foldInUser(model, [
      { item: 3, rating: 5 },
      { item: 10, rating: 1 },
    ]);
    const excludeSorted = Uint32Array.from([3, 10]);
    expect(ivfTopKItems(head, query, { k: 10, nprobe: 8, excludeSorted }).items).toEqual(
      topKItems(model, query, { k: 10, excludeSorted }),
    );
  });

  it('finds at least 95% of the exact top-10 on planted clusters while scoring under 10% of the items', () => {
    const model = clusteredInteractionModel({ users: 60, items: 20_000, dim: 16, clusters: 100, seed: 11 });
    const head = withIndex(model, 141);
    const { recall, scored } = recallAt(head, 10, 10);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(scored).toBeLessThan(0.1);
    // A broken index (lists of random items) probed as deeply finds about the share it scores.
    const shuffled = {
      ...head.ivf!,
      items: head.ivf!.items.slice().sort((a, b) => ((a * 2654435761) >>> 0) - ((b * 2654435761) >>> 0)),
    };
    expect(recallAt({ ...head, ivf: shuffled }, 10, 10).recall).toBeLessThan(0.3);
  });

  it('throws for a head without an index', () => {
    const model = randomInteractionModel({ users: 1, items: 5, dim: 2, seed: 1 });
    expect(() => ivfTopKItems(model, userQuery(model, 0), { k: 3, nprobe: 1 })).toThrow(/no IVF index/);
  });
});

describe('orderByLists', () => {
  it('lays the items out list by list with every item table permuted alike: the same rankings by id', () => {
    const rating = randomRatingModel({ users: 9, items: 150, dim: 4, seed: 12 });
    const ranking = randomInteractionModel({ users: 9, items: 150, dim: 3, seed: 13, biases: true });
    const seen = buildSeenItems(9, [0, 0, 0, 4, 4, 8], [5, 77, 149, 0, 3, 120]);
    const popularity = Float32Array.from({ length: 150 }, (_, i) => (i * 37) % 11);
    const model: RecommenderModel = {
      ...rating,
      seen,
      popularity,
      ranking: { ...ranking, users: rating.users, items: rating.items, seen, popularity },
    };
    const built = buildIvfIndex(model.ranking!, { lists: 7, seed: 2 });
    const { model: laid, index } = orderByLists(model, built);
    expect(index.items).toEqual(Uint32Array.from({ length: 150 }, (_, j) => j));
    expect(laid.ranking!.ivf).toBe(index);
    expect(laid.ivf).toBeUndefined();
    expect(() => assertModelShapeOf(laid)).not.toThrow();
    const byId = (m: RecommenderModel, ranked: { index: number; raw: number }[]) =>
      ranked.map((r) => [m.items.ids[r.index], r.raw]);
    for (let u = 0; u < 9; u++) {
      for (const pick of [(m: RecommenderModel) => m, (m: RecommenderModel) => m.ranking!]) {
        const before = pick(model);
        const after = pick(laid);
        const exact = topKItems(before, userQuery(before, u), { k: 12, excludeSorted: seenBy(model.seen!, u) });
        if (after === laid.ranking) {
          const probed = ivfTopKItems(after, userQuery(after, u), {
            k: 12,
            nprobe: 7,
            excludeSorted: seenBy(laid.seen!, u),
          });
          expect(byId(after, probed.items)).toEqual(byId(before, exact));
        }
        const scan = topKItems(after, userQuery(after, u), { k: 12, excludeSorted: seenBy(laid.seen!, u) });
        expect(byId(after, scan)).toEqual(byId(before, exact));
      }
    }
    for (let j = 0; j < 150; j++)
      expect(laid.popularity![j]).toBe(popularity[model.items.indexOf(laid.items.ids[j]!)!]);
  });

  it('makes every probe strictly ascending, and topKItems ranks such candidates like any others', () => {
    const model = randomInteractionModel({ users: 5, items: 300, dim: 4, seed: 14, biases: true });
    const { model: laid, index } = orderByLists(model, buildIvfIndex(model, { lists: 12, seed: 1 }));
    for (let u = 0; u < 5; u++) {
      const query = userQuery(laid, u);
      const candidates = ivfCandidates(index, query, 5);
      for (let j = 1; j < candidates.length; j++) expect(candidates[j]!).toBeGreaterThan(candidates[j - 1]!);
      const shuffled = [...candidates].reverse();
      shuffled.push(candidates[0]!); // a repeat: the dedupe path
      expect(topKItems(laid, query, { k: 9, candidates })).toEqual(
        topKItems(laid, query, { k: 9, candidates: shuffled }),
      );
    }
  });

  it('permutes int8 item rows with their scales', () => {
    const model = quantizedModel(
      randomInteractionModel({ users: 3, items: 90, dim: 8, seed: 15, biases: true }) as Float32RecommenderModel,
    );
    const { model: laid } = orderByLists(model, buildIvfIndex(model, { lists: 6 }));
    for (let u = 0; u < 3; u++) {
      const before = topKItems(model, userQuery(model, u), { k: 90 }).map((r) => [model.items.ids[r.index], r.raw]);
      const after = topKItems(laid, userQuery(laid, u), { k: 90 }).map((r) => [laid.items.ids[r.index], r.raw]);
      expect(after).toEqual(before);
    }
  });
});
