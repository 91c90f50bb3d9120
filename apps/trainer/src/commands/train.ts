import { signArtifact, TABLE_ENCODINGS, type ArtifactSigningKey, type TableEncoding } from '@edgerec/core';
import { Command, Option } from 'commander';
import { RATINGS_FORMATS } from '../data/formats.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { checkOutputPaths, type OutputPath } from '../io/output-paths.js';
import { readSigningKey } from '../io/signing-keys.js';
import { numberFlag, numericFlag, RATING_VALUE_RANGE } from '../options.js';
import { INTERACTION_REGISTRY } from '../pipeline/interaction-hyperparameters.js';
import { HYPERPARAMETER_KEYS } from '../pipeline/rating-hyperparameters.js';
import { trainInteractionModel, type InteractionTrainSummary } from '../pipeline/train-interactions.js';
import { trainModel, type TrainModelOptions } from '../pipeline/train-model.js';
import { createTrainingProgress, type TrainingProgress } from '../progress.js';
import type { RankingFigures } from '../pipeline/ranking-figures.js';
import { defaultPlotPath, writeTrainingReport } from '../report/training-report.js';
import {
  addInteractionOptions,
  interactionRecipeFrom,
  rankingHeadRecipeFrom,
  type InteractionFlags,
} from './interaction-flags.js';
import { addModelOptions, modelOptionsFrom, type ModelFlags } from './model-flags.js';
import { givenExplicitly } from './model-config.js';
import { addSkipLongIdsOption } from './read-flags.js';
import { UserError } from '../user-error.js';

/** Parsed flags: the model flags (hyperparameters by their TrainOptions names, backend), plus the run's own. */
interface TrainFlags extends ModelFlags, InteractionFlags {
  ratings: string;
  out: string;
  test?: string;
  events?: string[];
  userFeatures?: string;
  itemFeatures?: string;
  format: TrainModelOptions['format'];
  duplicates: NonNullable<TrainModelOptions['duplicates']>;
  validation: number;
  testFraction: number;
  ratingMin?: number;
  ratingMax?: number;
  threshold?: number;
  tableEncoding: TableEncoding;
  seen: boolean;
  json: boolean;
  quiet: boolean;
  plot?: string | boolean;
  skipLongIds: boolean;
  config?: string;
  signingKey?: string;
}

