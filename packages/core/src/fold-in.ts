import { activate, type Activation } from './activation.js';
import { readRow } from './factor-table.js';
import type { RecommenderModel } from './recommender-model.js';
import { scaleRating } from './scale.js';
import { solveSpd } from './solve-spd.js';
import type { UserQuery } from './topk.js';

/** A rating by the new user: an item index of the model and a rating on the model's scale. */
export interface FoldInRating {
  readonly item: number;
  readonly rating: number;
}

/** Options for {@link foldInUser}. */
export interface FoldInOptions {
  /** Ridge λ on |p|² + b², in squared target units (default {@link DEFAULT_FOLD_IN_L2}). */
  l2?: number;
  /** Most Gauss-Newton steps for a tanh or sigmoid model (default {@link DEFAULT_FOLD_IN_ITERATIONS}; ignored for linear). */
  iterations?: number;
}

/**
 * Default fold-in ridge λ, in squared target units (the squared error of one rating on the
 * model's target scale, [0, 1] for the default min-max scaling): it weighs like λ extra ratings
 * pulling the vector and bias towards 0. The trainer's per-example L2 (0.03 on [0, 1] targets)
 * adds up to 0.03·n for a user with n ratings, which leaves a user with 3 to 20 ratings with a
 * long vector pointing wherever those few items happen to point. Measured on the ML-100K u1
 * model (tanh, dim 32): folding in each u1.test user from k of their u1.base ratings and
 * scoring their u1.test ratings, test RMSE for λ = 0.03 / 0.1 / 0.3 / 1 was
 * k=3: 1.137 / 1.126 / 1.138 / 1.228; k=5: 1.057 / 1.045 / 1.052 / 1.115;
 * k=10: 1.030 / 0.995 / 0.989 / 1.020; k=20: 1.035 / 0.980 / 0.961 / 0.975;
 * all: 1.011 / 0.964 / 0.936 / 0.927 (the trained vectors: 0.944). On the synthetic demo model
 * the best λ was 0.03 to 0.3 and 0.3 was within 0.045 of the best at every k. 0.3 is within
 * 0.012 of the best at every k on ML-100K.
 */
export const DEFAULT_FOLD_IN_L2 = 0.3;

/** Default most Gauss-Newton steps for a non-linear activation; it usually converges in 3 to 6. */
export const DEFAULT_FOLD_IN_ITERATIONS = 20;

/** The fold-in least-squares problem: design rows [q_i, 1], offsets g + b_i and targets t_i. */
interface Problem {
  readonly n: number;
  /** dim + 1: the factors and the bias. */
  readonly width: number;
  readonly x: Float64Array;
  readonly offset: Float64Array;
  readonly target: Float64Array;
}

/**
 * A query vector for a user the model has never seen, from their ratings, holding the item
 * table fixed: minimises Σ (act(g + b + b_i + p·q_i) − t_i)² + λ(|p|² + b²) over the factors p
 * and bias b, with t_i the rating on the target scale. For a linear model this is ridge
 * regression on [q_i, 1], solved exactly (normal equations, Cholesky). For tanh and sigmoid it
 * starts from the better of two ridge solutions (on the targets, and on the activation-inverted
 * targets clipped inside the activation's range) and takes Gauss-Newton steps through the
 * activation, halving a step until the objective does not increase, so the objective never goes
 * up; it stops after `iterations` steps or when a step no longer lowers it.
 *
 * Input rules: at least one rating; item indices must be model indices (mapping ids is the
 * caller's job); ratings must be finite and inside the model's rating scale (rejected, not
 * clipped: a rating outside it usually means the wrong scale); a repeated item keeps its last
 * rating, as the trainer's default `--duplicates last` does. Throws RangeError on bad input,
 * and Error when l2 = 0 and the ratings do not determine a vector.
 */
