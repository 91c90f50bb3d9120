import type { Activation } from '../activation.js';
import type { EpochRecord } from '../artifact/schema.js';
import { mulberry32, shuffleInPlace } from '../random.js';
import { createAutodiffEngine } from './autodiff-engine.js';
import type { EngineConfig, TrainingBatch, TrainingEngine, TrainingRows } from './engine.js';
import { createFusedEngine } from './fused/fused-engine.js';
import { fusedKernelSupports } from './fused/mf-step-kernel.js';
import { buildMemberships, type Memberships } from './fused/memberships.js';
import type { MfStructure } from './fused/mf-tables.js';
import type { FactorTables } from './recommender-net.js';
import type { Tf } from './tf.js';

export type { TrainingRows } from './engine.js';

/** Engines: 'fused' (registered kernel, lazy Adam), 'autodiff' (tfjs autodiff, dense Adam), or pick. */
export const ENGINES = ['auto', 'fused', 'autodiff'] as const;
/** One of {@link ENGINES}. */
export type EngineChoice = (typeof ENGINES)[number];

/** Hyperparameters of {@link trainRecommender}. */
export interface TrainOptions {
  dim: number;
  activation: Activation;
  dropout: number;
  learningRate: number;
  /** Multiplies the learning rate after every epoch (1 = constant). */
  learningRateDecay: number;
  batchSize: number;
  /** Upper bound on epochs; early stopping usually ends sooner. */
  epochs: number;
  /** Epochs without a val_loss improvement of at least minDelta before stopping. */
  patience: number;
  minDelta: number;
  /** Put back the weights of the best validation epoch at the end (Keras restore_best_weights). */
  restoreBest: boolean;
  /** L2 penalty per example on the looked-up rows and biases (0 = none, as the seed). */
  l2: number;
  /**
   * Start every logit from the training mean (through the inverse activation), so the factors
   * and biases learn deviations from it. The seed model has no such offset.
   */
  globalOffset: boolean;
  initScale: number;
  seed: number;
  /** Add SVD++ implicit feedback: each user's vector includes the items they rated. */
  implicit: boolean;
  /** Keep factors non-negative (NMF-style). */
  nonneg: boolean;
  /**
   * After early stopping has chosen the epoch count, train again from scratch on training plus
   * validation rows for that many epochs (the validation figures stay those of the first run).
   */
  refit: boolean;
  engine: EngineChoice;
  /** Rating units per target unit, to report RMSE on the rating scale. */
  ratingUnitsPerTarget: number;
}

/** The seed's RecommenderNet recipe, exactly (tanh, dropout 0.0328, no regularisation). */
export const SEED_RECIPE: Omit<TrainOptions, 'ratingUnitsPerTarget'> = {
  dim: 32,
  activation: 'tanh',
  dropout: 0.0328,
  learningRate: 1e-3,
  learningRateDecay: 1,
  batchSize: 1024,
  epochs: 100,
  patience: 5,
  minDelta: 1e-4,
  restoreBest: true,
  l2: 0,
  globalOffset: false,
  initScale: 0.05,
  seed: 42,
  implicit: false,
  nonneg: false,
  refit: false,
  engine: 'auto',
};

/**
 * edgerec's defaults, chosen by measurement on MovieLens 100K (see the README's benchmark table):
 * a linear head over a global-mean offset, per-example L2, SVD++ implicit feedback, lazy Adam at
 * a higher rate, no dropout, and a refit on training + validation rows after early stopping.
 */
export const DEFAULT_RECIPE: Omit<TrainOptions, 'ratingUnitsPerTarget'> = {
  ...SEED_RECIPE,
  activation: 'linear',
  dropout: 0,
  learningRate: 5e-3,
  learningRateDecay: 0.6,
  l2: 0.03,
  globalOffset: true,
  implicit: true,
  refit: true,
};

/** Side features: which feature values each user and item has (indices into feature tables). */
export interface SideFeatures {
  users?: Memberships;
  items?: Memberships;
}

