import { Command, Option } from 'commander';
import { join } from 'node:path';
import { RATINGS_FORMATS } from '../data/formats.js';
import { integerFlag, numberFlag, numericFlag, SEED_RANGE } from '../options.js';
import { addSkipLongIdsOption } from './read-flags.js';
import { splitFile, type SplitFileOptions, type SplitMode, type SplitSummary } from '../pipeline/split-file.js';
import { createTrainingProgress } from '../progress.js';
import { UserError } from '../user-error.js';
import { abortOnCtrlC } from './ctrl-c.js';

/** Parsed flags of `edgerec split`. */
interface SplitFlags {
  random?: number;
  byUser?: number;
  last?: number;
  seed: number;
  outDir?: string;
  trainOut?: string;
  testOut?: string;
  force: boolean;
  format: NonNullable<SplitFileOptions['format']>;
  duplicates: NonNullable<SplitFileOptions['duplicates']>;
  weightColumn?: string;
  skipLongIds: boolean;
  json: boolean;
  quiet: boolean;
}

/** `edgerec split`: write train and test files from one ratings or interactions file. */
export function splitCommand(): Command {
  const command = new Command('split')
    .description(
      'Split a ratings or interactions file into train and test files: at random, per user, or the latest rows per user.',
    )
    .argument(
      '<file>',
      'ratings or interactions file: MovieLens u.data / ratings.dat / ratings.csv, CSV/TSV with a header, or user,item pairs',
    )
    .option('--random <fraction>', 'seeded shuffle of all rows; this fraction goes to train', trainFraction('--random'))
    .option(
      '--by-user <fraction>',
      "per user: each user's rows shuffled, the first round(n × fraction) to train (halves to even)",
      trainFraction('--by-user'),
    )
    .option(
      '--last <n>',
      "per user: each user's n latest rows (by timestamp) to test; users with n rows or fewer stay in train",
      integerFlag('--last', 1, 1_000_000),
    )
    .option('--seed <n>', 'random seed of --random and --by-user', numericFlag('--seed', SEED_RANGE), 42)
    .option('--out-dir <dir>', 'write <dir>/train.tsv and <dir>/test.tsv')
    .option('--train-out <file>', 'where to write the train part (with --test-out, instead of --out-dir)')
    .option('--test-out <file>', 'where to write the test part (with --train-out)')
    .option('--force', 'overwrite existing output files', false)
    .addOption(new Option('--format <format>', 'input format').choices(['auto', ...RATINGS_FORMATS]).default('auto'))
    .addOption(
      new Option(
        '--duplicates <policy>',
        'repeated (user, item) rows of a ratings file: keep the last, average them, or fail (interactions: weights are summed)',
      )
        .choices(['last', 'mean', 'error'])
        .default('last'),
    )
    .option(
      '--weight-column <column>',
      'read the file as interactions, with this weight column (header name or 1-based number)',
    )
    .option('--json', 'print the summary as JSON on stdout', false)
    .option('-q, --quiet', 'print nothing but errors', false);
  return addSkipLongIdsOption(command)
    .addHelpText(
      'after',
      `
Output: TSV files with a header, "user item rating" for ratings and "user item weight" for
interactions, plus "timestamp" (epoch seconds) when the input has one. Repeated (user, item)
pairs are merged first, so a pair never lands in both files.

Examples:
  edgerec split ml-100k/u.data --last 1 --out-dir splits/loo
  edgerec split ratings.csv --by-user 0.8 --seed 7 --out-dir splits/
  edgerec split plays.tsv --random 0.9 --train-out train.tsv --test-out test.tsv --force`,
    )
    .action(async (file: string, flags: SplitFlags) => {
      const mode = modeFrom(flags);
      const outputs = outputPaths(flags);
      const progress = createTrainingProgress({ maxEpochs: 1, quiet: flags.quiet });
      const controller = new AbortController();
      const stopListening = abortOnCtrlC(controller, 'split cancelled by Ctrl-C; nothing was written', () =>
        progress.stop(),
      );
      let summary: SplitSummary;
      try {
        summary = await splitFile({
          input: file,
          mode,
          seed: flags.seed,
          ...outputs,
          force: flags.force,
          format: flags.format,
          duplicates: flags.duplicates,
          ...(flags.weightColumn !== undefined ? { weightColumn: flags.weightColumn } : {}),
          skipLongIds: flags.skipLongIds,
          signal: controller.signal,
          onInfo: (line) => progress.info(line),
          onReadProgress: (bytes, total) => progress.readProgress(file, bytes, total),
        });
      } finally {
        progress.stop();
        stopListening();
      }
      if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else if (!flags.quiet) process.stdout.write(`${formatSplitSummary(summary)}\n`);
    });
}

