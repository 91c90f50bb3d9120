import { K_MAX, K_MIN, objectiveOf, predict, rankingHead, seenBy, topKItems, userQuery } from '@edgerec/core';
import { Command } from 'commander';
import { readArtifactFile } from '../io/read-artifact.js';
import { requireIndex } from './model-ids.js';
import { integerFlag } from '../options.js';

interface RecommendFlags {
  model: string;
  user: string;
  k: number;
  includeSeen: boolean;
  json: boolean;
}

/** One recommended item, shaped like the Worker's answer for the same model. */
type Recommended =
  | { item: string; score: number; probability?: number }
  | { item: string; score: number; rating: number; raw: number }
  | { item: string; rating: number; raw: number };

/** `edgerec recommend`: top-K items for a user, excluding items rated in training. */
export function recommendCommand(): Command {
  return new Command('recommend')
    .description(
      'List the top-K items for a user (items the user had in training are excluded), ranked as the Worker ranks them: ' +
        'by the interaction head when the model has one.',
    )
    .requiredOption('-m, --model <file>', 'model artifact written by edgerec train')
    .requiredOption('-u, --user <id>', 'user id')
    .option(
      '-k, --k <n>',
      `how many items (${K_MIN} to ${K_MAX}, as the Worker serves)`,
      integerFlag('--k', K_MIN, K_MAX),
      10,
    )
    .option('--include-seen', 'do not exclude the user’s training items', false)
    .option('--json', 'print JSON', false)
    .addHelpText(
      'after',
      `
An interaction model answers a score per item (for a sigmoid head also the probability), never a
rating. A rating model with an interaction head ranks by the head's score and shows the predicted
rating next to it; a rating model without one ranks by predicted rating.

Example:
  edgerec recommend --model model.json --user 196 -k 5`,
    )
    .action(async (flags: RecommendFlags) => {
      const { model } = await readArtifactFile(flags.model);
      const u = requireIndex(model.users, flags.user, 'user');
      const excludeSorted = !flags.includeSeen && model.seen ? seenBy(model.seen, u) : undefined;
      const head = rankingHead(model);
      const ranked = topKItems(head, userQuery(head, u), { k: flags.k, ...(excludeSorted ? { excludeSorted } : {}) });
      const items: Recommended[] = ranked.map((r) => {
        const item = model.items.ids[r.index]!;
        if (objectiveOf(model) === 'interaction')
          return { item, score: r.raw, ...(model.activation === 'sigmoid' ? { probability: r.raw } : {}) };
        if (head !== model) {
          const { rating, raw } = predict(model, u, r.index);
          return { item, score: r.raw, rating, raw };
        }
        return { item, rating: r.rating, raw: r.raw };
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ user: flags.user, k: flags.k, items })}\n`);
        return;
      }
      items.forEach((r, n) => {
        const figures =
          'rating' in r
            ? 'score' in r
              ? `score ${r.score.toFixed(4)}  rating ${r.rating.toFixed(3)}`
              : r.rating.toFixed(3)
            : `score ${r.score.toFixed(4)}`;
        process.stdout.write(`${String(n + 1).padStart(3)}. ${r.item}\t${figures}\n`);
      });
    });
}
