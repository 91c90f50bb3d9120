import { fitBiasBaseline, predictBaseline, rmse } from '@edgerec/core';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RatingsTable } from '../data/ratings-table.js';
import { selectRows } from '../data/split.js';
import { generateSynthetic } from '../data/synth.js';
import { writeRatingsFile } from '../data/write-ratings.js';
import { trainModel, type ModelOptions } from '../pipeline/train-model.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { evaluateModelFiles, verdict, type EvaluationReport } from '../pipeline/evaluate-ratings.js';
import { evaluateCommand } from './evaluate.js';

interface Fixture {
  dir: string;
  train: string;
  test: string;
  model: string;
  trainTable: RatingsTable;
  testTable: RatingsTable;
}

/** Synthetic ratings split 3:1 into train.tsv and test.tsv (plus one test row for an unknown user), and a model trained on train.tsv. */
async function fixture(dir: string, model: ModelOptions): Promise<Fixture> {
  const { table } = generateSynthetic({ users: 50, items: 40, ratings: 1600, seed: 12 });
  const rows = (keep: (r: number) => boolean) => Uint32Array.from({ length: 1600 }, (_, r) => r).filter(keep);
  const trainTable = selectRows(
    table,
    rows((r) => r % 4 !== 0),
  );
  const held = selectRows(
    table,
    rows((r) => r % 4 === 0),
  );
  const testTable: RatingsTable = {
    users: Uint32Array.from([...held.users, table.userIds.length]),
    items: Uint32Array.from([...held.items, 0]),
    ratings: Float32Array.from([...held.ratings, 5]),
    userIds: [...table.userIds, 'newcomer'],
    itemIds: table.itemIds,
  };
  const train = join(dir, 'train.tsv');
  const test = join(dir, 'test.tsv');
  await writeRatingsFile(train, trainTable);
  await writeRatingsFile(test, testTable);
  const { artifact } = await trainModel({ ratings: train, model, backend: 'cpu' });
  const modelPath = join(dir, 'model.json');
  await writeFile(modelPath, artifact);
  return { dir, train, test, model: modelPath, trainTable, testTable };
}

/** The held-out rows as (user id, item id, rating). */
function triples(table: RatingsTable): Array<[string, string, number]> {
  return Array.from(table.ratings, (r, k) => [table.userIds[table.users[k]!]!, table.itemIds[table.items[k]!]!, r]);
}

describe('verdict', () => {
  it('says by how much the model wins, lower RMSE and higher NDCG being better', () => {
    const rmseWin = verdict('rmse', 'biasBaseline', 0.9, 0.941, 10);
    expect(rmseWin).toMatchObject({ beats: true });
    expect(rmseWin.margin).toBeCloseTo(0.041, 12);
    expect(rmseWin.message).toBe('model beats the bias baseline on RMSE by 0.0410 (0.9000 vs 0.9410)');
    const ndcgWin = verdict('ndcgAtK', 'biasBaseline', 0.2, 0.15, 5);
    expect(ndcgWin.message).toBe('model beats the bias baseline on NDCG@5 by 0.0500 (0.2000 vs 0.1500)');
  });

  it('warns in capitals when the model does not win, ties included', () => {
    const loss = verdict('rmse', 'biasBaseline', 0.95, 0.94, 10);
    expect(loss.beats).toBe(false);
    expect(loss.message).toBe('WARNING: the model does NOT beat the bias baseline on RMSE (0.9500 vs 0.9400)');
    expect(verdict('rmse', 'globalMean', 1, 1, 10).message).toMatch(
      /^WARNING: the model does NOT beat the global mean on RMSE/,
    );
    expect(verdict('ndcgAtK', 'biasBaseline', 0.1, 0.2, 10).message).toMatch(
      /^WARNING: .* NDCG@10 \(0\.1000 vs 0\.2000\)$/,
    );
  });
});