export function foldInUser(
  model: RecommenderModel,
  ratings: readonly FoldInRating[],
  options: FoldInOptions = {},
): UserQuery {
  const l2 = checkL2(options.l2);
  const iterations = options.iterations ?? DEFAULT_FOLD_IN_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 0) {
    throw new RangeError(`iterations must be a non-negative integer, got ${iterations}`);
  }
  const problem = prepare(model, ratings);
  const act = model.activation;
  const linear = ridge(problem, problem.target, l2);
  let w = linear;
  if (act !== 'linear') {
    const inverted = ridge(
      problem,
      problem.target.map((t) => invert(act, t)),
      l2,
    );
    let f = objective(problem, act, linear, l2);
    const fInverted = objective(problem, act, inverted, l2);
    if (fInverted < f) {
      w = inverted;
      f = fInverted;
    }
    for (let step = 0; step < iterations; step++) {
      const next = gaussNewtonStep(problem, act, w, f, l2);
      if (!next || !(next.f < f)) break;
      w = next.w;
      f = next.f;
    }
  }
  return toQuery(w, model.dim);
}

/**
 * The fold-in objective Σ (act(g + b + b_i + p·q_i) − t_i)² + λ(|p|² + b²) of a query for the
 * given ratings (same input rules as {@link foldInUser}).
 */
export function foldInObjective(
  model: RecommenderModel,
  ratings: readonly FoldInRating[],
  query: UserQuery,
  options: Pick<FoldInOptions, 'l2'> = {},
): number {
  const problem = prepare(model, ratings);
  const w = new Float64Array(problem.width);
  for (let k = 0; k < model.dim; k++) w[k] = query.factors[k]!;
  w[model.dim] = query.bias;
  return objective(problem, model.activation, w, checkL2(options.l2));
}

/**
 * The cold-start user: a zero vector (so items rank by their own bias, the item-bias/popularity
 * fallback) and the mean user bias (so the predicted ratings sit where an average user's would).
 */
export function itemBiasQuery(model: RecommenderModel): UserQuery {
  let bias = meanUserBias.get(model.userBias);
  if (bias === undefined) {
    bias = 0;
    for (let u = 0; u < model.userBias.length; u++) bias += model.userBias[u]!;
    bias = model.userBias.length > 0 ? bias / model.userBias.length : 0;
    meanUserBias.set(model.userBias, bias);
  }
  return { factors: new Float32Array(model.dim), bias };
}

const meanUserBias = new WeakMap<Float32Array, number>();

function checkL2(l2: number | undefined): number {
  const value = l2 ?? DEFAULT_FOLD_IN_L2;
  if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`l2 must be a finite number ≥ 0, got ${value}`);
  return value;
}

function prepare(model: RecommenderModel, ratings: readonly FoldInRating[]): Problem {
  if (!Array.isArray(ratings) || ratings.length === 0) throw new RangeError('fold-in needs at least one rating');
  const { dim, scale } = model;
  const items = model.items.size;
  const last = new Map<number, number>();
  for (let j = 0; j < ratings.length; j++) {
    const { item, rating } = ratings[j]!;
    if (!Number.isInteger(item) || item < 0 || item >= items) {
      throw new RangeError(`ratings[${j}].item ${item} is not an item index of the model (0 to ${items - 1})`);
    }
    if (!Number.isFinite(rating)) throw new RangeError(`ratings[${j}].rating is not a finite number (got ${rating})`);
    if (rating < scale.min || rating > scale.max) {
      throw new RangeError(
        `ratings[${j}].rating ${rating} is outside the model's rating scale ${scale.min} to ${scale.max}`,
      );
    }
    last.set(item, j); // a repeated item: the last rating wins
  }
  const n = last.size;
  const width = dim + 1;
  const x = new Float64Array(n * width);
  const offset = new Float64Array(n);
  const target = new Float64Array(n);
  const row = new Float64Array(dim);
  let r = 0;
  for (const [item, j] of last) {
    readRow(model.itemFactors, item, dim, row);
    x.set(row, r * width);
    x[r * width + dim] = 1;
    offset[r] = model.globalBias + model.itemBias[item]!;
    target[r] = scaleRating(scale, ratings[j]!.rating);
    r++;
  }
  return { n, width, x, offset, target };
}

