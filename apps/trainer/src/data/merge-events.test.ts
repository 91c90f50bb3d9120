import { describe, expect, it } from 'vitest';
import { mergeEvents } from './merge-events.js';
import type { InteractionsFile } from './read-interactions.js';

/** A two-user training file: (u1,i1,2), (u1,i2,1), (u2,i1,1) with timestamps in seconds. */
function trainingFile(): InteractionsFile {
  return {
    users: Uint32Array.from([0, 0, 1]),
    items: Uint32Array.from([0, 1, 0]),
    weights: Float32Array.from([2, 1, 1]),
    timestamps: Float64Array.from([100, 200, 300]),
    userIds: ['u1', 'u2'],
    itemIds: ['i1', 'i2'],
    file: 'train.tsv',
    format: 'tsv',
    sha256: 'x',
    lines: 3,
    duplicates: 0,
    belowMinRating: 0,
    longIdRows: 0,
    source: 'interactions',
  };
}

/** The file as sorted (user, item, weight, timestamp) tuples of ids. */
function tuples(file: InteractionsFile): [string, string, number, number | undefined][] {
  return Array.from(file.users, (u, r): [string, string, number, number | undefined] => [
    file.userIds[u]!,
    file.itemIds[file.items[r]!]!,
    file.weights[r]!,
    file.timestamps?.[r],
  ]).sort();
}

describe('mergeEvents', () => {
  it('sums event weights into their pairs, appends new users, items and pairs, and keeps the latest timestamp', () => {
    const { merged, report } = mergeEvents(
      trainingFile(),
      [
        { id: 'a', user: 'u1', item: 'i1', weight: 3, timestamp: 50_000 }, // older than the row's 100 s
        { id: 'b', user: 'u2', item: 'i2', weight: 1, timestamp: 400_000 },
        { id: 'c', user: 'u3', item: 'i3', weight: 0.5 },
        { id: 'd', user: 'u2', item: 'i2', weight: 2, timestamp: 500_000 },
      ],
      900_000,
    );
    expect(tuples(merged)).toEqual([
      ['u1', 'i1', 5, 100],
      ['u1', 'i2', 1, 200],
      ['u2', 'i1', 1, 300],
      ['u2', 'i2', 3, 500],
      ['u3', 'i3', 0.5, 900], // no timestamp: stamped at the merge
    ]);
    expect(merged.userIds).toEqual(['u1', 'u2', 'u3']);
    expect(merged.itemIds).toEqual(['i1', 'i2', 'i3']);
    expect(report).toEqual({ events: 4, newPairs: 2, newUsers: 1, newItems: 1 });
  });

  it('leaves the training file untouched', () => {
    const file = trainingFile();
    mergeEvents(file, [{ id: 'a', user: 'u9', item: 'i1', weight: 1 }]);
    expect(tuples(file)).toEqual(tuples(trainingFile()));
    expect(file.userIds).toEqual(['u1', 'u2']);
  });
});
