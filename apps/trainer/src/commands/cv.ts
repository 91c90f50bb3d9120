import { Command, Option } from 'commander';
import { RATINGS_FORMATS } from '../data/formats.js';
import { integerFlag, numberFlag, numericFlag, RATING_VALUE_RANGE } from '../options.js';
import { addSkipLongIdsOption } from './read-flags.js';
import {
  crossValidate,
  crossValidateFoldDir,
  type CrossValidateOptions,
  type CrossValidation,
  type MeanStd,
} from '../pipeline/cross-validate.js';
import type { TrainModelOptions } from '../pipeline/train-model.js';
import {
  crossValidateInteractions,
  crossValidateInteractionsFoldDir,
  type InteractionCrossValidation,
} from '../pipeline/cross-validate-interactions.js';
import { stderrLog } from '../progress.js';
import { formatTable } from '../report/table.js';
import { UserError } from '../user-error.js';
import { addInteractionOptions, interactionRecipeFrom, type InteractionFlags } from './interaction-flags.js';
import { addModelOptions, modelOptionsFrom, type ModelFlags } from './model-flags.js';

/** Parsed flags of `edgerec cv`. */
interface CvFlags extends ModelFlags, InteractionFlags {
  ratings?: string;
  foldDir?: string;
  folds: number;
  format: NonNullable<TrainModelOptions['format']>;
  duplicates: NonNullable<TrainModelOptions['duplicates']>;
  validation: number;
  ratingMin?: number;
  ratingMax?: number;
  userFeatures?: string;
  itemFeatures?: string;
  skipLongIds: boolean;
  json: boolean;
  quiet: boolean;
}

