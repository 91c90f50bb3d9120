import { OBJECTIVES, type Objective } from '@edgerec/core';
import { Option, type Command } from 'commander';
import { numericFlag, RATING_VALUE_RANGE } from '../options.js';
import {
  DEFAULT_INTERACTION_RECIPE,
  INTERACTION_METHODS,
  type InteractionMethod,
  type InteractionRecipe,
} from '../pipeline/interaction-head.js';
import { SHARED_RANGES } from '../pipeline/hyperparameter-ranges.js';
import {
  INTERACTION_FLAG_KEYS,
  INTERACTION_KEYS,
  interactionEntry,
  type InteractionFlagKey,
} from '../pipeline/interaction-hyperparameters.js';
import { helpOf, valueOption } from './hyperparameter-option.js';
import { givenExplicitly } from './model-config.js';

/** Parsed interaction flags (present on train, cv and tune). */
export type InteractionFlags = { [K in InteractionFlagKey]?: InteractionRecipe[K] } & {
  objective: Objective;
  minRating?: number;
  weightColumn?: string;
  rankingHead: InteractionMethod | 'none';
  rankingDim?: number;
};

/** Adds --objective and one flag per interaction-only registry row; their defaults are {@link DEFAULT_INTERACTION_RECIPE}'s. */
export function addInteractionOptions(command: Command): Command {
  command.addOption(
    new Option(
      '--objective <name>',
      'rating: predict ratings (and rank with a separate interaction head); interaction: implicit feedback, trained for top-K',
    )
      .choices(OBJECTIVES)
      .default('rating'),
  );
  for (const key of INTERACTION_FLAG_KEYS) {
    const entry = interactionEntry(key);
    command.addOption(valueOption(key, entry, helpOf(entry, DEFAULT_INTERACTION_RECIPE[key])));
  }
  return command
    .option(
      '--min-rating <x>',
      'interactions from a ratings file: keep rows rated at least this',
      numericFlag('--min-rating', RATING_VALUE_RANGE),
    )
    .option('--weight-column <column>', 'interactions: the weight column, by header name or 1-based number')
    .addOption(
      new Option(
        '--ranking-head <method>',
        'rating objective: the interaction head /recommendations ranks with (none: rank by predicted rating)',
      )
        .choices([...INTERACTION_METHODS, 'none'])
        .default('ials'),
    )
    .option(
      '--ranking-dim <n>',
      `rating objective: the ranking head's embedding size (default ${DEFAULT_INTERACTION_RECIPE.dim})`,
      numericFlag('--ranking-dim', SHARED_RANGES.dim),
    );
}

/**
 * The interaction recipe the flags ask for: the interaction-only flags, plus the ones shared with
 * the rating model (--dim, --seed, --no-refit, …) when given explicitly or by --config. Unset
 * fields take the method's defaults.
 */
export function interactionRecipeFrom(
  command: Command,
  flags: InteractionFlags & Record<string, unknown>,
): Partial<InteractionRecipe> {
  const recipe: Record<string, unknown> = {};
  for (const key of INTERACTION_KEYS) {
    const shared = interactionEntry(key).sharedWithRating !== undefined;
    const set = shared ? givenExplicitly(command, key) || command.getOptionValueSource(key) === 'config' : true;
    if (set && flags[key] !== undefined) recipe[key] = flags[key];
  }
  return recipe as Partial<InteractionRecipe>;
}

/** The ranking head's recipe for a rating model (false for --ranking-head none): the rating flags it does not inherit are left out. */
export function rankingHeadRecipeFrom(
  command: Command,
  flags: InteractionFlags & Record<string, unknown>,
): Partial<InteractionRecipe> | false {
  if (flags.rankingHead === 'none') return false;
  const recipe = interactionRecipeFrom(command, flags);
  for (const key of INTERACTION_KEYS) if (interactionEntry(key).sharedWithRating?.head === false) delete recipe[key];
  return { ...recipe, method: flags.rankingHead, ...(flags.rankingDim !== undefined ? { dim: flags.rankingDim } : {}) };
}