/** A commander argParser for a train fraction: a number above 0 and below 1. */
function trainFraction(flag: string): (value: string) => number {
  return numberFlag(flag, 0, 1, { exclusiveMin: true, exclusiveMax: true });
}

/** The one split mode the flags choose; a UserError for none or several. */
function modeFrom(flags: SplitFlags): SplitMode {
  const modes: SplitMode[] = [];
  if (flags.random !== undefined) modes.push({ kind: 'random', trainFraction: flags.random });
  if (flags.byUser !== undefined) modes.push({ kind: 'by-user', trainFraction: flags.byUser });
  if (flags.last !== undefined) modes.push({ kind: 'last', n: flags.last });
  if (modes.length !== 1) {
    const given = modes.length === 0 ? 'none was given' : `got ${modes.map((m) => `--${m.kind}`).join(' and ')}`;
    throw new UserError(`choose exactly one split mode: --random FRACTION, --by-user FRACTION or --last N (${given})`);
  }
  return modes[0]!;
}

/** The train and test paths from --out-dir, or from --train-out and --test-out. */
function outputPaths(flags: SplitFlags): { trainOut: string; testOut: string } {
  const named = flags.trainOut !== undefined || flags.testOut !== undefined;
  if (flags.outDir !== undefined && named) {
    throw new UserError('give either --out-dir DIR or --train-out FILE --test-out FILE, not both');
  }
  if (flags.outDir !== undefined)
    return { trainOut: join(flags.outDir, 'train.tsv'), testOut: join(flags.outDir, 'test.tsv') };
  if (flags.trainOut === undefined || flags.testOut === undefined) {
    throw new UserError(
      named
        ? '--train-out and --test-out go together: give both'
        : 'say where to write: --out-dir DIR, or --train-out FILE --test-out FILE',
    );
  }
  return { trainOut: flags.trainOut, testOut: flags.testOut };
}

/** The lines `edgerec split` prints: what was read, the mode, and rows/users/items per part. */
export function formatSplitSummary(summary: SplitSummary): string {
  const { mode } = summary;
  const how =
    mode.kind === 'last'
      ? `leave-last-${mode.n}-out per user by timestamp`
      : `${mode.kind === 'random' ? 'random' : 'per-user'} split, ${mode.trainFraction} to train, seed ${summary.seed}`;
  const unit = summary.source === 'ratings' ? 'ratings' : 'interactions';
  const part = (name: string, p: SplitSummary['train']) =>
    `${name}: ${p.rows} ${unit}, ${p.users} users, ${p.items} items -> ${p.path}`;
  const lines = [
    `${summary.input} (${summary.format}, ${summary.source}${summary.timestamps ? ', with timestamps' : ''}): ${how}`,
    part('train', summary.train),
    part('test ', summary.test),
    `users kept entirely in train: ${summary.usersOnlyInTrain}; users only in test: ${summary.usersOnlyInTest}`,
  ];
  if (summary.duplicates > 0) lines.push(`repeated (user, item) rows merged before splitting: ${summary.duplicates}`);
  return lines.join('\n');
}