/** `edgerec cv`: k-fold cross-validation of the model, or MovieLens' canonical u1…u5 folds. */
export function cvCommand(): Command {
  const command = new Command('cv')
    .description(
      'Cross-validate the model: k-fold on one ratings file, or the canonical MovieLens folds (u1.base/u1.test …) in a directory.',
    )
    .addOption(
      new Option(
        '-r, --ratings <file>',
        'ratings file to cut into --folds disjoint test folds (seeded by --seed)',
      ).conflicts('foldDir'),
    )
    .option('--fold-dir <dir>', 'directory with MovieLens u1.base/u1.test … u5.base/u5.test (e.g. ml-100k)')
    .option(
      '--folds <n>',
      'number of folds, 2 to 100 (with --fold-dir: use u1 … u<n>, from 1)',
      integerFlag('--folds', 1, 100),
      5,
    )
    .addOption(new Option('--format <format>', 'input format').choices(['auto', ...RATINGS_FORMATS]).default('auto'))
    .addOption(
      new Option('--duplicates <policy>', 'repeated (user, item) rows: keep the last, average them, or fail')
        .choices(['last', 'mean', 'error'])
        .default('last'),
    )
    .option(
      '--validation <fraction>',
      'fraction of each fold’s training part held out for early stopping',
      numberFlag('--validation', 0, 0.9, { exclusiveMin: true }),
      0.1,
    );
  return addSkipLongIdsOption(addInteractionOptions(addModelOptions(command)))
    .option(
      '--rating-min <x>',
      'lowest rating of the scale (default: lowest in each fold’s training data)',
      numericFlag('--rating-min', RATING_VALUE_RANGE),
    )
    .option(
      '--rating-max <x>',
      'highest rating of the scale (default: highest in each fold’s training data)',
      numericFlag('--rating-max', RATING_VALUE_RANGE),
    )
    .option('--user-features <file>', 'user side features for every fold (see train --help)')
    .option('--item-features <file>', 'item side features for every fold (see train --help)')
    .option('--json', 'print the results as JSON on stdout', false)
    .option('-q, --quiet', 'no per-fold progress on stderr', false)
    .addHelpText(
      'after',
      `
Each fold trains a fresh model on the other folds' ratings (minus a --validation share for
early stopping) and reports RMSE and MAE on the fold's held-out ratings; ids the fold's training
data lacks are scored by the bias fallback. The summary is mean ± sample standard deviation.

With --objective interaction the folds are per user (each user's rows dealt into the folds),
each fold's model is an interaction model, and the table reports NDCG@10, P@10 and R@10 of the
held-out fold (every held-out item relevant) next to popularity.

Examples:
  edgerec cv --ratings ratings.tsv --folds 5 --epochs 20 --backend cpu
  edgerec cv --fold-dir ml-100k
  edgerec cv --objective interaction --ratings clicks.tsv --folds 5`,
    )
    .action(async (flags: CvFlags, command: Command) => {
      if (flags.ratings === undefined && flags.foldDir === undefined) {
        throw new UserError('give --ratings FILE (k-fold) or --fold-dir DIR (MovieLens u1…u5 folds)');
      }
      if (flags.objective === 'interaction') {
        await cvInteractions(flags, command);
        return;
      }
      const log = stderrLog(flags.quiet);
      const notices = new Set<string>();
      const controller = new AbortController();
      const onSigint = () => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write('\ninterrupted: stopping after this batch (Ctrl-C again to quit now)\n');
        controller.abort(Object.assign(new Error('cross-validation cancelled by Ctrl-C'), { name: 'AbortError' }));
      };
      const options: CrossValidateOptions = {
        model: modelOptionsFrom(flags),
        backend: flags.backend,
        validationFraction: flags.validation,
        format: flags.format,
        duplicates: flags.duplicates,
        skipLongIds: flags.skipLongIds,
        ...(flags.userFeatures ? { userFeatures: flags.userFeatures } : {}),
        ...(flags.itemFeatures ? { itemFeatures: flags.itemFeatures } : {}),
        ...(flags.ratingMin !== undefined ? { ratingMin: flags.ratingMin } : {}),
        ...(flags.ratingMax !== undefined ? { ratingMax: flags.ratingMax } : {}),
        hooks: {
          signal: controller.signal,
          onInfo: (line) => {
            if (!notices.has(line)) log(line);
            notices.add(line);
          },
          onFoldStart: (fold, folds, what) => log(`fold ${fold}/${folds}: ${what}`),
          onFoldEnd: (r, folds) =>
            log(
              `fold ${r.fold}/${folds}: test RMSE ${r.test.rmse.toFixed(4)}  MAE ${r.test.mae.toFixed(4)}  ` +
                `(${r.epochs} epochs, best ${r.bestEpoch}, ${r.seconds.toFixed(1)}s on ${r.backend})`,
            ),
        },
      };
      process.on('SIGINT', onSigint);
      let result: CrossValidation;
      try {
        result =
          flags.foldDir !== undefined
            ? await crossValidateFoldDir(flags.foldDir, flags.folds, options)
            : await crossValidate(flags.ratings!, flags.folds, options);
      } finally {
        process.off('SIGINT', onSigint);
      }
      const source = flags.foldDir !== undefined ? { foldDir: flags.foldDir } : { ratings: flags.ratings! };
      if (flags.json) {
        const out = { ...source, model: { ...options.model, backend: flags.backend }, ...result };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } else {
        process.stdout.write(`${formatCrossValidation(result)}\n`);
      }
    });
}

/** The per-fold table and the mean ± std line, as printed by `edgerec cv`. */
export function formatCrossValidation(result: CrossValidation): string {
  const rows = result.folds.map((f) => [
    String(f.fold),
    String(f.rows.train),
    String(f.rows.test),
    String(f.epochs),
    f.seconds.toFixed(1),
    f.test.rmse.toFixed(4),
    f.test.mae.toFixed(4),
  ]);
  const pm = (m: MeanStd, digits: number) =>
    `${m.mean.toFixed(digits)} ± ${Number.isFinite(m.std) ? m.std.toFixed(digits) : 'n/a'}`;
  rows.push(['mean ± std', '', '', '', pm(result.seconds, 1), pm(result.rmse, 4), pm(result.mae, 4)]);
  const table = formatTable(['fold', 'train rows', 'test rows', 'epochs', 'seconds', 'test RMSE', 'MAE'], rows, {
    separatorBefore: rows.length - 1,
  });
  const n = result.folds.length;
  return `${table}\n(${n} fold${n === 1 ? '' : 's'}; ± is the sample standard deviation across folds)`;
}

