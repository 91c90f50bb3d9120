import { BACKENDS, type BackendChoice } from '@edgerec/core/model';
import { Command, Option } from 'commander';
import { RATINGS_FORMATS } from '../data/formats.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { checkOutputPaths } from '../io/output-paths.js';
import { FlagValueError, flagOf, integerFlag, numberFlag, numericFlag, RATING_VALUE_RANGE } from '../options.js';
import { SHARED_RANGES } from '../pipeline/hyperparameter-ranges.js';
import { addSkipLongIdsOption } from './read-flags.js';
import type { ModelOptions, TrainModelOptions } from '../pipeline/train-model.js';
import {
  rankTrials,
  SEARCH_METHODS,
  tune,
  tunedConfig,
  type SearchMethod,
  type SearchSpace,
  type TrialResult,
  type TuneResult,
} from '../pipeline/tune.js';
import { UserError } from '../user-error.js';
import { stderrLog } from '../progress.js';
import { formatTable } from '../report/table.js';
import { INTERACTION_REGISTRY, type InteractionKey } from '../pipeline/interaction-hyperparameters.js';
import { OBJECTIVES, type Objective } from '@edgerec/core';
import type { InteractionRecipe } from '../pipeline/interaction-head.js';
import {
  rankInteractionTrials,
  tuneInteractions,
  tunedInteractionConfig,
  type InteractionSearchSpace,
  type InteractionTrial,
  type InteractionTuneResult,
} from '../pipeline/tune-interactions.js';
import {
  parseHyperparameter,
  type HyperparameterKey,
  type Hyperparameters,
} from '../pipeline/rating-hyperparameters.js';
import { readConfig } from './model-config.js';

/** Candidate lists searched unless given on the command line or fixed by --config. */
const DEFAULT_SPACE = {
  dim: [16, 32, 64],
  learningRate: [0.001, 0.003, 0.01],
  l2: [0.01, 0.03, 0.1],
  batchSize: [256, 1024],
} as const satisfies SearchSpace;

/** The hyperparameters with a value-list flag (`--learning-rate <list>` for learningRate) and what the list holds. */
const LIST_FLAGS = [
  ['dim', 'embedding sizes'],
  ['learningRate', 'Adam learning rates'],
  ['l2', 'L2 penalties per example'],
  ['batchSize', 'batch sizes'],
  ['dropout', 'dropout rates'],
  ['initScale', 'initial embedding scales'],
  ['activation', 'output activations'],
] as const satisfies ReadonlyArray<readonly [HyperparameterKey, string]>;

type ListKey = (typeof LIST_FLAGS)[number][0];

/** Interaction lists searched unless given or fixed by --config (iALS; the shared --dim and --l2 lists apply too). */
const DEFAULT_INTERACTION_SPACE = {
  dim: [64, 128],
  l2: [0.01, 0.02, 0.04],
  unobservedWeight: [0.1, 0.2, 0.3],
} as const satisfies InteractionSearchSpace;

/** Interaction-only hyperparameters with a value-list flag. */
const INTERACTION_LIST_FLAGS = [
  ['method', 'interaction methods (ials, bce, bpr)'],
  ['iterations', 'iALS sweeps'],
  ['unobservedWeight', 'iALS weights w0 of the unobserved pairs'],
  ['regExponent', 'iALS L2 frequency exponents ν'],
  ['confidence', 'iALS confidence maps (binary, linear, log)'],
  ['alpha', 'iALS confidence α'],
  ['negatives', 'bce/bpr negatives per positive'],
] as const satisfies ReadonlyArray<readonly [InteractionKey, string]>;

/** The rating list flags that also search an interaction model: those naming an interaction hyperparameter too. */
const SHARED_LIST_KEYS = LIST_FLAGS.map(([key]) => key).filter((key) => INTERACTION_REGISTRY.has(key));