/** `edgerec train`: fit a model on a ratings file and write the artifact. */
export function trainCommand(): Command {
  const command = new Command('train')
    .description(
      'Fit a model on a ratings or interactions file and write the model artifact (JSON): a rating model (RecommenderNet, ' +
        'plus an iALS head for ranking) or, with --objective interaction, an implicit-feedback model trained for top-K.',
    )
    .requiredOption(
      '-r, --ratings <file>',
      'ratings file (MovieLens u.data / ratings.csv / ratings.dat, or CSV/TSV with user,item,rating); with --objective interaction also user,item[,weight][,timestamp]',
    )
    .option('-o, --out <file>', 'where to write the model artifact', 'model.json')
    .option('--test <file>', 'evaluate on this file instead of a held-out split (e.g. MovieLens u1.test)')
    .option(
      '--events <files...>',
      'with --objective interaction: NDJSON event files the Worker collected (edgerec events pull) to merge into --ratings before the split',
    )
    .option(
      '--user-features <file>',
      'user side features: MovieLens u.user / users.dat, or CSV with an id column and feature columns',
    )
    .option(
      '--item-features <file>',
      'item side features: MovieLens u.item / movies.dat, or CSV with an id column and feature columns',
    )
    .addOption(new Option('--format <format>', 'input format').choices(['auto', ...RATINGS_FORMATS]).default('auto'))
    .addOption(
      new Option('--duplicates <policy>', 'repeated (user, item) rows: keep the last, average them, or fail')
        .choices(['last', 'mean', 'error'])
        .default('last'),
    )
    .option(
      '--validation <fraction>',
      'fraction held out for early stopping (interaction: of each user’s rows; 0 for none)',
      numberFlag('--validation', 0, 0.9),
      0.1,
    )
    .option(
      '--test-fraction <fraction>',
      'fraction held out for the final test (interaction: of each user’s rows; ignored with --test)',
      numberFlag('--test-fraction', 0, 0.9),
      0.1,
    );
  return addSkipLongIdsOption(addInteractionOptions(addModelOptions(command)))
    .option(
      '--rating-min <x>',
      'lowest rating of the scale (default: lowest training rating; printed, with a warning when it is a lone outlier)',
      numericFlag('--rating-min', RATING_VALUE_RANGE),
    )
    .option(
      '--rating-max <x>',
      'highest rating of the scale (default: highest training rating; printed, with a warning when it is a lone outlier)',
      numericFlag('--rating-max', RATING_VALUE_RANGE),
    )
    .option(
      '--threshold <value>',
      'predicted rating (interaction: score) at which the edge says "recommend" (default: 62.5% up the rating scale; interaction: the median 10th-best score)',
      numericFlag('--threshold', RATING_VALUE_RANGE),
    )
    .addOption(
      new Option('--table-encoding <encoding>', 'how tables are stored in the artifact')
        .choices(TABLE_ENCODINGS)
        .default('f32-base64'),
    )
    .option('--no-seen', 'do not store users’ training items (the edge then cannot exclude them)')
    .option('--json', 'print the summary as JSON on stdout', false)
    .option('-q, --quiet', 'no progress output', false)
    .option('--plot [file]', 'also draw the training curves to an SVG (default: <out without .json>.curves.svg)')
    .option(
      '--signing-key <file>',
      'sign the artifact with this Ed25519 private key (edgerec keygen); read before training starts',
    )
    .addHelpText(
      'after',
      `
A rating model predicts how much a user would like an item; beside it the artifact holds an
interaction head (iALS on the same rows read as interactions) that /recommendations ranks with,
because a rating model alone ranks worse than a bestseller list. --objective interaction trains
only the interaction model (iALS by default; --method bce|bpr for sampled negatives): its
scores say what a user would pick, not how they would rate it.

Examples:
  edgerec synth --out ratings.tsv && edgerec train --ratings ratings.tsv --out model.json
  edgerec train --ratings ml-100k/u1.base --test ml-100k/u1.test --out ml100k.json
  edgerec split ml-100k/u.data --by-user 0.75 --out-dir split/
  edgerec train --objective interaction --ratings split/train.tsv --test split/test.tsv --out ranker.json
  edgerec train --objective interaction --ratings clicks.csv --weight-column count --confidence log`,
    )
    .action(async (flags: TrainFlags, command: Command) => {
      if (flags.events && flags.objective !== 'interaction') {
        throw new UserError(
          '--events applies to --objective interaction: events are implicit feedback (clicks, views), not ratings a rating model can learn',
        );
      }
      await checkOutputPaths(trainOutputs(flags), { inputs: trainInputs(flags), force: true });
      const signingKey = flags.signingKey === undefined ? undefined : await readSigningKey(flags.signingKey);
      const progress = createTrainingProgress({ maxEpochs: flags.epochs, quiet: flags.quiet });
      const controller = new AbortController();
      const onSigint = () => {
        if (controller.signal.aborted) process.exit(130);
        progress.stop();
        process.stderr.write('\ninterrupted: stopping after this batch (Ctrl-C again to quit now)\n');
        controller.abort(
          Object.assign(new Error('training cancelled by Ctrl-C; no model was written'), { name: 'AbortError' }),
        );
      };
      process.on('SIGINT', onSigint);
      try {
        if (flags.objective === 'interaction') {
          await trainInteractionCommand(flags, command, progress, controller.signal, signingKey);
          return;
        }

        const { artifact, summary } = await trainModel({
          ratings: flags.ratings,
          ...(flags.test ? { test: flags.test } : {}),
          ...(flags.userFeatures ? { userFeatures: flags.userFeatures } : {}),
          ...(flags.itemFeatures ? { itemFeatures: flags.itemFeatures } : {}),
          format: flags.format,
          duplicates: flags.duplicates,
          validationFraction: flags.validation,
          testFraction: flags.testFraction,
          model: modelOptionsFrom(flags),
          backend: flags.backend,
          ...(flags.ratingMin !== undefined ? { ratingMin: flags.ratingMin } : {}),
          ...(flags.ratingMax !== undefined ? { ratingMax: flags.ratingMax } : {}),
          ...(flags.threshold !== undefined ? { threshold: flags.threshold } : {}),
          tableEncoding: flags.tableEncoding,
          includeSeen: flags.seen,
          skipLongIds: flags.skipLongIds,
          ranking: rankingHeadRecipeFrom(command, flags as TrainFlags & Record<string, unknown>),
          hooks: {
            signal: controller.signal,
            onRankingEpoch: (record, phase) => progress.interactionEpoch(record, phase, 'ranking head sweep'),
            onInfo: (line) => progress.info(line),
            onReadProgress: (file, bytes, total) => progress.readProgress(file, bytes, total),
            onEpochStart: (epoch, batches) => progress.epochStart(epoch, batches),
            onBatch: (epoch, batch, batches) => progress.batch(epoch, batch, batches),
            onEpoch: (record) => progress.epoch(record),
            onRefitEpoch: (epoch, epochs, loss, seconds) => progress.refitEpoch(epoch, epochs, loss, seconds),
          },
        });
        const written = await sealed(artifact, signingKey, flags.out);
        await writeFileAtomic(flags.out, written);
        const out = {
          out: flags.out,
          bytes: Buffer.byteLength(written),
          ...(signingKey ? { signedBy: signingKey.keyId } : {}),
          ...summary,
        };
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        } else {
          const fmt = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(4));
          const stop = summary.stoppedEarly ? `early stop after ${summary.epochs}` : `${summary.epochs}`;
          const lines = [
            `trained in ${summary.seconds.toFixed(1)}s on ${summary.backend}, ${summary.engine} engine ` +
              `(${stop} epochs, best epoch ${summary.bestEpoch}` +
              `${summary.refitEpochs > 0 ? `, then ${summary.refitEpochs} epochs on the ${summary.trainedOn} training + validation rows` : ''})`,
            `validation RMSE ${fmt(summary.validation?.rmse)}  MAE ${fmt(summary.validation?.mae)}  (${summary.rows.validation} ratings)`,
          ];
          if (summary.test) {
            const cold =
              summary.test.coldStart > 0 ? `, ${summary.test.coldStart} with unseen ids scored by bias fallback` : '';
            lines.push(
              `test RMSE ${fmt(summary.test.rmse)}  MAE ${fmt(summary.test.mae)}  (${summary.test.count} ratings${cold})`,
            );
          }
          lines.push(`global-mean baseline RMSE ${fmt(summary.globalMeanRmse)}`);
          lines.push(
            ...rankingLines(
              summary.ranking,
              summary.rankingHead ? `ranking head (${summary.rankingHead.method})` : 'model',
            ),
          );
          lines.push(
            `wrote ${flags.out} (${(out.bytes / 1024).toFixed(0)} KiB)${signingKey ? `, signed with key ${signingKey.keyId}` : ''}`,
          );
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        await writeTrainingReport({ artifact, out: flags.out, plot: flags.plot, quiet: flags.quiet, json: flags.json });
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
      }
    });
}

