import { activate, type Activation } from '../../activation.js';
import { mulberry32 } from '../../random.js';
import { lossGradients, type MfLoss } from './mf-losses.js';
import type { Memberships } from './memberships.js';
import { axpy, dot } from './vector-ops.js';
import {
  effectiveItem,
  effectiveUser,
  foldTables,
  TABLE_NAMES,
  type MfStructure,
  type MfTables,
  type TableName,
} from './mf-tables.js';

/** Hyperparameters of one training step. */
export interface MfStepConfig {
  activation: Activation;
  /** Constant added to every logit (outside dropout). */
  globalBias: number;
  /** Dropout rate on the learned part of the logit. */
  dropout: number;
  /** L2 penalty: λ · mean over the batch of |p_u|² + |q_i|² + b_u² + b_i² (and once per touched side row). */
  l2: number;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Keep factor tables non-negative (NMF-style projected gradient). */
  nonneg: boolean;
  /** The objective (default 'mse'); see {@link MfLoss} for each one's batch layout. */
  loss?: MfLoss;
}

/** A batch of training rows. */
export interface MfBatch {
  users: Int32Array;
  items: Int32Array;
  targets: Float32Array;
  /** Per-row loss weights (absent = 1); for 'bpr' the positive row's weight weighs its pair. */
  weights?: Float32Array;
  size: number;
}

/** Adam's first and second moments, one array per table (same shapes). */
export interface MfMoments {
  readonly m: Partial<Record<TableName, Float32Array>>;
  readonly v: Partial<Record<TableName, Float32Array>>;
}

/** Gradients and per-step scratch a trainer reuses between steps (allocated once). */
export interface MfScratch {
  readonly grad: Partial<Record<TableName, Float32Array>>;
  readonly random: () => number;
  readonly userVec: Float32Array;
  readonly userB: Float32Array;
  readonly itemVec: Float32Array;
  readonly itemB: Float32Array;
  readonly userCount: Int32Array;
  readonly itemCount: Int32Array;
  readonly touched: Record<'users' | 'items' | 'Y' | 'UA' | 'IA', { flag: Uint8Array; list: Int32Array; size: number }>;
  /** Per-row logits, dropout factors and loss gradients, grown to the largest batch seen. */
  rows: RowBuffers;
}

/** Per-row scratch of one batch (float64: the values the step computes, unrounded). */
export interface RowBuffers {
  logit: Float64Array;
  keep: Float64Array;
  grad: Float64Array;
}

/** Zeroed arrays shaped like each table present. */
export function zerosLike(tables: MfTables): Partial<Record<TableName, Float32Array>> {
  const out: Partial<Record<TableName, Float32Array>> = {};
  for (const name of TABLE_NAMES) {
    const table = tables[name];
    if (table) out[name] = new Float32Array(table.length);
  }
  return out;
}

/** Allocates gradients and scratch for training `tables`; `seed` drives dropout. */
export function createMfScratch(tables: MfTables, structure: MfStructure, seed: number): MfScratch {
  const users = tables.BU.length;
  const items = tables.BI.length;
  const space = (n: number) => ({ flag: new Uint8Array(n), list: new Int32Array(n), size: 0 });
  return {
    grad: zerosLike(tables),
    random: mulberry32(seed),
    userVec: new Float32Array(users * tables.dim),
    userB: new Float32Array(users),
    itemVec: new Float32Array(items * tables.dim),
    itemB: new Float32Array(items),
    userCount: new Int32Array(users),
    itemCount: new Int32Array(items),
    touched: {
      users: space(users),
      items: space(items),
      Y: space(structure.implicit?.memberCount ?? 0),
      UA: space(structure.userFeatures?.memberCount ?? 0),
      IA: space(structure.itemFeatures?.memberCount ?? 0),
    },
    rows: { logit: new Float64Array(0), keep: new Float64Array(0), grad: new Float64Array(0) },
  };
}

/**
 * One fused training step: forward pass, the gradients of the configured loss (+ L2), and a lazy
 * Adam update of only the rows the batch touched. `step` is the 1-based Adam step. Returns the
 * batch's summed loss without the L2 term (for MSE: the sum of squared errors).
 */
export function mfTrainStep(
  tables: MfTables,
  structure: MfStructure,
  moments: MfMoments,
  scratch: MfScratch,
  batch: MfBatch,
  config: MfStepConfig,
  step: number,
): number {
  const loss = accumulateGradients(tables, structure, scratch, batch, config);
  applyLazyAdam(tables, moments, scratch, batch, config, step);
  return loss;
}

