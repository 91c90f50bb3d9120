/** A two-way mapping between opaque string ids and dense indices 0..size-1. */
export interface IdIndex {
  /** Ids in index order: `ids[i]` is the id of index `i`. */
  readonly ids: readonly string[];
  /** Number of ids. */
  readonly size: number;
  /** The dense index of an id, or undefined when the id is unknown. */
  indexOf(id: string): number | undefined;
}

/** Builds an IdIndex from ids in index order; throws on a duplicate id. */
export function createIdIndex(ids: readonly string[]): IdIndex {
  const positions = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as string;
    if (positions.has(id)) {
      throw new Error(`duplicate id "${id}" at index ${i} (first at ${positions.get(id)})`);
    }
    positions.set(id, i);
  }
  return {
    ids,
    size: ids.length,
    indexOf: (id) => positions.get(id),
  };
}

/** An IdIndex that grows: `encode` assigns the next free index to an id it has not seen. */
export interface IdEncoder extends IdIndex {
  /** The index of `id`, assigning a new one if the id is new. */
  encode(id: string): number;
}

/** Creates an empty IdEncoder; indices are assigned in first-seen order. */
export function createIdEncoder(): IdEncoder {
  const ids: string[] = [];
  const positions = new Map<string, number>();
  return {
    ids,
    get size() {
      return ids.length;
    },
    indexOf: (id) => positions.get(id),
    encode(id) {
      let index = positions.get(id);
      if (index === undefined) {
        index = ids.length;
        ids.push(id);
        positions.set(id, index);
      }
      return index;
    },
  };
}

/** The message for an id a model does not know, worded the same offline and at the edge. */
export function unknownIdMessage(kind: 'user' | 'item', id: string, known: number): string {
  return `unknown ${kind} ${JSON.stringify(id)} (the model knows ${known} ${kind}s)`;
}
