import { buildSortedCsr } from '../../sorted-csr.js';

/**
 * Which members belong to each owner, as CSR: owner o has members[offsets[o]..offsets[o+1]] and
 * weight weights[o] (1/sqrt(count), SVD++'s normalisation). Used for a user's rated items
 * (implicit feedback) and for users' and items' side-feature values.
 */
export interface Memberships {
  readonly offsets: Int32Array;
  readonly members: Int32Array;
  readonly weights: Float32Array;
  /** Number of distinct member ids (rows of the member table). */
  readonly memberCount: number;
}

/** Builds Memberships for `owners` owners from parallel (owner, member) arrays; repeats are kept once. */
export function buildMemberships(
  owners: number,
  memberCount: number,
  ownerOf: ArrayLike<number>,
  memberOf: ArrayLike<number>,
): Memberships {
  const { offsets, columns: members } = buildSortedCsr(Int32Array, owners, ownerOf, memberOf);
  for (const member of members) {
    if (member < 0 || member >= memberCount) throw new RangeError(`member ${member} is outside 0..${memberCount - 1}`);
  }
  const weights = new Float32Array(owners);
  for (let o = 0; o < owners; o++) {
    const n = offsets[o + 1]! - offsets[o]!;
    weights[o] = n > 0 ? 1 / Math.sqrt(n) : 0;
  }
  return { offsets, members, weights, memberCount };
}