/** Ridge solution of Σ (offset_i + x_i·w − y_i)² + λ|w|². */
function ridge(problem: Problem, y: Float64Array, l2: number): Float64Array {
  const { n, width, x, offset } = problem;
  const a = new Float64Array(width * width);
  const b = new Float64Array(width);
  for (let r = 0; r < n; r++) {
    const o = r * width;
    const residual = y[r]! - offset[r]!;
    for (let i = 0; i < width; i++) {
      const xi = x[o + i]!;
      b[i]! += xi * residual;
      for (let j = 0; j <= i; j++) a[i * width + j]! += xi * x[o + j]!;
    }
  }
  return solve(a, b, width, l2);
}

/** One damped Gauss-Newton step from `w` (objective `f`), or undefined when no step lowers it. */
function gaussNewtonStep(
  problem: Problem,
  act: Activation,
  w: Float64Array,
  f: number,
  l2: number,
): { w: Float64Array; f: number } | undefined {
  const { n, width, x, offset, target } = problem;
  const a = new Float64Array(width * width);
  const g = new Float64Array(width);
  for (let r = 0; r < n; r++) {
    const o = r * width;
    let z = offset[r]!;
    for (let i = 0; i < width; i++) z += x[o + i]! * w[i]!;
    const out = activate(act, z);
    const slope = act === 'tanh' ? 1 - out * out : out * (1 - out);
    const residual = out - target[r]!;
    for (let i = 0; i < width; i++) {
      const ji = slope * x[o + i]!;
      g[i]! += ji * residual;
      for (let j = 0; j <= i; j++) a[i * width + j]! += ji * slope * x[o + j]!;
    }
  }
  // Newton system (JᵀJ + λI) Δ = −(Jᵀr + λw).
  for (let i = 0; i < width; i++) g[i] = -(g[i]! + l2 * w[i]!);
  const delta = solve(a, g, width, l2);
  const trial = new Float64Array(width);
  for (let scale = 1; scale > 1e-8; scale /= 2) {
    for (let i = 0; i < width; i++) trial[i] = w[i]! + scale * delta[i]!;
    const ft = objective(problem, act, trial, l2);
    if (ft <= f) return { w: trial, f: ft };
  }
  return undefined;
}

/** Adds λ to the diagonal of the lower triangle in `a`, mirrors it, and solves. */
function solve(a: Float64Array, b: Float64Array, width: number, l2: number): Float64Array {
  for (let i = 0; i < width; i++) {
    a[i * width + i]! += l2;
    for (let j = 0; j < i; j++) a[j * width + i] = a[i * width + j]!;
  }
  if (!solveSpd(a, b, width)) {
    throw new Error(
      `the ratings do not determine a user vector (${width} unknowns) without regularisation: use l2 > 0`,
    );
  }
  return b;
}

function objective(problem: Problem, act: Activation, w: Float64Array, l2: number): number {
  const { n, width, x, offset, target } = problem;
  let sum = 0;
  for (let r = 0; r < n; r++) {
    const o = r * width;
    let z = offset[r]!;
    for (let i = 0; i < width; i++) z += x[o + i]! * w[i]!;
    const e = activate(act, z) - target[r]!;
    sum += e * e;
  }
  let norm = 0;
  for (let i = 0; i < width; i++) norm += w[i]! * w[i]!;
  return sum + l2 * norm;
}

/** The pre-activation value whose output is `t`, with `t` clipped inside the activation's range. */
function invert(act: Activation, t: number): number {
  if (act === 'tanh') return Math.atanh(Math.min(0.99, Math.max(-0.99, t)));
  if (act === 'sigmoid') {
    const p = Math.min(0.99, Math.max(0.01, t));
    return Math.log(p / (1 - p));
  }
  return t;
}

function toQuery(w: Float64Array, dim: number): UserQuery {
  return { factors: Float32Array.from(w.subarray(0, dim)), bias: w[dim]! };
}
