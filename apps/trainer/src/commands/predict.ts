import { activate, logit, objectiveOf, predict } from '@edgerec/core';
import { Command } from 'commander';
import { readArtifactFile } from '../io/read-artifact.js';
import { requireIndex } from './model-ids.js';
import { numericFlag, RATING_VALUE_RANGE } from '../options.js';

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
    .description(
      'Predict the rating a user would give an item (rating models) or score the pair (interaction models), with the scorer the edge Worker uses.',
    )
    .requiredOption('-m, --model <file>', 'model artifact written by edgerec train')
    .requiredOption('-u, --user <id>', 'user id as it appears in the ratings file')
    .requiredOption('-i, --item <id>', 'item id as it appears in the ratings file')
    .option(
      '--threshold <value>',
      'override the artifact’s recommend threshold (a rating, or a score for interaction models)',
      numericFlag('--threshold', RATING_VALUE_RANGE),
    )
    .option('--json', 'print JSON', false)
    .addHelpText('after', '\nExample:\n  edgerec predict --model model.json --user 196 --item 242')
    .action(async (flags: PredictFlags) => {
      const { model } = await readArtifactFile(flags.model);
      const u = requireIndex(model.users, flags.user, 'user');
      const i = requireIndex(model.items, flags.item, 'item');
      const threshold = flags.threshold ?? model.recommendThreshold;
      if (objectiveOf(model) === 'interaction') {
        const score = activate(model.activation, logit(model, u, i));
        const result = {
          user: flags.user,
          item: flags.item,
          score,
          ...(model.activation === 'sigmoid' ? { probability: score } : {}),
          recommend: score >= threshold,
          threshold,
        };
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(result)}\n`
            : `user ${flags.user} item ${flags.item}: score ${score.toFixed(6)}${model.activation === 'sigmoid' ? ' (probability)' : ''} ` +
                `-> ${result.recommend ? 'recommend' : 'do not recommend'} (threshold ${threshold})\n`,
        );
        return;
      }
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