describe('evaluateModelFiles', () => {
  const tempDir = useTempDirs();
  afterEach(() => vi.restoreAllMocks());

  it('scores model and baselines on the same held-out rows, baselines fitted on --train', async () => {
    const f = await fixture(await tempDir(), { dim: 8, learningRate: 0.01, batchSize: 128, epochs: 3 });
    const report = await evaluateModelFiles({ model: f.model, ratings: f.test, train: f.train, k: 5 });
    const held = triples(f.testTable);
    expect(report.heldOut.ratings).toBe(401);
    expect(report.heldOut.unknownIds).toBeGreaterThanOrEqual(1); // the newcomer, plus any id only in the model's validation split
    expect(report.threshold).toBe(3.5);
    expect(report.excluded).toBe('training items from --train and the model');

    // Global mean: the train file's mean, predicted for every held-out row.
    const mean = f.trainTable.ratings.reduce((s, r) => s + r, 0) / f.trainTable.ratings.length;
    expect(report.globalMean.mean).toBeCloseTo(mean, 6);
    expect(report.globalMean.source).toBe('train file');
    expect(report.globalMean.rmse).toBeCloseTo(
      rmse(
        new Float64Array(held.length).fill(mean),
        held.map((t) => t[2]),
      ),
      6,
    );
    expect(report.globalMean.ndcgAtK).toBeNull();

    // Bias baseline: refit independently on the train file's own indices and predict by id.
    const fit = fitBiasBaseline(f.trainTable, {
      users: f.trainTable.userIds.length,
      items: f.trainTable.itemIds.length,
    });
    const userIndex = new Map(f.trainTable.userIds.map((id, u) => [id, u]));
    const itemIndex = new Map(f.trainTable.itemIds.map((id, i) => [id, i]));
    const predicted = held.map(([u, i]) =>
      Math.min(5, Math.max(1, predictBaseline(fit, userIndex.get(u) ?? -1, itemIndex.get(i) ?? -1))),
    );
    expect(report.biasBaseline!.rmse).toBeCloseTo(
      rmse(
        predicted,
        held.map((t) => t[2]),
      ),
      5,
    );
    expect(report.biasBaseline!.rmse).toBeLessThan(report.globalMean.rmse);

    // Ranking covers the users with a relevant held-out rating on an item the model knows.
    for (const value of [
      report.model.precisionAtK,
      report.model.recallAtK,
      report.model.ndcgAtK,
      report.biasBaseline!.ndcgAtK,
    ]) {
      expect(value).not.toBeNull();
      expect(value!).toBeGreaterThanOrEqual(0);
      expect(value!).toBeLessThanOrEqual(1);
    }
    expect(report.heldOut.rankedUsers).toBeGreaterThan(10);
    expect(report.heldOut.rankedUsers).toBeLessThanOrEqual(
      new Set(held.filter((t) => t[2] >= 3.5).map((t) => t[0])).size,
    );
    expect(report.verdicts.map((v) => `${v.metric} vs ${v.against}`)).toEqual(
      expect.arrayContaining(['rmse vs biasBaseline', 'ndcgAtK vs biasBaseline']),
    );
    expect(report.notes.join('\n')).toMatch(/the global mean cannot rank/);
    expect(report.notes.join('\n')).not.toMatch(/not the file the model was trained on/);
  }, 60_000);

  it('without --train: global mean from the artifact, no bias baseline, and says so; warns when the model loses', async () => {
    // One epoch at a tiny learning rate leaves the model near its initial, flat predictions.
    const f = await fixture(await tempDir(), { dim: 4, learningRate: 1e-5, batchSize: 512, epochs: 1 });
    const report = await evaluateModelFiles({ model: f.model, ratings: f.test });
    expect(report.biasBaseline).toBeNull();
    expect(report.globalMean.source).toBe('artifact stats');
    expect(report.notes.join('\n')).toMatch(/no bias baseline: .*pass --train FILE/);
    // Against the global mean on RMSE (no bias baseline without --train), and against popularity on NDCG.
    expect(report.verdicts.map((v) => v.against)).toEqual(['popularity', 'globalMean']);
    const meanVerdict = report.verdicts.find((v) => v.against === 'globalMean')!;
    expect(meanVerdict).toMatchObject({ metric: 'rmse', beats: false });
    expect(meanVerdict.message).toMatch(/^WARNING: the model does NOT beat the global mean on RMSE/);

    const withTrain = await evaluateModelFiles({ model: f.model, ratings: f.test, train: f.train });
    const rmseVerdict = withTrain.verdicts.find((v) => v.metric === 'rmse' && v.against === 'biasBaseline')!;
    expect(rmseVerdict.beats).toBe(false);
    expect(rmseVerdict.message).toMatch(
      /^WARNING: the model does NOT beat the bias baseline on RMSE \(\d\.\d{4} vs \d\.\d{4}\)$/,
    );

    const wrongTrain = await evaluateModelFiles({ model: f.model, ratings: f.test, train: f.test });
    expect(wrongTrain.notes.join('\n')).toMatch(/test\.tsv is not the file the model was trained on \(train\.tsv/);
  }, 60_000);

  it('prints the table, the notes and the verdicts, or the report as JSON, exiting normally', async () => {
    const f = await fixture(await tempDir(), { dim: 4, learningRate: 0.01, batchSize: 256, epochs: 1 });
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    await evaluateCommand()
      .exitOverride()
      .parseAsync(['--model', f.model, '--ratings', f.test, '--train', f.train, '-k', '3', '--threshold', '4'], {
        from: 'user',
      });
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^model\.json on test\.tsv: 401 ratings; ranking \d+ users with a held-out rating ≥ 4 .*K = 3/,
    );
    expect(stdout).toMatch(/\nmetric\s+model\s+bias baseline\s+global mean\s+popularity\n/);
    expect(stdout).toMatch(/\nRMSE\s+\d\.\d{4}\s+\d\.\d{4}\s+\d\.\d{4}\s+n\/a\n/);
    expect(stdout).toMatch(/\nNDCG@3\s+\d\.\d{4}\s+\d\.\d{4}\s+n\/a\s+\d\.\d{4}\n/);
    expect(stdout).toMatch(/\nMAP@3\s+\d\.\d{4}/);
    expect(stdout).toMatch(/\npopularity percentile\s+\d+\.\d\s+\d+\.\d\s+n\/a\s+\d+\.\d\n/);
    // The verdicts come last, after the notes.
    const firstVerdict = lines.findIndex((l) => /^(model beats|WARNING: the model does NOT beat) /.test(l));
    expect(lines[firstVerdict]).toMatch(/^(model beats|WARNING: the model does NOT beat) popularity on NDCG@3/);
    expect(lines[firstVerdict + 1]).toMatch(
      /^(model beats|WARNING: the model does NOT beat) the bias baseline on RMSE/,
    );
    expect(lines[firstVerdict + 2]).toMatch(
      /^(model beats|WARNING: the model does NOT beat) the bias baseline on NDCG@3/,
    );
    expect(lines.slice(firstVerdict).every((l) => /^(model beats|WARNING: )/.test(l))).toBe(true);
    expect(lines.slice(0, firstVerdict).some((l) => l.startsWith('note: '))).toBe(true);

    stdout = '';
    await evaluateCommand()
      .exitOverride()
      .parseAsync(['--model', f.model, '--ratings', f.test, '--json'], { from: 'user' });
    const report = JSON.parse(stdout) as EvaluationReport;
    expect(report.k).toBe(10);
    expect(report.files).toEqual({ model: f.model, ratings: f.test, train: null });
    expect(report.biasBaseline).toBeNull();
    expect(report.globalMean.precisionAtK).toBeNull();
  }, 60_000);
});
