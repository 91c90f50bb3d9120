import { K_MAX, K_MIN, objectiveOf } from '@edgerec/core';
import { Command, Option } from 'commander';
import { basename } from 'node:path';
import { RATINGS_FORMATS, type RatingsFormat } from '../data/formats.js';
import type { DuplicatePolicy } from '../data/read-ratings.js';
import { readArtifactFile } from '../io/read-artifact.js';
import { integerFlag, numericFlag, RATING_VALUE_RANGE } from '../options.js';
import { addSkipLongIdsOption } from './read-flags.js';
import {
  evaluateInteractionFiles,
  type InteractionEvaluationReport,
  type RankingMetricSet,
} from '../pipeline/evaluate-interactions.js';
import { evaluateModelFiles, type EvaluationReport } from '../pipeline/evaluate-ratings.js';
import { formatTable } from '../report/table.js';

/** The report as `edgerec evaluate` prints it: a summary line, the metric table, notes, then the verdicts. */
export function formatEvaluation(report: EvaluationReport): string {
  const b = report.biasBaseline;
  const m = report.model;
  const g = report.globalMean;
  const p = report.popularity;
  const k = report.k;
  const rows = [
    ['RMSE', cell(m.rmse), cell(b?.rmse), cell(g.rmse), 'n/a'],
    ['MAE', cell(m.mae), cell(b?.mae), cell(g.mae), 'n/a'],
    ...rankingRows(k, [m, b, g, p]),
  ];
  const h = report.heldOut;
  const lines = [
    `${basename(report.files.model)} on ${basename(report.files.ratings)}: ${h.ratings} ratings; ` +
      `ranking ${h.rankedUsers} users with a held-out rating ≥ ${report.threshold} (${h.relevant} relevant items), ` +
      `K = ${k}, excluding ${report.excluded}`,
    '',
    formatTable(['metric', 'model', 'bias baseline', 'global mean', 'popularity'], rows),
    '',
    ...report.notes.map((note) => `note: ${note}`),
    '',
    ...report.verdicts.map((v) => v.message),
  ];
  return lines.join('\n');
}

/** The interaction-mode report as `edgerec evaluate` prints it. */
export function formatInteractionEvaluation(report: InteractionEvaluationReport): string {
  const h = report.heldOut;
  const relevance =
    report.threshold === 'any' ? 'every held-out item relevant' : `held-out items rated ≥ ${report.threshold} relevant`;
  return [
    `${basename(report.files.model)} (${report.objective} model) on ${basename(report.files.ratings)}: ${h.rows} rows; ` +
      `ranking ${h.rankedUsers} users (${h.relevant} relevant items, ${relevance}), K = ${report.k}, excluding ${report.excluded}`,
    '',
    formatTable(['metric', 'model', 'popularity'], rankingRows(report.k, [report.model, report.popularity])),
    '',
    ...report.notes.map((note) => `note: ${note}`),
    '',
    ...report.verdicts.map((v) => v.message),
  ].join('\n');
}

/** Table rows of the ranking metrics, one column per set (null: n/a). */
function rankingRows(k: number, sets: (RankingMetricSet | null | undefined)[]): string[][] {
  const row = (name: string, pick: (s: RankingMetricSet) => number | null, digits = 4) => [
    name,
    ...sets.map((s) => cell(s ? pick(s) : null, digits)),
  ];
  return [
    row(`precision@${k}`, (s) => s.precisionAtK),
    row(`recall@${k}`, (s) => s.recallAtK),
    row(`NDCG@${k}`, (s) => s.ndcgAtK),
    row(`MAP@${k}`, (s) => s.mapAtK),
    row(`HR@${k}`, (s) => s.hitRateAtK),
    row('coverage', (s) => s.coverage),
    row('popularity percentile', (s) => s.popularityPercentile, 1),
  ];
}

function cell(x: number | null | undefined, digits = 4): string {
  return x === null || x === undefined ? 'n/a' : x.toFixed(digits);
}

interface EvaluateFlags {
  model: string;
  ratings: string;
  train?: string;
  k: number;
  threshold?: number;
  mode?: 'rating' | 'interaction';
  format: RatingsFormat | 'auto';
  duplicates: DuplicatePolicy;
  skipLongIds: boolean;
  json: boolean;
}