/** What `train` writes: the artifact (`--out`) and, for a rating model with `--plot`, the curves SVG. */
function trainOutputs(flags: TrainFlags): OutputPath[] {
  const outputs: OutputPath[] = [{ label: '--out file', path: flags.out }];
  if (flags.plot && flags.objective !== 'interaction') {
    outputs.push({
      label: '--plot file',
      path: typeof flags.plot === 'string' ? flags.plot : defaultPlotPath(flags.out),
    });
  }
  return outputs;
}

/** Every file `train` reads, none of which an output may replace. */
function trainInputs(flags: TrainFlags): string[] {
  return [
    flags.ratings,
    flags.test,
    flags.userFeatures,
    flags.itemFeatures,
    flags.config,
    flags.signingKey,
    ...(flags.events ?? []),
  ].filter((path) => path !== undefined);
}

/** The artifact as written: signed when a signing key was given. */
async function sealed(artifact: string, signingKey: ArtifactSigningKey | undefined, out: string): Promise<string> {
  return signingKey ? signArtifact(artifact, signingKey, out) : artifact;
}

/** `train --objective interaction`: fits the interaction model, writes it, prints the summary. */
async function trainInteractionCommand(
  flags: TrainFlags,
  command: Command,
  progress: TrainingProgress,
  signal: AbortSignal,
  signingKey: ArtifactSigningKey | undefined,
): Promise<void> {
  // The data flags of rating models, and every rating hyperparameter the interaction registry lacks.
  const ratingOnly = [
    'plot',
    'ratingMin',
    'ratingMax',
    'duplicates',
    'userFeatures',
    'itemFeatures',
    ...HYPERPARAMETER_KEYS.filter((key) => !INTERACTION_REGISTRY.has(key)),
  ]
    .filter((key) => givenExplicitly(command, key))
    .map((key) => command.options.find((option) => option.attributeName() === key)?.long ?? key);
  if (ratingOnly.length > 0) {
    throw new UserError(
      `${ratingOnly.join(', ')} ${ratingOnly.length === 1 ? 'applies' : 'apply'} to rating models only, not with --objective interaction`,
    );
  }
  const recipe = interactionRecipeFrom(command, flags as TrainFlags & Record<string, unknown>);
  const label = (recipe.method ?? 'ials') === 'ials' ? 'sweep' : 'epoch';
  const { artifact, summary } = await trainInteractionModel({
    interactions: flags.ratings,
    ...(flags.test ? { test: flags.test } : {}),
    format: flags.format,
    ...(flags.minRating !== undefined ? { minRating: flags.minRating } : {}),
    ...(flags.weightColumn !== undefined ? { weightColumn: flags.weightColumn } : {}),
    validationFraction: flags.validation,
    testFraction: flags.testFraction,
    recipe,
    backend: flags.backend,
    tableEncoding: flags.tableEncoding,
    includeSeen: flags.seen,
    skipLongIds: flags.skipLongIds,
    ...(flags.threshold !== undefined ? { threshold: flags.threshold } : {}),
    ...(flags.events ? { events: flags.events } : {}),
    hooks: {
      signal,
      onInfo: (line) => progress.info(line),
      onReadProgress: (file, bytes, total) => progress.readProgress(file, bytes, total),
      onEpoch: (record, phase) => progress.interactionEpoch(record, phase, label),
    },
  });
  const written = await sealed(artifact, signingKey, flags.out);
  await writeFileAtomic(flags.out, written);
  const out = {
    out: flags.out,
    bytes: Buffer.byteLength(written),
    objective: 'interaction',
    ...(signingKey ? { signedBy: signingKey.keyId } : {}),
    ...summary,
  };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const signed = signingKey ? [`signed with key ${signingKey.keyId}`] : [];
  process.stdout.write(`${[...interactionSummaryLines(summary, flags.out, out.bytes), ...signed].join('\n')}\n`);
}

