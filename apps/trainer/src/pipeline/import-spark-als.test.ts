import { parseArtifact, predict, seenBy, topKItems, userQuery, type LoadedArtifact } from '@edgerec/core';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../data/data-error.js';
import { FlagValueError } from '../options.js';
import { rejectionOf } from '../test-utils/rejection.js';
import { randomFactorRows, writeSparkAlsModel, type SparkFactorRow } from '../test-utils/spark-model.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { importSparkAls } from './import-spark-als.js';

const tempDir = useTempDirs();
const RANK = 6;
const USER_IDS = [12, 0, 5, 40, 3, 7, 21, 9];
const ITEM_IDS = Array.from({ length: 30 }, (_, i) => (i * 7) % 31);

/** A model in Spark's layout: users over three part files (one uncompressed, one empty), items over two. */
async function sparkModel(metadata?: Record<string, unknown>) {
  const users = randomFactorRows(USER_IDS, RANK, 1);
  const items = randomFactorRows(ITEM_IDS, RANK, 2);
  const dir = await writeSparkAlsModel(join(await tempDir(), 'als_model'), {
    rank: RANK,
    userParts: [users.slice(0, 3), [], users.slice(3)],
    itemParts: [items.slice(0, 17), items.slice(17)],
    codecs: ['SNAPPY', 'UNCOMPRESSED'],
    ...(metadata ? { metadata } : {}),
  });
  return { dir, users, items };
}

/** The artifact text parsed by core's reader, as the Worker reads it (checksum included). */
async function load(artifact: string): Promise<LoadedArtifact> {
  return parseArtifact(artifact, { source: 'imported' });
}

/** Item Spark ids ranked for a user by the dot product in float64 over the rows as written, ties by lower id. */
function bruteRanking(user: SparkFactorRow, items: readonly SparkFactorRow[], exclude: ReadonlySet<number>): number[] {
  const dot = (item: SparkFactorRow) => item.features!.reduce<number>((s, v, k) => s + v! * user.features![k]!, 0);
  return items
    .filter((item) => !exclude.has(item.id))
    .sort((a, b) => dot(b) - dot(a) || a.id - b.id)
    .map((item) => item.id);
}

