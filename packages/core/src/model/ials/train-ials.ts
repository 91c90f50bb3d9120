import { availableParallelism } from 'node:os';
import { assertValidConfidence, confidenceOf, type Confidence } from '../../ials/confidence.js';
import { gramian } from '../../ials/gramian.js';
import { gaussian } from '../../random.js';
import { buildCsr, sharedArrays, plainArrays, transposeCsr, type Csr } from './csr.js';
import { createIalsSolver, ialsWorkersAvailable } from './ials-pool.js';

/** Hyperparameters of {@link trainIals}. */
export interface IalsOptions {
  dim: number;
  /** Alternating sweeps (each solves every user row, then every item row). */
  iterations: number;
  /** Ridge λ. */
  l2: number;
  /** Frequency scaling ν of the ridge: λ_row = λ · (n_row + w0 · N_other)^ν (0 = plain λ). */
  regExponent: number;
  /** w0: the weight of every (user, item) pair in the w0 · ŷ² term (Rendle et al. 2021's α0). */
  unobservedWeight: number;
  /** How an observed pair's summed weight becomes its confidence. */
  confidence: Confidence;
  /** Factors start N(0, (initScale / √dim)²). */
  initScale: number;
  seed: number;
  /** Worker threads for the row solves (1 = the calling thread only). */
  threads: number;
}

/** edgerec's iALS defaults (chosen on a validation split of MovieLens 100K's training file; see the README). */
export const DEFAULT_IALS: IalsOptions = {
  dim: 64,
  iterations: 10,
  l2: 5,
  regExponent: 0,
  unobservedWeight: 0.2,
  confidence: { mode: 'binary', alpha: 0 },
  initScale: 0.1,
  seed: 42,
  threads: defaultThreads(),
};

/** Observed (user, item) pairs as dense indices, with optional weights (default 1; repeats are summed). */
export interface IalsInput {
  users: ArrayLike<number>;
  items: ArrayLike<number>;
  weights?: ArrayLike<number>;
}

/** One finished sweep. */
export interface IalsIterationRecord {
  iteration: number;
  /** The iALS objective after the sweep, divided by the number of observed pairs. */
  loss: number;
  /** The caller's validation score (higher is better), when a validation callback was given. */
  validation?: number;
  seconds: number;
}

/** Tables to start from instead of random ones (a warm start, e.g. a refit on more rows). */
export interface IalsStart {
  userFactors: Float32Array;
  itemFactors: Float32Array;
}

/** Progress and cancellation for {@link trainIals}. */
export interface IalsHooks {
  onIteration?(record: IalsIterationRecord): void;
  /** Aborting stops between half-sweeps with an AbortError. */
  signal?: AbortSignal;
}

/** Scores the current tables after each sweep (higher is better), e.g. NDCG@10 on held-out pairs. */
export interface IalsValidation {
  evaluate(userFactors: Float32Array, itemFactors: Float32Array): number;
  /** Stop after this many sweeps without a better score, keeping the best sweep's tables (default: never stop early). */
  patience?: number;
}

/** What {@link trainIals} produced. */
export interface IalsResult {
  userFactors: Float32Array;
  itemFactors: Float32Array;
  /** QᵀQ of the final item table (dim × dim): what a fold-in of a new user needs. */
  itemGramian: Float64Array;
  history: IalsIterationRecord[];
  /** Sweep (1-based) whose tables were kept. */
  bestIteration: number;
  stoppedEarly: boolean;
  threads: number;
  seconds: number;
  /** Rows whose system was not positive definite in the last sweep (left at zero; 0 whenever λ > 0). */
  failedRows: number;
}

/**
 * Fits implicit-feedback matrix factorisation by alternating least squares (Hu, Koren & Volinsky
 * 2008) with Rendle et al.'s (2021) objective:
 *   Σ_observed c_ui (1 − p_u·q_i)² + w0 Σ_all (p_u·q_i)² + Σ_u λ_u |p_u|² + Σ_i λ_i |q_i|²,
 * every unobserved pair handled through the Gramian trick and every row solved exactly (one
 * dim × dim Cholesky). Rows are solved on worker threads sharing the tables.
 */
