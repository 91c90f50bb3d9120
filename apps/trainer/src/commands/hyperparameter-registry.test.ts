import { DEFAULT_RECIPE } from '@edgerec/core/model';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateInteractions } from '../data/synth-interactions.js';
import { generateSynthetic } from '../data/synth.js';
import { writeRatingsFile } from '../data/write-ratings.js';
import { flagOf } from '../options.js';
import { DEFAULT_INTERACTION_RECIPE } from '../pipeline/interaction-head.js';
import {
  INTERACTION_FLAG_KEYS,
  INTERACTION_KEYS,
  INTERACTION_REGISTRY,
  interactionEntry,
} from '../pipeline/interaction-hyperparameters.js';
import { HYPERPARAMETER_KEYS, RATING_REGISTRY } from '../pipeline/rating-hyperparameters.js';
import { trainInteractionModel } from '../pipeline/train-interactions.js';
import { trainModel } from '../pipeline/train-model.js';
import { PLANTED, writeInteractions } from '../test-utils/interaction-fixtures.js';
import { runCommand } from '../test-utils/run-command.js';
import { useTempDirs } from '../test-utils/temp-files.js';
import { validateInteractionConfig } from './interaction-config.js';
import { validateModelConfig } from './model-config.js';
import { trainCommand } from './train.js';

/** The long flags of `edgerec train`, by attribute name. */
function trainFlags(): Map<string, string> {
  return new Map(trainCommand().options.map((o) => [o.attributeName(), o.long!]));
}

/** Names `train` has beside the hyperparameters: data, the rating scale (the data decide it), output, reporting, the objective. */
const NOT_HYPERPARAMETERS = new Set([
  'ratings',
  'test',
  'out',
  'events',
  'validation',
  'testFraction',
  'threshold',
  'format',
  'duplicates',
  'userFeatures',
  'itemFeatures',
  'tableEncoding',
  'seen',
  'json',
  'quiet',
  'plot',
  'signingKey',
  'signingKeyId',
  'skipLongIds',
  'backend',
  'ratingMin',
  'ratingMax',
  'config',
  'objective',
  'minRating',
  'weightColumn',
  'rankingHead',
  'rankingDim',
]);

/** The artifact's `training.hyperparameters` keys that describe the run, not the recipe. */
// `engine` is a registry row: the record keeps its place and stores the engine that ran.
const RATING_RUN_KEYS = [
  'refitEpochs',
  'validationFraction',
  'testFraction',
  'trainRows',
  'validationRows',
  'testFile',
  'userFeatures',
  'itemFeatures',
  'duplicates',
];
const INTERACTION_RUN_KEYS = ['refitEpochs', 'validationFraction', 'testFraction', 'testFile', 'source', 'minRating'];
const HEAD_RUN_KEYS = ['bestEpoch', 'refitEpochs', 'engine'];

/** The names a registry records in an artifact, after its renames. */
const recordedNames = (registry: typeof RATING_REGISTRY | typeof INTERACTION_REGISTRY) =>
  registry.keys.flatMap((key) => {
    const name = (registry.entries as Record<string, { recordAs?: string | null }>)[key]!.recordAs;
    return name === null ? [] : [name ?? key];
  });

describe('the hyperparameter registries are the one source of flags, config keys and artifact records', () => {
  const tempDir = useTempDirs();

  it('train has a flag for every registry row and no other hyperparameter flag', () => {
    const flags = trainFlags();
    for (const key of HYPERPARAMETER_KEYS)
      expect(flags.get(key), key).toMatch(new RegExp(`^--(no-)?${flagOf(key).slice(2)}$`));
    // An interaction row either has its own flag or shares the rating model's.
    for (const key of INTERACTION_KEYS) expect(flags.has(key), key).toBe(true);
    const fromRegistries = new Set<string>([...HYPERPARAMETER_KEYS, ...INTERACTION_KEYS]);
    const others = [...flags.keys()].filter((name) => !fromRegistries.has(name));
    expect(others.filter((name) => !NOT_HYPERPARAMETERS.has(name))).toEqual([]);
    // Each interaction-only flag's help prints the recipe's default.
    const help = trainCommand().helpInformation({ error: false }).replace(/\s+/g, ' ');
    for (const key of INTERACTION_FLAG_KEYS) {
      const description = interactionEntry(key).description as (d: string) => string;
      expect(help, key).toContain(description(String(DEFAULT_INTERACTION_RECIPE[key])));
    }
  });

  it('train --objective interaction refuses every rating row the interaction registry lacks, by its flag', async () => {
    const ratingOnly = HYPERPARAMETER_KEYS.filter((key) => !INTERACTION_REGISTRY.has(key));
    expect(ratingOnly).toEqual(expect.arrayContaining(['activation', 'restoreBest', 'engine']));
    const run = runCommand(trainCommand(), [
      '--objective',
      'interaction',
      '--ratings',
      'x.tsv',
      '--out',
      'm.json',
      '--no-restore-best',
    ]);
    await expect(run).rejects.toThrow(
      '--no-restore-best applies to rating models only, not with --objective interaction',
    );
  });

  it('config files accept exactly the registry rows', () => {
    expect(validateModelConfig(DEFAULT_RECIPE, 'c.json')).toEqual(DEFAULT_RECIPE);
    expect(() => validateModelConfig({ iterations: 3 }, 'c.json')).toThrow(/unknown hyperparameter "iterations"/);
    const interaction = { objective: 'interaction', model: DEFAULT_INTERACTION_RECIPE };
    expect(validateInteractionConfig(interaction, 'c.json')).toEqual(DEFAULT_INTERACTION_RECIPE);
    expect(() => validateInteractionConfig({ objective: 'interaction', model: { dropout: 0 } }, 'c.json')).toThrow(
      `allowed: ${INTERACTION_KEYS.join(', ')}`,
    );
  });

  it('a rating artifact records every rating row and its ranking head every interaction row, and nothing else', async () => {
    const { table } = generateSynthetic({ users: 40, items: 30, ratings: 800, seed: 2 });
    const file = join(await tempDir(), 'ratings.tsv');
    await writeRatingsFile(file, table);
    const { artifact } = await trainModel({
      ratings: file,
      model: { dim: 4, epochs: 2, implicit: false },
      ranking: { dim: 4, iterations: 2, threads: 1 },
      backend: 'cpu',
    });
    const json = JSON.parse(artifact);
    expect(Object.keys(json.training.hyperparameters)).toEqual([...recordedNames(RATING_REGISTRY), ...RATING_RUN_KEYS]);
    expect(Object.keys(json.ranking.training.hyperparameters)).toEqual([...INTERACTION_KEYS, ...HEAD_RUN_KEYS]);
  }, 60_000);

  it('an interaction artifact records every interaction row, and nothing else', async () => {
    const file = await writeInteractions(
      join(await tempDir(), 'clicks.tsv'),
      generateInteractions({ ...PLANTED, users: 60, items: 40, interactions: 900 }),
    );
    const { artifact } = await trainInteractionModel({
      interactions: file,
      recipe: { dim: 4, iterations: 2, threads: 1 },
    });
    const json = JSON.parse(artifact);
    expect(Object.keys(json.training.hyperparameters)).toEqual([
      ...recordedNames(INTERACTION_REGISTRY),
      ...INTERACTION_RUN_KEYS,
    ]);
  }, 60_000);
});