/** `cv --objective interaction`: per-user folds (or fold files) of an interaction model. */
async function cvInteractions(flags: CvFlags, command: Command): Promise<void> {
  const log = stderrLog(flags.quiet);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(Object.assign(new Error('cross-validation cancelled by Ctrl-C'), { name: 'AbortError' }));
  };
  const recipe = interactionRecipeFrom(command, flags as CvFlags & Record<string, unknown>);
  const options = {
    recipe,
    validationFraction: flags.validation,
    format: flags.format,
    backend: flags.backend,
    skipLongIds: flags.skipLongIds,
    ...(flags.minRating !== undefined ? { minRating: flags.minRating } : {}),
    ...(flags.weightColumn !== undefined ? { weightColumn: flags.weightColumn } : {}),
    hooks: {
      signal: controller.signal,
      onInfo: log,
      onFoldStart: (fold: number, folds: number, what: string) => log(`fold ${fold}/${folds}: ${what}`),
      onFoldEnd: (r: InteractionCrossValidation['folds'][number], folds: number) =>
        log(
          `fold ${r.fold}/${folds}: test NDCG@10 ${r.model.ndcg.toFixed(4)}  P@10 ${r.model.precision.toFixed(4)}  (popularity ${r.popularity.ndcg.toFixed(4)}, ${r.seconds.toFixed(1)}s)`,
        ),
    },
  };
  process.on('SIGINT', onSigint);
  let result: InteractionCrossValidation;
  try {
    result =
      flags.foldDir !== undefined
        ? await crossValidateInteractionsFoldDir(flags.foldDir, flags.folds, options)
        : await crossValidateInteractions(flags.ratings!, flags.folds, options);
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (flags.json) {
    const source = flags.foldDir !== undefined ? { foldDir: flags.foldDir } : { ratings: flags.ratings! };
    process.stdout.write(`${JSON.stringify({ ...source, objective: 'interaction', recipe, ...result }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${formatInteractionCrossValidation(result)}\n`);
}

/** The per-fold ranking table and the mean ± std line. */
export function formatInteractionCrossValidation(result: InteractionCrossValidation): string {
  const rows = result.folds.map((f) => [
    String(f.fold),
    String(f.rows.train),
    String(f.rows.test),
    f.seconds.toFixed(1),
    f.model.ndcg.toFixed(4),
    f.model.precision.toFixed(4),
    f.model.recall.toFixed(4),
    f.popularity.ndcg.toFixed(4),
  ]);
  const pm = (m: MeanStd, digits: number) =>
    `${m.mean.toFixed(digits)} ± ${Number.isFinite(m.std) ? m.std.toFixed(digits) : 'n/a'}`;
  rows.push([
    'mean ± std',
    '',
    '',
    pm(result.seconds, 1),
    pm(result.ndcg, 4),
    pm(result.precision, 4),
    pm(result.recall, 4),
    pm(result.popularityNdcg, 4),
  ]);
  const table = formatTable(
    ['fold', 'train rows', 'test rows', 'seconds', 'NDCG@10', 'P@10', 'R@10', 'popularity NDCG@10'],
    rows,
    {
      separatorBefore: rows.length - 1,
    },
  );
  const n = result.folds.length;
  return `${table}\n(${n} fold${n === 1 ? '' : 's'}; every held-out item relevant; ± is the sample standard deviation across folds)`;
}
