import { OBJECTIVES, signArtifact, TABLE_ENCODINGS, type Objective, type TableEncoding } from '@edgerec/core';
import { Command, Option } from 'commander';
import { join } from 'node:path';
import { RATINGS_FORMATS, type RatingsFormat } from '../data/formats.js';
import { METADATA_FILE } from '../data/spark-als/metadata.js';
import type { FactorSide } from '../data/spark-als/read-factors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { checkOutputPaths } from '../io/output-paths.js';
import { readSigningKey } from '../io/signing-keys.js';
import { numericFlag, RATING_VALUE_RANGE } from '../options.js';
import { importSparkAls, type SparkImportSummary } from '../pipeline/import-spark-als.js';
import { createTrainingProgress } from '../progress.js';
import { addSkipLongIdsOption } from './read-flags.js';

/** Parsed flags of `import spark-als`. */
interface SparkAlsFlags {
  out: string;
  objective?: Objective;
  ids?: string;
  ratings?: string;
  format: RatingsFormat | 'auto';
  ratingMin?: number;
  ratingMax?: number;
  threshold?: number;
  tableEncoding: TableEncoding;
  signingKey?: string;
  skipLongIds: boolean;
  json: boolean;
  quiet: boolean;
}

/** Factor tables with more part files than this print a progress line per file. */
const PROGRESS_FILES = 20;

/** `edgerec import`: turn a model trained elsewhere into an edgerec artifact. */
export function importCommand(): Command {
  const sparkAls = sparkAlsCommand().exitOverride().showHelpAfterError('(add --help for usage)');
  return new Command('import')
    .description('Turn a model trained elsewhere into an edgerec artifact (spark-als: a saved Spark ML ALSModel).')
    .addCommand(sparkAls);
}