export async function trainIals(
  sizes: { users: number; items: number },
  input: IalsInput,
  options: IalsOptions,
  hooks: IalsHooks = {},
  validation?: IalsValidation,
  start?: IalsStart,
): Promise<IalsResult> {
  checkOptions(options);
  const started = performance.now();
  const { dim } = options;
  const threads = Math.max(1, Math.floor(options.threads));
  const shared = threads > 1 && ialsWorkersAvailable();
  const allocate = shared ? sharedArrays : plainArrays;
  const users = buildCsr(
    sizes.users,
    sizes.items,
    input.users,
    input.items,
    input.weights ?? ones(input.users.length),
    allocate,
  );
  toConfidences(users, options.confidence);
  const items = transposeCsr(users, sizes.items, allocate);
  const observed = users.offsets[users.rows]!;
  if (observed === 0) throw new Error('no interactions to train on');

  const userFactors = allocate.float32(sizes.users * dim);
  const itemFactors = allocate.float32(sizes.items * dim);
  if (start) {
    if (start.userFactors.length !== userFactors.length || start.itemFactors.length !== itemFactors.length) {
      throw new RangeError(`the start tables do not fit ${sizes.users} users × ${sizes.items} items × dim ${dim}`);
    }
    userFactors.set(start.userFactors);
    itemFactors.set(start.itemFactors);
  } else {
    const normal = gaussian(options.seed);
    const std = options.initScale / Math.sqrt(dim);
    for (let k = 0; k < userFactors.length; k++) userFactors[k] = normal() * std;
    for (let k = 0; k < itemFactors.length; k++) itemFactors[k] = normal() * std;
  }

  const regularization = { l2: options.l2, exponent: options.regExponent, unobservedWeight: options.unobservedWeight };
  const solver = createIalsSolver({ dim, users, items, userFactors, itemFactors }, threads);
  const history: IalsIterationRecord[] = [];
  let best = Number.NEGATIVE_INFINITY;
  let bestIteration = 0;
  let bestTables: { users: Float32Array; items: Float32Array } | undefined;
  let stoppedEarly = false;
  let failedRows = 0;
  try {
    for (let iteration = 1; iteration <= options.iterations; iteration++) {
      const sweepStart = performance.now();
      throwIfAborted(hooks.signal);
      failedRows = await solver.solveSide(
        'users',
        gramian(itemFactors, sizes.items, dim, options.unobservedWeight),
        regularization,
      );
      throwIfAborted(hooks.signal);
      failedRows += await solver.solveSide(
        'items',
        gramian(userFactors, sizes.users, dim, options.unobservedWeight),
        regularization,
      );
      const record: IalsIterationRecord = {
        iteration,
        loss: ialsLoss(users, userFactors, itemFactors, sizes, options) / observed,
        seconds: (performance.now() - sweepStart) / 1000,
      };
      if (!Number.isFinite(record.loss)) throw new Error(`iALS diverged at sweep ${iteration} (loss ${record.loss})`);
      if (validation) {
        record.validation = validation.evaluate(userFactors, itemFactors);
        if (record.validation > best) {
          best = record.validation;
          bestIteration = iteration;
          if (validation.patience !== undefined)
            bestTables = { users: userFactors.slice(), items: itemFactors.slice() };
        }
      } else {
        bestIteration = iteration;
      }
      history.push(record);
      hooks.onIteration?.(record);
      if (validation?.patience !== undefined && iteration - bestIteration >= validation.patience) {
        stoppedEarly = true;
        break;
      }
    }
  } finally {
    await solver.close();
  }
  const finalUsers = bestTables && bestIteration < history.length ? bestTables.users : userFactors.slice();
  const finalItems = bestTables && bestIteration < history.length ? bestTables.items : itemFactors.slice();
  if (!validation || validation.patience === undefined) bestIteration = history.length;
  return {
    userFactors: finalUsers,
    itemFactors: finalItems,
    itemGramian: gramian(finalItems, sizes.items, dim),
    history,
    bestIteration,
    stoppedEarly,
    threads: solver.threads,
    seconds: (performance.now() - started) / 1000,
    failedRows,
  };
}

