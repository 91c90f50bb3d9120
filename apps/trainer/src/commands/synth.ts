import { Command } from 'commander';
import { generateSynthetic } from '../data/synth.js';
import { writeRatingsFile } from '../data/write-ratings.js';
import { integerAtLeast, numberBetween } from '../options.js';

interface SynthFlags {
  out: string;
  users: number;
  items: number;
  ratings: number;
  rank: number;
  noise: number;
  popularity: number;
  seed: number;
  format: 'tsv' | 'csv';
  quiet: boolean;
}

/** `edgerec synth`: write a synthetic ratings file with planted low-rank structure. */
export function synthCommand(): Command {
  return new Command('synth')
    .description('Generate synthetic 1–5 ratings from planted low-rank factors plus noise (known ground truth).')
    .option('-o, --out <file>', 'where to write the ratings (header user,item,rating)', 'ratings.tsv')
    .option('--users <n>', 'number of users', integerAtLeast(1), 1000)
    .option('--items <n>', 'number of items', integerAtLeast(1), 500)
    .option('--ratings <n>', 'number of ratings', integerAtLeast(1), 50_000)
    .option('--rank <n>', 'rank of the planted factors', integerAtLeast(1), 8)
    .option('--noise <std>', 'std of the Gaussian noise added before rounding (rating units)', numberBetween(0, 10), 0.5)
    .option('--popularity <exponent>', 'Zipf exponent of item popularity (0 = uniform)', numberBetween(0, 5), 1)
    .option('--seed <n>', 'random seed', integerAtLeast(0), 42)
    .option('--format <format>', 'tsv or csv', (v) => {
      if (v !== 'tsv' && v !== 'csv') throw new Error('must be tsv or csv');
      return v;
    }, 'tsv')
    .option('-q, --quiet', 'print nothing but errors', false)
    .addHelpText('after', '\nExample:\n  edgerec synth --users 1000 --items 500 --ratings 50000 --seed 7 --out ratings.tsv')
    .action(async (flags: SynthFlags) => {
      const { table, truth } = generateSynthetic({
        users: flags.users,
        items: flags.items,
        ratings: flags.ratings,
        rank: flags.rank,
        noise: flags.noise,
        popularity: flags.popularity,
        seed: flags.seed,
      });
      await writeRatingsFile(flags.out, table, { format: flags.format });
      if (!flags.quiet) {
        process.stdout.write(
          `wrote ${flags.out}: ${table.ratings.length} ratings, ${table.userIds.length} users, ${table.itemIds.length} items\n` +
            `planted rank ${truth.rank}; noise-floor RMSE ${truth.noiseFloorRmse.toFixed(4)}, ` +
            `global-mean RMSE ${truth.globalMeanRmse.toFixed(4)}\n`,
        );
      }
    });
}