/** Parsed flags of `edgerec tune`. */
type TuneFlags = { [K in ListKey]?: Array<Hyperparameters[K]> } & {
  ratings: string;
  out: string;
  search: SearchMethod;
  trials: number;
  seed?: number;
  epochs?: number;
  patience?: number;
  config?: string;
  validation: number;
  testFraction: number;
  backend: BackendChoice;
  format: NonNullable<TrainModelOptions['format']>;
  duplicates: NonNullable<TrainModelOptions['duplicates']>;
  json: boolean;
  quiet: boolean;
  objective: Objective;
  minRating?: number;
  weightColumn?: string;
  skipLongIds: boolean;
} & { [K in (typeof INTERACTION_LIST_FLAGS)[number][0]]?: unknown[] };

/** `edgerec tune`: search hyperparameters on a validation split and write the best as a config for `train --config`. */
export function tuneCommand(): Command {
  const command = new Command('tune')
    .description(
      'Search model hyperparameters on one seeded train/validation/test split; write the best as a config for train --config.',
    )
    .requiredOption('-r, --ratings <file>', 'ratings file (read once; any format train reads)')
    .addOption(
      new Option(
        '--search <method>',
        'random: distinct combinations drawn with --seed; grid: every combination (≤ 200)',
      )
        .choices(SEARCH_METHODS)
        .default('random'),
    )
    .addOption(
      new Option(
        '--objective <name>',
        'rating: search the rating model by validation RMSE; interaction: the interaction model by validation NDCG@10',
      )
        .choices(OBJECTIVES)
        .default('rating'),
    )
    .option('--trials <n>', 'trials of a random search (1 to 1000)', integerFlag('--trials', 1, 1000), 12)
    .option(
      '--seed <n>',
      'seed for the split, the trial draw and training (default: from --config, else 42)',
      numericFlag('--seed', SHARED_RANGES.seed),
    )
    .option('-o, --out <file>', 'where to write the best config (JSON)', 'best.json')
    .option(
      '--validation <fraction>',
      'fraction held out for early stopping and choosing',
      numberFlag('--validation', 0, 0.9, { exclusiveMin: true }),
      0.1,
    )
    .option(
      '--test-fraction <fraction>',
      'fraction held out to report the winner on (0 = none)',
      numberFlag('--test-fraction', 0, 0.9),
      0.1,
    );
  for (const [key, what] of LIST_FLAGS) {
    const defaults: readonly unknown[] | undefined = (DEFAULT_SPACE as SearchSpace)[key];
    const fallback = defaults ? defaults.join(',') : 'not searched';
    command.option(`${flagOf(key)} <list>`, `${what} to try, comma-separated (default: ${fallback})`, listOf(key));
  }
  for (const [key, what] of INTERACTION_LIST_FLAGS) {
    const defaults: readonly unknown[] | undefined = (DEFAULT_INTERACTION_SPACE as InteractionSearchSpace)[key];
    command.option(
      `${flagOf(key)} <list>`,
      `--objective interaction: ${what} to try, comma-separated (default: ${defaults ? defaults.join(',') : 'not searched'})`,
      interactionListOf(key),
    );
  }
  return addSkipLongIdsOption(command)
    .option(
      '--min-rating <x>',
      '--objective interaction on a ratings file: keep rows rated at least this',
      numericFlag('--min-rating', RATING_VALUE_RANGE),
    )
    .option('--weight-column <column>', '--objective interaction: the weight column, by header name or 1-based number')
    .option(
      '--epochs <n>',
      'maximum epochs per trial (default: from --config, else 100)',
      numericFlag('--epochs', SHARED_RANGES.epochs),
    )
    .option(
      '--patience <n>',
      'epochs without val_loss improvement before a trial stops (default: from --config, else 5)',
      numericFlag('--patience', SHARED_RANGES.patience),
    )
    .option('--config <file>', 'JSON hyperparameters (as train --config reads) for everything not searched')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'))
    .addOption(new Option('--format <format>', 'input format').choices(['auto', ...RATINGS_FORMATS]).default('auto'))
    .addOption(
      new Option('--duplicates <policy>', 'repeated (user, item) rows: keep the last, average them, or fail')
        .choices(['last', 'mean', 'error'])
        .default('last'),
    )
    .option('--json', 'print all trials and the winner as JSON on stdout', false)
    .option('-q, --quiet', 'no per-trial progress on stderr', false)
    .addHelpText(
      'after',
      `
Each trial trains on the training rows and is scored by RMSE on the validation rows, with early
stopping but no refit, so the score comes from a model that never trained on them. The test rows
play no part in choosing: only the winner is measured on them (retrained with refit when its
config has refit on), which is what train --config reports for the same file and seed.
A hyperparameter that --config sets is fixed at that value unless its list flag is given.
The best config is written as { "model": { … }, "tuned": { … } }.

With --objective interaction each trial is an interaction model trained on the training rows of
a per-user split (no refit) and scored by NDCG@10 on each user's held-out validation rows (every
held-out item relevant); defaults search dim 64,128, l2 0.01,0.02,0.04 and unobserved weight
0.1,0.2,0.3 of iALS. The config it writes has "objective": "interaction".

Examples:
  edgerec tune --ratings ml-100k/u1.base --trials 8 --out best.json
  edgerec tune --objective interaction --ratings split/train.tsv --trials 10 --out ranker.json
  edgerec train --objective interaction --ratings split/train.tsv --config ranker.json --out ranker-model.json
  edgerec train --ratings ml-100k/u1.base --config best.json --out model.json
  edgerec tune --ratings ratings.tsv --search grid --dim 32,64 --l2 0.01,0.03 --learning-rate 0.003`,
    )
    .action(async (flags: TuneFlags) => {
      const inputs = [flags.ratings, flags.config].filter((path) => path !== undefined);
      await checkOutputPaths([{ label: '--out file', path: flags.out }], { inputs, force: true });
      if (flags.objective === 'interaction') {
        await tuneInteractionCommand(flags);
        return;
      }
      const loaded = flags.config !== undefined ? await readConfig(flags.config) : undefined;
      if (loaded && loaded.objective !== 'rating') {
        throw new UserError(`${flags.config} holds interaction-model hyperparameters; add --objective interaction`);
      }
      const config: ModelOptions = loaded?.model ?? {};
      const explicit: ModelOptions = {
        ...(flags.epochs !== undefined ? { epochs: flags.epochs } : {}),
        ...(flags.patience !== undefined ? { patience: flags.patience } : {}),
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      };
      const space = searchSpace(flags, config);
      const base: ModelOptions = { ...config, ...explicit };
      for (const key of Object.keys(space) as HyperparameterKey[]) delete base[key];

      const log = stderrLog(flags.quiet);
      const controller = new AbortController();
      const onSigint = () => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write('\ninterrupted: stopping after this batch (Ctrl-C again to quit now)\n');
        controller.abort(
          Object.assign(new Error('tuning cancelled by Ctrl-C; nothing was written'), { name: 'AbortError' }),
        );
      };
      process.on('SIGINT', onSigint);
      let result: TuneResult;
      try {
        result = await tune(flags.ratings, {
          space,
          search: flags.search,
          trials: flags.trials,
          base,
          validationFraction: flags.validation,
          testFraction: flags.testFraction,
          backend: flags.backend,
          format: flags.format,
          duplicates: flags.duplicates,
          skipLongIds: flags.skipLongIds,
          hooks: {
            signal: controller.signal,
            onInfo: log,
            onTrialStart: (trial, trials, params) => log(`trial ${trial}/${trials}: ${describeParams(params)}`),
            onTrialEnd: (r, trials) => log(`trial ${r.trial}/${trials}: ${describeOutcome(r)}`),
          },
        });
      } finally {
        process.off('SIGINT', onSigint);
      }
      await writeFileAtomic(flags.out, `${JSON.stringify(tunedConfig(result), null, 2)}\n`);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ out: flags.out, ...result }, null, 2)}\n`);
      } else {
        process.stdout.write(
          `${formatTuneResult(result)}\nwrote ${flags.out} (use it with: edgerec train --config ${flags.out} …)\n`,
        );
      }
    });
}

/** The ranked trial table and the winner's lines, as printed by `edgerec tune`. */
export function formatTuneResult(result: TuneResult): string {
  const keys = result.varied;
  const rows = rankTrials(result.trials).map((t) => [
    t.trial === result.best.trial ? `${t.trial} *` : String(t.trial),
    ...keys.map((key) => String(t.params[key])),
    t.diverged ? '-' : String(t.epochs),
    t.diverged ? '-' : t.seconds.toFixed(1),
    t.diverged ? 'diverged' : t.valRmse.toFixed(4),
  ]);
  const table = formatTable(['trial', ...keys, 'epochs', 'seconds', 'val RMSE'], rows);
  const refit = result.best.model.refit;
  const lines = [
    table,
    `* lowest validation RMSE (${result.rows.validation} ratings; measured before any refit)`,
    `best: trial ${result.best.trial} (${describeParams(result.best.params)}), val RMSE ${result.best.valRmse.toFixed(4)}`,
  ];
  if (result.test) {
    const how = refit ? ', after refit on training + validation rows' : '';
    const cold = result.test.coldStart > 0 ? `, ${result.test.coldStart} with unseen ids` : '';
    lines.push(
      `test RMSE ${result.test.rmse.toFixed(4)}  MAE ${result.test.mae.toFixed(4)}  (${result.test.count} ratings${cold}${how})`,
    );
  } else {
    lines.push('no test rows (--test-fraction 0): no test RMSE');
  }
  return lines.join('\n');
}

/** Search lists: flags given on the command line, else those --config does not fix, from the defaults. */
function searchSpace(flags: TuneFlags, config: ModelOptions): SearchSpace {
  const space: Record<string, readonly unknown[]> = {};
  for (const [key] of LIST_FLAGS) {
    const given: readonly unknown[] | undefined = flags[key];
    const fallback: readonly unknown[] | undefined = (DEFAULT_SPACE as SearchSpace)[key];
    if (given !== undefined) space[key] = given;
    else if (config[key] === undefined && fallback !== undefined) space[key] = fallback;
  }
  return space as SearchSpace;
}

/** A commander argParser for a comma-separated list of values of hyperparameter `key`. */
function listOf<K extends HyperparameterKey>(key: K): (value: string) => Array<Hyperparameters[K]> {
  return (value) =>
    value.split(',').map((word) => {
      try {
        return parseHyperparameter(key, word);
      } catch (error) {
        throw new FlagValueError(
          `${flagOf(key)}: ${(error as Error).message} (in "${value}"; expected a comma-separated list, e.g. ${example(key)})`,
        );
      }
    });
}

function example(key: HyperparameterKey): string {
  const defaults: readonly unknown[] | undefined = (DEFAULT_SPACE as SearchSpace)[key];
  if (defaults) return defaults.join(',');
  return key === 'activation' ? 'tanh,linear' : key === 'initScale' ? '0.01,0.05' : '0,0.05';
}

function describeParams(params: ModelOptions): string {
  const entries = Object.entries(params);
  return entries.length > 0 ? entries.map(([key, value]) => `${key} ${String(value)}`).join(', ') : 'defaults';
}

function describeOutcome(r: TrialResult): string {
  if (r.diverged) return `diverged (${r.diverged})`;
  return `val RMSE ${r.valRmse.toFixed(4)} (${r.epochs} epochs, best ${r.bestEpoch}, ${r.seconds.toFixed(1)}s)`;
}

/** `tune --objective interaction`: the search, the config file, and the printed table. */
async function tuneInteractionCommand(flags: TuneFlags): Promise<void> {
  const loaded = flags.config !== undefined ? await readConfig(flags.config) : undefined;
  if (loaded && loaded.objective !== 'interaction') {
    throw new UserError(
      `${flags.config} holds rating-model hyperparameters; it cannot configure an interaction search`,
    );
  }
  const config: Partial<InteractionRecipe> = loaded?.model ?? {};
  const space: Record<string, readonly unknown[]> = {};
  const lists = flags as unknown as Record<string, unknown[] | undefined>;
  for (const key of [...SHARED_LIST_KEYS, ...INTERACTION_LIST_FLAGS.map(([k]) => k)]) {
    const given = lists[key];
    const fallback: readonly unknown[] | undefined = (DEFAULT_INTERACTION_SPACE as Record<string, readonly unknown[]>)[
      key
    ];
    if (given !== undefined) space[key] = given;
    else if (config[key as InteractionKey] === undefined && fallback !== undefined) space[key] = fallback;
  }
  const base: Partial<InteractionRecipe> = {
    ...config,
    ...(flags.epochs !== undefined ? { epochs: flags.epochs } : {}),
    ...(flags.patience !== undefined ? { patience: flags.patience } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
  };
  for (const key of Object.keys(space)) delete base[key as InteractionKey];
  const log = stderrLog(flags.quiet);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\ninterrupted: stopping after this trial step (Ctrl-C again to quit now)\n');
    controller.abort(
      Object.assign(new Error('tuning cancelled by Ctrl-C; nothing was written'), { name: 'AbortError' }),
    );
  };
  process.on('SIGINT', onSigint);
  let result: InteractionTuneResult;
  try {
    result = await tuneInteractions(flags.ratings, {
      space: space as InteractionSearchSpace,
      search: flags.search,
      trials: flags.trials,
      base,
      validationFraction: flags.validation,
      testFraction: flags.testFraction,
      format: flags.format,
      ...(flags.minRating !== undefined ? { minRating: flags.minRating } : {}),
      ...(flags.weightColumn !== undefined ? { weightColumn: flags.weightColumn } : {}),
      skipLongIds: flags.skipLongIds,
      backend: flags.backend,
      hooks: {
        signal: controller.signal,
        onInfo: log,
        onTrialStart: (trial, trials, params) =>
          log(`trial ${trial}/${trials}: ${describeParams(params as ModelOptions)}`),
        onTrialEnd: (r, trials) =>
          log(
            `trial ${r.trial}/${trials}: val NDCG@10 ${r.valNdcg.toFixed(4)} (${r.epochs} sweeps/epochs, best ${r.bestEpoch}, ${r.seconds.toFixed(1)}s)`,
          ),
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  await writeFileAtomic(flags.out, `${JSON.stringify(tunedInteractionConfig(result), null, 2)}\n`);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ out: flags.out, ...result }, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `${formatInteractionTuneResult(result)}\nwrote ${flags.out} (use it with: edgerec train --objective interaction --config ${flags.out} …)\n`,
  );
}

/** The ranked trial table and the winner, as `tune --objective interaction` prints them. */
export function formatInteractionTuneResult(result: InteractionTuneResult): string {
  const keys = result.varied;
  const rows = rankInteractionTrials(result.trials).map((t: InteractionTrial) => [
    t.trial === result.best.trial ? `${t.trial} *` : String(t.trial),
    ...keys.map((key) => String(t.params[key])),
    String(t.epochs),
    t.seconds.toFixed(1),
    t.valNdcg.toFixed(4),
    t.valPrecision.toFixed(4),
  ]);
  const lines = [
    formatTable(['trial', ...keys, 'sweeps', 'seconds', 'val NDCG@10', 'val P@10'], rows),
    `* highest validation NDCG@10 (${result.rows.validation} held-out interactions; measured before any refit)`,
    `best: trial ${result.best.trial} (${describeParams(result.best.params as ModelOptions)}), val NDCG@10 ${result.best.valNdcg.toFixed(4)}`,
  ];
  if (result.test) {
    lines.push(
      `test NDCG@10 ${result.test.model.ndcg.toFixed(4)}  P@10 ${result.test.model.precision.toFixed(4)}  ` +
        `(popularity ${result.test.popularity.ndcg.toFixed(4)} / ${result.test.popularity.precision.toFixed(4)}; ${result.test.model.users} users)`,
    );
  } else {
    lines.push('no test rows (--test-fraction 0): no test figures');
  }
  return lines.join('\n');
}

/** A commander argParser for a comma-separated list of values of interaction hyperparameter `key`. */
function interactionListOf(key: InteractionKey): (value: string) => unknown[] {
  return (value) =>
    value.split(',').map((word) => {
      try {
        return INTERACTION_REGISTRY.parse(key, word);
      } catch (error) {
        throw new FlagValueError(
          `${flagOf(key)}: ${(error as Error).message} (in "${value}"; expected a comma-separated list)`,
        );
      }
    });
}
