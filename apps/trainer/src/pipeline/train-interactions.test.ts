import { IALS_REFIT_SWEEPS } from './interaction-head.js';
import { parseArtifact, seenBy, type LoadedArtifact, type RecommenderModel } from '@edgerec/core';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RatingsTable } from '../data/ratings-table.js';
import { readInteractionsFile, type InteractionsFile } from '../data/read-interactions.js';
import { generateInteractions } from '../data/synth-interactions.js';
import { roundHalfToEven } from '../data/train-test-split.js';
import { writeRatingsFile } from '../data/write-ratings.js';
import { PLANTED, plantedRatings, writeInteractions } from '../test-utils/interaction-fixtures.js';
import { bruteDistinctUsers, bruteGramian, maxAbsDifference } from '../test-utils/ranking-reference.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { splitPerUser, trainInteractionModel, type TrainedInteractionModel } from './train-interactions.js';

/** Small, fast iALS settings for the split and weight tests (the learning test uses the default recipe at dim 32). */
const quick = { dim: 8, iterations: 4, threads: 1 } as const;

/** An interactions file as the table splitPerUser sees (the weight as the value). */
const asTable = (file: InteractionsFile): RatingsTable => ({ ...file, ratings: file.weights });

/** The (user id, item id) pairs a model's seen lists hold, as "user item" strings. */
function seenPairs(model: RecommenderModel): Set<string> {
  const out = new Set<string>();
  for (let u = 0; u < model.users.size; u++)
    for (const i of seenBy(model.seen!, u)) out.add(`${model.users.ids[u]} ${model.items.ids[i]}`);
  return out;
}

/** The "user item" strings of some rows of a file. */
const pairsOf = (file: InteractionsFile, rows: Iterable<number>) =>
  new Set(Array.from(rows, (r) => `${file.userIds[file.users[r]!]} ${file.itemIds[file.items[r]!]}`));

describe('trainInteractionModel: learns planted taste groups', () => {
  const tempDir = useTempDirs();
  const planted = async () =>
    writeInteractions(join(await tempDir(), 'planted-clicks.tsv'), generateInteractions(PLANTED));

  it('iALS (the default recipe at dim 32, on 2 worker threads) ranks held-out items far above popularity and stores a consistent artifact', async () => {
    const file = await planted();
    const { artifact, model, summary } = await trainInteractionModel({
      interactions: file,
      recipe: { dim: 32, threads: 2 },
    });
    const test = summary.ranking.test!;
    expect(test.model.users).toBeGreaterThan(500);
    expect(test.model.ndcg).toBeGreaterThanOrEqual(1.5 * test.popularity.ndcg);
    expect(test.model.ndcg).toBeGreaterThanOrEqual(test.popularity.ndcg + 0.1);
    expect(summary.ranking.validation!.model.ndcg).toBeGreaterThan(summary.ranking.validation!.popularity.ndcg + 0.05);
    expect(summary).toMatchObject({ method: 'ials', engine: 'ials (2 threads)', users: 600, items: 400 });
    expect(summary.rows.train + summary.rows.validation + summary.rows.test).toBe(PLANTED.interactions);

    const json = JSON.parse(artifact) as Record<string, unknown>;
    expect(json.objective).toBe('interaction');
    expect(json).not.toHaveProperty('scale');
    const loaded = await parseArtifact(artifact);
    expectConsistentArtifact(loaded, summary);
    expect(loaded.model.recommendThreshold).toBe(model.recommendThreshold);
    // The in-memory fold-in Gramian is the trained item table's, not a stale one.
    expect(
      maxAbsDifference(model.foldIn!.gramian, bruteGramian(model.itemFactors as Float32Array, 400, model.dim)),
    ).toBeLessThan(1e-6);
    expect(loaded.meta.training.hyperparameters).toMatchObject({
      method: 'ials',
      dim: 32,
      unobservedWeight: 0.2,
      l2: 0.02,
      regExponent: 1,
      iterations: 10,
    });
  }, 30_000);
});

