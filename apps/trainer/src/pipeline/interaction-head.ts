import {
  evaluateRanking,
  mulberry32,
  shuffleInPlace,
  type Activation,
  type ConfidenceMode,
  type HistoryRecord,
  type IndexedRatings,
  type InteractionFoldIn,
  type SeenItems,
} from '@edgerec/core';
import {
  DEFAULT_IALS,
  interactionRanker,
  loadBackend,
  SAMPLED_RECIPE,
  trainIals,
  trainSampledInteractions,
  type BackendChoice,
  type FactorTables,
  type NegativeSampling,
} from '@edgerec/core/model';
import { concatSame } from './arrays.js';

/** How an interaction head is trained: iALS (exact alternating least squares) or sampled negatives on the fused engine. */
export const INTERACTION_METHODS = ['ials', 'bce', 'bpr'] as const;
/** One of {@link INTERACTION_METHODS}. */
export type InteractionMethod = (typeof INTERACTION_METHODS)[number];

/** Every hyperparameter of an interaction head; each method reads the ones it needs. */
export interface InteractionRecipe {
  method: InteractionMethod;
  dim: number;
  /** iALS: the ridge λ (frequency-scaled by regExponent); bce/bpr: the per-example L2. */
  l2: number;
  seed: number;
  /** Retrain on training + validation rows for the validated number of sweeps/epochs. */
  refit: boolean;
  /** Sweeps (iALS) or epochs (bce/bpr) without a better validation NDCG before stopping. */
  patience: number;
  /** iALS sweeps. */
  iterations: number;
  /** iALS w0: the weight of every pair in the w0 · ŷ² term. */
  unobservedWeight: number;
  /** iALS ν: λ_row = λ (n_row + w0 · N_other)^ν. */
  regExponent: number;
  /** iALS weight → confidence: binary (c = 1), linear (1 + α w), log (1 + α ln(1 + w)). */
  confidence: ConfidenceMode;
  alpha: number;
  /** iALS worker threads. */
  threads: number;
  /** bce/bpr: sampled negatives per positive. */
  negatives: number;
  sampler: NegativeSampling;
  epochs: number;
  learningRate: number;
  batchSize: number;
}

/**
 * The default iALS recipe, chosen on a validation split carved from the ML-100K per-user
 * training file (never the test file): dim 64, w0 0.2, λ 0.02 frequency-scaled with ν = 1,
 * 10 sweeps (validation NDCG@10 0.279 against 0.275 for the best plain λ; see the README).
 */
export const DEFAULT_INTERACTION_RECIPE: InteractionRecipe = {
  method: 'ials',
  dim: 64,
  l2: 0.02,
  seed: 42,
  refit: true,
  patience: 3,
  iterations: 10,
  unobservedWeight: 0.2,
  regExponent: 1,
  confidence: 'binary',
  alpha: 1,
  threads: DEFAULT_IALS.threads,
  negatives: SAMPLED_RECIPE.negatives,
  sampler: SAMPLED_RECIPE.sampler,
  epochs: SAMPLED_RECIPE.epochs,
  learningRate: SAMPLED_RECIPE.learningRate,
  batchSize: SAMPLED_RECIPE.batchSize,
};

/** The defaults of a method: iALS's recipe, or the sampled-negative recipe's dim and L2 for bce/bpr. */
export function interactionDefaults(method: InteractionMethod): InteractionRecipe {
  if (method === 'ials') return DEFAULT_INTERACTION_RECIPE;
  return { ...DEFAULT_INTERACTION_RECIPE, method, dim: SAMPLED_RECIPE.dim, l2: SAMPLED_RECIPE.l2 };
}

/** Observed pairs as dense indices with their summed weights. */
export interface InteractionRows {
  users: Int32Array;
  items: Int32Array;
  weights: Float32Array;
}

/** Progress of {@link fitInteractionHead}. */
export interface InteractionHeadHooks {
  onInfo?(line: string): void;
  /** One sweep (iALS) or epoch (bce/bpr) finished; `validation` is NDCG@10 on the validation pairs. */
  onEpoch?(record: HistoryRecord, phase: 'train' | 'refit'): void;
  signal?: AbortSignal;
}

