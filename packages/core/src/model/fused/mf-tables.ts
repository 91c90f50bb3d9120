import { mulberry32 } from '../../random.js';
import type { FactorTables } from '../recommender-net.js';
import type { Memberships } from './memberships.js';
import { axpy } from './vector-ops.js';

/**
 * The structure a factor model adds to plain biased MF. Effective vectors:
 *   user u: P[u] + w_N(u) Σ_{j ∈ N(u)} Y[j] + w_A(u) Σ_{a ∈ A(u)} UA[a],  bias BU[u] + Σ_a UAB[a]
 *   item i: Q[i] + w_G(i) Σ_{g ∈ G(i)} IA[g],                               bias BI[i] + Σ_g IAB[g]
 * where N(u) are the items u rated in training (SVD++ implicit feedback) and A(u), G(i) side features.
 */
export interface MfStructure {
  readonly implicit?: Memberships;
  readonly userFeatures?: Memberships;
  readonly itemFeatures?: Memberships;
}

/** Parameter tables, row-major `dim` floats a row (biases one float a row). */
export interface MfTables {
  readonly dim: number;
  readonly P: Float32Array;
  readonly Q: Float32Array;
  readonly BU: Float32Array;
  readonly BI: Float32Array;
  /** Implicit-feedback item factors (one row per item), when structure.implicit is set. */
  readonly Y?: Float32Array;
  readonly UA?: Float32Array;
  readonly UAB?: Float32Array;
  readonly IA?: Float32Array;
  readonly IAB?: Float32Array;
}

/** The names of the tables present, in a fixed order (for moments, snapshots and kernels). */
export const TABLE_NAMES = ['P', 'Q', 'BU', 'BI', 'Y', 'UA', 'UAB', 'IA', 'IAB'] as const;
/** One of {@link TABLE_NAMES}. */
export type TableName = (typeof TABLE_NAMES)[number];

/** Allocates tables for a model; factors start uniform in ±initScale (seeded), side tables at 0. */
export function createMfTables(
  sizes: { users: number; items: number; dim: number },
  structure: MfStructure,
  initScale: number,
  seed: number,
  nonneg = false,
): MfTables {
  const random = mulberry32(seed);
  const low = nonneg ? 0 : -initScale;
  const uniform = (n: number) => Float32Array.from({ length: n }, () => low + random() * (initScale - low));
  const { users, items, dim } = sizes;
  return {
    dim,
    P: uniform(users * dim),
    Q: uniform(items * dim),
    BU: new Float32Array(users),
    BI: new Float32Array(items),
    ...(structure.implicit ? { Y: new Float32Array(structure.implicit.memberCount * dim) } : {}),
    ...(structure.userFeatures
      ? {
          UA: new Float32Array(structure.userFeatures.memberCount * dim),
          UAB: new Float32Array(structure.userFeatures.memberCount),
        }
      : {}),
    ...(structure.itemFeatures
      ? {
          IA: new Float32Array(structure.itemFeatures.memberCount * dim),
          IAB: new Float32Array(structure.itemFeatures.memberCount),
        }
      : {}),
  };
}

/** Writes user u's effective vector into out[outOffset..] and returns its effective bias. */
export function effectiveUser(
  tables: MfTables,
  structure: MfStructure,
  u: number,
  out: Float32Array,
  outOffset: number,
): number {
  const { dim, P } = tables;
  for (let k = 0, from = u * dim; k < dim; k++) out[outOffset + k] = P[from + k]!;
  addMembers(out, outOffset, tables.Y, structure.implicit, u, dim);
  addMembers(out, outOffset, tables.UA, structure.userFeatures, u, dim);
  return tables.BU[u]! + memberBias(tables.UAB, structure.userFeatures, u);
}

/** Writes item i's effective vector into out[outOffset..] and returns its effective bias. */
export function effectiveItem(
  tables: MfTables,
  structure: MfStructure,
  i: number,
  out: Float32Array,
  outOffset: number,
): number {
  const { dim, Q } = tables;
  for (let k = 0, from = i * dim; k < dim; k++) out[outOffset + k] = Q[from + k]!;
  addMembers(out, outOffset, tables.IA, structure.itemFeatures, i, dim);
  return tables.BI[i]! + memberBias(tables.IAB, structure.itemFeatures, i);
}

/** Folds the structure into plain tables: what the artifact stores and the edge scores with. */
export function foldTables(tables: MfTables, structure: MfStructure): FactorTables {
  const { dim } = tables;
  const users = tables.BU.length;
  const items = tables.BI.length;
  const userFactors = new Float32Array(users * dim);
  const itemFactors = new Float32Array(items * dim);
  const userBias = new Float32Array(users);
  const itemBias = new Float32Array(items);
  for (let u = 0; u < users; u++) userBias[u] = effectiveUser(tables, structure, u, userFactors, u * dim);
  for (let i = 0; i < items; i++) itemBias[i] = effectiveItem(tables, structure, i, itemFactors, i * dim);
  return { userFactors, itemFactors, userBias, itemBias };
}

function addMembers(
  out: Float32Array,
  outOffset: number,
  table: Float32Array | undefined,
  memberships: Memberships | undefined,
  owner: number,
  dim: number,
): void {
  if (!table || !memberships) return;
  const w = memberships.weights[owner]!;
  for (let m = memberships.offsets[owner]!; m < memberships.offsets[owner + 1]!; m++) {
    axpy(out, outOffset, w, table, memberships.members[m]! * dim, dim);
  }
}

function memberBias(table: Float32Array | undefined, memberships: Memberships | undefined, owner: number): number {
  if (!table || !memberships) return 0;
  let bias = 0;
  for (let m = memberships.offsets[owner]!; m < memberships.offsets[owner + 1]!; m++)
    bias += table[memberships.members[m]!]!;
  return bias;
}
