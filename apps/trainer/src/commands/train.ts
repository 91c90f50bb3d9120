import { ACTIVATIONS, TABLE_ENCODINGS, type TableEncoding } from '@edgerec/core';
import { BACKENDS, SEED_RECIPE, type BackendChoice, type TrainOptions } from '@edgerec/core/model';
import { Command, Option } from 'commander';
import { RATINGS_FORMATS } from '../data/formats.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { finiteNumber, integerAtLeast, numberBetween } from '../options.js';
import { trainModel, type TrainModelOptions } from '../pipeline/train-model.js';
import { createTrainingProgress } from '../progress.js';

/** Parsed flags: the model hyperparameters by their TrainOptions names, plus the run's own. */
interface TrainFlags extends Omit<TrainOptions, 'ratingUnitsPerTarget' | 'globalBias'> {
  ratings: string;
  out: string;
  test?: string;
  format: TrainModelOptions['format'];
  duplicates: NonNullable<TrainModelOptions['duplicates']>;
  validation: number;
  testFraction: number;
  backend: BackendChoice;
  ratingMin?: number;
  ratingMax?: number;
  threshold?: number;
  tableEncoding: TableEncoding;
  seen: boolean;
  json: boolean;
  quiet: boolean;
}

/** `edgerec train`: fit a model on a ratings file and write the artifact. */
export function trainCommand(): Command {
  const d = SEED_RECIPE;
  return new Command('train')
    .description('Fit a RecommenderNet on a ratings file and write the model artifact (JSON).')
    .requiredOption('-r, --ratings <file>', 'ratings file: MovieLens u.data / ratings.csv / ratings.dat, or CSV/TSV with user,item,rating')
    .option('-o, --out <file>', 'where to write the model artifact', 'model.json')
    .option('--test <file>', 'evaluate on this file instead of a random test split (e.g. MovieLens u1.test)')
    .addOption(new Option('--format <format>', 'input format').choices(['auto', ...RATINGS_FORMATS]).default('auto'))
    .addOption(
      new Option('--duplicates <policy>', 'repeated (user, item) rows: keep the last, average them, or fail')
        .choices(['last', 'mean', 'error'])
        .default('last'),
    )
    .option('--validation <fraction>', 'fraction held out for early stopping', numberBetween(0, 0.9, { exclusiveMin: true }), 0.1)
    .option('--test-fraction <fraction>', 'fraction held out for the final test (ignored with --test)', numberBetween(0, 0.9), 0.1)
    .option('--dim <n>', 'embedding size', integerAtLeast(1), d.dim)
    .addOption(new Option('--activation <name>', 'output activation').choices(ACTIVATIONS).default(d.activation))
    .option('--dropout <rate>', 'dropout on the logit before the activation', numberBetween(0, 0.95), d.dropout)
    .option('--learning-rate <lr>', 'Adam learning rate', numberBetween(0, 10, { exclusiveMin: true }), d.learningRate)
    .option('--batch-size <n>', 'ratings per gradient step', integerAtLeast(1), d.batchSize)
    .option('--epochs <n>', 'maximum epochs (early stopping usually ends sooner)', integerAtLeast(1), d.epochs)
    .option('--patience <n>', 'epochs without val_loss improvement before stopping', integerAtLeast(1), d.patience)
    .option('--min-delta <x>', 'smallest val_loss decrease that counts as improvement', numberBetween(0, 1), d.minDelta)
    .option('--no-restore-best', 'keep the last epoch’s weights instead of the best validation epoch’s')
    .option('--l2 <lambda>', 'L2 penalty per example on embeddings and biases', numberBetween(0, 100), d.l2)
    .option('--init-scale <x>', 'embeddings start uniform in ±x', numberBetween(0, 10, { exclusiveMin: true }), d.initScale)
    .option('--seed <n>', 'seed for the split, initialisation, shuffling and dropout', integerAtLeast(0), d.seed)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'))
    .option('--rating-min <x>', 'lowest rating of the scale (default: lowest in the data)', finiteNumber)
    .option('--rating-max <x>', 'highest rating of the scale (default: highest in the data)', finiteNumber)
    .option('--threshold <rating>', 'predicted rating at which the edge says "recommend" (default: 62.5% up the scale)', finiteNumber)
    .addOption(
      new Option('--table-encoding <encoding>', 'how tables are stored in the artifact')
        .choices(TABLE_ENCODINGS)
        .default('f32-base64'),
    )
    .option('--no-seen', 'do not store users’ training items (the edge then cannot exclude them)')
    .option('--json', 'print the summary as JSON on stdout', false)
    .option('-q, --quiet', 'no progress output', false)
    .addHelpText(
      'after',
      `
Examples:
  edgerec synth --out ratings.tsv && edgerec train --ratings ratings.tsv --out model.json
  edgerec train --ratings ml-100k/u1.base --test ml-100k/u1.test --out ml100k.json`,
    )
    .action(async (flags: TrainFlags) => {
      const progress = createTrainingProgress({ maxEpochs: flags.epochs, quiet: flags.quiet });
      const controller = new AbortController();
      const onSigint = () => {
        if (controller.signal.aborted) process.exit(130);
        progress.stop();
        process.stderr.write('\ninterrupted: stopping after this batch (Ctrl-C again to quit now)\n');
        controller.abort(Object.assign(new Error('training cancelled by Ctrl-C; no model was written'), { name: 'AbortError' }));
      };
      process.on('SIGINT', onSigint);
      try {
        const { artifact, summary } = await trainModel({
          ratings: flags.ratings,
          ...(flags.test ? { test: flags.test } : {}),
          format: flags.format,
          duplicates: flags.duplicates,
          validationFraction: flags.validation,
          testFraction: flags.testFraction,
          model: {
            dim: flags.dim,
            activation: flags.activation,
            dropout: flags.dropout,
            learningRate: flags.learningRate,
            batchSize: flags.batchSize,
            epochs: flags.epochs,
            patience: flags.patience,
            minDelta: flags.minDelta,
            restoreBest: flags.restoreBest,
            l2: flags.l2,
            initScale: flags.initScale,
            seed: flags.seed,
          },
          backend: flags.backend,
          ...(flags.ratingMin !== undefined ? { ratingMin: flags.ratingMin } : {}),
          ...(flags.ratingMax !== undefined ? { ratingMax: flags.ratingMax } : {}),
          ...(flags.threshold !== undefined ? { threshold: flags.threshold } : {}),
          tableEncoding: flags.tableEncoding,
          includeSeen: flags.seen,
          hooks: {
            signal: controller.signal,
            onInfo: (line) => progress.info(line),
            onReadProgress: (file, bytes, total) => progress.readProgress(file, bytes, total),
            onEpochStart: (epoch, batches) => progress.epochStart(epoch, batches),
            onBatch: (epoch, batch, batches) => progress.batch(epoch, batch, batches),
            onEpoch: (record) => progress.epoch(record),
          },
        });
        await writeFileAtomic(flags.out, artifact);
        const out = { out: flags.out, bytes: Buffer.byteLength(artifact), ...summary };
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        } else {
          const fmt = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(4));
          const stop = summary.stoppedEarly ? `early stop after ${summary.epochs}` : `${summary.epochs}`;
          const lines = [
            `trained in ${summary.seconds.toFixed(1)}s on ${summary.backend} (${stop} epochs, best epoch ${summary.bestEpoch})`,
            `validation RMSE ${fmt(summary.validation?.rmse)}  MAE ${fmt(summary.validation?.mae)}  (${summary.rows.validation} ratings)`,
          ];
          if (summary.test) {
            const cold = summary.test.coldStart > 0 ? `, ${summary.test.coldStart} with unseen ids scored by bias fallback` : '';
            lines.push(`test RMSE ${fmt(summary.test.rmse)}  MAE ${fmt(summary.test.mae)}  (${summary.test.count} ratings${cold})`);
          }
          lines.push(`global-mean baseline RMSE ${fmt(summary.globalMeanRmse)}`);
          lines.push(`wrote ${flags.out} (${(out.bytes / 1024).toFixed(0)} KiB)`);
          process.stdout.write(`${lines.join('\n')}\n`);
        }
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
      }
    });
}
