import { TABLE_ENCODINGS, type TableEncoding } from '@edgerec/core';
import { Command, Option } from 'commander';
import { RATINGS_FORMATS } from '../data/formats.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { finiteNumber, numberBetween } from '../options.js';
import { trainModel, type TrainModelOptions } from '../pipeline/train-model.js';
import { createTrainingProgress } from '../progress.js';
import { writeTrainingReport } from '../report/training-report.js';
import { addModelOptions, modelOptionsFrom, type ModelFlags } from './model-flags.js';

/** Parsed flags: the model flags (hyperparameters by their TrainOptions names, backend), plus the run's own. */
interface TrainFlags extends ModelFlags {
  ratings: string;
  out: string;
  test?: string;
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
}

/** `edgerec train`: fit a model on a ratings file and write the artifact. */
export function trainCommand(): Command {
  const command = new Command('train')
    .description('Fit a RecommenderNet on a ratings file and write the model artifact (JSON).')
    .requiredOption('-r, --ratings <file>', 'ratings file: MovieLens u.data / ratings.csv / ratings.dat, or CSV/TSV with user,item,rating')
    .option('-o, --out <file>', 'where to write the model artifact', 'model.json')
    .option('--test <file>', 'evaluate on this file instead of a random test split (e.g. MovieLens u1.test)')
    .option('--user-features <file>', 'user side features: MovieLens u.user / users.dat, or CSV with an id column and feature columns')
    .option('--item-features <file>', 'item side features: MovieLens u.item / movies.dat, or CSV with an id column and feature columns')
    .addOption(new Option('--format <format>', 'input format').choices(['auto', ...RATINGS_FORMATS]).default('auto'))
    .addOption(
      new Option('--duplicates <policy>', 'repeated (user, item) rows: keep the last, average them, or fail')
        .choices(['last', 'mean', 'error'])
        .default('last'),
    )
    .option('--validation <fraction>', 'fraction held out for early stopping', numberBetween(0, 0.9, { exclusiveMin: true }), 0.1)
    .option('--test-fraction <fraction>', 'fraction held out for the final test (ignored with --test)', numberBetween(0, 0.9), 0.1);
  return addModelOptions(command)
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
    .option('--plot [file]', 'also draw the training curves to an SVG (default: <out without .json>.curves.svg)')
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
          hooks: {
            signal: controller.signal,
            onInfo: (line) => progress.info(line),
            onReadProgress: (file, bytes, total) => progress.readProgress(file, bytes, total),
            onEpochStart: (epoch, batches) => progress.epochStart(epoch, batches),
            onBatch: (epoch, batch, batches) => progress.batch(epoch, batch, batches),
            onEpoch: (record) => progress.epoch(record),
            onRefitEpoch: (epoch, epochs, loss, seconds) => progress.refitEpoch(epoch, epochs, loss, seconds),
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
            `trained in ${summary.seconds.toFixed(1)}s on ${summary.backend}, ${summary.engine} engine ` +
              `(${stop} epochs, best epoch ${summary.bestEpoch}` +
              `${summary.refitEpochs > 0 ? `, then ${summary.refitEpochs} epochs on training + validation rows` : ''})`,
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
        await writeTrainingReport({ artifact, out: flags.out, plot: flags.plot, quiet: flags.quiet, json: flags.json });
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
      }
    });
}
