import { predict } from '@edgerec/core';
import { Command } from 'commander';
import { readArtifactFile } from '../io/read-artifact.js';
import { finiteNumber } from '../options.js';
import { UserError } from '../user-error.js';

interface PredictFlags {
  model: string;
  user: string;
  item: string;
  threshold?: number;
  json: boolean;
}

/** `edgerec predict`: score one (user, item) pair with a model artifact. */
export function predictCommand(): Command {
  return new Command('predict')
    .description('Predict the rating a user would give an item, with the same scorer the edge Worker uses.')
    .requiredOption('-m, --model <file>', 'model artifact written by edgerec train')
    .requiredOption('-u, --user <id>', 'user id as it appears in the ratings file')
    .requiredOption('-i, --item <id>', 'item id as it appears in the ratings file')
    .option('--threshold <rating>', 'override the artifact’s recommend threshold', finiteNumber)
    .option('--json', 'print JSON', false)
    .addHelpText('after', '\nExample:\n  edgerec predict --model model.json --user 196 --item 242')
    .action(async (flags: PredictFlags) => {
      const { model } = await readArtifactFile(flags.model);
      const u = model.users.indexOf(flags.user);
      if (u === undefined) throw new UserError(`unknown user "${flags.user}" (the model knows ${model.users.size} users)`);
      const i = model.items.indexOf(flags.item);
      if (i === undefined) throw new UserError(`unknown item "${flags.item}" (the model knows ${model.items.size} items)`);
      const threshold = flags.threshold ?? model.recommendThreshold;
      const p = predict(model, u, i, threshold);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ user: flags.user, item: flags.item, ...p, threshold })}\n`);
      } else {
        process.stdout.write(
          `user ${flags.user} item ${flags.item}: predicted rating ${p.rating.toFixed(4)} ` +
            `(raw ${p.raw.toFixed(6)}) -> ${p.recommend ? 'recommend' : 'do not recommend'} (threshold ${threshold})\n`,
        );
      }
    });
}
