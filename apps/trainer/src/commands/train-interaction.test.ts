// `edgerec train --objective interaction` and the ranking-head flags of rating models, run in-process.
import { DEFAULT_RECIPE } from '@edgerec/core/model';
import { parseArtifact, type LoadedArtifact } from '@edgerec/core';
import { CommanderError } from 'commander';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataError } from '../data/data-error.js';
import { generateInteractions } from '../data/synth-interactions.js';
import { writeRatingsFile } from '../data/write-ratings.js';
import { DEFAULT_INTERACTION_RECIPE } from '../pipeline/interaction-head.js';
import type { InteractionTrainSummary } from '../pipeline/train-interactions.js';
import { plantedRatings, writeInteractions } from '../test-utils/interaction-fixtures.js';
import { rejectionOf } from '../test-utils/rejection.js';
import { runCommand } from '../test-utils/run-command.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { trainCommand } from './train.js';

const runTrain = (args: string[]) => runCommand(trainCommand(), args);
const artifactAt = async (path: string): Promise<LoadedArtifact> => parseArtifact(await readFile(path, 'utf8'));
/** Fast iALS flags for every run that is not about them. */
const QUICK = ['--iterations', '3', '--threads', '1'];

describe('edgerec train --objective interaction', () => {
  const tempDir = useTempDirs();
  afterEach(() => vi.restoreAllMocks());

  /** A directory with a planted interactions file (150 users × 100 items, 4000 pairs). */
  async function setup(): Promise<{ dir: string; clicks: string; out: string }> {
    const dir = await tempDir();
    const clicks = await writeInteractions(
      join(dir, 'cli-clicks.tsv'),
      generateInteractions({ users: 150, items: 100, interactions: 4000, clusters: 5, seed: 13 }),
    );
    return { dir, clicks, out: join(dir, 'ranker.json') };
  }

  it('writes an interaction artifact and prints the ranking lines, the threshold and the file', async () => {
    const { clicks, out } = await setup();
    const run = await runTrain(['--objective', 'interaction', '--ratings', clicks, '--out', out, ...QUICK]);
    const { model, meta } = await artifactAt(out);
    expect(model.objective).toBe('interaction');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^trained ials in \d+\.\ds on ials \(1 thread\) \(3 sweeps, best \d(, then \d sweeps on training \+ validation rows)?\)$/,
    );
    const test = meta.training.metrics.ranking!.test!;
    const figures = String.raw`model NDCG@10 0\.\d{4} P@10 0\.\d{4} {2}\| {2}popularity NDCG@10 0\.\d{4} P@10 0\.\d{4}`;
    expect(run.stdout).toMatch(
      new RegExp(String.raw`^validation ranking \(\d+ users, every held-out item relevant\): ${figures}$`, 'm'),
    );
    expect(run.stdout).toContain(
      `test ranking (${test.users} users, every held-out item relevant): model NDCG@10 ${test.ndcg.toFixed(4)} P@10 ${test.precision.toFixed(4)}`,
    );
    expect(run.stdout).not.toContain('WARNING');
    expect(run.stdout).toContain(
      `recommend threshold: score ≥ ${model.recommendThreshold.toFixed(4)} (the median 10th-best score of training users)`,
    );
    expect(lines.at(-1)).toMatch(new RegExp(`^wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ KiB\\)$`));
    // Progress on stderr: what was read and each sweep with its validation NDCG.
    expect(run.stderr).toMatch(/read .*cli-clicks\.tsv: 4000 interactions, 150 users, 100 items/);
    expect(run.stderr).toMatch(/^sweep +1 {2}loss \d+\.\d{5} {2}val NDCG@10 0\.\d{4}/m);
    expect(run.stderr).toMatch(/^refit sweep +1 {2}loss /m);
  }, 15_000);

  it('--json prints the summary as JSON, the same figures the artifact stores', async () => {
    const { clicks, out } = await setup();
    const run = await runTrain([
      '--objective',
      'interaction',
      '--ratings',
      clicks,
      '--out',
      out,
      '--json',
      '--quiet',
      ...QUICK,
    ]);
    const summary = JSON.parse(run.stdout) as InteractionTrainSummary & {
      out: string;
      bytes: number;
      objective: string;
    };
    const { meta } = await artifactAt(out);
    expect(summary).toMatchObject({ out, objective: 'interaction', method: 'ials', users: 150, items: 100 });
    expect(summary.bytes).toBe((await readFile(out)).length);
    expect(summary.ranking.test!.model.ndcg).toBe(meta.training.metrics.ranking!.test!.ndcg);
    expect(summary.ranking.test!.model.ndcg).toBeGreaterThan(summary.ranking.test!.popularity.ndcg);
    expect(summary.rows.train + summary.rows.validation + summary.rows.test).toBe(4000);
    expect(run.stderr).toBe('');
  }, 15_000);

  it('passes the interaction flags to the recipe; the shared flags apply only when given', async () => {
    const { clicks, dir } = await setup();
    const defaults = join(dir, 'defaults.json');
    await runTrain(['--objective', 'interaction', '--ratings', clicks, '--out', defaults, '--quiet', ...QUICK]);
    const plain = (await artifactAt(defaults)).meta.training.hyperparameters;
    // The rating model's defaults (dim, l2, seed, patience, refit) do not leak into the interaction recipe.
    expect(DEFAULT_RECIPE.dim).not.toBe(DEFAULT_INTERACTION_RECIPE.dim);
    expect(plain).toMatchObject({
      dim: DEFAULT_INTERACTION_RECIPE.dim,
      l2: DEFAULT_INTERACTION_RECIPE.l2,
      patience: DEFAULT_INTERACTION_RECIPE.patience,
      iterations: 3,
    });

    const tuned = join(dir, 'tuned.json');
    await runTrain([
      '--objective',
      'interaction',
      '--ratings',
      clicks,
      '--out',
      tuned,
      '--quiet',
      '--threads',
      '1',
      '--iterations',
      '2',
      '--dim',
      '12',
      '--l2',
      '0.5',
      '--seed',
      '7',
      '--no-refit',
      '--unobserved-weight',
      '0.4',
      '--reg-exponent',
      '0',
      '--confidence',
      'log',
      '--alpha',
      '3',
    ]);
    const { model, meta } = await artifactAt(tuned);
    expect(model.dim).toBe(12);
    expect(meta.training.hyperparameters).toMatchObject({
      method: 'ials',
      dim: 12,
      l2: 0.5,
      seed: 7,
      refit: false,
      refitEpochs: 0,
      iterations: 2,
      unobservedWeight: 0.4,
      regExponent: 0,
      confidence: 'log',
      alpha: 3,
      threads: 1,
    });
    expect(model.foldIn).toMatchObject({
      unobservedWeight: 0.4,
      l2: 0.5,
      regExponent: 0,
      confidence: { mode: 'log', alpha: 3 },
    });
  }, 20_000);

  it('trains bpr with --method and its sampled-negative flags', async () => {
    const { clicks, out } = await setup();
    await runTrain([
      '--objective',
      'interaction',
      '--method',
      'bpr',
      '--ratings',
      clicks,
      '--out',
      out,
      '--quiet',
      '--epochs',
      '2',
      '--negatives',
      '2',
      '--sampler',
      'uniform',
      '--dim',
      '8',
      '--backend',
      'cpu',
    ]);
    const { model, meta } = await artifactAt(out);
    expect(model.activation).toBe('linear');
    expect(model.foldIn).toBeUndefined();
    expect(meta.training.hyperparameters).toMatchObject({
      method: 'bpr',
      epochs: 2,
      negatives: 2,
      sampler: 'uniform',
      dim: 8,
    });
    expect(meta.training.epochs).toBeLessThanOrEqual(2);
  }, 20_000);

  it('refuses bad flag values before training, naming the flag', async () => {
    const { clicks, out } = await setup();
    const failure = async (args: string[]) => {
      const error = await rejectionOf(
        runTrain(['--objective', 'interaction', '--ratings', clicks, '--out', out, ...args]),
        CommanderError,
      );
      expect(error.exitCode).not.toBe(0);
      return error.message;
    };
    expect(await failure(['--confidence', 'cubic'])).toMatch(
      /option '--confidence <map>' argument 'cubic' is invalid\. Allowed choices are binary, linear, log/,
    );
    expect(await failure(['--threads', '0'])).toBe('--threads must be an integer from 1 to 256 (got 0)');
    expect(await failure(['--method', 'als'])).toMatch(/--method <name>.*'als'.*Allowed choices are ials, bce, bpr/);
    expect(await failure(['--unobserved-weight', '-1'])).toBe(
      '--unobserved-weight must be a number from 0 to 100 (got -1)',
    );
    expect(await failure(['--ranking-dim', '4096'])).toBe('--ranking-dim must be an integer from 1 to 1024 (got 4096)');
    expect(await failure(['--objective', 'clicks'])).toMatch(/Allowed choices are rating, interaction/);
    expect(existsSync(out)).toBe(false);
  });

  it('a bad interactions file fails with file:line: field and writes nothing', async () => {
    const dir = await tempDir();
    const bad = join(dir, 'bad-clicks.tsv');
    await writeFile(bad, 'user\titem\tweight\nu1\ti1\t2\nu2\ti2\t-1\nu3\ti3\t1\n');
    const out = join(dir, 'never.json');
    const error = await rejectionOf(
      runTrain(['--objective', 'interaction', '--ratings', bad, '--out', out, '--quiet', ...QUICK]),
      DataError,
    );
    expect(error.message).toMatch(/bad-clicks\.tsv:3: weight: /);
    expect(error.message).toContain('-1');
    expect(await readdir(dir)).toEqual(['bad-clicks.tsv']);
  });
});

