import type { Activation } from '../../activation.js';

/**
 * Objectives of the fused step, each a mean over the batch of a per-row (or per-pair) loss:
 * - 'mse': (act(z) − y)², the rating model;
 * - 'bce': −[y log σ(z) + (1 − y) log(1 − σ(z))], implicit feedback with sampled negatives
 *   (activation must be 'sigmoid');
 * - 'bpr': −log σ(z⁺ − z⁻) over (positive, negative) pairs of the same user (Rendle et al. 2009);
 *   rows [0, B/2) are the positives and row B/2 + r is row r's negative, so the user's bias and
 *   the global bias cancel. The loss reads logits, whatever the activation.
 */
export const MF_LOSSES = ['mse', 'bce', 'bpr'] as const;
/** One of {@link MF_LOSSES}. */
export type MfLoss = (typeof MF_LOSSES)[number];

/** One batch's logits and what the loss needs besides them. */
export interface LossInputs {
  /** z = globalBias + keep · x per row. */
  readonly logits: Float64Array;
  /** The dropout factor per row (1 without dropout): dz/dx. */
  readonly keeps: Float64Array;
  readonly targets: Float32Array;
  /** Per-row loss weights (absent = 1); for 'bpr' the positive row's weight weighs its pair. */
  readonly weights: Float32Array | undefined;
  readonly size: number;
}

/**
 * Writes dLoss/dx per row into `out` (x: the learned part of the logit; the loss is the batch
 * mean, per pair for 'bpr') and returns the batch's summed (weighted) loss: squared errors for
 * 'mse', cross-entropy for 'bce', −log σ(z⁺ − z⁻) for 'bpr'.
 */
export function lossGradients(loss: MfLoss, activation: Activation, rows: LossInputs, out: Float64Array): number {
  if (loss === 'bce') return crossEntropyGradients(rows, out);
  if (loss === 'bpr') return pairwiseGradients(rows, out);
  return squaredErrorGradients(activation, rows, out);
}

function squaredErrorGradients(activation: Activation, rows: LossInputs, out: Float64Array): number {
  const { logits, keeps, targets, weights, size: B } = rows;
  let sse = 0;
  for (let r = 0; r < B; r++) {
    const z = logits[r]!;
    let value: number;
    let slope: number;
    if (activation === 'linear') {
      value = z;
      slope = 1;
    } else if (activation === 'tanh') {
      value = Math.tanh(z);
      slope = 1 - value * value;
    } else {
      value = 1 / (1 + Math.exp(-z));
      slope = value * (1 - value);
    }
    const err = value - targets[r]!;
    if (weights) {
      const w = weights[r]!;
      sse += w * err * err;
      out[r] = (2 * w * err * slope * keeps[r]!) / B;
    } else {
      sse += err * err;
      out[r] = (2 * err * slope * keeps[r]!) / B;
    }
  }
  return sse;
}

function crossEntropyGradients(rows: LossInputs, out: Float64Array): number {
  const { logits, keeps, targets, weights, size: B } = rows;
  let total = 0;
  for (let r = 0; r < B; r++) {
    const z = logits[r]!;
    const y = targets[r]!;
    const w = weights ? weights[r]! : 1;
    // −[y log σ(z) + (1−y) log(1−σ(z))] = softplus(z) − y·z, finite for any z (no log of 0).
    total += w * (softplus(z) - y * z);
    out[r] = (w * (sigmoid(z) - y) * keeps[r]!) / B;
  }
  return total;
}

function pairwiseGradients(rows: LossInputs, out: Float64Array): number {
  const { logits, keeps, weights, size: B } = rows;
  const pairs = B / 2;
  let total = 0;
  for (let r = 0; r < pairs; r++) {
    const n = r + pairs;
    const margin = logits[r]! - logits[n]!;
    const w = weights ? weights[r]! : 1;
    // −log σ(d) = softplus(−d); d/dd = −σ(−d).
    total += w * softplus(-margin);
    const g = (-w * sigmoid(-margin)) / pairs;
    out[r] = g * keeps[r]!;
    out[n] = -g * keeps[n]!;
  }
  return total;
}

/** log(1 + eᶻ) without overflow. */
function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/** σ(z) without overflow for large |z|. */
function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