/** `edgerec import spark-als DIR`: a saved Spark ML ALSModel folder to an artifact. */
function sparkAlsCommand(): Command {
  const command = new Command('spark-als')
    .description(
      'Read the folder a Spark ML ALSModel was saved to (model.save(path): metadata/, userFactors/, itemFactors/) ' +
        'and write an artifact that evaluate, predict, recommend and the Worker serve.',
    )
    .argument('<dir>', 'the saved model folder')
    .option('-o, --out <file>', 'where to write the model artifact', 'model.json')
    .addOption(
      new Option(
        '--objective <name>',
        "what the model was trained for: interaction for ALS(implicitPrefs=True), rating for explicit ratings; needed because Spark's ALSModel does not save implicitPrefs",
      ).choices(OBJECTIVES),
    )
    .option(
      '--ids <file>',
      "Spark's integer ids back to your ids: lines kind<TAB>sparkId<TAB>rawId (kind user or item), or a folder of them written by Spark",
    )
    .option(
      '-r, --ratings <file>',
      'the data Spark trained on (formats as for train): builds the seen lists and popularity; required for a rating model (its scale and mean)',
    )
    .addOption(
      new Option('--format <format>', 'format of --ratings').choices(['auto', ...RATINGS_FORMATS]).default('auto'),
    );
  return addSkipLongIdsOption(command)
    .option(
      '--rating-min <x>',
      'rating model: lowest rating of the scale (default: lowest in --ratings)',
      numericFlag('--rating-min', RATING_VALUE_RANGE),
    )
    .option(
      '--rating-max <x>',
      'rating model: highest rating of the scale (default: highest in --ratings)',
      numericFlag('--rating-max', RATING_VALUE_RANGE),
    )
    .option(
      '--threshold <value>',
      'score (interaction) or rating at which the edge says "recommend" (default: the median 10th-best score of users; rating: 62.5% up the scale)',
      numericFlag('--threshold', RATING_VALUE_RANGE),
    )
    .addOption(
      new Option('--table-encoding <encoding>', 'how tables are stored in the artifact')
        .choices(TABLE_ENCODINGS)
        .default('f32-base64'),
    )
    .option('--signing-key <file>', 'sign the artifact with this Ed25519 private key (edgerec keygen)')
    .option('--json', 'print the summary as JSON on stdout', false)
    .option('-q, --quiet', 'no progress output', false)
    .addHelpText(
      'after',
      `
Spark's integer ids are the served ids unless --ids maps them back: a TSV of
kind<TAB>sparkId<TAB>rawId lines, e.g. "user<TAB>0<TAB>alice", which PySpark writes with
  ids.write.csv("ids", sep="\\t")   # ids: columns kind, sparkId, rawId
The artifact has zero biases and a linear head: an implicit model ranks by the dot product, as
Spark's recommendForAllUsers does; an explicit one predicts the dot product as the rating.
Without --ratings there are no seen lists (recommendations then include what a user already had)
and cold-start users get no popularity ranking.

Examples:
  edgerec import spark-als als_model --objective interaction --ids ids.tsv --ratings clicks.csv --out model.json
  edgerec import spark-als als_model --objective rating --ratings ml-100k/u.data --out spark.json
  edgerec evaluate --model spark.json --ratings ml-100k/u1.test`,
    )
    .action(async (dir: string, flags: SparkAlsFlags) => {
      const inputs = [join(dir, METADATA_FILE), flags.ids, flags.ratings, flags.signingKey].filter(
        (path) => path !== undefined,
      );
      await checkOutputPaths([{ label: '--out file', path: flags.out }], { inputs, force: true });
      const signingKey = flags.signingKey === undefined ? undefined : await readSigningKey(flags.signingKey);
      const progress = createTrainingProgress({ maxEpochs: 1, quiet: flags.quiet });
      let imported: Awaited<ReturnType<typeof importSparkAls>>;
      try {
        imported = await importSparkAls({
          dir,
          ...definedFlags(flags),
          format: flags.format,
          skipLongIds: flags.skipLongIds,
          tableEncoding: flags.tableEncoding,
          hooks: {
            onInfo: (line) => progress.info(line),
            onReadProgress: (file, bytes, total) => progress.readProgress(file, bytes, total),
            onFactors: (side: FactorSide, read: number, files: number, rows: number) => {
              if (files > PROGRESS_FILES) progress.info(`${side}Factors: ${read}/${files} part files, ${rows} rows`);
            },
          },
        });
      } finally {
        progress.stop();
      }
      const { artifact, summary } = imported;
      const written = signingKey ? await signArtifact(artifact, signingKey, flags.out) : artifact;
      await writeFileAtomic(flags.out, written);
      const bytes = Buffer.byteLength(written);
      if (flags.json) {
        const out = { out: flags.out, bytes, ...(signingKey ? { signedBy: signingKey.keyId } : {}), ...summary };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      const signed = signingKey ? `, signed with key ${signingKey.keyId}` : '';
      process.stdout.write(
        `${[...summaryLines(summary), `wrote ${flags.out} (${(bytes / 1024).toFixed(0)} KiB)${signed}`].join('\n')}\n`,
      );
    });
}

/** The optional flags the pipeline takes, without the ones not given. */
function definedFlags(flags: SparkAlsFlags) {
  return {
    ...(flags.objective !== undefined ? { objective: flags.objective } : {}),
    ...(flags.ids !== undefined ? { ids: flags.ids } : {}),
    ...(flags.ratings !== undefined ? { ratings: flags.ratings } : {}),
    ...(flags.ratingMin !== undefined ? { ratingMin: flags.ratingMin } : {}),
    ...(flags.ratingMax !== undefined ? { ratingMax: flags.ratingMax } : {}),
    ...(flags.threshold !== undefined ? { threshold: flags.threshold } : {}),
  };
}

/** What the import found, in lines. */
function summaryLines(summary: SparkImportSummary): string[] {
  const { ratings } = summary;
  return [
    `imported a Spark${summary.sparkVersion ? ` ${summary.sparkVersion}` : ''} ALS model: rank ${summary.rank}, ${summary.users} users, ${summary.items} items, ` +
      `${summary.objective} objective (from ${summary.objectiveFrom === 'metadata' ? 'the metadata' : '--objective'})`,
    ratings
      ? `seen lists from ${ratings.file}: ${ratings.seenPairs} (user, item) pairs${ratings.unknown > 0 ? ` (${ratings.unknown} rows with ids the model lacks left out)` : ''}`
      : 'no seen lists (no --ratings): recommendations may include items users already had',
    `recommend threshold: ${summary.objective === 'interaction' ? 'score' : 'rating'} ≥ ${summary.recommendThreshold.toFixed(4)}`,
  ];
}