/** The artifact checks every interaction model passes. */
function expectConsistentArtifact(loaded: LoadedArtifact, summary: TrainedInteractionModel['summary']): void {
  const { model, meta } = loaded;
  expect(model.objective).toBe('interaction');
  const pairs: Array<[number, number]> = [];
  for (let u = 0; u < model.users.size; u++) for (const i of seenBy(model.seen!, u)) pairs.push([u, i]);
  expect(Array.from(model.popularity!)).toEqual(bruteDistinctUsers(model.items.size, pairs));
  const stored = bruteGramian(model.itemFactors as Float32Array, model.items.size, model.dim);
  const scale = Math.max(...stored.map(Math.abs));
  expect(maxAbsDifference(model.foldIn!.gramian, stored) / scale).toBeLessThan(1e-4);
  expect(meta.training.metrics.ranking!.test!.ndcg).toBe(summary.ranking.test!.model.ndcg);
  expect(meta.training.metrics.ranking!.test!.users).toBe(summary.ranking.test!.model.users);
  expect(meta.recommendThreshold).toBe(summary.recommendThreshold);
  expect(meta.stats.ratings).toBe(pairs.length);
}

describe('splitPerUser', () => {
  const data = generateInteractions({ users: 80, items: 60, interactions: 1500, seed: 3 });
  const table: RatingsTable = { ...data, ratings: data.weights };

  it('is deterministic per seed and differs between seeds', () => {
    const a = splitPerUser(table, 0.1, 0.2, 7);
    expect(splitPerUser(table, 0.1, 0.2, 7)).toEqual(a);
    expect(splitPerUser(table, 0.1, 0.2, 8).test).not.toEqual(a.test);
  });

  it('carves test, then validation from the rest, per user within rounding; the parts are disjoint and cover every row', () => {
    const { train, validation, test } = splitPerUser(table, 0.15, 0.2, 11);
    const all = [...train, ...validation, ...test].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: table.users.length }, (_, r) => r));
    const count = (rows: Uint32Array) => {
      const perUser = new Array<number>(80).fill(0);
      for (const r of rows) perUser[table.users[r]!]!++;
      return perUser;
    };
    const [trainBy, validationBy, testBy] = [count(train), count(validation), count(test)];
    for (let u = 0; u < 80; u++) {
      const n = trainBy[u]! + validationBy[u]! + testBy[u]!;
      expect(testBy[u]).toBe(n - roundHalfToEven(n * 0.8));
      const rest = n - testBy[u]!;
      expect(validationBy[u]).toBe(rest - roundHalfToEven(rest * 0.85));
      expect(Math.abs(testBy[u]! - 0.2 * n)).toBeLessThanOrEqual(0.5 + 1e-9);
    }
    expect(test.length).toBeGreaterThan(0.18 * table.users.length);
    expect(validation.length).toBeGreaterThan(0.1 * table.users.length);
  });

  it('holds nothing out for a zero share and refuses shares outside [0, 1)', () => {
    const none = splitPerUser(table, 0, 0, 1);
    expect(none.train).toHaveLength(table.users.length);
    expect(none.validation).toHaveLength(0);
    expect(none.test).toHaveLength(0);
    expect(splitPerUser(table, 0.2, 0, 1).test).toHaveLength(0);
    for (const [v, t] of [
      [1, 0],
      [0, -0.1],
      [Number.NaN, 0.1],
    ]) {
      expect(() => splitPerUser(table, v!, t!, 1)).toThrow(UserError);
    }
    expect(() => splitPerUser(table, 0.1, 1, 1)).toThrow(/the test share must be at least 0 and below 1, got 1/);
  });
});

