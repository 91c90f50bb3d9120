import type { Activation } from '../activation.js';
import type { EpochRecord } from '../artifact/schema.js';
import { mulberry32, shuffleInPlace } from '../random.js';
import {
  createRecommenderNet,
  disposeNet,
  exportTables,
  forwardPass,
  importTables,
  netVariables,
  type FactorTables,
  type RecommenderNet,
} from './recommender-net.js';
import type { Tf } from './tf.js';

/** Rows to train or validate on: dense indices and targets already on the model's scale. */
export interface TrainingRows {
  users: Int32Array;
  items: Int32Array;
  targets: Float32Array;
}

/** Hyperparameters of {@link trainRecommender}; defaults are the seed's recipe. */
export interface TrainOptions {
  dim: number;
  activation: Activation;
  dropout: number;
  learningRate: number;
  batchSize: number;
  /** Upper bound on epochs; early stopping usually ends sooner. */
  epochs: number;
  /** Epochs without a val_loss improvement of at least minDelta before stopping. */
  patience: number;
  minDelta: number;
  /** Put back the weights of the best validation epoch at the end (Keras restore_best_weights). */
  restoreBest: boolean;
  /** L2 penalty per example on the looked-up embedding rows and biases (0 = none, as the seed). */
  l2: number;
  globalBias: number;
  initScale: number;
  seed: number;
  /** Rating units per target unit, to report RMSE on the rating scale. */
  ratingUnitsPerTarget: number;
}

/** Defaults: the seed's RecommenderNet recipe. */
export const SEED_RECIPE: Omit<TrainOptions, 'ratingUnitsPerTarget'> = {
  dim: 32,
  activation: 'tanh',
  dropout: 0.0328,
  learningRate: 1e-3,
  batchSize: 1024,
  epochs: 100,
  patience: 5,
  minDelta: 1e-4,
  restoreBest: true,
  l2: 0,
  globalBias: 0,
  initScale: 0.05,
  seed: 42,
};

/** Progress hooks and cancellation for {@link trainRecommender}. */
export interface TrainHooks {
  onEpochStart?(epoch: number, batches: number): void;
  onBatch?(epoch: number, batch: number, batches: number): void;
  onEpoch?(record: EpochRecord): void;
  /** Aborting stops training between batches with an AbortError; nothing is returned. */
  signal?: AbortSignal;
}

/** What training produced. */
export interface TrainResult {
  tables: FactorTables;
  history: EpochRecord[];
  /** Epoch (1-based) whose weights were kept. */
  bestEpoch: number;
  stoppedEarly: boolean;
  seconds: number;
}

/** Training stopped because the loss stopped being a finite number. */
export class DivergedError extends Error {
  override readonly name = 'DivergedError';
}

/**
 * Fits a RecommenderNet with MSE + Adam, one epoch at a time over a seeded shuffle, and stops
 * early when validation loss has not improved by minDelta for `patience` epochs.
 */
