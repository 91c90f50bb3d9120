import { buildSeenItems, serializeArtifact, seenBy, type RecommenderModel, type SeenItems } from '@edgerec/core';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handMadeMetadata, randomModel } from '../test-utils/interaction-fixtures.js';
import {
  bruteDistinctUsers,
  bruteOrder,
  bruteRanking,
  bruteScores,
  bruteTopK,
  type BruteRanking,
} from '../test-utils/ranking-reference.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import {
  evaluateInteractionFiles,
  popularityVerdict,
  rankingMetricSet,
  type RankingMetricSet,
} from './evaluate-interactions.js';

const USERS = 8;
const ITEMS = 20;
const user = (u: number) => `u${u + 1}`;
const item = (i: number) => `i${i + 1}`;

/** Each user's training items (what the artifact stores as seen). */
const SEEN: number[][] = [
  [0, 1, 2],
  [0, 3],
  [1, 4, 5],
  [0, 6],
  [2, 7],
  [0, 1, 8],
  [3, 9],
  [0, 10],
];
/** Held-out (user, item, weight) rows on known ids, none of them seen. */
const HELD: Array<[number, number, number]> = [
  [0, 3, 1],
  [0, 11, 2],
  [0, 19, 1],
  [1, 1, 1],
  [1, 12, 4],
  [2, 0, 1],
  [2, 13, 1],
  [2, 14, 2],
  [3, 2, 1],
  [4, 0, 3],
  [4, 15, 1],
  [5, 16, 1],
  [5, 3, 1],
  [6, 0, 1],
  [6, 17, 1],
  [7, 18, 2],
  [7, 1, 1],
];
/** A popularity table as a training run might have stored it (not the seen lists' counts). */
const STORED_POPULARITY = Float32Array.from([3, 9, 1, 7, 0, 2, 0, 5, 1, 0, 4, 0, 0, 6, 0, 8, 0, 0, 2, 0]);

const seenOf = (lists: number[][]): SeenItems =>
  buildSeenItems(
    USERS,
    lists.flatMap((items, u) => items.map(() => u)),
    lists.flat(),
  );

const lines = (header: string, rows: Array<[string, string, number]>) =>
  `${header}\n${rows.map((r) => r.join('\t')).join('\n')}\n`;

/** A hand-made interaction model (random tables, so no score ties) written as an artifact. */
async function writeModel(dir: string, model: RecommenderModel, name = 'hand-made-model.json'): Promise<string> {
  const path = join(dir, name);
  await writeFile(
    path,
    await serializeArtifact(model, handMadeMetadata(model), { includeSeen: model.seen !== undefined }),
  );
  return path;
}

/** The held-out file: HELD plus a row for an unknown user and one for an unknown item. */
async function writeHeld(dir: string): Promise<string> {
  const path = join(dir, 'held-clicks.tsv');
  await writeFile(
    path,
    lines('user\titem\tweight', [
      ...HELD.map(([u, i, w]) => [user(u), item(i), w] as [string, string, number]),
      ['ghost', 'i3', 1],
      ['u2', 'nope', 1],
    ]),
  );
  return path;
}

/** Brute-force figures of ranking by `score` (or by `popularity` order), excluding `exclude`, with `relevant` sets. */
function bruteFigures(relevant: Map<number, Set<number>>, rank: (u: number) => number[], k: number): BruteRanking {
  return bruteRanking(relevant, (u) => rank(u).slice(0, k), k, ITEMS);
}

const relevantOf = (rows: Array<[number, number, number]>, keep: (w: number) => boolean = () => true) => {
  const out = new Map<number, Set<number>>();
  for (const [u, i, w] of rows) if (keep(w)) out.set(u, (out.get(u) ?? new Set()).add(i));
  return out;
};

/** The figures of a report's metric set as a BruteRanking-like record. */
const figuresOf = (set: RankingMetricSet) => ({
  precision: set.precisionAtK!,
  recall: set.recallAtK!,
  ndcg: set.ndcgAtK!,
  map: set.mapAtK!,
  hitRate: set.hitRateAtK!,
  coverage: set.coverage!,
});

const expectFigures = (set: RankingMetricSet, brute: BruteRanking) => {
  const { users: _users, relevant: _relevant, ...expected } = brute;
  for (const [key, value] of Object.entries(expected))
    expect(figuresOf(set)[key as keyof typeof expected], key).toBeCloseTo(value, 12);
};