/** A fitted interaction head: its tables and how to serve them. */
export interface InteractionHead {
  tables: FactorTables;
  globalBias: number;
  /** 'linear' (iALS, BPR: a ranking score) or 'sigmoid' (BCE: a probability). */
  activation: Activation;
  /** iALS only: what a fold-in needs (the Gramian of `tables.itemFactors`). */
  foldIn?: InteractionFoldIn;
  history: HistoryRecord[];
  /** Sweep/epoch kept on the training rows (1-based). */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Sweeps/epochs of the refit on training + validation rows (0 without). */
  refitEpochs: number;
  /** The early-stopped tables, which never saw the validation rows (equal to `tables` without refit). */
  validationTables: FactorTables;
  /** Where it ran: 'ials (2 threads)' or the tfjs backend. */
  engine: string;
  seconds: number;
}

/** Sweeps of an iALS refit, warm-started from the validated tables. */
export const IALS_REFIT_SWEEPS = 3;

/** Users sampled for the per-sweep validation NDCG (all of them when there are fewer). */
const VALIDATION_USERS = 2000;
const VALIDATION_K = 10;

/**
 * Fits an interaction head on training pairs, monitoring NDCG@10 on validation pairs (when
 * given) to keep the best sweep/epoch and stop after `patience` without progress, then
 * optionally refits on training + validation pairs for that many sweeps/epochs.
 */
export async function fitInteractionHead(
  sizes: { users: number; items: number },
  train: InteractionRows,
  validation: InteractionRows | undefined,
  recipe: InteractionRecipe,
  options: { backend?: BackendChoice; hooks?: InteractionHeadHooks; trainSeen: SeenItems },
): Promise<InteractionHead> {
  const hooks = options.hooks ?? {};
  const started = performance.now();
  const score =
    validation && validation.users.length > 0 ? validationScorer(validation, options.trainSeen, recipe) : undefined;
  const first = await fitOnce(sizes, train, recipe, 'train', hooks, options.backend, score);
  let final = first;
  let refitEpochs = 0;
  if (recipe.refit && validation && validation.users.length > 0) {
    const all = concatRows(train, validation);
    // iALS continues from the validated tables (a few sweeps settle the added rows); the sampled
    // methods start afresh for the validated number of epochs, as the rating model does.
    const warm = recipe.method === 'ials';
    refitEpochs = warm ? Math.min(first.bestEpoch, IALS_REFIT_SWEEPS) : first.bestEpoch;
    final = await fitOnce(
      sizes,
      all,
      { ...recipe, iterations: refitEpochs, epochs: refitEpochs },
      'refit',
      hooks,
      options.backend,
      undefined,
      warm ? first.tables : undefined,
    );
  }
  return {
    ...final,
    history: first.history,
    bestEpoch: first.bestEpoch,
    stoppedEarly: first.stoppedEarly,
    refitEpochs,
    validationTables: first.tables,
    seconds: (performance.now() - started) / 1000,
  };
}

type Scorer = (tables: FactorTables, globalBias: number, activation: Activation) => number;

interface FitOnce {
  tables: FactorTables;
  globalBias: number;
  activation: Activation;
  foldIn?: InteractionFoldIn;
  history: HistoryRecord[];
  bestEpoch: number;
  stoppedEarly: boolean;
  engine: string;
}

