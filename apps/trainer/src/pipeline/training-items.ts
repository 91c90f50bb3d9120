import { buildSeenItems, seenBy, type SeenItems } from '@edgerec/core';

/**
 * Each model user's training items: the rows of a training file that fall inside the model's
 * users × items (rows with an index outside, -1 included, are skipped), plus the model's own
 * stored seen lists when given. Repeats are kept once.
 */
export function trainingItems(
  users: number,
  items: number,
  rows: { users: ArrayLike<number>; items: ArrayLike<number> },
  stored?: SeenItems,
): SeenItems {
  const u: number[] = [];
  const i: number[] = [];
  for (let r = 0; r < rows.users.length; r++) {
    const user = rows.users[r]!;
    const item = rows.items[r]!;
    if (user >= 0 && user < users && item >= 0 && item < items) {
      u.push(user);
      i.push(item);
    }
  }
  if (stored) {
    for (let user = 0; user < users; user++) {
      for (const item of seenBy(stored, user)) {
        u.push(user);
        i.push(item);
      }
    }
  }
  return buildSeenItems(users, u, i);
}