describe('evaluateInteractionFiles', () => {
  const tempDir = useTempDirs();
  const seen = seenOf(SEEN);
  const model = randomModel({ users: USERS, items: ITEMS, dim: 3, seed: 41, seen, popularity: STORED_POPULARITY });
  const exclude = (lists: number[][]) => (u: number) => new Set(lists[u]);
  const byModel = (lists: number[][]) => (u: number) => bruteTopK(bruteScores(model, u), exclude(lists)(u), ITEMS);
  const byOrder = (counts: ArrayLike<number>, lists: number[][]) => (u: number) =>
    bruteOrder(counts).filter((i) => !exclude(lists)(u).has(i));

  it('matches a brute-force ranking of the model and of the artifact’s popularity, every held-out item relevant', async () => {
    const dir = await tempDir();
    const report = await evaluateInteractionFiles({
      model: await writeModel(dir, model),
      ratings: await writeHeld(dir),
      k: 5,
    });
    const relevant = relevantOf(HELD);
    expectFigures(report.model, bruteFigures(relevant, byModel(SEEN), 5));
    expectFigures(report.popularity!, bruteFigures(relevant, byOrder(STORED_POPULARITY, SEEN), 5));
    expect(report.popularity!.source).toBe('artifact');
    expect(report).toMatchObject({
      mode: 'interaction',
      objective: 'interaction',
      k: 5,
      threshold: 'any',
      heldOut: { rows: HELD.length + 2, unknownIds: 2, rankedUsers: USERS, relevant: HELD.length },
      excluded: 'training items stored in the model',
    });
    expect(report.notes).toContain('popularity taken from the artifact (counted on the data the model was trained on)');
    expect(report.notes).toContain('2 held-out rows have a user or item the model does not know: skipped');
    expect(report.model.popularityPercentile).toBeGreaterThan(0);
    const verdict = report.verdicts[0]!;
    expect(verdict.model).toBe(report.model.ndcgAtK);
    expect(verdict.baseline).toBe(report.popularity!.ndcgAtK);
  });

  it('with --train: popularity counted on the train file (model ids only), and its pairs excluded too', async () => {
    const dir = await tempDir();
    // Training pairs beyond the stored seen lists (each user's two best-scored unseen items), plus rows for ids the model does not know.
    const extra = SEEN.map((_, u) => byModel(SEEN)(u).slice(0, 2));
    const trainLists = SEEN.map((items, u) => [...items, ...extra[u]!]);
    const trainRows: Array<[string, string, number]> = trainLists.flatMap((items, u) =>
      items.map((i) => [user(u), item(i), 1] as [string, string, number]),
    );
    const train = join(dir, 'fit-clicks.tsv');
    await writeFile(train, lines('user\titem\tweight', [...trainRows, ['stranger', 'i1', 1], ['u1', 'unlisted', 1]]));
    const report = await evaluateInteractionFiles({
      model: await writeModel(dir, model),
      ratings: await writeHeld(dir),
      train,
    });
    const counts = bruteDistinctUsers(
      ITEMS,
      trainLists.flatMap((items, u) => items.map((i) => [u, i] as const)),
    );
    const relevant = relevantOf(HELD);
    expectFigures(report.model, bruteFigures(relevant, byModel(trainLists), 10));
    expectFigures(report.popularity!, bruteFigures(relevant, byOrder(counts, trainLists), 10));
    expect(report.popularity!.source).toBe('train file');
    expect(report.excluded).toBe('training items from --train and the model');
    expect(report.files.train).toBe(train);
    expect(report.notes).toContain(
      `popularity counted on fit-clicks.tsv: ${trainRows.length} of its ${trainRows.length + 2} interactions are on the model's users and items`,
    );
    expect(report.heldOut.rankedUsers).toBe(USERS);
    // Excluding only the stored seen lists would give other figures.
    expect(report.model.ndcgAtK).not.toBeCloseTo(bruteFigures(relevant, byModel(SEEN), 10).ndcg, 6);
  });

  it('counts popularity from the seen lists of a model that stores none; without either, no baseline', async () => {
    const dir = await tempDir();
    const { popularity: _popularity, ...bare } = model;
    const held = await writeHeld(dir);
    const fromSeen = await evaluateInteractionFiles({
      model: await writeModel(dir, bare, 'no-popularity.json'),
      ratings: held,
    });
    const counts = bruteDistinctUsers(
      ITEMS,
      SEEN.flatMap((items, u) => items.map((i) => [u, i] as const)),
    );
    expect(fromSeen.popularity!.source).toBe('seen lists');
    expectFigures(fromSeen.popularity!, bruteFigures(relevantOf(HELD), byOrder(counts, SEEN), 10));

    const { seen: _seen, ...nothing } = bare;
    const blind = await evaluateInteractionFiles({
      model: await writeModel(dir, nothing, 'no-seen.json'),
      ratings: held,
    });
    expect(blind.popularity).toBeNull();
    expect(blind.verdicts).toEqual([]);
    expect(blind.excluded).toBe('nothing');
    expectFigures(blind.model, bruteFigures(relevantOf(HELD), byModel(SEEN.map(() => [])), 10));
    expect(blind.notes).toContain(
      'no popularity baseline: the model stores neither popularity nor training items; pass --train FILE',
    );
  });

  it('warns when popularity wins: a model that ranks the bestsellers last', async () => {
    const dir = await tempDir();
    // dim 1: every user vector is 1 and item i's factor is −popularity, so the least popular come first.
    const upsideDown: RecommenderModel = {
      ...model,
      dim: 1,
      userFactors: new Float32Array(USERS).fill(1),
      itemFactors: Float32Array.from(STORED_POPULARITY, (p, i) => -p - i / 100),
    };
    const held = join(dir, 'bestseller-clicks.tsv');
    await writeFile(
      held,
      lines('user\titem\tweight', [
        [user(2), item(15), 1],
        [user(4), item(1), 1],
        [user(6), item(13), 1],
        [user(7), item(3), 1],
      ]),
    );
    const report = await evaluateInteractionFiles({ model: await writeModel(dir, upsideDown), ratings: held });
    expect(report.popularity!.ndcgAtK).toBeGreaterThan(0.5);
    expect(report.model.ndcgAtK).toBe(0);
    expect(report.verdicts).toHaveLength(1);
    expect(report.verdicts[0]).toMatchObject({ beats: false, metric: 'ndcgAtK', against: 'popularity' });
    expect(report.verdicts[0]!.message).toMatch(
      /^WARNING: the model does NOT beat popularity on NDCG@10 \(0\.0000 vs 0\.\d{4}\)$/,
    );
  });

  it('--threshold keeps held-out ratings at or above it on a ratings file, and is ignored with a note on a weights file', async () => {
    const dir = await tempDir();
    const modelPath = await writeModel(dir, model);
    const rated = join(dir, 'held-ratings.tsv');
    // The weight column of HELD read as 1–4 star ratings.
    await writeFile(
      rated,
      lines(
        'user\titem\trating',
        HELD.map(([u, i, w]) => [user(u), item(i), w] as [string, string, number]),
      ),
    );
    const strict = await evaluateInteractionFiles({ model: modelPath, ratings: rated, threshold: 2 });
    const relevant = relevantOf(HELD, (w) => w >= 2);
    expect(strict.threshold).toBe(2);
    expect(strict.heldOut.relevant).toBe(5);
    expect(strict.heldOut.rankedUsers).toBe(relevant.size);
    expectFigures(strict.model, bruteFigures(relevant, byModel(SEEN), 10));
    expectFigures(strict.popularity!, bruteFigures(relevant, byOrder(STORED_POPULARITY, SEEN), 10));

    const held = await writeHeld(dir);
    const ignored = await evaluateInteractionFiles({ model: modelPath, ratings: held, threshold: 2 });
    expect(ignored.threshold).toBe('any');
    expect(ignored.notes).toContain(
      'held-clicks.tsv has no rating column: --threshold is ignored and every held-out item is relevant',
    );
    const plain = await evaluateInteractionFiles({ model: modelPath, ratings: held });
    expect(ignored.model).toEqual(plain.model);
    expect(plain.notes.some((note) => note.includes('--threshold'))).toBe(false);
  });
});

