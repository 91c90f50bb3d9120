import { ACTIVATIONS } from '@edgerec/core';
import { BACKENDS, DEFAULT_RECIPE, ENGINES, type BackendChoice, type TrainOptions } from '@edgerec/core/model';
import { Option, type Command } from 'commander';
import type { ModelOptions } from '../pipeline/train-model.js';
import { applyModelConfig, HYPERPARAMETER_KEYS, hyperparameterParser } from './model-config.js';

/** Parsed model flags: the hyperparameters by their TrainOptions names, and the backend. */
export interface ModelFlags extends Omit<TrainOptions, 'ratingUnitsPerTarget'> {
  backend: BackendChoice;
}

/** Adds the model hyperparameter flags (--dim … --engine) and --backend to a command, defaults from DEFAULT_RECIPE. */
export function addModelOptions(command: Command): Command {
  const d = DEFAULT_RECIPE;
  const p = hyperparameterParser;
  return command
    .option('--dim <n>', 'embedding size', p('dim'), d.dim)
    .addOption(new Option('--activation <name>', 'output activation').choices(ACTIVATIONS).default(d.activation))
    .option('--dropout <rate>', 'dropout on the logit before the activation', p('dropout'), d.dropout)
    .option('--learning-rate <lr>', 'Adam learning rate', p('learningRate'), d.learningRate)
    .option('--learning-rate-decay <factor>', 'multiply the learning rate by this after every epoch', p('learningRateDecay'), d.learningRateDecay)
    .option('--batch-size <n>', 'ratings per gradient step', p('batchSize'), d.batchSize)
    .option('--epochs <n>', 'maximum epochs (early stopping usually ends sooner)', p('epochs'), d.epochs)
    .option('--patience <n>', 'epochs without val_loss improvement before stopping', p('patience'), d.patience)
    .option('--min-delta <x>', 'smallest val_loss decrease that counts as improvement', p('minDelta'), d.minDelta)
    .option('--no-restore-best', 'keep the last epoch’s weights instead of the best validation epoch’s')
    .option('--l2 <lambda>', 'L2 penalty per example on embeddings and biases', p('l2'), d.l2)
    .option('--init-scale <x>', 'embeddings start uniform in ±x', p('initScale'), d.initScale)
    .option('--seed <n>', 'seed for the split, initialisation, shuffling and dropout', p('seed'), d.seed)
    .option('--no-global-offset', 'do not start logits from the training mean (the seed model has no offset)')
    .option('--no-implicit', 'no SVD++ implicit feedback (users’ vectors without the items they rated)')
    .option('--nonneg', 'keep factors non-negative (NMF-style)', d.nonneg)
    .option('--no-refit', 'keep the early-stopped model instead of refitting on training + validation rows')
    .addOption(new Option('--engine <name>', 'fused kernel (fast, lazy Adam) or tfjs autodiff (dense Adam, plain model only)').choices(ENGINES).default(d.engine))
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'))
    // --config: hyperparameters from a JSON file (as `edgerec tune` writes); flags given on the command line win.
    .option('--config <file>', 'JSON file of hyperparameters by TrainOptions name, or { "model": {…} } from tune; flags given here win')
    .hook('preAction', applyModelConfig);
}

/** The ModelOptions that parsed model flags ask for. */
export function modelOptionsFrom(flags: ModelFlags): ModelOptions {
  return Object.fromEntries(HYPERPARAMETER_KEYS.map((key) => [key, flags[key]])) as ModelOptions;
}
