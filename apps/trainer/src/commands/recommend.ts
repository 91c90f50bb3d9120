import { seenBy, topKItems, userQuery } from '@edgerec/core';
import { Command } from 'commander';
import { readArtifactFile } from '../io/read-artifact.js';
import { requireIndex } from './model-ids.js';
import { integerAtLeast } from '../options.js';

interface RecommendFlags {
  model: string;
  user: string;
  k: number;
  includeSeen: boolean;
  json: boolean;
}

/** `edgerec recommend`: top-K items for a user, excluding items rated in training. */
export function recommendCommand(): Command {
  return new Command('recommend')
    .description('List the top-K items for a user (items the user rated in training are excluded).')
    .requiredOption('-m, --model <file>', 'model artifact written by edgerec train')
    .requiredOption('-u, --user <id>', 'user id')
    .option('-k, --k <n>', 'how many items', integerAtLeast(1), 10)
    .option('--include-seen', 'do not exclude the user’s training items', false)
    .option('--json', 'print JSON', false)
    .addHelpText('after', '\nExample:\n  edgerec recommend --model model.json --user 196 -k 5')
    .action(async (flags: RecommendFlags) => {
      const { model } = await readArtifactFile(flags.model);
      const u = requireIndex(model.users, flags.user, 'user');
      const excludeSorted = !flags.includeSeen && model.seen ? seenBy(model.seen, u) : undefined;
      const ranked = topKItems(model, userQuery(model, u), { k: flags.k, ...(excludeSorted ? { excludeSorted } : {}) });
      const items = ranked.map((r) => ({ item: model.items.ids[r.index]!, rating: r.rating, raw: r.raw }));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ user: flags.user, k: flags.k, items })}\n`);
      } else {
        items.forEach((r, n) => process.stdout.write(`${String(n + 1).padStart(3)}. ${r.item}\t${r.rating.toFixed(3)}\n`));
      }
    });
}