/**
 * The gradient of  mean_batch loss + λ/B · Σ_rows-in-batch (|p_u|² + |q_i|² + b_u² + b_i²)
 * + λ/B · Σ_touched side rows |row|²  into scratch.grad, marking the touched rows (B: rows in
 * the batch, for 'bpr' twice its pairs; the losses are in {@link lossGradients}). Returns the
 * batch's summed loss (for MSE: the sum of squared errors).
 */
export function accumulateGradients(
  tables: MfTables,
  structure: MfStructure,
  scratch: MfScratch,
  batch: MfBatch,
  config: MfStepConfig,
): number {
  const loss = config.loss ?? 'mse';
  checkBatch(batch, config.activation, loss);
  const vectors = gatherEffectiveRows(tables, structure, scratch, batch);
  const rows = rowBuffers(scratch, batch.size);
  forwardLogits(vectors, tables.dim, scratch, batch, config, rows);
  const total = lossGradients(
    loss,
    config.activation,
    { logits: rows.logit, keeps: rows.keep, targets: batch.targets, weights: batch.weights, size: batch.size },
    rows.grad,
  );
  // Under 'bpr' a pair's b_u terms cancel exactly; float32 sums of ±g would not, and Adam would magnify the residue.
  backpropagateRows(vectors, tables.dim, scratch, batch, rows.grad, loss !== 'bpr');
  addSideGradientsAndL2(tables, structure, scratch, batch.size, config.l2);
  return total;
}

/** The factor and bias arrays the forward pass reads: effective copies, or the tables themselves. */
interface RowVectors {
  uVec: Float32Array;
  iVec: Float32Array;
  uB: Float32Array;
  iB: Float32Array;
}

function checkBatch(batch: MfBatch, activation: MfStepConfig['activation'], loss: MfLoss): void {
  if (loss === 'bce' && activation !== 'sigmoid')
    throw new Error(`the 'bce' loss needs the sigmoid activation, not ${activation}`);
  if (loss !== 'bpr') return;
  const pairs = batch.size / 2;
  if (!Number.isInteger(pairs))
    throw new Error(`a 'bpr' batch holds (positive, negative) pairs; got ${batch.size} rows`);
  for (let r = 0; r < pairs; r++) {
    if (batch.users[r] !== batch.users[r + pairs]) {
      throw new Error(
        `'bpr' row ${r + pairs} (user ${batch.users[r + pairs]}) must be the negative of row ${r} (user ${batch.users[r]})`,
      );
    }
  }
}

/** Marks the batch's users and items as touched and writes their effective vectors (with side structure). */
function gatherEffectiveRows(tables: MfTables, structure: MfStructure, scratch: MfScratch, batch: MfBatch): RowVectors {
  const { touched, userVec, itemVec, userB, itemB } = scratch;
  const { dim } = tables;
  const users = touched.users;
  const items = touched.items;
  // Effective vectors of the users and items in this batch (plain tables need no copy).
  const userSide = structure.implicit !== undefined || structure.userFeatures !== undefined;
  const itemSide = structure.itemFeatures !== undefined;
  for (let r = 0; r < batch.size; r++) {
    const u = batch.users[r]!;
    const i = batch.items[r]!;
    if (!users.flag[u]) {
      users.flag[u] = 1;
      users.list[users.size++] = u;
      if (userSide) userB[u] = effectiveUser(tables, structure, u, userVec, u * dim);
    }
    if (!items.flag[i]) {
      items.flag[i] = 1;
      items.list[items.size++] = i;
      if (itemSide) itemB[i] = effectiveItem(tables, structure, i, itemVec, i * dim);
    }
  }
  return {
    uVec: userSide ? userVec : tables.P,
    iVec: itemSide ? itemVec : tables.Q,
    uB: userSide ? userB : tables.BU,
    iB: itemSide ? itemB : tables.BI,
  };
}

/** z = globalBias + keep · (b_u + b_i + p̃_u · q̃_i) per row, with its dropout factor. */
function forwardLogits(
  vectors: RowVectors,
  dim: number,
  scratch: MfScratch,
  batch: MfBatch,
  config: MfStepConfig,
  rows: RowBuffers,
): void {
  const { uVec, iVec, uB, iB } = vectors;
  const { dropout, globalBias } = config;
  for (let r = 0; r < batch.size; r++) {
    const u = batch.users[r]!;
    const i = batch.items[r]!;
    const x = uB[u]! + iB[i]! + dot(uVec, u * dim, iVec, i * dim, dim);
    let keep = 1;
    if (dropout > 0) keep = scratch.random() < dropout ? 0 : 1 / (1 - dropout);
    rows.keep[r] = keep;
    rows.logit[r] = globalBias + keep * x;
  }
}

