import type { Activation } from './activation.js';
import { assertIvfShape, type IvfIndex } from './ann/ivf-index.js';
import { factorLength, isInt8Rows, type FactorTable } from './factor-table.js';
import type { InteractionFoldIn } from './ials/fold-in-params.js';
import type { IdIndex } from './ids.js';
import type { Objective } from './objective.js';
import type { RatingScale } from './scale.js';
import type { SeenItems } from './seen-items.js';

/**
 * A trained model decoded for scoring: flat row-major factor tables, `dim` values a row, each a
 * Float32Array or int8 rows with a scale per row (from an 'int8-base64' artifact; scored as
 * they are: use the scoring functions, `userQuery`, `readRow` or `toFloat32` rather than
 * indexing a factor table directly). Bias tables are always Float32Array.
 * score(u, i) = activation(globalBias + userBias[u] + itemBias[i] + dot(userFactors[u], itemFactors[i])).
 */
export interface RecommenderModel {
  /**
   * What the head predicts (absent means 'rating', as in every version-1 artifact). A rating
   * head's output maps to the rating scale; an interaction head's output is a ranking score
   * (for a sigmoid head, the probability that the user interacts) and `scale` is the identity.
   */
  readonly objective?: Objective;
  readonly dim: number;
  readonly activation: Activation;
  /** Constant added to every logit (0 for the seed model; the global-mean offset otherwise). */
  readonly globalBias: number;
  readonly scale: RatingScale;
  /** A predicted rating (rating head) or score (interaction head) at or above this means "recommend". */
  readonly recommendThreshold: number;
  readonly users: IdIndex;
  readonly items: IdIndex;
  readonly userFactors: FactorTable;
  readonly itemFactors: FactorTable;
  readonly userBias: Float32Array;
  readonly itemBias: Float32Array;
  /** Items each user rated in training, for excluding them from recommendations. */
  readonly seen?: SeenItems;
  /** Per item, the number of training users who interacted with it: the cold-start ranking. */
  readonly popularity?: Float32Array;
  /** The closed-form iALS fold-in of a new user's interactions against this head's item table. */
  readonly foldIn?: InteractionFoldIn;
  /**
   * An interaction head stored next to a rating head (same ids, seen lists and popularity):
   * recommendations rank by it, scores of pairs use the rating head.
   */
  readonly ranking?: RecommenderModel;
  /** An IVF index over this head's items (only on the head that ranks: see {@link rankingHead}). */
  readonly ivf?: IvfIndex;
}

/** Throws unless every table has the length its id count and dim call for. */
export function assertModelShape(model: RecommenderModel): void {
  const { dim, users, items } = model;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`dim must be a positive integer, got ${dim}`);
  const expect = (name: string, actual: number, wanted: number) => {
    if (actual !== wanted) throw new Error(`${name} has ${actual} values, expected ${wanted}`);
  };
  const factors = (name: string, table: FactorTable, rows: number) => {
    expect(name, factorLength(table), rows * dim);
    if (isInt8Rows(table)) {
      if (table.dim !== dim) throw new Error(`${name} rows are ${table.dim} wide, expected ${dim} (dim)`);
      expect(`${name} scales`, table.scales.length, rows);
    }
  };
  factors('user factors', model.userFactors, users.size);
  factors('item factors', model.itemFactors, items.size);
  expect('user biases', model.userBias.length, users.size);
  expect('item biases', model.itemBias.length, items.size);
  if (model.seen && model.seen.offsets.length !== users.size + 1) {
    throw new Error(`seen items cover ${model.seen.offsets.length - 1} users, expected ${users.size}`);
  }
  if (model.popularity) expect('item popularity', model.popularity.length, items.size);
  if (model.foldIn) expect('fold-in gramian', model.foldIn.gramian.length, dim * dim);
  if (model.ivf) {
    if (model.ranking) throw new Error('an IVF index belongs to the ranking head, not to the rating head beside it');
    assertIvfShape(model.ivf, dim, items.size);
  }
  if (model.ranking) {
    const head = model.ranking;
    if (head.users !== users || head.items !== items) throw new Error('the ranking head must share the model’s ids');
    if (head.ranking) throw new Error('a ranking head cannot have a ranking head of its own');
    if (head.objective !== 'interaction') throw new Error('the ranking head must have the interaction objective');
    assertModelShape(head);
  }
}

/** The head's objective ('rating' when unset, as for version-1 artifacts). */
export function objectiveOf(model: RecommenderModel): Objective {
  return model.objective ?? 'rating';
}

/** The head that ranks recommendations: the interaction head when there is one, else the model itself. */
export function rankingHead(model: RecommenderModel): RecommenderModel {
  return model.ranking ?? model;
}

/** A RecommenderModel whose factor tables are float32 (what training produces). */
export type Float32RecommenderModel = RecommenderModel & {
  readonly userFactors: Float32Array;
  readonly itemFactors: Float32Array;
};