describe('trainInteractionModel: splits, refit and seen lists', () => {
  const tempDir = useTempDirs();
  const data = generateInteractions({ users: 120, items: 90, interactions: 3000, seed: 8 });

  it('with refit, serves seen lists of train + validation pairs; without, of train pairs only', async () => {
    const file = await readInteractionsFile(await writeInteractions(join(await tempDir(), 'seen-clicks.tsv'), data));
    const rows = splitPerUser(asTable(file), 0.1, 0.1, 42);
    const trainPairs = pairsOf(file, rows.train);
    const validationPairs = pairsOf(file, rows.validation);

    const refit = await trainInteractionModel({ interactions: file, recipe: quick });
    expect(refit.summary.refitEpochs).toBe(Math.min(refit.summary.bestEpoch, IALS_REFIT_SWEEPS));
    expect(refit.summary.rows).toEqual({
      train: rows.train.length,
      validation: rows.validation.length,
      test: rows.test.length,
    });
    const refitSeen = seenPairs(refit.model);
    expect(refitSeen).toEqual(new Set([...trainPairs, ...validationPairs]));
    expect((await parseArtifact(refit.artifact)).meta.stats.ratings).toBe(rows.train.length + rows.validation.length);

    const plain = await trainInteractionModel({ interactions: file, recipe: { ...quick, refit: false } });
    expect(plain.summary.refitEpochs).toBe(0);
    expect(seenPairs(plain.model)).toEqual(trainPairs);
    const loaded = await parseArtifact(plain.artifact);
    expect(loaded.meta.stats.ratings).toBe(rows.train.length);
    expectConsistentArtifact(loaded, plain.summary);
  }, 20_000);

  it('with validationFraction 0: no validation, no refit, every sweep kept', async () => {
    const file = await writeInteractions(join(await tempDir(), 'novalidation-clicks.tsv'), data);
    const { summary, artifact } = await trainInteractionModel({
      interactions: file,
      validationFraction: 0,
      recipe: { ...quick, iterations: 3 },
    });
    expect(summary.rows.validation).toBe(0);
    expect(summary.refitEpochs).toBe(0);
    expect(summary.bestEpoch).toBe(3);
    expect(summary.epochs).toBe(3);
    expect(summary.stoppedEarly).toBe(false);
    expect(summary.ranking.validation).toBeUndefined();
    expect(summary.ranking.test).toBeDefined();
    const { meta } = await parseArtifact(artifact);
    expect(meta.training.history.every((r) => r.valNdcg === undefined)).toBe(true);
    expect(meta.training.metrics.ranking!.validation).toBeUndefined();
    expect(meta.training.hyperparameters).toMatchObject({ validationFraction: 0, refitEpochs: 0 });
    expect(meta.stats.ratings).toBe(summary.rows.train);
  }, 20_000);

  it('with a test file: splits the interactions into train and validation only, and tests on the file', async () => {
    const dir = await tempDir();
    const all = Uint32Array.from({ length: data.users.length }, (_, r) => r);
    const fitRows = all.filter((r) => r % 5 !== 0);
    const heldRows = all.filter((r) => r % 5 === 0);
    const pick = (rows: Uint32Array) => ({
      users: rows.map((r) => data.users[r]!),
      items: rows.map((r) => data.items[r]!),
      weights: Float32Array.from(rows, (r) => data.weights[r]!),
      userIds: data.userIds,
      itemIds: data.itemIds,
    });
    const train = await writeInteractions(join(dir, 'fit-clicks.tsv'), pick(fitRows));
    const test = await writeInteractions(join(dir, 'held-clicks.tsv'), pick(heldRows));
    const { summary, artifact } = await trainInteractionModel({
      interactions: train,
      test,
      testFraction: 0.3,
      recipe: quick,
    });
    expect(summary.rows.train + summary.rows.validation).toBe(fitRows.length);
    expect(summary.rows.test).toBe(heldRows.length);
    expect(summary.ranking.test!.model.relevant).toBeGreaterThan(0.9 * heldRows.length);
    const { meta } = await parseArtifact(artifact);
    expect(meta.training.hyperparameters).toMatchObject({
      testFraction: 0,
      testFile: 'held-clicks.tsv',
      source: 'interactions',
    });
    expect(meta.training.data).toMatchObject({ file: 'fit-clicks.tsv', ratings: fitRows.length });
  }, 20_000);
});

