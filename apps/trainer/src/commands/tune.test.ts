import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateSynthetic } from '../data/synth.js';
import { writeRatingsFile } from '../data/write-ratings.js';
import type { TunedConfig, TuneResult, TrialResult } from '../pipeline/tune.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { readModelConfig } from './model-config.js';
import { trainCommand } from './train.js';
import { formatTuneResult, tuneCommand } from './tune.js';

/** Runs a command in-process; returns stdout and stderr. `onStderr` may react to progress. */
async function run(
  command: ReturnType<typeof tuneCommand>,
  args: string[],
  onStderr?: (text: string) => void,
): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    onStderr?.(stderr);
    return true;
  });
  try {
    await command.exitOverride().parseAsync(args, { from: 'user' });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr };
}

/** Tiny search settings: three random trials over small embeddings, two epochs, cpu. */
const FAST = [
  '--trials',
  '3',
  '--dim',
  '2,4',
  '--learning-rate',
  '0.01,0.05',
  '--l2',
  '0.01,0.1',
  '--batch-size',
  '128',
];
const FAST_TRAINING = ['--epochs', '2', '--patience', '2', '--backend', 'cpu'];

/** The table with its seconds column blanked (the only figure that varies between identical runs). */
function withoutSeconds(stdout: string): string {
  return stdout.replace(/ \d+\.\d(\s+(?:\d\.\d{4}|diverged))$/gm, ' s.s$1');
}