/**
 * The iALS objective: Σ_obs c (1 − ŷ)² + w0 Σ_all ŷ² + Σ λ_row |row|². The all-pairs term is
 * Σ_u p_uᵀ G p_u with G = QᵀQ, and the observed pairs add c(1 − ŷ)² − w0·0 (their w0·ŷ² is in the
 * all-pairs term already).
 */
export function ialsLoss(
  users: Csr,
  userFactors: Float32Array,
  itemFactors: Float32Array,
  sizes: { users: number; items: number },
  options: Pick<IalsOptions, 'dim' | 'l2' | 'regExponent' | 'unobservedWeight'>,
): number {
  const { dim, unobservedWeight: w0 } = options;
  const g = gramian(itemFactors, sizes.items, dim);
  let loss = 0;
  const itemCounts = new Int32Array(sizes.items);
  for (let u = 0; u < users.rows; u++) {
    const p = u * dim;
    let quadratic = 0;
    for (let a = 0; a < dim; a++) {
      let s = 0;
      for (let b = 0; b < dim; b++) s += g[a * dim + b]! * userFactors[p + b]!;
      quadratic += userFactors[p + a]! * s;
    }
    loss += w0 * quadratic;
    let norm = 0;
    for (let a = 0; a < dim; a++) norm += userFactors[p + a]! ** 2;
    const n = users.offsets[u + 1]! - users.offsets[u]!;
    if (n > 0) loss += regularizer(options, n, sizes.items) * norm;
    for (let k = users.offsets[u]!; k < users.offsets[u + 1]!; k++) {
      const i = users.columns[k]!;
      itemCounts[i]!++;
      let y = 0;
      for (let a = 0; a < dim; a++) y += userFactors[p + a]! * itemFactors[i * dim + a]!;
      loss += users.confidences[k]! * (1 - y) ** 2;
    }
  }
  for (let i = 0; i < sizes.items; i++) {
    if (itemCounts[i] === 0) continue;
    let norm = 0;
    for (let a = 0; a < dim; a++) norm += itemFactors[i * dim + a]! ** 2;
    loss += regularizer(options, itemCounts[i]!, sizes.users) * norm;
  }
  return loss;
}

function regularizer(
  options: Pick<IalsOptions, 'l2' | 'regExponent' | 'unobservedWeight'>,
  n: number,
  other: number,
): number {
  return options.regExponent === 0
    ? options.l2
    : options.l2 * (n + options.unobservedWeight * other) ** options.regExponent;
}

/** Replaces each summed weight by its confidence. */
function toConfidences(csr: Csr, confidence: Confidence): void {
  const values = csr.confidences;
  for (let k = 0; k < values.length; k++) values[k] = confidenceOf(confidence, values[k]!);
}

function checkOptions(options: IalsOptions): void {
  const positiveInteger = (name: string, value: number) => {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  };
  const nonNegative = (name: string, value: number) => {
    if (!(Number.isFinite(value) && value >= 0))
      throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
  };
  positiveInteger('dim', options.dim);
  positiveInteger('iterations', options.iterations);
  positiveInteger('threads', Math.floor(options.threads));
  nonNegative('l2', options.l2);
  nonNegative('regExponent', options.regExponent);
  nonNegative('unobservedWeight', options.unobservedWeight);
  nonNegative('initScale', options.initScale);
  if (options.l2 === 0 && options.unobservedWeight === 0) {
    throw new RangeError('iALS needs l2 > 0 or unobservedWeight > 0, or rows with few pairs have no unique solution');
  }
  assertValidConfidence(options.confidence);
}

function ones(n: number): Float32Array {
  return new Float32Array(n).fill(1);
}

function defaultThreads(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  if (reason instanceof Error) throw reason;
  const error = new Error('training was cancelled');
  error.name = 'AbortError';
  throw error;
}
