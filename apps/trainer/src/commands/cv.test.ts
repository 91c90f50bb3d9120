import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateSynthetic } from '../data/synth.js';
import { writeRatingsFile } from '../data/write-ratings.js';
import type { CrossValidation, FoldResult } from '../pipeline/cross-validate.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { formatTable } from '../report/table.js';
import { cvCommand, formatCrossValidation } from './cv.js';

/** Runs `edgerec cv` in-process and returns what it wrote to stdout and stderr. */
async function runCv(args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    await cvCommand().exitOverride().parseAsync(args, { from: 'user' });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr };
}

function fold(n: number, rmse: number, mae: number, seconds: number): FoldResult {
  return {
    fold: n,
    rows: { train: 7200, validation: 800, test: 2000 },
    epochs: 12,
    bestEpoch: 9,
    stoppedEarly: true,
    backend: 'cpu',
    seconds,
    test: { rmse, mae, count: 2000, coldStart: 0 },
    globalMeanRmse: 1.1,
  };
}

describe('edgerec cv', () => {
  const tempDir = useTempDirs();
  afterEach(() => vi.restoreAllMocks());

  it('prints per-fold results as JSON with mean ± std, and progress per fold on stderr', async () => {
    const { table } = generateSynthetic({ users: 40, items: 30, ratings: 900, seed: 6 });
    const path = join(await tempDir(), 'r.tsv');
    await writeRatingsFile(path, table);
    const { stdout, stderr } = await runCv([
      '--ratings',
      path,
      '--folds',
      '2',
      '--epochs',
      '1',
      '--dim',
      '4',
      '--batch-size',
      '128',
      '--backend',
      'cpu',
      '--json',
    ]);
    const out = JSON.parse(stdout) as CrossValidation & {
      ratings: string;
      model: { dim: number; epochs: number; backend: string };
    };
    expect(out.ratings).toBe(path);
    expect(out.model).toMatchObject({ dim: 4, epochs: 1, backend: 'cpu' });
    expect(out.folds).toHaveLength(2);
    expect(out.folds[0]!.rows.test + out.folds[1]!.rows.test).toBe(900);
    expect(out.rmse.mean).toBeCloseTo((out.folds[0]!.test.rmse + out.folds[1]!.test.rmse) / 2, 12);
    expect(stderr).toMatch(/fold 1\/2: r\.tsv: \d+ train/);
    expect(stderr).toMatch(/fold 2\/2: test RMSE \d\.\d{4} {2}MAE \d\.\d{4} {2}\(1 epochs, best 1, [\d.]+s on cpu\)/);
  }, 60_000);

  it('needs --ratings or --fold-dir, not both', async () => {
    await expect(runCv(['--folds', '3'])).rejects.toThrow(UserError);
    await expect(runCv(['--folds', '3'])).rejects.toThrow(/--ratings FILE .* or --fold-dir DIR/);
    await expect(runCv(['--ratings', 'a.tsv', '--fold-dir', 'ml-100k'])).rejects.toThrow(
      /cannot be used with option '--fold-dir/,
    );
  });

  it('says which fold files a directory lacks', async () => {
    const dir = await tempDir();
    await expect(runCv(['--fold-dir', dir, '--backend', 'cpu'])).rejects.toThrow(
      /is missing u1\.base, u1\.test, .*u5\.test/,
    );
  });
});

describe('formatCrossValidation', () => {
  it('aligns the per-fold table and ends with mean ± sample std', () => {
    const text = formatCrossValidation({
      folds: [fold(1, 0.9, 0.7, 10), fold(2, 1.0, 0.8, 12)],
      rmse: { mean: 0.95, std: Math.SQRT1_2 / 10 },
      mae: { mean: 0.75, std: Math.SQRT1_2 / 10 },
      seconds: { mean: 11, std: Math.SQRT2 },
    });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^fold\s+train rows\s+test rows\s+epochs\s+seconds\s+test RMSE\s+MAE$/);
    expect(lines[2]).toMatch(/^1\s+7200\s+2000\s+12\s+10\.0\s+0\.9000\s+0\.7000$/);
    expect(lines[5]).toMatch(/^mean ± std\s+11\.0 ± 1\.4\s+0\.9500 ± 0\.0707\s+0\.7500 ± 0\.0707$/);
    expect(lines[6]).toBe('(2 folds; ± is the sample standard deviation across folds)');
    // Right-aligned columns: every data line ends at the same column as the header.
    expect(
      new Set(
        lines
          .slice(0, 6)
          .filter((l) => !l.startsWith('-'))
          .map((l) => l.length),
      ).size,
    ).toBe(1);
  });

  it('formatTable pads the first column left and the rest right', () => {
    expect(
      formatTable(
        ['a', 'bb'],
        [
          ['xyz', '1'],
          ['q', '22'],
        ],
      ),
    ).toBe('a    bb\n-------\nxyz   1\nq    22');
  });
});