/** Adds each row's dLoss/dx to its user's and item's effective-vector and bias gradients (user bias optional). */
function backpropagateRows(
  vectors: RowVectors,
  dim: number,
  scratch: MfScratch,
  batch: MfBatch,
  rowGrad: Float64Array,
  userBias: boolean,
): void {
  const { uVec, iVec } = vectors;
  const { grad, userCount, itemCount } = scratch;
  const gP = grad.P!;
  const gQ = grad.Q!;
  const gBU = grad.BU!;
  const gBI = grad.BI!;
  for (let r = 0; r < batch.size; r++) {
    const u = batch.users[r]!;
    const i = batch.items[r]!;
    const g = rowGrad[r]!;
    if (g !== 0) {
      const uo = u * dim;
      const io = i * dim;
      axpy(gP, uo, g, iVec, io, dim);
      axpy(gQ, io, g, uVec, uo, dim);
      if (userBias) gBU[u]! += g;
      gBI[i]! += g;
    }
    userCount[u]!++;
    itemCount[i]!++;
  }
}

/** Spreads effective-vector gradients to the side tables, then adds the L2 terms (λ/B per occurrence). */
function addSideGradientsAndL2(
  tables: MfTables,
  structure: MfStructure,
  scratch: MfScratch,
  B: number,
  l2: number,
): void {
  const { grad, touched, userCount, itemCount } = scratch;
  const { dim } = tables;
  const users = touched.users;
  const items = touched.items;
  const gP = grad.P!;
  const gQ = grad.Q!;
  const gBU = grad.BU!;
  const gBI = grad.BI!;
  const reg = (2 * l2) / B;
  for (let n = 0; n < users.size; n++) {
    const u = users.list[n]!;
    spread(gP, u * dim, gBU[u]!, grad.Y, undefined, structure.implicit, u, dim, touched.Y);
    spread(gP, u * dim, gBU[u]!, grad.UA, grad.UAB, structure.userFeatures, u, dim, touched.UA);
    addL2(gP, tables.P, u * dim, dim, reg * userCount[u]!);
    gBU[u]! += reg * userCount[u]! * tables.BU[u]!;
  }
  for (let n = 0; n < items.size; n++) {
    const i = items.list[n]!;
    spread(gQ, i * dim, gBI[i]!, grad.IA, grad.IAB, structure.itemFeatures, i, dim, touched.IA);
    addL2(gQ, tables.Q, i * dim, dim, reg * itemCount[i]!);
    gBI[i]! += reg * itemCount[i]! * tables.BI[i]!;
  }

  for (const [name, biasName, space] of [
    ['Y', undefined, touched.Y],
    ['UA', 'UAB', touched.UA],
    ['IA', 'IAB', touched.IA],
  ] as const) {
    const table = tables[name];
    if (!table) continue;
    const g = grad[name]!;
    for (let n = 0; n < space.size; n++) {
      const row = space.list[n]!;
      addL2(g, table, row * dim, dim, reg);
      if (biasName) grad[biasName]![row]! += reg * tables[biasName]![row]!;
    }
  }
}

/** The per-row buffers, grown to hold `size` rows. */
function rowBuffers(scratch: MfScratch, size: number): RowBuffers {
  if (scratch.rows.logit.length < size) {
    const capacity = Math.max(size, 2 * scratch.rows.logit.length);
    scratch.rows = {
      logit: new Float64Array(capacity),
      keep: new Float64Array(capacity),
      grad: new Float64Array(capacity),
    };
  }
  return scratch.rows;
}