/** The closing lines of an interaction training run. */
function interactionSummaryLines(summary: InteractionTrainSummary, file: string, bytes: number): string[] {
  const unit = summary.method === 'ials' ? 'sweeps' : 'epochs';
  return [
    `trained ${summary.method} in ${summary.seconds.toFixed(1)}s on ${summary.engine} (${summary.epochs} ${unit}, best ${summary.bestEpoch}` +
      `${summary.refitEpochs > 0 ? `, then ${summary.refitEpochs} ${unit} on training + validation rows` : ''})`,
    ...rankingLines(summary.ranking, 'model'),
    `recommend threshold: score ≥ ${summary.recommendThreshold.toFixed(4)}${summary.thresholdGiven ? ' (--threshold)' : ' (the median 10th-best score of training users)'}`,
    `wrote ${file} (${(bytes / 1024).toFixed(0)} KiB)`,
  ];
}

/** NDCG@10 and precision@10 of the ranking next to popularity, for validation and test, with a WARNING when popularity wins. */
function rankingLines(ranking: RankingFigures, name: string): string[] {
  const lines: string[] = [];
  for (const part of ['validation', 'test'] as const) {
    const figures = ranking[part];
    if (!figures || figures.model.users === 0) continue;
    const { model, popularity } = figures;
    lines.push(
      `${part} ranking (${model.users} users, every held-out item relevant): ${name} NDCG@10 ${model.ndcg.toFixed(4)} P@10 ${model.precision.toFixed(4)}` +
        `  |  popularity NDCG@10 ${popularity.ndcg.toFixed(4)} P@10 ${popularity.precision.toFixed(4)}`,
    );
    if (!(model.ndcg > popularity.ndcg)) lines.push(`WARNING: the ${name} does NOT beat popularity on ${part} NDCG@10`);
  }
  return lines;
}
