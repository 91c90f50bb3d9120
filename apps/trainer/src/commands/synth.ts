import { Command, Option } from 'commander';
import { generateSynthetic, SYNTH_LIMITS } from '../data/synth.js';
import { generateInteractions } from '../data/synth-interactions.js';
import { writeRatingsFile } from '../data/write-ratings.js';
import { checkOutputPaths } from '../io/output-paths.js';
import { integerFlag, numberFlag, numericFlag, SEED_RANGE } from '../options.js';

interface SynthFlags {
  out: string;
  users: number;
  items: number;
  ratings: number;
  rank: number;
  noise: number;
  popularity: number;
  selection: number;
  seed: number;
  format: 'tsv' | 'csv';
  quiet: boolean;
  json: boolean;
  interactions?: number;
  affinity: number;
  weights: boolean;
}

/** `edgerec synth`: write a synthetic ratings file with planted low-rank structure. */
export function synthCommand(): Command {
  return new Command('synth')
    .description(
      'Generate synthetic 1–5 ratings from planted low-rank factors plus noise, or (--interactions N) implicit feedback with planted taste groups (known ground truth).',
    )
    .option(
      '-o, --out <file>',
      'where to write the ratings (header user,item,rating) or interactions (user,item,weight)',
      'ratings.tsv',
    )
    .option(
      '--users <n>',
      `number of users (1 to ${SYNTH_LIMITS.users})`,
      integerFlag('--users', 1, SYNTH_LIMITS.users),
      1000,
    )
    .option(
      '--items <n>',
      `number of items (1 to ${SYNTH_LIMITS.items})`,
      integerFlag('--items', 1, SYNTH_LIMITS.items),
      500,
    )
    .option(
      '--ratings <n>',
      'number of ratings (at most --users × --items)',
      integerFlag('--ratings', 1, SYNTH_LIMITS.ratings),
      50_000,
    )
    .option(
      '--rank <n>',
      'rank of the planted factors (with --interactions: the number of taste groups)',
      integerFlag('--rank', 1, SYNTH_LIMITS.rank),
      8,
    )
    .option(
      '--interactions <n>',
      'write N implicit-feedback pairs instead of ratings: users pick items mostly from their own taste group',
      integerFlag('--interactions', 1, SYNTH_LIMITS.ratings),
    )
    .option(
      '--affinity <p>',
      'with --interactions: chance an interaction is inside the user’s group',
      numberFlag('--affinity', 0, 1),
      0.7,
    )
    .option(
      '--weights',
      'with --interactions: give each pair a count weight (heavier inside the group) instead of 1',
      false,
    )
    .option(
      '--noise <std>',
      'std of the Gaussian noise added before rounding (rating units)',
      numberFlag('--noise', 0, 10),
      0.5,
    )
    .option(
      '--popularity <exponent>',
      'Zipf exponent of item popularity (0 = uniform)',
      numberFlag('--popularity', 0, 5),
      1,
    )
    .option(
      '--selection <beta>',
      'ratings: how much users pick what they rate by taste (0 = by popularity alone)',
      numberFlag('--selection', 0, 10),
      0,
    )
    .option('--seed <n>', 'random seed', numericFlag('--seed', SEED_RANGE), 42)
    .addOption(new Option('--format <format>', 'output format').choices(['tsv', 'csv']).default('tsv'))
    .option('-q, --quiet', 'print nothing but errors', false)
    .option('--json', 'print what was written and planted as one JSON document on stdout', false)
    .addHelpText(
      'after',
      '\nExamples:\n  edgerec synth --users 1000 --items 500 --ratings 50000 --seed 7 --out ratings.tsv\n' +
        '  edgerec synth --users 1000 --items 500 --interactions 40000 --rank 10 --out clicks.tsv',
    )
    .action(async (flags: SynthFlags) => {
      await checkOutputPaths([{ label: '--out file', path: flags.out }], { inputs: [], force: true });
      if (flags.interactions !== undefined) {
        const data = generateInteractions({
          users: flags.users,
          items: flags.items,
          interactions: flags.interactions,
          clusters: flags.rank,
          affinity: flags.affinity,
          popularity: flags.popularity,
          weights: flags.weights,
          seed: flags.seed,
        });
        await writeRatingsFile(
          flags.out,
          { ...data, ratings: data.weights },
          { format: flags.format, valueName: 'weight' },
        );
        if (flags.json) {
          printJson({
            out: flags.out,
            kind: 'interactions',
            rows: data.users.length,
            users: flags.users,
            items: flags.items,
            tasteGroups: flags.rank,
            affinity: flags.affinity,
            inGroupShare: data.inGroupShare,
            seed: flags.seed,
          });
        } else if (!flags.quiet) {
          process.stdout.write(
            `wrote ${flags.out}: ${data.users.length} interactions, ${flags.users} users, ${flags.items} items\n` +
              `planted ${flags.rank} taste groups; ${(data.inGroupShare * 100).toFixed(1)}% of the pairs are inside the user's own group ` +
              `(affinity ${flags.affinity}, plus chance picks, minus repeats redrawn)\n`,
          );
        }
        return;
      }
      const { table, truth } = generateSynthetic({
        users: flags.users,
        items: flags.items,
        ratings: flags.ratings,
        rank: flags.rank,
        noise: flags.noise,
        popularity: flags.popularity,
        selection: flags.selection,
        seed: flags.seed,
      });
      await writeRatingsFile(flags.out, table, { format: flags.format });
      if (flags.json) {
        printJson({
          out: flags.out,
          kind: 'ratings',
          rows: table.ratings.length,
          users: table.userIds.length,
          items: table.itemIds.length,
          rank: truth.rank,
          noiseFloorRmse: truth.noiseFloorRmse,
          globalMeanRmse: truth.globalMeanRmse,
          seed: flags.seed,
        });
      } else if (!flags.quiet) {
        process.stdout.write(
          `wrote ${flags.out}: ${table.ratings.length} ratings, ${table.userIds.length} users, ${table.itemIds.length} items\n` +
            `planted rank ${truth.rank}; noise-floor RMSE ${truth.noiseFloorRmse.toFixed(4)}, ` +
            `global-mean RMSE ${truth.globalMeanRmse.toFixed(4)}\n`,
        );
      }
    });
}

/** Writes one JSON document to stdout. */
function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