/** `edgerec evaluate`: a model's rating and ranking accuracy on held-out ratings, against baselines. */
export function evaluateCommand(): Command {
  const command = new Command('evaluate')
    .description(
      'Measure a model on held-out ratings (RMSE, MAE, precision@K, recall@K, NDCG@K) against a user+item bias baseline and the global mean.',
    )
    .requiredOption('-m, --model <file>', 'model artifact written by edgerec train')
    .requiredOption(
      '-r, --ratings <file>',
      'held-out ratings (e.g. MovieLens u1.test), with the ids of the training file',
    )
    .option(
      '--train <file>',
      'the ratings file the model was trained on: needed to fit the bias baseline (e.g. u1.base)',
    )
    .option(
      '-k, --k <n>',
      `length of the ranked lists (${K_MIN} to ${K_MAX}, as the Worker serves)`,
      integerFlag('--k', K_MIN, K_MAX),
      10,
    )
    .option(
      '--threshold <rating>',
      'held-out rating at which an item counts as relevant (default: the model’s recommend threshold; interaction mode: every held-out item)',
      numericFlag('--threshold', RATING_VALUE_RANGE),
    )
    .addOption(
      new Option(
        '--mode <mode>',
        'rating: RMSE, MAE and ranking; interaction: ranking only, every held-out item relevant (default: the model’s objective)',
      ).choices(['rating', 'interaction']),
    )
    .addOption(
      new Option('--format <format>', 'format of the ratings files')
        .choices(['auto', ...RATINGS_FORMATS])
        .default('auto'),
    )
    .addOption(
      new Option('--duplicates <policy>', 'repeated (user, item) rows: keep the last, average them, or fail')
        .choices(['last', 'mean', 'error'])
        .default('last'),
    )
    .option('--json', 'print the report as JSON on stdout', false);
  return addSkipLongIdsOption(command)
    .addHelpText(
      'after',
      `
Every figure is computed on the same held-out rows. Ids the model does not know are scored by
the bias fallback for RMSE/MAE and skipped for ranking. Ranking: for each user with a held-out
rating ≥ the threshold, the whole catalogue minus the user's training items is ranked and the
top K compared with those relevant items; metrics are averaged over those users.

The artifact does not contain the training ratings, so the user+item bias baseline
(b_ui = μ + b_u + b_i, regularised least squares) needs --train; without it only the global
mean (from the artifact's stats) is shown. The global mean cannot rank: n/a. The exit code is
0 whether or not the model beats the baselines; look for the WARNING line (or "beats" in --json).

Examples:
  edgerec evaluate --model ml100k.json --ratings ml-100k/u1.test --train ml-100k/u1.base
  edgerec evaluate --model model.json --ratings test.tsv --k 20 --threshold 4 --json`,
    )
    .action(async (flags: EvaluateFlags) => {
      const artifact = await readArtifactFile(flags.model);
      const warn = (line: string) => process.stderr.write(`${line}\n`);
      const mode = flags.mode ?? objectiveOf(artifact.model);
      if (mode === 'interaction') {
        const report = await evaluateInteractionFiles({
          model: flags.model,
          ratings: flags.ratings,
          ...(flags.train !== undefined ? { train: flags.train } : {}),
          k: flags.k,
          ...(flags.threshold !== undefined ? { threshold: flags.threshold } : {}),
          format: flags.format,
          artifact,
          skipLongIds: flags.skipLongIds,
          onWarning: warn,
        });
        process.stdout.write(
          flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatInteractionEvaluation(report)}\n`,
        );
        return;
      }
      const report = await evaluateModelFiles({
        artifact,
        model: flags.model,
        ratings: flags.ratings,
        ...(flags.train !== undefined ? { train: flags.train } : {}),
        k: flags.k,
        ...(flags.threshold !== undefined ? { threshold: flags.threshold } : {}),
        format: flags.format,
        duplicates: flags.duplicates,
        skipLongIds: flags.skipLongIds,
        onWarning: warn,
      });
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatEvaluation(report)}\n`);
    });
}