async function fitOnce(
  sizes: { users: number; items: number },
  rows: InteractionRows,
  recipe: InteractionRecipe,
  phase: 'train' | 'refit',
  hooks: InteractionHeadHooks,
  backend: BackendChoice | undefined,
  score?: Scorer,
  start?: FactorTables,
): Promise<FitOnce> {
  const history: HistoryRecord[] = [];
  const record = (r: HistoryRecord) => {
    history.push(r);
    hooks.onEpoch?.(r, phase);
  };
  if (recipe.method === 'ials') {
    const confidence = { mode: recipe.confidence, alpha: recipe.alpha };
    const zeros = { userBias: new Float32Array(sizes.users), itemBias: new Float32Array(sizes.items) };
    const result = await trainIals(
      sizes,
      rows,
      {
        dim: recipe.dim,
        iterations: recipe.iterations,
        l2: recipe.l2,
        regExponent: recipe.regExponent,
        unobservedWeight: recipe.unobservedWeight,
        confidence,
        initScale: DEFAULT_IALS.initScale,
        seed: recipe.seed,
        threads: recipe.threads,
      },
      {
        ...(hooks.signal ? { signal: hooks.signal } : {}),
        onIteration: (r) =>
          record({
            epoch: r.iteration,
            loss: r.loss,
            seconds: r.seconds,
            ...(r.validation !== undefined ? { valNdcg: r.validation } : {}),
          }),
      },
      score
        ? {
            evaluate: (userFactors, itemFactors) => score({ userFactors, itemFactors, ...zeros }, 0, 'linear'),
            patience: recipe.patience,
          }
        : undefined,
      start ? { userFactors: start.userFactors, itemFactors: start.itemFactors } : undefined,
    );
    const tables = { userFactors: result.userFactors, itemFactors: result.itemFactors, ...zeros };
    return {
      tables,
      globalBias: 0,
      activation: 'linear',
      foldIn: {
        method: 'ials',
        unobservedWeight: recipe.unobservedWeight,
        l2: recipe.l2,
        regExponent: recipe.regExponent,
        confidence,
        gramian: result.itemGramian,
      },
      history,
      bestEpoch: result.bestIteration,
      stoppedEarly: result.stoppedEarly,
      engine: `ials (${result.threads} thread${result.threads === 1 ? '' : 's'})`,
    };
  }
  const ready = await loadBackend(backend ?? 'auto', { native: false });
  for (const notice of ready.notices) hooks.onInfo?.(`notice: ${notice}`);
  const activation: Activation = recipe.method === 'bce' ? 'sigmoid' : 'linear';
  const result = await trainSampledInteractions(
    ready.tf,
    sizes,
    { users: rows.users, items: rows.items, weights: rows.weights },
    {
      ...SAMPLED_RECIPE,
      dim: recipe.dim,
      loss: recipe.method,
      negatives: recipe.negatives,
      sampler: recipe.sampler,
      l2: recipe.l2,
      epochs: recipe.epochs,
      learningRate: recipe.learningRate,
      batchSize: recipe.batchSize,
      patience: recipe.patience,
      seed: recipe.seed,
    },
    {
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      onEpoch: (r) =>
        record({
          epoch: r.epoch,
          loss: r.loss,
          seconds: r.seconds,
          ...(r.validation !== undefined ? { valNdcg: r.validation } : {}),
        }),
    },
    score ? { evaluate: (tables, globalBias) => score(tables, globalBias, activation) } : undefined,
  );
  return {
    tables: result.tables,
    globalBias: result.globalBias,
    activation: result.activation,
    history,
    bestEpoch: result.bestEpoch,
    stoppedEarly: result.stoppedEarly,
    engine: `fused (${ready.name})`,
  };
}

/** NDCG@10 of tables on the validation pairs of up to VALIDATION_USERS sampled users, excluding training items. */
function validationScorer(validation: InteractionRows, trainSeen: SeenItems, recipe: InteractionRecipe): Scorer {
  const users = new Set<number>(validation.users);
  let keep: Set<number> | undefined;
  if (users.size > VALIDATION_USERS) {
    const order = shuffleInPlace(Uint32Array.from(users), mulberry32(recipe.seed + 7));
    keep = new Set(order.subarray(0, VALIDATION_USERS));
  }
  const rows: number[] = [];
  for (let r = 0; r < validation.users.length; r++) if (!keep || keep.has(validation.users[r]!)) rows.push(r);
  const heldOut: IndexedRatings = {
    users: Int32Array.from(rows, (r) => validation.users[r]!),
    items: Int32Array.from(rows, (r) => validation.items[r]!),
    ratings: new Float32Array(rows.length).fill(1),
  };
  return (tables, globalBias, activation) =>
    evaluateRanking(interactionRanker(tables, { seen: trainSeen, globalBias, activation }), heldOut, {
      k: VALIDATION_K,
      threshold: 'any',
    }).ndcg;
}

function concatRows(a: InteractionRows, b: InteractionRows): InteractionRows {
  return {
    users: concatSame(a.users, b.users),
    items: concatSame(a.items, b.items),
    weights: concatSame(a.weights, b.weights),
  };
}