describe('popularityVerdict and rankingMetricSet', () => {
  it('beats only with a positive NDCG margin, and says by how much', () => {
    expect(popularityVerdict(0.3, 0.2, 10)).toMatchObject({
      beats: true,
      message: 'model beats popularity on NDCG@10 by 0.1000 (0.3000 vs 0.2000)',
    });
    expect(popularityVerdict(0.3, 0.2, 10).margin).toBeCloseTo(0.1, 12);
    expect(popularityVerdict(0.25, 0.25, 5)).toMatchObject({
      beats: false,
      margin: 0,
      message: 'WARNING: the model does NOT beat popularity on NDCG@5 (0.2500 vs 0.2500)',
    });
    expect(popularityVerdict(0.1, 0.2, 20).beats).toBe(false);
  });

  it('maps a RankingAccuracy to the printed fields, NaN to null', () => {
    const set = rankingMetricSet({
      precision: 0.1,
      recall: 0.2,
      ndcg: 0.3,
      map: 0.4,
      hitRate: 0.5,
      coverage: 0.6,
      popularityPercentile: Number.NaN,
      k: 10,
      threshold: 'any',
      users: 3,
      relevant: 4,
      skipped: 0,
    });
    expect(set).toEqual({
      precisionAtK: 0.1,
      recallAtK: 0.2,
      ndcgAtK: 0.3,
      mapAtK: 0.4,
      hitRateAtK: 0.5,
      coverage: 0.6,
      popularityPercentile: null,
    });
  });
});

// Keep the seen-list helper honest: the stored lists are exactly SEEN.
describe('fixture', () => {
  it('stores SEEN as the seen lists', () => {
    const seen = seenOf(SEEN);
    expect(SEEN.map((_, u) => Array.from(seenBy(seen, u)))).toEqual(
      SEEN.map((items) => [...items].sort((a, b) => a - b)),
    );
  });
});
