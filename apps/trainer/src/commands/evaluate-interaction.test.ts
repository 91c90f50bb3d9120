// `edgerec evaluate` in interaction mode, run in-process (rating mode is covered by evaluate.test.ts).
import { gaussian, parseArtifact, serializeArtifact } from '@edgerec/core';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateInteractions } from '../data/synth-interactions.js';
import { writeRatingsFile } from '../data/write-ratings.js';
import { evaluateInteractionFiles, type InteractionEvaluationReport } from '../pipeline/evaluate-interactions.js';
import { trainInteractionModel } from '../pipeline/train-interactions.js';
import { trainModel } from '../pipeline/train-model.js';
import { handMadeMetadata, plantedRatings, writeInteractions } from '../test-utils/interaction-fixtures.js';
import { rejectionOf } from '../test-utils/rejection.js';
import { runCommand } from '../test-utils/run-command.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { UserError } from '../user-error.js';
import { evaluateCommand } from './evaluate.js';

const runEvaluate = (args: string[]) => runCommand(evaluateCommand(), args);

describe('edgerec evaluate: interaction models', () => {
  const tempDir = useTempDirs();
  afterEach(() => vi.restoreAllMocks());

  /** Planted interactions split 4:1 by row into fit and held-out files, and an iALS model trained on the fit file. */
  async function setup() {
    const dir = await tempDir();
    const data = generateInteractions({ users: 200, items: 120, interactions: 5000, clusters: 5, seed: 23 });
    const pick = (keep: (r: number) => boolean) => {
      const rows = Uint32Array.from({ length: data.users.length }, (_, r) => r).filter(keep);
      return {
        ...data,
        users: rows.map((r) => data.users[r]!),
        items: rows.map((r) => data.items[r]!),
        weights: Float32Array.from(rows, (r) => data.weights[r]!),
      };
    };
    const fit = await writeInteractions(
      join(dir, 'fit-clicks.tsv'),
      pick((r) => r % 5 !== 0),
    );
    const held = await writeInteractions(
      join(dir, 'held-clicks.tsv'),
      pick((r) => r % 5 === 0),
    );
    const { artifact } = await trainInteractionModel({
      interactions: fit,
      testFraction: 0,
      recipe: { dim: 16, iterations: 4, threads: 1 },
    });
    const model = join(dir, 'ranker.json');
    await writeFile(model, artifact);
    return { dir, fit, held, model };
  }

  it('prints the interaction table (model next to popularity), the notes and the verdict; --json gives the same report', async () => {
    const { held, model } = await setup();
    const run = await runEvaluate(['--model', model, '--ratings', held]);
    const report = await evaluateInteractionFiles({ model, ratings: held });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `ranker.json (interaction model) on held-clicks.tsv: ${report.heldOut.rows} rows; ranking ${report.heldOut.rankedUsers} users ` +
        `(${report.heldOut.relevant} relevant items, every held-out item relevant), K = 10, excluding training items stored in the model`,
    );
    expect(lines[2]).toMatch(/^metric +model +popularity$/);
    const row = (name: string) => lines.find((line) => line.startsWith(`${name} `))!.split(/ {2,}/);
    expect(row('NDCG@10')).toEqual([
      'NDCG@10',
      report.model.ndcgAtK!.toFixed(4),
      report.popularity!.ndcgAtK!.toFixed(4),
    ]);
    expect(row('precision@10')).toEqual([
      'precision@10',
      report.model.precisionAtK!.toFixed(4),
      report.popularity!.precisionAtK!.toFixed(4),
    ]);
    expect(row('HR@10')[1]).toBe(report.model.hitRateAtK!.toFixed(4));
    expect(run.stdout).toContain(
      'note: popularity taken from the artifact (counted on the data the model was trained on)',
    );
    expect(lines.at(-1)).toMatch(/^model beats popularity on NDCG@10 by 0\.\d{4} /);
    expect(report.model.ndcgAtK!).toBeGreaterThan(report.popularity!.ndcgAtK! + 0.05);

    const json = JSON.parse(
      (await runEvaluate(['--model', model, '--ratings', held, '--json'])).stdout,
    ) as InteractionEvaluationReport;
    expect(json).toEqual(JSON.parse(JSON.stringify(report)));
    expect(json.mode).toBe('interaction');
  }, 15_000);

  it('--train counts popularity on the train file; --threshold on a weights file is ignored with a note; -k sets K', async () => {
    const { fit, held, model } = await setup();
    const run = await runEvaluate(['--model', model, '--ratings', held, '--train', fit, '--threshold', '3', '-k', '5']);
    expect(run.stdout).toMatch(/K = 5, excluding training items from --train and the model$/m);
    expect(run.stdout).toMatch(
      /^note: popularity counted on fit-clicks\.tsv: 4000 of its 4000 interactions are on the model's users and items$/m,
    );
    expect(run.stdout).toContain(
      'note: held-clicks.tsv has no rating column: --threshold is ignored and every held-out item is relevant',
    );
    expect(run.stdout).toMatch(/^NDCG@5 /m);
  }, 15_000);

  it('warns, and still succeeds, when a model with random tables loses to popularity', async () => {
    const { dir, held, model } = await setup();
    const { model: trained } = await parseArtifact(await readFile(model, 'utf8'));
    const normal = gaussian(99);
    const random = (n: number) => Float32Array.from({ length: n }, () => normal());
    const { foldIn: _foldIn, ...rest } = trained;
    const noise = {
      ...rest,
      userFactors: random(trained.users.size * trained.dim),
      itemFactors: random(trained.items.size * trained.dim),
    };
    const path = join(dir, 'noise.json');
    await writeFile(path, await serializeArtifact(noise, handMadeMetadata(noise)));
    const run = await runEvaluate(['--model', path, '--ratings', held]);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^WARNING: the model does NOT beat popularity on NDCG@10 \(0\.\d{4} vs 0\.\d{4}\)$/,
    );
  }, 15_000);

  it('refuses --mode rating for an interaction model with a clear message', async () => {
    const { held, model } = await setup();
    const error = await rejectionOf(runEvaluate(['--model', model, '--ratings', held, '--mode', 'rating']), UserError);
    expect(error.message).toBe(
      `${model} is an interaction model: it predicts what users pick, not ratings; evaluate it with --mode interaction`,
    );
  }, 15_000);
});