export async function trainRecommender(
  tf: Tf,
  sizes: { users: number; items: number },
  train: TrainingRows,
  validation: TrainingRows,
  options: TrainOptions,
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  if (train.targets.length === 0) throw new Error('no training rows');
  if (validation.targets.length === 0) throw new Error('no validation rows (early stopping needs some)');
  const started = performance.now();
  const net = createRecommenderNet(tf, {
    users: sizes.users,
    items: sizes.items,
    dim: options.dim,
    activation: options.activation,
    dropout: options.dropout,
    globalBias: options.globalBias,
    initScale: options.initScale,
    seed: options.seed,
  });
  const optimizer = tf.train.adam(options.learningRate, 0.9, 0.999, 1e-7);
  const history: EpochRecord[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let bestTables: FactorTables | undefined;
  let wait = 0;
  let stoppedEarly = false;
  const n = train.targets.length;
  const batchSize = Math.max(1, Math.min(options.batchSize, n));
  const batches = Math.ceil(n / batchSize);
  const order = Uint32Array.from({ length: n }, (_, r) => r);
  const shuffle = mulberry32(options.seed + 1000);
  const batchUsers = new Int32Array(batchSize);
  const batchItems = new Int32Array(batchSize);
  const batchTargets = new Float32Array(batchSize);
  let step = 0;

  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const epochStart = performance.now();
      shuffleInPlace(order, shuffle);
      hooks.onEpochStart?.(epoch, batches);
      let squaredError = 0;
      for (let b = 0; b < batches; b++) {
        if (hooks.signal?.aborted) throw abortError(hooks.signal);
        const from = b * batchSize;
        const size = Math.min(batchSize, n - from);
        for (let j = 0; j < size; j++) {
          const r = order[from + j]!;
          batchUsers[j] = train.users[r]!;
          batchItems[j] = train.items[r]!;
          batchTargets[j] = train.targets[r]!;
        }
        const mse = trainStep(tf, net, optimizer, batchUsers.subarray(0, size), batchItems.subarray(0, size), batchTargets.subarray(0, size), options.l2, options.seed * 1_000_003 + step++);
        squaredError += mse * size;
        hooks.onBatch?.(epoch, b + 1, batches);
        // Yield now and then so a Ctrl-C handler and progress output can run.
        if ((b & 15) === 15) await new Promise((resolve) => setImmediate(resolve));
      }
      const loss = squaredError / n;
      const valLoss = meanSquaredError(tf, net, validation);
      const record: EpochRecord = {
        epoch,
        loss,
        valLoss,
        rmse: Math.sqrt(loss) * options.ratingUnitsPerTarget,
        valRmse: Math.sqrt(valLoss) * options.ratingUnitsPerTarget,
        seconds: (performance.now() - epochStart) / 1000,
      };
      if (!Number.isFinite(loss) || !Number.isFinite(valLoss)) {
        throw new DivergedError(
          `training diverged at epoch ${epoch} (loss ${loss}, val_loss ${valLoss}); no model was written. ` +
            'Try a lower --learning-rate or a smaller --init-scale.',
        );
      }
      history.push(record);
      hooks.onEpoch?.(record);
      if (valLoss < best - options.minDelta) {
        best = valLoss;
        bestEpoch = epoch;
        wait = 0;
        if (options.restoreBest) bestTables = exportTables(net);
      } else if (++wait >= options.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (options.restoreBest && bestTables) {
      importTables(tf, net, bestTables);
    } else {
      bestEpoch = history.length;
    }
    return {
      tables: exportTables(net),
      history,
      bestEpoch,
      stoppedEarly,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    optimizer.dispose();
    disposeNet(net);
  }
}

function trainStep(
  tf: Tf,
  net: RecommenderNet,
  optimizer: import('@tensorflow/tfjs').Optimizer,
  users: Int32Array,
  items: Int32Array,
  targets: Float32Array,
  l2: number,
  dropoutSeed: number,
): number {
  return tf.tidy(() => {
    const u = tf.tensor1d(users, 'int32');
    const i = tf.tensor1d(items, 'int32');
    const y = tf.tensor1d(targets);
    let mse = Number.NaN;
    optimizer.minimize(
      () => {
        const pass = forwardPass(tf, net, u, i, true, dropoutSeed);
        const fit = tf.mean(tf.squaredDifference(pass.output, y)) as import('@tensorflow/tfjs').Scalar;
        mse = fit.dataSync()[0]!;
        if (l2 <= 0) return fit;
        const penalty = tf.mean(
          tf.addN([
            tf.sum(tf.square(pass.userVectors), 1),
            tf.sum(tf.square(pass.itemVectors), 1),
            tf.square(pass.userBiases),
            tf.square(pass.itemBiases),
          ]),
        );
        return tf.add(fit, tf.mul(penalty, l2)) as import('@tensorflow/tfjs').Scalar;
      },
      false,
      netVariables(net),
    );
    return mse;
  });
}

/** Mean squared error of the net (no dropout) on rows, in chunks to bound memory. */
function meanSquaredError(tf: Tf, net: RecommenderNet, rows: TrainingRows): number {
  const n = rows.targets.length;
  const chunk = 65536;
  let total = 0;
  for (let from = 0; from < n; from += chunk) {
    const to = Math.min(n, from + chunk);
    total += tf.tidy(() => {
      const pass = forwardPass(
        tf,
        net,
        tf.tensor1d(rows.users.subarray(from, to), 'int32'),
        tf.tensor1d(rows.items.subarray(from, to), 'int32'),
        false,
      );
      return tf.sum(tf.squaredDifference(pass.output, tf.tensor1d(rows.targets.subarray(from, to)))).dataSync()[0]!;
    });
  }
  return total / n;
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('training was cancelled');
  error.name = 'AbortError';
  return error;
}
