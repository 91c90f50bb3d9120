import { CONFIDENCE_MODES, OBJECTIVES, type Objective } from '@edgerec/core';
import { NEGATIVE_SAMPLERS } from '@edgerec/core/model';
import { Option, type Command } from 'commander';
import { numericFlag, RATING_VALUE_RANGE } from '../options.js';
import {
  DEFAULT_INTERACTION_RECIPE as D,
  INTERACTION_METHODS,
  type InteractionMethod,
  type InteractionRecipe,
} from '../pipeline/interaction-head.js';
import { SHARED_RANGES } from '../pipeline/hyperparameter-ranges.js';
import { INTERACTION_HYPERPARAMETERS as R } from '../pipeline/interaction-hyperparameters.js';
import { givenExplicitly } from './model-config.js';

/** Parsed interaction flags (present on train, cv and tune). */
export interface InteractionFlags {
  objective: Objective;
  method?: InteractionMethod;
  iterations?: number;
  unobservedWeight?: number;
  regExponent?: number;
  confidence?: InteractionRecipe['confidence'];
  alpha?: number;
  threads?: number;
  negatives?: number;
  sampler?: InteractionRecipe['sampler'];
  minRating?: number;
  weightColumn?: string;
  rankingHead: InteractionMethod | 'none';
  rankingDim?: number;
}

/** Flags shared with the rating model that an interaction model takes only when given explicitly (their defaults are the rating model's). */
const SHARED = ['dim', 'l2', 'seed', 'epochs', 'learningRate', 'batchSize', 'patience'] as const;

/** Adds --objective and the interaction-model flags; their defaults are {@link DEFAULT_INTERACTION_RECIPE}'s. */
export function addInteractionOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--objective <name>',
        'rating: predict ratings (and rank with a separate interaction head); interaction: implicit feedback, trained for top-K',
      )
        .choices(OBJECTIVES)
        .default('rating'),
    )
    .addOption(
      new Option(
        '--method <name>',
        `interaction model: iALS, or sampled negatives with BCE or BPR (default ${D.method})`,
      ).choices(INTERACTION_METHODS),
    )
    .option('--iterations <n>', `iALS sweeps (default ${D.iterations})`, numericFlag('--iterations', R.iterations))
    .option(
      '--unobserved-weight <w0>',
      `iALS weight of every unobserved pair (default ${D.unobservedWeight})`,
      numericFlag('--unobserved-weight', R.unobservedWeight),
    )
    .option(
      '--reg-exponent <nu>',
      `iALS frequency scaling of the L2: λ·(n + w0·N)^ν (default ${D.regExponent}; 0 = plain λ)`,
      numericFlag('--reg-exponent', R.regExponent),
    )
    .addOption(
      new Option(
        '--confidence <map>',
        `iALS weight → confidence: binary (1), linear (1 + α·w), log (1 + α·ln(1 + w)) (default ${D.confidence})`,
      ).choices(CONFIDENCE_MODES),
    )
    .option(
      '--alpha <x>',
      `α of the linear and log confidence maps (default ${D.alpha})`,
      numericFlag('--alpha', R.alpha),
    )
    .option('--threads <n>', `iALS worker threads (default ${D.threads} here)`, numericFlag('--threads', R.threads))
    .option(
      '--negatives <n>',
      `bce/bpr: sampled negatives per positive (default ${D.negatives})`,
      numericFlag('--negatives', R.negatives),
    )
    .addOption(
      new Option('--sampler <name>', `bce/bpr: how negatives are drawn (default ${D.sampler})`).choices(
        NEGATIVE_SAMPLERS,
      ),
    )
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
      `rating objective: the ranking head's embedding size (default ${D.dim})`,
      numericFlag('--ranking-dim', SHARED_RANGES.dim),
    );
}

/**
 * The interaction recipe the flags ask for: the interaction-only flags, plus the shared ones
 * (--dim, --l2, --seed, --epochs, --learning-rate, --batch-size, --patience, --no-refit) when given
 * explicitly or by --config. Unset fields take the method's defaults.
 */
export function interactionRecipeFrom(
  command: Command,
  flags: InteractionFlags & Record<string, unknown>,
): Partial<InteractionRecipe> {
  const recipe: Partial<InteractionRecipe> = {};
  const set = <K extends keyof InteractionRecipe>(key: K, value: InteractionRecipe[K] | undefined) => {
    if (value !== undefined) recipe[key] = value;
  };
  set('method', flags.method);
  set('iterations', flags.iterations);
  set('unobservedWeight', flags.unobservedWeight);
  set('regExponent', flags.regExponent);
  set('confidence', flags.confidence);
  set('alpha', flags.alpha);
  set('threads', flags.threads);
  set('negatives', flags.negatives);
  set('sampler', flags.sampler);
  for (const key of SHARED) {
    if (givenExplicitly(command, key) || command.getOptionValueSource(key) === 'config') set(key, flags[key] as number);
  }
  if (givenExplicitly(command, 'refit') || command.getOptionValueSource('refit') === 'config')
    set('refit', flags.refit as boolean);
  return recipe;
}

/** The ranking head's recipe for a rating model (undefined for --ranking-head none). */
export function rankingHeadRecipeFrom(
  command: Command,
  flags: InteractionFlags & Record<string, unknown>,
): Partial<InteractionRecipe> | false {
  if (flags.rankingHead === 'none') return false;
  const {
    dim: _dim,
    l2: _l2,
    epochs: _epochs,
    learningRate: _lr,
    batchSize: _batch,
    patience: _patience,
    ...rest
  } = interactionRecipeFrom(command, flags);
  return { ...rest, method: flags.rankingHead, ...(flags.rankingDim !== undefined ? { dim: flags.rankingDim } : {}) };
}