describe('edgerec evaluate --mode interaction: rating models', () => {
  const tempDir = useTempDirs();
  afterEach(() => vi.restoreAllMocks());

  it('ranks a rating model by its interaction head, and --threshold keeps held-out ratings at or above it', async () => {
    const dir = await tempDir();
    const table = plantedRatings({ users: 150, items: 100, interactions: 4000, clusters: 4, seed: 29 });
    const rows = (keep: (r: number) => boolean) =>
      Uint32Array.from({ length: table.users.length }, (_, r) => r).filter(keep);
    const fit = join(dir, 'fit-ratings.tsv');
    const held = join(dir, 'held-ratings.tsv');
    await writeRatingsFile(fit, table, { rows: rows((r) => r % 5 !== 0) });
    await writeRatingsFile(held, table, { rows: rows((r) => r % 5 === 0) });
    const { artifact } = await trainModel({
      ratings: fit,
      model: { dim: 8, epochs: 2, batchSize: 512 },
      backend: 'cpu',
      ranking: { dim: 16, iterations: 3, threads: 1 },
    });
    const model = join(dir, 'rated.json');
    await writeFile(model, artifact);

    const all = await runEvaluate(['--model', model, '--ratings', held, '--mode', 'interaction']);
    expect(all.stdout.split('\n')[0]).toMatch(
      /^rated\.json \(rating model\) on held-ratings\.tsv: 800 rows; ranking \d+ users \(\d+ relevant items, every held-out item relevant\)/,
    );
    expect(all.stdout).toContain('note: a rating model ranked by its interaction head (what /recommendations serves)');

    const liked = await runEvaluate([
      '--model',
      model,
      '--ratings',
      held,
      '--mode',
      'interaction',
      '--threshold',
      '4',
      '--json',
    ]);
    const report = JSON.parse(liked.stdout) as InteractionEvaluationReport;
    const atLeastFour = Array.from(
      rows((r) => r % 5 === 0),
      (r) => table.ratings[r]!,
    ).filter((r) => r >= 4).length;
    expect(report.threshold).toBe(4);
    expect(report.heldOut.relevant).toBeLessThanOrEqual(atLeastFour);
    expect(report.heldOut.relevant).toBeGreaterThan(0.9 * atLeastFour); // a few rows have ids only in the model's validation split
    expect(report.objective).toBe('rating');
  }, 20_000);
});