describe('trainInteractionModel: weights, confidence, minimum rating, repeats', () => {
  const tempDir = useTempDirs();

  it('trains on a weight column with log confidence, and the weights reach the solver only through the confidence map', async () => {
    const dir = await tempDir();
    const weighted = generateInteractions({ ...PLANTED, interactions: 12_000, weights: true });
    expect(Math.max(...weighted.weights)).toBeGreaterThan(3);
    const counts = await writeInteractions(join(dir, 'weighted-clicks.tsv'), weighted);
    const ones = await writeInteractions(join(dir, 'unweighted-clicks.tsv'), {
      ...weighted,
      weights: new Float32Array(weighted.weights.length).fill(1),
    });

    const log = await trainInteractionModel({
      interactions: counts,
      recipe: { ...quick, dim: 16, iterations: 6, confidence: 'log', alpha: 2 },
    });
    const test = log.summary.ranking.test!;
    expect(test.model.ndcg).toBeGreaterThan(test.popularity.ndcg + 0.05);
    const loaded = await parseArtifact(log.artifact);
    expect(loaded.model.foldIn).toMatchObject({ confidence: { mode: 'log', alpha: 2 } });
    expect(loaded.meta.training.hyperparameters).toMatchObject({ confidence: 'log', alpha: 2 });

    const binary = (path: string) =>
      trainInteractionModel({ interactions: path, recipe: { ...quick, confidence: 'binary' } });
    const [binaryCounts, binaryOnes, linearCounts] = await Promise.all([
      binary(counts),
      binary(ones),
      trainInteractionModel({ interactions: counts, recipe: { ...quick, confidence: 'linear' } }),
    ]);
    expect(binaryCounts.model.userFactors).toEqual(binaryOnes.model.userFactors);
    expect(linearCounts.model.userFactors).not.toEqual(binaryCounts.model.userFactors);
  }, 30_000);

  it('minRating keeps ratings-file rows rated at least that, and says how many it dropped', async () => {
    const table = plantedRatings({ users: 150, items: 100, interactions: 4000, seed: 4 });
    const path = join(await tempDir(), 'planted-ratings.tsv');
    await writeRatingsFile(path, table);
    const below = table.ratings.filter((r) => r < 4).length;
    expect(below).toBeGreaterThan(500);
    const info: string[] = [];
    const { summary, artifact } = await trainInteractionModel({
      interactions: path,
      minRating: 4,
      recipe: quick,
      hooks: { onInfo: (line) => info.push(line) },
    });
    expect(summary.rows.train + summary.rows.validation + summary.rows.test).toBe(4000 - below);
    expect(info[0]).toContain(`read ${path}: ${4000 - below} interactions`);
    expect(info[0]).toContain(`${below} rows rated below 4 dropped`);
    expect(info[0]).toContain('a ratings file: every row is an interaction');
    const { meta } = await parseArtifact(artifact);
    expect(meta.training.hyperparameters).toMatchObject({ minRating: 4, source: 'ratings' });
    expect(meta.training.data.ratings).toBe(4000 - below);
  }, 20_000);

  it('sums the weights of repeated pairs: the same model as the file with the sums written out', async () => {
    const dir = await tempDir();
    const data = generateInteractions({ users: 120, items: 90, interactions: 3000, seed: 6, weights: true });
    const repeats = Array.from({ length: 200 }, (_, k) => k * 15);
    const lines = (weights: Float32Array) =>
      Array.from(weights, (w, r) => `${data.userIds[data.users[r]!]}\t${data.itemIds[data.items[r]!]}\t${w}`);
    const repeated = [
      ...lines(data.weights),
      ...repeats.map((r) => `${data.userIds[data.users[r]!]}\t${data.itemIds[data.items[r]!]}\t2.5`),
    ];
    const summed = data.weights.slice();
    for (const r of repeats) summed[r]! += 2.5;
    const withRepeats = join(dir, 'repeat-clicks.tsv');
    const withSums = join(dir, 'summed-clicks.tsv');
    await writeFile(withRepeats, `user\titem\tweight\n${repeated.join('\n')}\n`);
    await writeFile(withSums, `user\titem\tweight\n${lines(summed).join('\n')}\n`);

    const info: string[] = [];
    const recipe = { ...quick, confidence: 'linear', alpha: 1 } as const;
    const a = await trainInteractionModel({
      interactions: withRepeats,
      recipe,
      hooks: { onInfo: (line) => info.push(line) },
    });
    const b = await trainInteractionModel({ interactions: withSums, recipe });
    expect(info[0]).toContain('200 repeated (user, item) rows merged (weights summed)');
    expect(a.summary.rows).toEqual(b.summary.rows);
    expect(a.model.userFactors).toEqual(b.model.userFactors);
    // Unsummed (a repeat replacing the weight) would train something else.
    const replaced = data.weights.slice();
    for (const r of repeats) replaced[r] = 2.5;
    await writeFile(join(dir, 'replaced-clicks.tsv'), `user\titem\tweight\n${lines(replaced).join('\n')}\n`);
    const c = await trainInteractionModel({ interactions: join(dir, 'replaced-clicks.tsv'), recipe });
    expect(c.model.userFactors).not.toEqual(a.model.userFactors);
  }, 20_000);
});
