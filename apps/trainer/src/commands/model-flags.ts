import { ACTIVATIONS } from '@edgerec/core';
import { BACKENDS, SEED_RECIPE, type BackendChoice, type TrainOptions } from '@edgerec/core/model';
import { Option, type Command } from 'commander';
import { integerAtLeast, numberBetween } from '../options.js';
import type { ModelOptions } from '../pipeline/train-model.js';

/** Parsed model flags: the hyperparameters by their TrainOptions names, and the backend. */
export interface ModelFlags extends Omit<TrainOptions, 'ratingUnitsPerTarget' | 'globalBias'> {
  backend: BackendChoice;
}

/** Adds the model hyperparameter flags (--dim … --seed) and --backend to a command, defaults from the seed recipe. */
export function addModelOptions(command: Command): Command {
  const d = SEED_RECIPE;
  return command
    .option('--dim <n>', 'embedding size', integerAtLeast(1), d.dim)
    .addOption(new Option('--activation <name>', 'output activation').choices(ACTIVATIONS).default(d.activation))
    .option('--dropout <rate>', 'dropout on the logit before the activation', numberBetween(0, 0.95), d.dropout)
    .option('--learning-rate <lr>', 'Adam learning rate', numberBetween(0, 10, { exclusiveMin: true }), d.learningRate)
    .option('--batch-size <n>', 'ratings per gradient step', integerAtLeast(1), d.batchSize)
    .option('--epochs <n>', 'maximum epochs (early stopping usually ends sooner)', integerAtLeast(1), d.epochs)
    .option('--patience <n>', 'epochs without val_loss improvement before stopping', integerAtLeast(1), d.patience)
    .option('--min-delta <x>', 'smallest val_loss decrease that counts as improvement', numberBetween(0, 1), d.minDelta)
    .option('--no-restore-best', 'keep the last epoch’s weights instead of the best validation epoch’s')
    .option('--l2 <lambda>', 'L2 penalty per example on embeddings and biases', numberBetween(0, 100), d.l2)
    .option('--init-scale <x>', 'embeddings start uniform in ±x', numberBetween(0, 10, { exclusiveMin: true }), d.initScale)
    .option('--seed <n>', 'seed for the split, initialisation, shuffling and dropout', integerAtLeast(0), d.seed)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'));
}

/** The ModelOptions that parsed model flags ask for. */
export function modelOptionsFrom(flags: ModelFlags): ModelOptions {
  return {
    dim: flags.dim,
    activation: flags.activation,
    dropout: flags.dropout,
    learningRate: flags.learningRate,
    batchSize: flags.batchSize,
    epochs: flags.epochs,
    patience: flags.patience,
    minDelta: flags.minDelta,
    restoreBest: flags.restoreBest,
    l2: flags.l2,
    initScale: flags.initScale,
    seed: flags.seed,
  };
}
