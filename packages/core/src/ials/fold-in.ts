import { readRow } from '../factor-table.js';
import type { RecommenderModel } from '../recommender-model.js';
import type { UserQuery } from '../topk.js';
import { confidenceOf } from './confidence.js';
import { IalsRowSolver, rowRegularization } from './row-solve.js';

/** An interaction by a new user: a model item index and an optional weight (default 1). */
export interface FoldInInteraction {
  readonly item: number;
  readonly weight?: number;
}

/** Options for {@link foldInInteractions}. */
export interface InteractionFoldInOptions {
  /** Overrides the trained ridge λ. */
  l2?: number;
}

const solvers = new Map<number, IalsRowSolver>();

/**
 * A query vector for a user the model has never seen, from the items they interacted with,
 * holding the item table fixed: the exact iALS user solve
 *   p = (w0·G + Σ_i c_i q_i q_iᵀ + λ_u I)⁻¹ Σ_i c_i q_i
 * with the training run's w0, λ (frequency-scaled by ν), confidence map and Gramian G = QᵀQ
 * (what the `implicit` library calls recalculate_user). A repeated item sums its weights.
 * Costs n·dim²/2 + dim³/6 multiply-adds for n items. Throws RangeError on bad input, and Error
 * when the model has no fold-in parameters (not an iALS head).
 */
export function foldInInteractions(
  model: RecommenderModel,
  interactions: readonly FoldInInteraction[],
  options: InteractionFoldInOptions = {},
): UserQuery {
  const params = model.foldIn;
  if (!params) throw new Error('this model has no interaction fold-in (it was not trained with iALS)');
  if (!Array.isArray(interactions) || interactions.length === 0)
    throw new RangeError('fold-in needs at least one item');
  const l2 = options.l2 ?? params.l2;
  if (!(Number.isFinite(l2) && l2 >= 0)) throw new RangeError(`l2 must be a finite number ≥ 0, got ${l2}`);
  const items = model.items.size;
  const summed = new Map<number, number>();
  for (let j = 0; j < interactions.length; j++) {
    const { item, weight = 1 } = interactions[j]!;
    if (!Number.isInteger(item) || item < 0 || item >= items) {
      throw new RangeError(`items[${j}].item ${item} is not an item index of the model (0 to ${items - 1})`);
    }
    if (!(Number.isFinite(weight) && weight > 0))
      throw new RangeError(`items[${j}].weight must be a finite number > 0 (got ${weight})`);
    summed.set(item, (summed.get(item) ?? 0) + weight);
  }
  const { dim } = model;
  const n = summed.size;
  const rows = new Float32Array(n * dim);
  const confidences = new Float64Array(n);
  const row = new Float32Array(dim);
  let r = 0;
  for (const [item, weight] of summed) {
    rows.set(readRow(model.itemFactors, item, dim, row), r * dim);
    confidences[r] = confidenceOf(params.confidence, weight);
    r++;
  }
  const base = new Float64Array(dim * dim);
  for (let k = 0; k < base.length; k++) base[k] = params.unobservedWeight * params.gramian[k]!;
  const lambda = rowRegularization(l2, params.regExponent, n, items, params.unobservedWeight);
  let solver = solvers.get(dim);
  if (!solver) {
    solver = new IalsRowSolver(dim);
    solvers.set(dim, solver);
  }
  const factors = new Float32Array(dim);
  if (!solver.solve(base, rows, undefined, 0, n, confidences, lambda, factors, 0)) {
    throw new Error('the items do not determine a user vector without regularisation: use l2 > 0');
  }
  return { factors, bias: 0 };
}