/** Progress hooks and cancellation for {@link trainRecommender}. */
export interface TrainHooks {
  onEpochStart?(epoch: number, batches: number): void;
  onBatch?(epoch: number, batch: number, batches: number): void;
  onEpoch?(record: EpochRecord): void;
  /** Called once per refit epoch (no validation loss there). */
  onRefitEpoch?(epoch: number, epochs: number, loss: number, seconds: number): void;
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
  /** Epochs of the refit on training + validation rows (0 without refit). */
  refitEpochs: number;
  /**
   * With refit: the early-stopped weights, which never saw the validation rows, so validation
   * figures stay honest. Without refit: the same as `tables`.
   */
  validationTables: FactorTables;
  /** The engine that ran. */
  engine: string;
  /** The constant added to every logit (0 without globalOffset). */
  globalBias: number;
  seconds: number;
}

/** Training stopped because the loss stopped being a finite number. */
export class DivergedError extends Error {
  override readonly name = 'DivergedError';
}

/**
 * Fits the model with MSE + Adam over seeded shuffles, stopping early when validation loss has
 * not improved by minDelta for `patience` epochs, optionally refitting on all rows.
 */
export async function trainRecommender(
  tf: Tf,
  sizes: { users: number; items: number },
  train: TrainingRows,
  validation: TrainingRows,
  options: TrainOptions,
  hooks: TrainHooks = {},
  side: SideFeatures = {},
): Promise<TrainResult> {
  if (train.targets.length === 0) throw new Error('no training rows');
  if (validation.targets.length === 0) throw new Error('no validation rows (early stopping needs some)');
  const started = performance.now();
  const engineName = chooseEngine(tf, options, side);
  const globalBias = options.globalOffset ? offsetFor(train.targets, options.activation) : 0;
  const config: EngineConfig = { ...sizes, ...options, globalBias };
  const makeEngine = (rows: TrainingRows) =>
    engineName === 'fused'
      ? createFusedEngine(tf, config, structureFor(sizes, rows, options, side))
      : createAutodiffEngine(tf, config);

  const history: EpochRecord[] = [];
  let bestEpoch = 0;
  let stoppedEarly = false;
  let tables: FactorTables;
  const engine = makeEngine(train);
  try {
    let best = Number.POSITIVE_INFINITY;
    let bestSnapshot: unknown;
    let wait = 0;
    const loop = createEpochLoop(train, options);
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const epochStart = performance.now();
      const loss = await loop.run(engine, epoch, hooks);
      const valLoss = engine.meanSquaredError(validation);
      const record: EpochRecord = {
        epoch,
        loss,
        valLoss,
        rmse: Math.sqrt(loss) * options.ratingUnitsPerTarget,
        valRmse: Math.sqrt(valLoss) * options.ratingUnitsPerTarget,
        seconds: (performance.now() - epochStart) / 1000,
      };
      assertFinite(epoch, loss, valLoss);
      history.push(record);
      hooks.onEpoch?.(record);
      if (valLoss < best - options.minDelta) {
        best = valLoss;
        bestEpoch = epoch;
        wait = 0;
        if (options.restoreBest) bestSnapshot = engine.snapshot();
      } else if (++wait >= options.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (options.restoreBest && bestSnapshot !== undefined) engine.restore(bestSnapshot);
    else bestEpoch = history.length;
    tables = engine.exportTables();
  } finally {
    engine.dispose();
  }

  const validationTables = tables;
  let refitEpochs = 0;
  if (options.refit) {
    const all = concatRows(train, validation);
    const refit = makeEngine(all);
    try {
      const loop = createEpochLoop(all, options);
      for (let epoch = 1; epoch <= bestEpoch; epoch++) {
        const epochStart = performance.now();
        const loss = await loop.run(refit, epoch, hooks);
        assertFinite(epoch, loss, 0);
        hooks.onRefitEpoch?.(epoch, bestEpoch, loss, (performance.now() - epochStart) / 1000);
      }
      refitEpochs = bestEpoch;
      tables = refit.exportTables();
    } finally {
      refit.dispose();
    }
  }
  return {
    tables,
    history,
    bestEpoch,
    stoppedEarly,
    refitEpochs,
    validationTables,
    engine: engineName,
    globalBias,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The logit whose activation is the mean target (clamped inside tanh's and sigmoid's range). */
function offsetFor(targets: Float32Array, activation: Activation): number {
  let sum = 0;
  for (let r = 0; r < targets.length; r++) sum += targets[r]!;
  const mean = sum / targets.length;
  if (activation === 'tanh') return Math.atanh(Math.min(0.999, Math.max(-0.999, mean)));
  if (activation === 'sigmoid') {
    const p = Math.min(0.999, Math.max(0.001, mean));
    return Math.log(p / (1 - p));
  }
  return mean;
}

/** Picks the engine: fused where its kernel runs, autodiff otherwise (plain model only). */
function chooseEngine(tf: Tf, options: TrainOptions, side: SideFeatures): 'fused' | 'autodiff' {
  const needsFused = options.implicit || options.nonneg || side.users !== undefined || side.items !== undefined;
  const backend = tf.getBackend();
  if (options.engine === 'autodiff') {
    if (needsFused) {
      throw new Error(
        'the autodiff engine trains the plain model only; implicit feedback, side features and --nonneg need the fused engine',
      );
    }
    return 'autodiff';
  }
  if (fusedKernelSupports(backend)) return 'fused';
  if (options.engine === 'fused' || needsFused) {
    throw new Error(`the fused engine runs on the cpu or wasm backend, not ${backend}; choose --backend wasm`);
  }
  return 'autodiff';
}

function structureFor(
  sizes: { users: number; items: number },
  rows: TrainingRows,
  options: TrainOptions,
  side: SideFeatures,
): MfStructure {
  return {
    ...(options.implicit ? { implicit: buildMemberships(sizes.users, sizes.items, rows.users, rows.items) } : {}),
    ...(side.users ? { userFeatures: side.users } : {}),
    ...(side.items ? { itemFeatures: side.items } : {}),
  };
}

/** Seeded per-epoch shuffling and batching over a fixed set of rows. */
function createEpochLoop(rows: TrainingRows, options: TrainOptions) {
  const n = rows.targets.length;
  const batchSize = Math.max(1, Math.min(options.batchSize, n));
  const batches = Math.ceil(n / batchSize);
  const order = Uint32Array.from({ length: n }, (_, r) => r);
  const shuffle = mulberry32(options.seed + 1000);
  const batch: TrainingBatch = {
    users: new Int32Array(batchSize),
    items: new Int32Array(batchSize),
    targets: new Float32Array(batchSize),
    size: 0,
  };
  return {
    /** Runs one epoch; returns the mean squared error over its batches. */
    async run(engine: TrainingEngine, epoch: number, hooks: TrainHooks): Promise<number> {
      engine.setLearningRate(options.learningRate * options.learningRateDecay ** (epoch - 1));
      shuffleInPlace(order, shuffle);
      hooks.onEpochStart?.(epoch, batches);
      let squaredError = 0;
      for (let b = 0; b < batches; b++) {
        if (hooks.signal?.aborted) throw abortError(hooks.signal);
        const from = b * batchSize;
        batch.size = Math.min(batchSize, n - from);
        for (let j = 0; j < batch.size; j++) {
          const r = order[from + j]!;
          batch.users[j] = rows.users[r]!;
          batch.items[j] = rows.items[r]!;
          batch.targets[j] = rows.targets[r]!;
        }
        squaredError += engine.step(batch);
        hooks.onBatch?.(epoch, b + 1, batches);
        // Yield now and then so a Ctrl-C handler and progress output can run.
        if ((b & 63) === 63) await new Promise((resolve) => setImmediate(resolve));
      }
      return squaredError / n;
    },
  };
}

function concatRows(a: TrainingRows, b: TrainingRows): TrainingRows {
  const join = <T extends Int32Array | Float32Array>(x: T, y: T, make: (n: number) => T): T => {
    const out = make(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return {
    users: join(a.users, b.users, (n) => new Int32Array(n)),
    items: join(a.items, b.items, (n) => new Int32Array(n)),
    targets: join(a.targets, b.targets, (n) => new Float32Array(n)),
  };
}

function assertFinite(epoch: number, loss: number, valLoss: number): void {
  if (Number.isFinite(loss) && Number.isFinite(valLoss)) return;
  throw new DivergedError(
    `training diverged at epoch ${epoch} (loss ${loss}, val_loss ${valLoss}); no model was written. ` +
      'Try a lower --learning-rate or a smaller --init-scale.',
  );
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('training was cancelled');
  error.name = 'AbortError';
  return error;
}
