import { BACKENDS, type BackendChoice } from '@edgerec/core/model';
import { Option, type Command } from 'commander';
import { flagOf } from '../options.js';
import {
  defaultOf,
  HYPERPARAMETER_KEYS,
  hyperparameterEntry,
  type HyperparameterKey,
  type Hyperparameters,
  type ModelOptions,
} from '../pipeline/rating-hyperparameters.js';
import { helpOf, valueOption } from './hyperparameter-option.js';
import { applyModelConfig } from './model-config.js';

/** Parsed model flags: the hyperparameters by their TrainOptions names, and the backend. */
export interface ModelFlags extends Hyperparameters {
  backend: BackendChoice;
}

/** Adds one flag per registry entry (--dim … --engine) and --backend to a command, defaults from DEFAULT_RECIPE. */
export function addModelOptions(command: Command): Command {
  for (const key of HYPERPARAMETER_KEYS) command.addOption(hyperparameterOption(key));
  return (
    command
      .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'))
      // --config: hyperparameters from a JSON file (as `edgerec tune` writes); flags given on the command line win.
      .option(
        '--config <file>',
        'JSON file of hyperparameters by TrainOptions name, or { "model": {…} } from tune; flags given here win',
      )
      .hook('preAction', applyModelConfig)
  );
}

/** The commander option of hyperparameter `key`: `--x <v>` with its parser or choices, or `--x` / `--no-x` for a boolean. */
export function hyperparameterOption(key: HyperparameterKey): Option {
  const entry = hyperparameterEntry(key);
  const fallback = defaultOf(key);
  const description = helpOf(entry, fallback);
  if (entry.spec.kind === 'boolean') {
    // A boolean whose default is true is switched off: commander gives `--no-x` the default true itself.
    return fallback === true
      ? new Option(`--no-${flagOf(key).slice(2)}`, description)
      : new Option(flagOf(key), description).default(fallback);
  }
  return valueOption(key, entry, description).default(fallback);
}

/** The ModelOptions that parsed model flags ask for. */
export function modelOptionsFrom(flags: ModelFlags): ModelOptions {
  return Object.fromEntries(HYPERPARAMETER_KEYS.map((key) => [key, flags[key]])) as ModelOptions;
}