/** Lazy Adam (tfjs' update rule, bias-corrected) on the rows the batch touched; clears the scratch. */
export function applyLazyAdam(
  tables: MfTables,
  moments: MfMoments,
  scratch: MfScratch,
  batch: MfBatch,
  config: MfStepConfig,
  step: number,
): void {
  const { grad, touched, userCount, itemCount } = scratch;
  const { dim } = tables;
  const users = touched.users;
  const items = touched.items;
  const B = batch.size;
  const adam: AdamStep = {
    beta1: config.beta1,
    beta2: config.beta2,
    epsilon: config.epsilon,
    learningRate: config.learningRate,
    c1: 1 - config.beta1 ** step,
    c2: 1 - config.beta2 ** step,
  };
  const { nonneg } = config;
  const update = (name: TableName, space: { list: Int32Array; size: number }, width: number, clamp: boolean) =>
    adamRows(
      tables[name]!,
      grad[name]!,
      moments.m[name]!,
      moments.v[name]!,
      space.list,
      space.size,
      width,
      adam,
      clamp,
    );
  update('P', users, dim, nonneg);
  update('BU', users, 1, false);
  update('Q', items, dim, nonneg);
  update('BI', items, 1, false);
  if (tables.Y) update('Y', touched.Y, dim, nonneg);
  if (tables.UA) {
    update('UA', touched.UA, dim, nonneg);
    update('UAB', touched.UA, 1, false);
  }
  if (tables.IA) {
    update('IA', touched.IA, dim, nonneg);
    update('IAB', touched.IA, 1, false);
  }
  for (const space of [users, items, touched.Y, touched.UA, touched.IA]) {
    for (let n = 0; n < space.size; n++) space.flag[space.list[n]!] = 0;
    space.size = 0;
  }
  for (let n = 0; n < B; n++) {
    userCount[batch.users[n]!] = 0;
    itemCount[batch.items[n]!] = 0;
  }
}

/** Adam's constants for one step (c1, c2: bias corrections). */
interface AdamStep {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  c1: number;
  c2: number;
}

/** Adam update of the listed rows (then zeroes their gradients); `clamp` projects onto p ≥ 0. */
function adamRows(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  rows: Int32Array,
  count: number,
  width: number,
  adam: AdamStep,
  clamp: boolean,
): void {
  const { beta1, beta2, epsilon, learningRate, c1, c2 } = adam;
  const b1 = 1 - beta1;
  const b2 = 1 - beta2;
  const step = learningRate / c1;
  const inverseC2 = 1 / c2;
  for (let n = 0; n < count; n++) {
    const start = rows[n]! * width;
    const end = start + width;
    for (let k = start; k < end; k++) {
      const gk = g[k]!;
      g[k] = 0;
      const mk = beta1 * m[k]! + b1 * gk;
      const vk = beta2 * v[k]! + b2 * gk * gk;
      m[k] = mk;
      v[k] = vk;
      let value = p[k]! - (step * mk) / (Math.sqrt(vk * inverseC2) + epsilon);
      if (clamp && value < 0) value = 0;
      p[k] = value;
    }
  }
}

/** Adds the gradient of an owner's effective vector (and bias) to each of its members' rows. */
function spread(
  gradVec: Float32Array,
  offset: number,
  gradBias: number,
  memberVec: Float32Array | undefined,
  memberBias: Float32Array | undefined,
  memberships: Memberships | undefined,
  owner: number,
  dim: number,
  space: { flag: Uint8Array; list: Int32Array; size: number },
): void {
  if (!memberVec || !memberships) return;
  const w = memberships.weights[owner]!;
  for (let m = memberships.offsets[owner]!; m < memberships.offsets[owner + 1]!; m++) {
    const member = memberships.members[m]!;
    if (!space.flag[member]) {
      space.flag[member] = 1;
      space.list[space.size++] = member;
    }
    axpy(memberVec, member * dim, w, gradVec, offset, dim);
    if (memberBias) memberBias[member]! += gradBias;
  }
}

function addL2(gradVec: Float32Array, values: Float32Array, offset: number, dim: number, scale: number): void {
  axpy(gradVec, offset, scale, values, offset, dim);
}

/** Rows to score: dense indices (all known) and targets on the model's scale. */
export interface MfRows {
  users: Int32Array;
  items: Int32Array;
  targets: Float32Array;
}

/** Mean squared error of the current tables on rows (no dropout), in target units. */
export function mfMeanSquaredError(
  tables: MfTables,
  structure: MfStructure,
  rows: MfRows,
  config: Pick<MfStepConfig, 'activation' | 'globalBias'>,
): number {
  const { dim } = tables;
  const folded = foldTables(tables, structure);
  let sse = 0;
  for (let r = 0; r < rows.targets.length; r++) {
    const u = rows.users[r]!;
    const i = rows.items[r]!;
    const z =
      config.globalBias +
      folded.userBias[u]! +
      folded.itemBias[i]! +
      dot(folded.userFactors, u * dim, folded.itemFactors, i * dim, dim);
    const err = activate(config.activation, z) - rows.targets[r]!;
    sse += err * err;
  }
  return sse / rows.targets.length;
}