describe('edgerec tune', () => {
  const tempDir = useTempDirs();
  afterEach(() => vi.restoreAllMocks());

  async function ratingsFile(): Promise<{ dir: string; path: string }> {
    const dir = await tempDir();
    const { table } = generateSynthetic({ users: 40, items: 30, ratings: 900, seed: 5 });
    const path = join(dir, 'r.tsv');
    await writeRatingsFile(path, table);
    return { dir, path };
  }

  it('prints the same ranked table for the same seed, with progress per trial on stderr', async () => {
    const { dir, path } = await ratingsFile();
    const args = ['--ratings', path, '--out', join(dir, 'best.json'), ...FAST, ...FAST_TRAINING];
    const first = await run(tuneCommand(), args);
    const again = await run(tuneCommand(), args);
    expect(withoutSeconds(again.stdout)).toBe(withoutSeconds(first.stdout));

    const lines = first.stdout.split('\n');
    expect(lines[0]).toMatch(/^trial\s+dim\s+learningRate\s+l2\s+epochs\s+seconds\s+val RMSE$/);
    const rows = lines.slice(2, 5);
    expect(rows[0]).toMatch(/^\d \*\s/);
    const rmses = rows.map((row) => Number(row.split(/\s+/).at(-1)));
    expect(rmses).toEqual([...rmses].sort((a, b) => a - b));
    expect(first.stdout).toMatch(/^\* lowest validation RMSE \(90 ratings; measured before any refit\)$/m);
    expect(first.stdout).toMatch(
      /^test RMSE \d\.\d{4} {2}MAE \d\.\d{4} {2}\(90 ratings.*after refit on training \+ validation rows\)$/m,
    );
    expect(first.stdout).toContain(`wrote ${join(dir, 'best.json')}`);
    expect(first.stderr).toMatch(/^trial 1\/3: dim [24], learningRate 0\.0[15], batchSize 128, l2 0\.(01|1)$/m);
    expect(first.stderr).toMatch(/^trial 3\/3: val RMSE \d\.\d{4} \(2 epochs, best \d, [\d.]+s\)$/m);
  }, 20_000);

  it('writes the min-validation-RMSE trial as a config that train --config reproduces', async () => {
    const { dir, path } = await ratingsFile();
    const best = join(dir, 'best.json');
    const { stdout } = await run(tuneCommand(), [
      '--ratings',
      path,
      '--out',
      best,
      ...FAST,
      ...FAST_TRAINING,
      '--seed',
      '11',
      '--json',
      '--quiet',
    ]);
    const result = JSON.parse(stdout) as TuneResult & { out: string };
    const written = JSON.parse(await readFile(best, 'utf8')) as TunedConfig;
    const rmses = result.trials.map((t) => t.valRmse);
    expect(result.trials).toHaveLength(3);
    expect(written.tuned.valRmse).toBe(Math.min(...rmses));
    const winner = result.trials.find((t) => t.valRmse === written.tuned.valRmse)!;
    expect(written.model).toEqual(winner.model);
    expect(written.model).toMatchObject({
      ...winner.params,
      epochs: 2,
      patience: 2,
      seed: 11,
      batchSize: 128,
      refit: true,
    });
    expect(written.tuned).toMatchObject({ file: 'r.tsv', seed: 11, trials: 3, testRmse: result.test!.rmse });
    expect(written.tuned.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await readModelConfig(best)).toEqual(written.model);

    // train --config: the same hyperparameters, split and seed give the test RMSE tune reported.
    const model = join(dir, 'model.json');
    const trained = await run(trainCommand(), [
      '--ratings',
      path,
      '--config',
      best,
      '--out',
      model,
      '--backend',
      'cpu',
      '--json',
      '--quiet',
    ]);
    const summary = JSON.parse(trained.stdout) as { test: { rmse: number }; rows: { validation: number } };
    expect(summary.rows.validation).toBe(result.rows.validation);
    expect(summary.test.rmse).toBe(written.tuned.testRmse);
    const artifact = JSON.parse(await readFile(model, 'utf8')) as {
      training: { seed: number; hyperparameters: Record<string, unknown> };
    };
    expect(artifact.training.seed).toBe(11);
    expect(artifact.training.hyperparameters).toMatchObject({
      dim: written.model.dim,
      learningRate: written.model.learningRate,
      l2: written.model.l2,
      batchSize: 128,
      maxEpochs: 2,
    });
  }, 20_000);

  it('searches only what --config leaves open, unless a list flag is given', async () => {
    const { dir, path } = await ratingsFile();
    const config = join(dir, 'base.json');
    await writeFile(config, JSON.stringify({ dim: 3, l2: 0.02, refit: false, epochs: 1 }));
    const { stdout } = await run(tuneCommand(), [
      '--ratings',
      path,
      '--out',
      join(dir, 'best.json'),
      '--config',
      config,
      '--trials',
      '2',
      '--learning-rate',
      '0.01,0.05',
      '--batch-size',
      '128',
      '--l2',
      '0.05',
      '--backend',
      'cpu',
      '--json',
      '--quiet',
    ]);
    const result = JSON.parse(stdout) as TuneResult;
    expect(result.keys).toEqual(['learningRate', 'batchSize', 'l2']);
    expect(result.varied).toEqual(['learningRate']);
    for (const t of result.trials) expect(t.model).toMatchObject({ dim: 3, l2: 0.05, refit: false, epochs: 1 });
  }, 20_000);

  it('rejects a bad value list, naming the flag and the value', async () => {
    const tune = (args: string[]) => run(tuneCommand(), ['--ratings', 'r.tsv', ...args]);
    await expect(tune(['--l2', '0.1,abc'])).rejects.toThrow(
      /^--l2: "abc" is not a number \(in "0\.1,abc"; expected a comma-separated list/,
    );
    await expect(tune(['--dim', '8,0'])).rejects.toThrow(/^--dim: "0" must be an integer from 1 to 1024 \(in "8,0"/);
    await expect(tune(['--dim', '64,1e9'])).rejects.toThrow(/^--dim: "1e9" must be an integer from 1 to 1024/);
    await expect(tune(['--l2', '1e400'])).rejects.toThrow(/^--l2: "1e400" overflows a 64-bit float/);
    await expect(tune(['--trials', '1e6'])).rejects.toThrow('--trials must be an integer from 1 to 1000 (got 1e6)');
    await expect(tune(['--activation', 'tanh,relu'])).rejects.toThrow(
      /"relu" must be one of "tanh", "sigmoid", "linear"/,
    );
    await expect(tune(['--learning-rate', '0.01,'])).rejects.toThrow(/"" is not a number/);
  });

  it('refuses a grid of more than 200 trials before reading anything', async () => {
    const dir = await tempDir();
    const args = [
      '--ratings',
      join(dir, 'missing.tsv'),
      '--out',
      join(dir, 'best.json'),
      '--search',
      'grid',
      '--batch-size',
      '128',
    ];
    const six = '1,2,3,4,5,6';
    const big = run(tuneCommand(), [...args, '--dim', six, '--l2', six, '--learning-rate', six]);
    await expect(big).rejects.toThrow(UserError);
    await expect(run(tuneCommand(), [...args, '--dim', six, '--l2', six, '--learning-rate', six])).rejects.toThrow(
      /a grid over 6 dim × 6 learningRate × 6 l2 is 216 trials, more than 200/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes nothing when interrupted with Ctrl-C', async () => {
    const { dir, path } = await ratingsFile();
    const best = join(dir, 'best.json');
    const before = new Set(process.listeners('SIGINT'));
    let interrupted = false;
    const tuning = run(tuneCommand(), ['--ratings', path, '--out', best, ...FAST, ...FAST_TRAINING], (stderr) => {
      if (interrupted || !/^trial 1\/3: val RMSE/m.test(stderr)) return;
      interrupted = true;
      // Call only the handler tune registered (not vitest's), as a SIGINT would.
      for (const listener of process.listeners('SIGINT')) if (!before.has(listener)) listener('SIGINT');
    });
    await expect(tuning).rejects.toMatchObject({
      name: 'AbortError',
      message: 'tuning cancelled by Ctrl-C; nothing was written',
    });
    expect(interrupted).toBe(true);
    expect(existsSync(best)).toBe(false);
    expect(process.listeners('SIGINT').filter((l) => !before.has(l))).toEqual([]);
  }, 20_000);
});

describe('formatTuneResult', () => {
  it('ranks trials by validation RMSE, marks the best and shows only the varied hyperparameters', () => {
    const trial = (n: number, dim: number, valRmse: number, diverged?: string): TrialResult => ({
      trial: n,
      params: { dim, l2: 0.03 },
      model: {} as TrialResult['model'],
      epochs: 10 + n,
      bestEpoch: 5,
      stoppedEarly: true,
      seconds: 1.25 * n,
      valRmse,
      valMae: 0.7,
      ...(diverged ? { diverged } : {}),
    });
    const trials = [trial(1, 8, 0.95), trial(2, 16, Number.NaN, 'loss is NaN'), trial(3, 32, 0.91)];
    trials[2]!.model = { refit: false } as TrialResult['model'];
    const text = formatTuneResult({
      file: 'r.tsv',
      sha256: 'x',
      seed: 42,
      search: 'random',
      keys: ['dim', 'l2'],
      varied: ['dim'],
      combinations: 3,
      rows: { train: 800, validation: 100, test: 100 },
      backend: 'cpu',
      trials,
      best: trials[2]!,
      test: { rmse: 0.93, mae: 0.74, count: 100, coldStart: 2 },
    });
    expect(text.split('\n')).toEqual([
      'trial  dim  epochs  seconds  val RMSE',
      '-------------------------------------',
      '3 *     32      13      3.8    0.9100',
      '1        8      11      1.3    0.9500',
      '2       16       -        -  diverged',
      '* lowest validation RMSE (100 ratings; measured before any refit)',
      'best: trial 3 (dim 32, l2 0.03), val RMSE 0.9100',
      'test RMSE 0.9300  MAE 0.7400  (100 ratings, 2 with unseen ids)',
    ]);
  });
});
