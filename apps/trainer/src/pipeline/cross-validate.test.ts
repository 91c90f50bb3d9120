import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readRatingsFile } from '../data/read-ratings.js';
import type { RatingsTable } from '../data/ratings-table.js';
import { selectRows } from '../data/split.js';
import { generateSynthetic } from '../data/synth.js';
import { writeRatingsFile } from '../data/write-ratings.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { crossValidate, crossValidateFoldDir, foldFiles, kFoldSplits, meanStd } from './cross-validate.js';

const quick = { dim: 8, learningRate: 0.01, batchSize: 128, epochs: 2 } as const;

describe('kFoldSplits', () => {
  it('cuts disjoint test folds that cover every row once, and splits the rest 90/10', () => {
    const splits = kFoldSplits(103, 5, 7);
    expect(splits).toHaveLength(5);
    const tested = splits.flatMap((s) => Array.from(s.test)).sort((a, b) => a - b);
    expect(tested).toEqual(Array.from({ length: 103 }, (_, r) => r));
    for (const s of splits) {
      expect([20, 21]).toContain(s.test.length);
      const rest = 103 - s.test.length;
      expect(s.validation.length).toBe(Math.floor(rest * 0.1));
      expect(s.train.length + s.validation.length).toBe(rest);
      const all = new Set([...s.train, ...s.validation, ...s.test]);
      expect(all.size).toBe(103); // the three parts are disjoint
      expect(Array.from(s.train)).toEqual(Array.from(s.train).sort((a, b) => a - b));
    }
  });

  it('is deterministic for a seed and shuffles differently for another', () => {
    const a = kFoldSplits(50, 3, 1);
    expect(kFoldSplits(50, 3, 1)).toEqual(a);
    expect(kFoldSplits(50, 3, 2)[0]!.test).not.toEqual(a[0]!.test);
  });

  it('refuses fewer than two folds or more folds than rows', () => {
    expect(() => kFoldSplits(10, 1, 1)).toThrow(/folds must be an integer ≥ 2/);
    expect(() => kFoldSplits(3, 4, 1)).toThrow(/cannot make 4 folds of 3 ratings/);
  });
});

describe('meanStd', () => {
  it('gives the mean and the sample standard deviation', () => {
    const { mean, std } = meanStd([1, 2, 3, 4]);
    expect(mean).toBe(2.5);
    expect(std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(meanStd([2]).std).toBeNaN();
  });
});

describe('crossValidate', () => {
  const tempDir = useTempDirs();

  it('trains one model per fold on the already-read file and tests each on its own fold', async () => {
    const { table } = generateSynthetic({ users: 40, items: 30, ratings: 900, seed: 4 });
    const path = join(await tempDir(), 'r.tsv');
    await writeRatingsFile(path, table);
    const data = await readRatingsFile(path);
    // A path that does not exist proves the folds reuse the rows instead of reading the file again.
    const started: string[] = [];
    const result = await crossValidate({ ...data, file: '/nonexistent/r.tsv' }, 3, {
      model: { ...quick, seed: 3 },
      backend: 'cpu',
      hooks: { onFoldStart: (fold, folds, what) => started.push(`${fold}/${folds} ${what}`) },
    });
    expect(result.folds.map((f) => f.fold)).toEqual([1, 2, 3]);
    expect(started[0]).toMatch(/^1\/3 r\.tsv: \d+ train, \d+ validation, 300 test ratings$/);
    expect(result.folds.reduce((s, f) => s + f.rows.test, 0)).toBe(900);
    for (const f of result.folds) {
      expect(f.rows.train + f.rows.validation + f.rows.test).toBe(900);
      expect(f.test.count).toBe(f.rows.test);
      expect(f.epochs).toBe(2);
      expect(f.test.rmse).toBeGreaterThan(0);
      expect(f.test.rmse).toBeLessThan(3);
    }
    expect(result.rmse.mean).toBeCloseTo(result.folds.reduce((s, f) => s + f.test.rmse, 0) / 3, 12);
    expect(result.rmse.std).toBeCloseTo(meanStd(result.folds.map((f) => f.test.rmse)).std, 12);
    expect(result.mae.mean).toBeLessThanOrEqual(result.rmse.mean);
  }, 60_000);
});

describe('MovieLens fold directories', () => {
  const tempDir = useTempDirs();

  it('lists every missing file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'u1.base'), '1\t1\t5\t0\n');
    await writeFile(join(dir, 'u1.test'), '1\t2\t4\t0\n');
    await writeFile(join(dir, 'u2.base'), '1\t1\t5\t0\n');
    await expect(foldFiles(dir, 3)).rejects.toThrow(
      /is missing u2\.test, u3\.base, u3\.test \(expected MovieLens' u1\.base\/u1\.test … u3\.base\/u3\.test\)/,
    );
    await expect(foldFiles(join(dir, 'nope'))).rejects.toThrow(/nope: no such directory/);
    await expect(foldFiles(join(dir, 'u1.base'))).rejects.toThrow(/is not a directory/);
  });

  it('trains on each uN.base and tests on the matching uN.test', async () => {
    const dir = await tempDir();
    const { table } = generateSynthetic({ users: 40, items: 30, ratings: 800, seed: 8 });
    const rows = (keep: (r: number) => boolean) =>
      Uint32Array.from({ length: table.ratings.length }, (_, r) => r).filter(keep);
    const part = (keep: (r: number) => boolean): RatingsTable => selectRows(table, rows(keep));
    await writeRatingsFile(
      join(dir, 'u1.base'),
      part((r) => r % 4 !== 0),
    );
    await writeRatingsFile(
      join(dir, 'u1.test'),
      part((r) => r % 4 === 0),
    );
    await writeRatingsFile(
      join(dir, 'u2.base'),
      part((r) => r % 4 !== 1),
    );
    await writeRatingsFile(
      join(dir, 'u2.test'),
      part((r) => r % 8 === 1),
    ); // a smaller test file
    const started: string[] = [];
    const result = await crossValidateFoldDir(dir, 2, {
      model: quick,
      backend: 'cpu',
      hooks: { onFoldStart: (fold, _folds, what) => started.push(`${fold}: ${what}`) },
    });
    expect(started).toEqual(['1: u1.base → u1.test', '2: u2.base → u2.test']);
    expect(result.folds.map((f) => f.rows.test)).toEqual([200, 100]);
    expect(result.folds.map((f) => f.rows.train + f.rows.validation)).toEqual([600, 600]);
    expect(result.folds[0]!.rows.validation).toBe(60);
  }, 60_000);
});
