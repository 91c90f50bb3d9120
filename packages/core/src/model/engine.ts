import type { Activation } from '../activation.js';
import type { FactorTables } from './recommender-net.js';

/** Rows to train or validate on: dense indices and targets already on the model's scale. */
export interface TrainingRows {
  users: Int32Array;
  items: Int32Array;
  targets: Float32Array;
}

/** A batch of training rows (views into reused buffers). */
export interface TrainingBatch extends TrainingRows {
  size: number;
}

/** What an engine needs to know about the model. */
export interface EngineConfig {
  users: number;
  items: number;
  dim: number;
  activation: Activation;
  dropout: number;
  l2: number;
  learningRate: number;
  globalBias: number;
  initScale: number;
  seed: number;
  nonneg: boolean;
}

/** How weights are updated: the fused kernel or tfjs autodiff. Both train the same model. */
export interface TrainingEngine {
  /** 'fused' or 'autodiff'. */
  readonly name: string;
  /** Changes the learning rate for the following steps (per-epoch decay). */
  setLearningRate(rate: number): void;
  /** One optimizer step on a batch; returns the batch's summed loss (squared errors under MSE). */
  step(batch: TrainingBatch): number;
  /** Mean squared error (target units) of the current weights on rows, without dropout. */
  meanSquaredError(rows: TrainingRows): number;
  /** Copies the current weights, for restoring the best epoch. */
  snapshot(): unknown;
  restore(snapshot: unknown): void;
  /** The weights as plain tables (side structure folded in): what the artifact stores. */
  exportTables(): FactorTables;
  dispose(): void;
}
