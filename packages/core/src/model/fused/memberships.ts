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
  const counts = new Int32Array(owners + 1);
  for (let r = 0; r < ownerOf.length; r++) counts[(ownerOf[r] as number) + 1]!++;
  for (let o = 0; o < owners; o++) counts[o + 1]! += counts[o]!;
  const cursor = counts.slice(0, owners);
  const flat = new Int32Array(ownerOf.length);
  for (let r = 0; r < ownerOf.length; r++) flat[cursor[ownerOf[r] as number]!++] = memberOf[r] as number;
  const offsets = new Int32Array(owners + 1);
  const weights = new Float32Array(owners);
  let write = 0;
  for (let o = 0; o < owners; o++) {
    const slice = flat.subarray(counts[o], counts[o + 1]).sort();
    offsets[o] = write;
    let previous = -1;
    for (let j = 0; j < slice.length; j++) {
      const member = slice[j]!;
      if (member < 0 || member >= memberCount) throw new RangeError(`member ${member} is outside 0..${memberCount - 1}`);
      if (member !== previous) flat[write++] = member;
      previous = member;
    }
    const n = write - offsets[o]!;
    weights[o] = n > 0 ? 1 / Math.sqrt(n) : 0;
  }
  offsets[owners] = write;
  return { offsets, members: flat.slice(0, write), weights, memberCount };
}