describe('importSparkAls', () => {
  it('serves an implicit model: exact float32 factors, zero biases, dot-product rankings, an artifact core accepts', async () => {
    const { dir, users, items } = await sparkModel();
    const { artifact, summary } = await importSparkAls({ dir, objective: 'interaction' });
    const { model, meta } = await load(artifact);
    expect(meta.objective).toBe('interaction');
    expect(model).toMatchObject({ dim: RANK, activation: 'linear', globalBias: 0 });
    expect(model.seen).toBeUndefined();
    expect(model.popularity).toBeUndefined();
    expect(model.foldIn).toBeUndefined();
    expect(model.userBias).toEqual(new Float32Array(USER_IDS.length));
    expect(model.itemBias).toEqual(new Float32Array(ITEM_IDS.length));
    expect(model.users.ids).toEqual([...USER_IDS].sort((a, b) => a - b).map(String));
    for (const row of [...users, ...items]) {
      const side = users.includes(row) ? model.users : model.items;
      const table = (users.includes(row) ? model.userFactors : model.itemFactors) as Float32Array;
      const at = side.indexOf(String(row.id))!;
      expect(table.subarray(at * RANK, (at + 1) * RANK)).toEqual(Float32Array.from(row.features as number[]));
    }
    for (const user of users) {
      const u = model.users.indexOf(String(user.id))!;
      const ranked = topKItems(model, userQuery(model, u), { k: 10 }).map((r) => Number(model.items.ids[r.index]));
      expect(ranked).toEqual(bruteRanking(user, items, new Set()).slice(0, 10));
    }
    expect(summary).toMatchObject({
      objective: 'interaction',
      objectiveFrom: '--objective',
      rank: RANK,
      users: USER_IDS.length,
      items: ITEM_IDS.length,
      userFiles: 3,
      itemFiles: 2,
      sparkVersion: '3.5.1',
      ratings: null,
    });
    expect(meta.training.hyperparameters).toMatchObject({ source: 'spark-als', dim: RANK, implicitPrefs: true });
    expect(summary.recommendThreshold).toBe(model.recommendThreshold);
  });

  it('maps Spark ids back to raw ids with --ids, and refuses ids the mapping lacks', async () => {
    const { dir } = await sparkModel();
    const mapping = join(await tempDir(), 'ids.tsv');
    const lines = [
      ...USER_IDS.map((id) => `user\t${id}\tuser-${id}`),
      ...ITEM_IDS.map((id) => `item\t${id}\tmovie ${id}`),
      'user\t999\tnot-in-the-model',
    ];
    await writeFile(mapping, `${lines.join('\n')}\n`);
    const { model } = await load((await importSparkAls({ dir, objective: 'interaction', ids: mapping })).artifact);
    expect(model.users.ids).toEqual([...USER_IDS].sort((a, b) => a - b).map((id) => `user-${id}`));
    expect(model.items.ids).toContain('movie 14');
    expect(model.users.indexOf('user-999')).toBeUndefined();

    await writeFile(mapping, `${lines.filter((line) => !/^item\t(14|0|7)\t/.test(line)).join('\n')}\n`);
    const error = await rejectionOf(importSparkAls({ dir, objective: 'interaction', ids: mapping }), DataError);
    expect(error.file).toBe(mapping);
    expect(error.message).toMatch(
      /ids\.tsv: item: 3 of the 30 Spark item ids in .*itemFactors\/ have no item line: 0, 7, 14$/,
    );
  });

  it('builds seen lists and popularity from --ratings, and recommendations skip what a user had', async () => {
    const { dir, users, items } = await sparkModel();
    const clicks = join(await tempDir(), 'clicks.csv');
    // Spark ids as the file's ids (no --ids); user 1000 is not in the model.
    await writeFile(clicks, 'user,item\n12,0\n12,7\n0,7\n5,14\n12,14\n1000,7\n');
    const { artifact, summary } = await importSparkAls({ dir, objective: 'interaction', ratings: clicks });
    const { model, meta } = await load(artifact);
    const seenOf = (id: number) =>
      [...seenBy(model.seen!, model.users.indexOf(String(id))!)].map((i) => model.items.ids[i]);
    expect(seenOf(12)).toEqual(['0', '7', '14']);
    expect(seenOf(0)).toEqual(['7']);
    expect(seenOf(40)).toEqual([]);
    expect(model.popularity![model.items.indexOf('7')!]).toBe(2);
    expect(model.popularity![model.items.indexOf('1')!]).toBe(0);
    expect(summary.ratings).toMatchObject({ rows: 6, kept: 5, unknown: 1, seenPairs: 5 });
    expect(meta.stats.ratings).toBe(5);
    const user = users.find((row) => row.id === 12)!;
    const u = model.users.indexOf('12')!;
    const ranked = topKItems(model, userQuery(model, u), { k: 5, excludeSorted: seenBy(model.seen!, u) });
    expect(ranked.map((r) => Number(model.items.ids[r.index]))).toEqual(
      bruteRanking(user, items, new Set([0, 7, 14])).slice(0, 5),
    );
  });

  it('imports an explicit model as a rating model predicting the dot product on the ratings’ scale', async () => {
    const { dir, users, items } = await sparkModel();
    const ratings = join(await tempDir(), 'ratings.tsv');
    await writeFile(ratings, '12\t0\t4\n12\t7\t1\n0\t7\t5\n5\t14\t2\n');
    const { artifact } = await importSparkAls({ dir, objective: 'rating', ratings });
    const { model, meta } = await load(artifact);
    expect(meta.objective).toBe('rating');
    expect(meta.scale).toEqual({ min: 1, max: 5, targetMin: 1, targetMax: 5 });
    expect(meta.stats.globalMean).toBe(3);
    expect(model.recommendThreshold).toBe(3.5);
    const user = users.find((row) => row.id === 3)!;
    for (const item of items.slice(0, 5)) {
      const dot = item.features!.reduce<number>((s, v, k) => s + v! * user.features![k]!, 0);
      const got = predict(model, model.users.indexOf('3')!, model.items.indexOf(String(item.id))!);
      expect(got.raw).toBeCloseTo(dot, 6);
      expect(got.rating).toBe(Math.min(5, Math.max(1, got.raw)));
    }
  });

  it('takes the objective from implicitPrefs in the metadata, and refuses a contradicting or missing one', async () => {
    const implicit = await sparkModel({ paramMap: { implicitPrefs: true } });
    const { summary } = await importSparkAls({ dir: implicit.dir });
    expect(summary).toMatchObject({ objective: 'interaction', objectiveFrom: 'metadata' });
    const contradiction = await rejectionOf(importSparkAls({ dir: implicit.dir, objective: 'rating' }), FlagValueError);
    expect(contradiction.message).toMatch(/--objective rating contradicts .*part-00000, which says implicitPrefs true/);
    const { dir } = await sparkModel();
    const missing = await rejectionOf(importSparkAls({ dir }), FlagValueError);
    expect(missing.message).toMatch(/does not say whether the model was trained with implicitPrefs.*add --objective/);
    const explicit = await rejectionOf(importSparkAls({ dir, objective: 'rating' }), FlagValueError);
    expect(explicit.message).toMatch(/an explicit \(rating\) model needs --ratings/);
  });

  it('refuses a --ratings file none of whose ids are the model’s', async () => {
    const { dir } = await sparkModel();
    const ratings = join(await tempDir(), 'raw.tsv');
    await writeFile(ratings, 'alice\tm1\t4\nbob\tm2\t3\n');
    const error = await rejectionOf(importSparkAls({ dir, objective: 'interaction', ratings }), DataError);
    expect(error.message).toMatch(
      /raw\.tsv: none of its 2 rows has a user and an item of the model \(e\.g\. user "alice"/,
    );
  });
});
