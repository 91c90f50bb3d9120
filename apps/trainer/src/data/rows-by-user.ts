/** Row indices grouped by user, file order within each user; user u's rows are `order[start[u]] … order[start[u + 1] - 1]`. */
export interface RowsByUser {
  order: Uint32Array;
  /** userCount + 1 offsets into `order`. */
  start: Uint32Array;
}

/** Groups rows by user with a stable counting sort (one pass to count, one to place). */
export function rowsByUser(users: Uint32Array, userCount: number): RowsByUser {
  const start = new Uint32Array(userCount + 1);
  for (let r = 0; r < users.length; r++) start[users[r]! + 1]!++;
  for (let u = 1; u <= userCount; u++) start[u]! += start[u - 1]!;
  const next = start.slice(0, userCount);
  const order = new Uint32Array(users.length);
  for (let r = 0; r < users.length; r++) order[next[users[r]!]!++] = r;
  return { order, start };
}