describe('edgerec train --config with interaction hyperparameters', () => {
  const tempDir = useTempDirs();
  afterEach(() => vi.restoreAllMocks());

  async function setup() {
    const dir = await tempDir();
    const clicks = await writeInteractions(
      join(dir, 'config-clicks.tsv'),
      generateInteractions({ users: 120, items: 80, interactions: 3000, clusters: 4, seed: 17 }),
    );
    const config = async (json: unknown, name = 'recipe.json') => {
      await writeFile(join(dir, name), JSON.stringify(json));
      return join(dir, name);
    };
    return { dir, clicks, config, out: join(dir, 'configured.json') };
  }

  it('sets the recipe from { "objective": "interaction", "model": {…} }; flags given on the command line win', async () => {
    const { clicks, config, out } = await setup();
    const path = await config({
      objective: 'interaction',
      model: {
        dim: 10,
        iterations: 2,
        unobservedWeight: 0.3,
        confidence: 'linear',
        alpha: 4,
        refit: false,
        threads: 1,
        seed: 9,
      },
    });
    await runTrain([
      '--objective',
      'interaction',
      '--ratings',
      clicks,
      '--out',
      out,
      '--config',
      path,
      '--quiet',
      '--iterations',
      '3',
    ]);
    const { model, meta } = await artifactAt(out);
    expect(meta.training.hyperparameters).toMatchObject({
      dim: 10,
      iterations: 3,
      unobservedWeight: 0.3,
      confidence: 'linear',
      alpha: 4,
      refit: false,
      refitEpochs: 0,
      seed: 9,
    });
    expect(meta.training.seed).toBe(9);
    expect(model.dim).toBe(10);
  }, 15_000);

  it('an interaction config selects the interaction objective by itself', async () => {
    const { clicks, config, out } = await setup();
    const path = await config({ objective: 'interaction', model: { dim: 6, iterations: 2, threads: 1 } });
    const run = await runTrain(['--ratings', clicks, '--out', out, '--config', path, '--quiet']);
    expect(run.stdout).toMatch(/^trained ials /);
    const { model } = await artifactAt(out);
    expect(model.objective).toBe('interaction');
    expect(model.dim).toBe(6);
  }, 15_000);

  it('names an unknown key or a bad value, and writes nothing', async () => {
    const { clicks, config, out } = await setup();
    const typo = await config({ objective: 'interaction', model: { dimm: 5 } }, 'typo.json');
    const typoError = await rejectionOf(
      runTrain(['--objective', 'interaction', '--ratings', clicks, '--out', out, '--config', typo]),
      UserError,
    );
    expect(typoError.message).toMatch(
      /typo\.json: unknown interaction hyperparameter "model\.dimm"; allowed: method, dim, l2/,
    );
    const cubic = await config({ objective: 'interaction', model: { confidence: 'cubic' } }, 'cubic.json');
    const cubicError = await rejectionOf(
      runTrain(['--objective', 'interaction', '--ratings', clicks, '--out', out, '--config', cubic]),
      UserError,
    );
    expect(cubicError.message).toBe(
      `${cubic}: "model.confidence" must be one of "binary", "linear", "log", got "cubic"`,
    );
    const extra = await config({ objective: 'interaction', model: {}, recipe: {} }, 'extra.json');
    expect(
      (await rejectionOf(runTrain(['--ratings', clicks, '--config', extra, '--out', out]), UserError)).message,
    ).toMatch(/unknown top-level key "recipe"/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an interaction config with an explicit --objective rating instead of feeding its dim and l2 to the rating model', async () => {
    const { dir, config } = await setup();
    const path = join(dir, 'planted-ratings.tsv');
    await writeRatingsFile(path, plantedRatings({ users: 120, items: 80, interactions: 3000, clusters: 4, seed: 19 }));
    const recipe = await config(
      { objective: 'interaction', model: { dim: 5, l2: 0.02, iterations: 2, threads: 1 } },
      'ials-recipe.json',
    );
    const out = join(dir, 'rated.json');
    const run = runTrain([
      '--objective',
      'rating',
      '--ratings',
      path,
      '--out',
      out,
      '--config',
      recipe,
      '--quiet',
      '--epochs',
      '2',
      '--backend',
      'cpu',
    ]);
    // readModelConfig already refuses such a file for rating models with this message; train should too.
    const error = await rejectionOf(run, UserError);
    expect(error.message).toMatch(/ials-recipe\.json holds interaction-model hyperparameters/);
    expect(existsSync(out)).toBe(false);
  }, 15_000);

  it('a rating config with --objective interaction: its shared hyperparameters (dim, l2, seed, epochs, …) reach the interaction recipe, the rest is ignored', async () => {
    const { clicks, config, out } = await setup();
    const path = await config({ dim: 12, l2: 0.3, seed: 4, activation: 'sigmoid', dropout: 0.2, refit: false });
    await runTrain([
      '--objective',
      'interaction',
      '--ratings',
      clicks,
      '--out',
      out,
      '--config',
      path,
      '--quiet',
      ...QUICK,
    ]);
    const { model, meta } = await artifactAt(out);
    expect(model.objective).toBe('interaction');
    expect(model.activation).toBe('linear'); // iALS: the rating activation does not apply
    expect(meta.training.hyperparameters).toMatchObject({ method: 'ials', dim: 12, l2: 0.3, seed: 4, refit: false });
    expect(meta.training.hyperparameters).not.toHaveProperty('dropout');
  }, 15_000);
});

describe('edgerec train: the ranking head of a rating model', () => {
  const tempDir = useTempDirs();
  afterEach(() => vi.restoreAllMocks());

  async function ratings(): Promise<{ dir: string; path: string }> {
    const dir = await tempDir();
    const path = join(dir, 'planted-ratings.tsv');
    await writeRatingsFile(path, plantedRatings({ users: 120, items: 80, interactions: 3000, clusters: 4, seed: 19 }));
    return { dir, path };
  }
  const FAST_RATING = [
    '--epochs',
    '2',
    '--dim',
    '8',
    '--batch-size',
    '512',
    '--backend',
    'cpu',
    '--threads',
    '1',
    '--iterations',
    '3',
  ];

  it('trains an iALS head by default, a bpr head of --ranking-dim with --ranking-head bpr, and none with --ranking-head none', async () => {
    const { dir, path } = await ratings();
    const run = async (name: string, extra: string[]) => {
      const out = join(dir, name);
      const printed = await runTrain(['--ratings', path, '--out', out, '--quiet', ...FAST_RATING, ...extra]);
      return { printed, artifact: await artifactAt(out) };
    };
    const ials = await run('ials-head.json', []);
    expect(ials.artifact.model.ranking).toMatchObject({
      objective: 'interaction',
      dim: DEFAULT_INTERACTION_RECIPE.dim,
    });
    expect(ials.artifact.meta.ranking!.training.method).toBe('ials');
    // --iterations and --threads are the head's (the rating model has no such flags).
    expect(ials.artifact.meta.ranking!.training.hyperparameters).toMatchObject({ iterations: 3, threads: 1 });
    expect(ials.printed.stdout).toMatch(
      /^test ranking \(\d+ users, every held-out item relevant\): ranking head \(ials\) NDCG@10 /m,
    );

    const bpr = await run('bpr-head.json', ['--ranking-head', 'bpr', '--ranking-dim', '6']);
    expect(bpr.artifact.model.ranking).toMatchObject({ dim: 6, activation: 'linear' });
    expect(bpr.artifact.meta.ranking!.training.hyperparameters).toMatchObject({ method: 'bpr', dim: 6 });
    // The rating model's --dim is its own: the head keeps --ranking-dim.
    expect(bpr.artifact.model.dim).toBe(8);

    const none = await run('no-head.json', ['--ranking-head', 'none']);
    expect(none.artifact.model.ranking).toBeUndefined();
    expect(none.printed.stdout).toMatch(/^test ranking \(\d+ users, every held-out item relevant\): model NDCG@10 /m);
  }, 30_000);
});
